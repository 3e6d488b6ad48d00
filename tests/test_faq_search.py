"""The FAQ search (/faq/?q=): patients' words, synonyms, ranking, excerpts with <mark>, hostile
input, and the count of searches that found nothing. Runs the same on SQLite and PostgreSQL."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from faq.models import Category, Question, RecoveryStage, SearchMiss, Synonym
from faq.search import clean_query, parse_query, stem, synonym_terms
from tests.faq_helpers import main_html, make_question

pytestmark = pytest.mark.django_db

_HIT = re.compile(r'<h2 class="search-hit-title"><a href="([^"]+)">')


def search(client, query: str):
    response = client.get(reverse("faq:index"), {"q": query})
    assert response.status_code == 200
    return response


def hit_urls(response) -> list[str]:
    """The addresses of the hits, best first."""
    return _HIT.findall(main_html(response))


# --- What patients type finds the right answer first --------------------------------------------

QUERY_TABLE = [
    # (query, the first hit): the words of the query need not be together, or all present.
    ("how many sessions", "/faq/how-many-treatments/"),
    ("How many treatments will I need?", "/faq/how-many-treatments/"),
    ("acne scar treatment", "/faq/how-many-treatments/"),
    ("can I wear makeup", "/faq/aftercare/"),
    ("can I wear make-up?", "/faq/aftercare/"),
    ("microneedling pregnant", "/faq/who-should-avoid-it/"),
    ("pregnancy", "/faq/who-should-avoid-it/"),
    # Synonyms seeded by the migration: either word finds the answer that uses the other.
    ("isotretinoin", "/faq/who-should-avoid-it/"),
    ("accutane", "/faq/who-should-avoid-it/"),
    ("ACCUTANE", "/faq/who-should-avoid-it/"),
    ("antiviral", "/faq/who-should-avoid-it/"),
    ("anti-viral", "/faq/who-should-avoid-it/"),
    ("cold sores", "/faq/who-should-avoid-it/"),
    ("herpes simplex", "/faq/who-should-avoid-it/"),
    ("does it hurt", "/faq/what-it-feels-like/"),
    ("is it painful", "/faq/what-it-feels-like/"),
    ("keloid", "/faq/who-should-avoid-it/"),
    ("downtime", "/faq/downtime/"),
    ("chest", "/faq/areas-treated/"),
    # Words only in a recovery timeline stage find that stage on the aftercare page.
    ("persists", "/aftercare/#recovery-day-2"),
    ("sunburn", "/aftercare/#recovery-day-2"),
    ("resembles sunburn", "/aftercare/#recovery-day-2"),
]


@pytest.mark.parametrize(("query", "first"), QUERY_TABLE)
def test_search_finds_the_right_answer_first(client, query, first):
    urls = hit_urls(search(client, query))
    assert urls, f"nothing found for {query!r}"
    assert urls[0] == first, f"{query!r}: {urls}"


def test_keloid_lists_only_the_question_that_mentions_it(client):
    assert hit_urls(search(client, "keloid")) == ["/faq/who-should-avoid-it/"]


def test_each_significant_word_is_matched_on_its_own(client):
    """ "sessions pregnant" is not a phrase any answer contains, but each word finds its
    answers, and both are listed."""
    urls = hit_urls(search(client, "sessions pregnant"))
    assert "/faq/how-many-treatments/" in urls
    assert "/faq/who-should-avoid-it/" in urls


def test_questions_matching_more_of_the_words_come_first(client):
    """ "microneedling pregnant": every answer says microneedling, one also says pregnant."""
    urls = hit_urls(search(client, "microneedling pregnant"))
    assert urls[0] == "/faq/who-should-avoid-it/"
    assert len(urls) > 3


def test_stop_words_are_dropped():
    concepts = parse_query("How many sessions can I have with the clinic?", synonym_terms())
    assert [concept.words for concept in concepts] == ["sessions", "clinic"]


def test_a_synonym_phrase_is_one_concept_with_every_equivalent():
    (concept,) = parse_query("cold sores", synonym_terms())
    assert {term.text for term in concept.terms} == {"cold sores", "cold sore", "herpes simplex"}


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("treatments", "treatment"),
        ("scarring", "scars"),
        ("treated", "treat"),
        ("bruising", "bruises"),
        ("anti-viral", "antiviral"),
        ("AHA\N{RIGHT SINGLE QUOTATION MARK}s", "aha"),
    ],
)
def test_the_python_stemmer_makes_word_forms_alike(word, other):
    assert stem(word) == stem(other)


# --- Staff synonyms -------------------------------------------------------------------------------


def test_synonyms_added_by_staff_apply_to_the_next_search(client):
    assert hit_urls(search(client, "zebra")) == []
    Synonym.objects.create(terms="zebra, keloid")
    assert hit_urls(search(client, "zebra")) == ["/faq/who-should-avoid-it/"]


def test_the_clinics_synonyms_are_seeded():
    groups = [set(map(str.casefold, synonym.term_list())) for synonym in Synonym.objects.all()]
    for pair in [
        {"accutane", "isotretinoin"},
        {"anti-viral", "antiviral"},
        {"cold sore", "herpes simplex"},
        {"sessions", "treatments"},
        {"pain", "hurt"},
    ]:
        assert any(pair <= group for group in groups), pair


@pytest.mark.parametrize("terms", ["lonely", " , ,", "word, ???"])
def test_a_synonym_group_needs_two_real_terms(terms):
    with pytest.raises(ValidationError):
        Synonym(terms=terms).full_clean()


def test_a_synonym_group_is_tidied_when_cleaned():
    synonym = Synonym(terms="  Roaccutane ,isotretinoin;  roaccutane ")
    synonym.full_clean()
    assert synonym.terms == "Roaccutane, isotretinoin"


# --- What a hit shows -----------------------------------------------------------------------------


def test_hit_shows_an_excerpt_with_the_matched_words_marked(client):
    content = main_html(search(client, "isotretinoin"))
    assert "<mark>Accutane</mark> (<mark>isotretinoin</mark>, an acne medicine)" in content
    assert "1 result found for “isotretinoin”." in content


def test_hit_links_to_the_question_and_names_its_category(client):
    content = main_html(search(client, "keloid"))
    hit = content.split("<li>", 1)[1].split("</li>", 1)[0]
    assert '<a href="/faq/who-should-avoid-it/">Who should avoid Medical Microneedling?</a>' in hit
    assert "Suitability" in hit


def test_excerpt_is_short_and_centred_on_the_match(client):
    content = main_html(search(client, "quarterly"))
    excerpt = re.search(r'<p class="search-hit-excerpt">(.*?)</p>', content).group(1)
    text = re.sub(r"<[^>]+>", "", excerpt)
    assert len(text) <= 210
    assert text.startswith("\N{HORIZONTAL ELLIPSIS}")  # the match is near the end of the answer
    assert "<mark>quarterly</mark>" in excerpt


def test_matched_words_in_the_title_are_marked_too(client):
    content = main_html(search(client, "downtime"))
    assert "and what is the <mark>downtime</mark>?</a>" in content


def test_excerpt_escapes_the_answer_text(client):
    make_question(
        slug="escaping", question="Angle brackets?", answer="Ratio 5 < 6 & acne-prone <b>skin</b>"
    )
    content = main_html(search(client, "ratio"))
    assert "<mark>Ratio</mark> 5 &lt; 6 &amp; acne-prone skin" in content


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "<mark>acne</mark>",
        "acne</mark><script>x</script>",
    ],
)
def test_the_query_never_becomes_markup(client, query):
    content = search(client, query).content.decode()
    assert "<script>" not in content
    assert "<img" not in content
    assert "onerror=alert" not in content.replace("onerror=alert(1)&gt;", "")
    # Every <mark> the page has wraps a plain word of an answer.
    marked = re.findall(r"<mark>(.*?)</mark>", content)
    assert all(re.fullmatch(r"[\w'\-]+(?: [\w'\-]+)*", word) for word in marked), marked


def test_the_query_is_shown_escaped(client):
    response = search(client, '<script>alert(1)</script>"><b onmouseover=x>')
    content = response.content.decode()
    assert "<b onmouseover" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;' in content


def test_search_results_replace_the_full_list(client):
    """A search shows its hits only (no contents list, no full answers), with a way back."""
    content = main_html(search(client, "acne"))
    assert "faq-contents" not in content
    assert 'id="q-downtime"' not in content
    assert '<a href="/faq/">Show all questions</a>' in content
    assert len(hit_urls(search(client, "acne"))) == 4


def test_search_box_is_labelled_and_keeps_the_query(client):
    content = search(client, "acne").content.decode()
    assert '<label for="faq-search">' in content
    assert 'id="faq-search" name="q" value="acne"' in content
    assert 'method="get"' in content


def test_unpublished_questions_and_stages_are_not_found(client):
    Question.objects.filter(slug="who-should-avoid-it").update(published=False)
    RecoveryStage.objects.filter(title="Day 2").update(published=False)
    assert hit_urls(search(client, "keloid")) == []
    assert hit_urls(search(client, "persists")) == []


def test_questions_of_an_unpublished_category_are_not_found(client):
    Category.objects.filter(slug="suitability").update(published=False)
    assert hit_urls(search(client, "accutane")) == []


def test_search_results_are_not_stored_in_the_page_cache(client):
    search(client, "acne")
    assert cache.get("public-page:/faq/") is None
    assert cache.get("public-page:/faq/?q=acne") is None


# --- Searches that find nothing -------------------------------------------------------------------


def test_a_search_without_results_says_so_and_offers_the_clinic(client, settings):
    settings.CLINIC_PHONE = "(555) 010-9999"
    content = main_html(search(client, "tattoo"))
    assert "No results found for “tattoo”." in content
    assert 'class="faq-list' not in content
    assert 'href="/faq/"' in content
    assert "(555) 010-9999" in content


def test_searches_that_find_nothing_are_counted_by_their_words_only(client):
    search(client, "How much is a tattoo?")
    search(client, "TATTOO!!")
    search(client, "Is the tattoo ink a problem?")
    assert list(SearchMiss.objects.values_list("words", "count")) == [
        ("tattoo", 2),
        ("tattoo ink problem", 1),
    ]


def test_a_miss_keeps_the_words_and_a_count_and_nothing_else():
    fields = {field.name for field in SearchMiss._meta.get_fields()}
    assert fields == {"id", "words", "count"}


def test_searches_with_hits_or_without_words_are_not_counted(client):
    search(client, "acne")
    search(client, "how can I")
    search(client, "?!...")
    assert not SearchMiss.objects.exists()


def test_a_miss_that_cannot_be_counted_still_gets_its_page(client, monkeypatch):
    """The statistic is given up, not the patient's page (e.g. a locked database)."""
    from django.db import OperationalError

    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("faq.search.misses._count_miss", fail)
    response = search(client, "tattoo")
    assert "No results found" in main_html(response)


def test_a_head_request_is_not_counted(client):
    assert client.head(reverse("faq:index"), {"q": "tattoo"}).status_code == 200
    assert not SearchMiss.objects.exists()


# --- Hostile or odd input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "acne " * 2000,
        "x" * 10_000,
        "\x00",
        "acne\x00scars",
        "how can I the",
        "?!... ,;: --- ***",
        "' OR 1=1 --",
        "acne & | ! <-> :* ( )",
        "\\",
        "\N{RIGHT-TO-LEFT OVERRIDE}acne\ufeff",
    ],
    ids=[
        "script",
        "many words",
        "very long word",
        "NUL",
        "NUL inside",
        "only stop words",
        "only punctuation",
        "SQL",
        "tsquery syntax",
        "backslash",
        "format characters",
    ],
)
def test_hostile_queries_get_a_sensible_page(client, query):
    response = client.get(reverse("faq:index"), {"q": query})
    if "\x00" in query:
        # Refused for the whole site before any view (clinic.middleware), with its own page.
        assert response.status_code == 400
        assert "<h1>" in response.content.decode()
        return
    assert response.status_code == 200
    content = main_html(response)
    assert "<script" not in content
    assert "\x00" not in content


def test_nul_bytes_and_broken_encodings_in_the_raw_query_string_are_harmless(client):
    for raw, status in (
        ("/faq/?q=%00", 400),
        ("/faq/?q=acne%00", 400),
        ("/faq/?q=%00%00%00&q=%00", 400),
        ("/faq/?q=%ED%B3%BF%FF%FE", 200),  # an encoded lone surrogate, bytes not UTF-8
        ("/faq/?q=%", 200),
    ):
        assert client.get(raw).status_code == status, raw
    assert not SearchMiss.objects.exists()


def test_a_query_of_stop_words_shows_every_question_with_a_hint(client):
    content = main_html(search(client, "how can I"))
    assert "Type a word or two" in content
    assert content.count('<section class="faq-entry"') == Question.objects.published().count()


def test_clean_query_drops_control_characters_and_bounds_the_length():
    assert clean_query("  acne\x00 \x07scars\n ") == "acne scars"
    assert len(clean_query("word " * 1000)) <= 200


# --- Cost -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 200])
def test_faq_search_runs_at_most_three_queries(client, django_assert_max_num_queries, count):
    """Synonyms, questions, timeline stages: three queries however much content there is."""
    from tests.test_faq import add_questions

    add_questions(count)
    client.get(reverse("faq:index"), {"q": "scars"})  # the clinic's details are then cached
    with django_assert_max_num_queries(3):
        response = client.get(reverse("faq:index"), {"q": "acne"})
    assert f"{count + 4} results found" in response.content.decode()
