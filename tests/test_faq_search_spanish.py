"""The FAQ search on the Spanish pages: over the Spanish text, with Spanish stems, accents
optional ("isotretinoina" finds "isotretinoína"), and the Spanish synonyms (isotretinoína and
Accutane, herpes labial and fuego/calentura, sesiones and tratamientos, dolor and duele).
English searches are untouched (tests/test_faq_search.py). Runs the same on SQLite and
PostgreSQL (there with the `spanish_unaccent` configuration of faq migration 0007).
"""

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from faq import views
from faq.models import Category, Question, SearchMiss, Synonym
from faq.search import parse_query, search, stem, synonym_terms
from faq.search.words import fold_accents, is_stop_word, words_of
from tests.faq_helpers import main_html

pytestmark = pytest.mark.django_db

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
_HIT = re.compile(r'<h2 class="search-hit-title"(?: lang="\w+")?><a href="([^"]+)">')


def spanish_search(query: str) -> str:
    with translation.override("es"):
        request = RequestFactory().get("/es/faq/", {"q": query})
        request.user = AnonymousUser()
        response = views.index(request)
    assert response.status_code == 200
    return main_html(response)


def urls_in(content: str) -> list[str]:
    """The hits' addresses, best first, without the Spanish pages' /es prefix (where routed)."""
    return [re.sub(r"^/es(?=/)", "", url) for url in _HIT.findall(content)]


def hit_urls(query: str) -> list[str]:
    return urls_in(spanish_search(query))


def first_hit(query: str) -> str:
    urls = hit_urls(query)
    assert urls, f"nothing found for {query!r}"
    return urls[0]


QUERY_TABLE = [
    # (query, the first hit)
    ("¿Cuántas sesiones necesito?", "/faq/how-many-treatments/"),
    ("tratamientos", "/faq/how-many-treatments/"),
    ("mantenimiento", "/faq/how-many-treatments/"),
    ("embarazada", "/faq/who-should-avoid-it/"),
    ("¿Puedo maquillarme?", "/faq/aftercare/"),
    ("maquillaje", "/faq/aftercare/"),
    ("protector solar", "/faq/aftercare/"),
    ("queloides", "/faq/who-should-avoid-it/"),
    ("cicatrices de acné", "/faq/conditions-treated/"),
    ("escote", "/faq/areas-treated/"),
    ("pecho", "/faq/areas-treated/"),
    ("¿Cuándo veré los resultados?", "/faq/when-will-i-see-results/"),
    # The four pairs the clinic asked for, each way round.
    ("isotretinoína", "/faq/who-should-avoid-it/"),
    ("Accutane", "/faq/who-should-avoid-it/"),
    ("herpes labial", "/faq/who-should-avoid-it/"),
    ("fuego", "/faq/who-should-avoid-it/"),
    ("calentura", "/faq/who-should-avoid-it/"),
    ("calenturas", "/faq/who-should-avoid-it/"),
    ("¿Duele?", "/faq/what-it-feels-like/"),
    ("dolor", "/faq/what-it-feels-like/"),
    ("¿Me va a doler?", "/faq/what-it-feels-like/"),
    # Accents are optional.
    ("isotretinoina", "/faq/who-should-avoid-it/"),
    ("ISOTRETINOINA", "/faq/who-should-avoid-it/"),
    ("cicatrices de acne", "/faq/conditions-treated/"),
    ("hinchazon", "/faq/downtime/"),
    ("sesion", "/faq/how-many-treatments/"),
    ("cuantos tratamientos", "/faq/how-many-treatments/"),
    # Words only in a stage of the timeline find that stage.
    ("quemadura de sol", "/aftercare/#recovery-day-2"),
    ("quemadura solar", "/aftercare/#recovery-day-2"),
    ("eritema", "/aftercare/#recovery-day-1"),
]


@pytest.mark.parametrize(("query", "first"), QUERY_TABLE)
def test_spanish_search_finds_the_right_answer_first(query, first):
    assert first_hit(query) == first, hit_urls(query)


@pytest.mark.parametrize(
    ("query", "synonym"),
    [
        ("isotretinoína", "Accutane"),
        ("Accutane", "isotretinoína"),
        ("fuego", "herpes labial"),
        ("calentura", "herpes labial"),
        ("herpes labial", "calenturas"),
        ("sesiones", "tratamientos"),
        ("duele", "dolor"),
    ],
)
def test_each_spanish_synonym_finds_the_answer_that_uses_the_other(query, synonym):
    """The excerpt marks the word the answer uses, not only the one typed."""
    content = spanish_search(query)
    marked = {fold_accents(word).casefold() for word in re.findall(r"<mark>(.*?)</mark>", content)}
    assert fold_accents(synonym).casefold() in marked, marked


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("isotretinoína", "Accutane"),
        ("herpes labial", "fuego"),
        ("herpes labial", "calentura"),
        ("sesiones", "tratamientos"),
        ("dolor", "duele"),
    ],
)
def test_spanish_synonyms_find_the_same_answers(one, other):
    assert hit_urls(one)
    assert hit_urls(one) == hit_urls(other)


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("isotretinoína", "isotretinoina"),
        ("estrías", "estrias"),
        ("cicatrices de acné", "cicatrices de acne"),
        ("hinchazón", "hinchazon"),
        ("sesión", "sesion"),
        ("¿Cuántos tratamientos?", "cuantos tratamientos"),
        ("pequeños puntos", "pequenos puntos"),
    ],
)
def test_accents_are_optional(accented, plain):
    assert hit_urls(accented)
    assert hit_urls(plain) == hit_urls(accented)


def test_the_excerpt_marks_the_accented_word_for_an_unaccented_query():
    content = spanish_search("isotretinoina")
    assert "<mark>Accutane</mark> (<mark>isotretinoína</mark>, un medicamento para el acné)" in (
        content
    )
    assert urls_in(content) == ["/faq/who-should-avoid-it/"]


def test_spanish_hits_show_the_spanish_title_and_category():
    content = spanish_search("queloides")
    hit = content.split("<li>", 1)[1].split("</li>", 1)[0]
    assert "¿Quién no debe hacerse el microneedling médico?" in hit
    assert "Quién puede hacerse el tratamiento" in hit
    assert "lang=" not in hit


def test_the_spanish_synonyms_are_seeded():
    groups = [
        {fold_accents(term).casefold() for term in synonym.term_list()}
        for synonym in Synonym.objects.filter(language=Synonym.Language.SPANISH)
    ]
    for pair in [
        {"isotretinoina", "accutane"},
        {"herpes labial", "fuego", "calentura"},
        {"sesiones", "tratamientos"},
        {"dolor", "duele"},
    ]:
        assert any(pair <= group for group in groups), pair


def test_each_language_uses_its_own_synonyms(client):
    """The English search knows nothing of "calentura", the Spanish nothing of "cold sore"."""
    response = client.get("/faq/", {"q": "calentura"})
    assert "No results found" in response.content.decode()
    english_groups = {term.text for group in synonym_terms("en") for term in group}
    spanish_groups = {term.text for group in synonym_terms("es") for term in group}
    assert "cold sore" in english_groups and "cold sore" not in spanish_groups
    assert "calentura" in spanish_groups and "calentura" not in english_groups


def test_a_spanish_synonym_added_by_staff_applies_to_the_next_spanish_search():
    assert hit_urls("cebra") == []
    Synonym.objects.create(language=Synonym.Language.SPANISH, terms="cebra, queloide")
    assert hit_urls("cebra") == ["/faq/who-should-avoid-it/"]


def test_spanish_stop_words_are_dropped():
    query = "¿Cuántas sesiones puedo tener en la clínica?"
    concepts = parse_query(query, synonym_terms("es"), "es")
    assert [concept.words for concept in concepts] == ["sesiones", "clínica"]


def test_a_question_of_only_spanish_stop_words_shows_everything():
    content = spanish_search("¿Qué se siente?")
    assert content.count('<section class="faq-entry"') == Question.objects.published().count()


def test_a_spanish_search_that_finds_nothing_says_so_and_is_counted():
    content = spanish_search("tatuaje")
    assert "tatuaje" in content
    assert _HIT.findall(content) == []
    assert list(SearchMiss.objects.values_list("words", "count")) == [("tatuaje", 1)]


def test_an_item_without_spanish_is_found_by_its_english_and_marked():
    """What the Spanish page shows, the Spanish search searches: the English of an item not
    yet translated."""
    category = Category.objects.get(slug="suitability")
    Question.objects.create(
        category=category,
        slug="blood-thinners",
        question_en="Can I have it while taking warfarin?",
        answer_en="Ask a clinician about warfarin first.",
    )
    content = spanish_search("warfarin")
    assert re.search(
        r'<h2 class="search-hit-title" lang="en"><a href="(/es)?/faq/blood-thinners/">'
        r"Can I have it while taking <mark>warfarin</mark>\?</a></h2>",
        content,
    )
    assert '<p class="search-hit-excerpt" lang="en">' in content
    # Its category has Spanish: not marked.
    assert '<p class="small search-hit-context">Quién puede hacerse el tratamiento</p>' in content


def test_the_spanish_text_is_searched_not_the_english():
    assert hit_urls("keloid") == []  # an English word, on the Spanish page
    assert hit_urls("queloide") == ["/faq/who-should-avoid-it/"]


def test_a_spanish_query_never_becomes_markup():
    content = spanish_search("<script>alert(1)</script> isotretinoína")
    assert "<script>" not in content
    marked = re.findall(r"<mark>(.*?)</mark>", content)
    assert marked and all(re.fullmatch(r"[\w'\-]+(?: [\w'\-]+)*", word) for word in marked)


@pytest.mark.parametrize("count", [10, 200])
def test_a_spanish_search_runs_at_most_three_queries(count):
    from tests.test_faq import add_questions

    add_questions(count)
    spanish_search("acné")  # the clinic's details are then cached
    with CaptureQueriesContext(connection) as queries:
        content = spanish_search("acné")
    assert len(queries) <= 3
    # The English-only bulk questions ("about acne") are found by their English, as shown.
    assert len(_HIT.findall(content)) == count + 4


def test_english_search_is_unchanged_when_spanish_exists(client):
    """The same first hits as before the Spanish arrived (tests/test_faq_search.py has more)."""
    for query, first in [
        ("isotretinoin", "/faq/who-should-avoid-it/"),
        ("does it hurt", "/faq/what-it-feels-like/"),
        ("sunburn", "/aftercare/#recovery-day-2"),
    ]:
        content = main_html(client.get("/faq/", {"q": query}))
        assert _HIT.findall(content)[0] == first
    assert "isotretinoína" not in main_html(client.get("/faq/", {"q": "isotretinoin"}))


def test_search_follows_the_active_language():
    with translation.override("es"):
        _, hits = search("calentura")
    assert hits and hits[0].url.endswith("/faq/who-should-avoid-it/")  # /es/faq/ once routed
    _, hits = search("calentura")  # English active
    assert hits == []


# --- Spanish stems ------------------------------------------------------------------------------

SPANISH_STEMS = [
    ("sesiones", "sesion"),
    ("sesión", "sesion"),
    ("sesion", "sesion"),
    ("tratamientos", "tratamient"),
    ("tratamiento", "tratamient"),
    ("isotretinoína", "isotretinoin"),
    ("isotretinoina", "isotretinoin"),
    ("cicatrices", "cicatric"),
    ("calenturas", "calentur"),
    ("calentura", "calentur"),
    ("fuegos", "fueg"),
    ("dolores", "dolor"),
    ("doloroso", "dolor"),
    ("queloides", "queloid"),
    ("embarazada", "embaraz"),
    ("embarazo", "embaraz"),
    ("hinchazón", "hinchazon"),
    # Without its accent, the ending "-ción" is not cut (PostgreSQL's Snowball 2 stemmer): the
    # query asks for both numbers instead (test_singular_and_plural_of_cion_words_find_each_other).
    ("inflamación", "inflamacion"),
    ("inflamaciones", "inflam"),
    ("estrías", "estri"),
    ("pequeñas", "pequen"),
    ("pequenas", "pequen"),
    ("Accutane", "accutan"),
]


@pytest.mark.parametrize(("word", "expected"), SPANISH_STEMS)
def test_a_spanish_word_is_cut_to_its_stem_without_accents(word, expected):
    assert stem(word, "es") == expected


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("coagulaciones", "coagulación"),
        ("contraindicación", "contraindicaciones"),
        ("contraindicacion", "contraindicaciones"),
        ("lesion", "lesiones"),
        ("lesiones", "lesión"),
    ],
)
def test_singular_and_plural_of_cion_words_find_each_other(query, text):
    Question.objects.create(
        category=Category.objects.get(slug="aftercare"),
        slug="numbers",
        question_en="Numbers?",
        answer_en="English.",
        question_es="¿Números?",
        answer_es=f"Una {text} pequeña.",
    )
    assert hit_urls(query) == ["/faq/numbers/"]


def test_english_stems_are_as_before():
    assert stem("sessions") == stem("sessions", "en") == "session"
    assert stem("isotretinoína") == "isotretinoína"  # English keeps accents, as PostgreSQL does


def test_spanish_stop_words_ignore_accents():
    assert is_stop_word("qué", "es") and is_stop_word("que", "es")
    assert is_stop_word("cómo", "es") and is_stop_word("como", "es")
    assert not is_stop_word("dolor", "es")
    assert not is_stop_word("qué")  # not an English stop word


def _spanish_seed_words() -> list[str]:
    seed = import_module("faq.migrations.0008_spanish_seed")
    texts = [text for pair in seed.QUESTIONS.values() for text in pair]
    texts += [text for pair in seed.STAGES.values() for text in pair]
    texts += [seed.HELP_BODY, *seed.CATEGORIES.values(), *seed.SYNONYMS]
    return sorted({word for text in texts for word in words_of(text) if word.isalpha()})


@pytest.mark.skipif(not ON_POSTGRES, reason="compares with PostgreSQL's own Spanish stemmer")
def test_every_word_of_the_spanish_seed_stems_as_postgresql_stems_it():
    """On SQLite the search stems in Python what PostgreSQL stems itself: for the same hits, the
    two must agree on every word of the content (stop words, which PostgreSQL drops, aside)."""
    differ = []
    with connection.cursor() as cursor:
        for word in _spanish_seed_words():
            cursor.execute("SELECT to_tsvector('spanish_unaccent', %s)::text", [word])
            (vector,) = cursor.fetchone()
            if not vector:
                assert is_stop_word(word, "es"), word  # what PostgreSQL drops, queries drop
                continue
            if vector.split(":")[0].strip("'") != stem(word, "es"):
                differ.append((word, vector, stem(word, "es")))
    assert not differ


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's configuration")
def test_postgresql_has_the_spanish_configuration_without_accents():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('spanish_unaccent', 'Isotretinoína, pequeñas')::text")
        assert cursor.fetchone()[0] == "'isotretinoin':1 'pequen':2"
