"""The FAQ search's stems: a patient's word finds the answer however it is inflected, and both
databases cut it the same way (on PostgreSQL the database stems; on SQLite, faq.search does)."""

import pytest
from django.conf import settings
from django.db import connection

from faq.search import stem, words_of

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

STEMS = [
    ("treatments", "treatment"),
    ("treatment", "treatment"),
    ("treating", "treat"),
    ("treated", "treat"),
    ("scarring", "scar"),
    ("scars", "scar"),
    ("scar", "scar"),
    ("bruises", "bruis"),
    ("bruising", "bruis"),
    ("needles", "needl"),
    ("needling", "needl"),
    ("microneedling", "microneedl"),
    ("sessions", "session"),
    ("redness", "red"),
    ("peeling", "peel"),
    ("keloids", "keloid"),
    ("healing", "heal"),
    ("heals", "heal"),
    ("wounds", "wound"),
    ("sores", "sore"),
    ("infections", "infect"),
    ("pregnancy", "pregnanc"),
    ("breastfeeding", "breastfeed"),
    ("stretch", "stretch"),
    ("marks", "mark"),
    ("retinoids", "retinoid"),
    ("sunscreen", "sunscreen"),
    ("exfoliating", "exfoli"),
    ("AHA's", "aha"),
    ("Patient\u2019s", "patient"),
    ("anti-viral", "antivir"),
    ("antiviral", "antivir"),
    ("Accutane", "accutan"),
    ("2026", "2026"),
]


@pytest.mark.parametrize(("word", "expected"), STEMS)
def test_a_word_is_cut_to_its_english_stem(word, expected):
    assert stem(word) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("treatments", "treatment"), ("scars", "scarring"), ("anti-viral", "antiviral")],
)
def test_forms_of_one_word_find_each_other(a, b):
    assert stem(a) == stem(b)


def test_words_keep_hyphens_and_apostrophes_inside_a_word():
    assert words_of("AHA's anti-viral, (sessions)!") == ["aha's", "anti-viral", "sessions"]


@pytest.mark.skipif(not ON_POSTGRES, reason="compares with PostgreSQL's own English stemmer")
@pytest.mark.django_db
@pytest.mark.parametrize(
    "word", [w for w, _ in STEMS if w.isalpha()], ids=[w for w, _ in STEMS if w.isalpha()]
)
def test_the_stem_is_the_one_postgresql_makes(word):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('english', %s)::text", [word])
        (vector,) = cursor.fetchone()
    assert vector.split(":")[0].strip("'") == stem(word)
