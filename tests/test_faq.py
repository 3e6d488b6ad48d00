"""The public FAQ: seed content, listing, search, question pages, publishing, caching, queries."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from faq.models import Category, Question, RecoveryStage
from tests.faq_helpers import (
    assert_one_h1_and_headings_in_order,
    main_html,
    make_question,
    normalise,
)

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "docs/microneedling-faq.txt"
TIMELINE_HEADINGS = ["Day 1", "Day 2", "Days 3\N{EN DASH}4"]


def seed_facts() -> list[str]:
    """Every sentence of the clinic's text, bullets stripped, normalised."""
    facts = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip().lstrip("\N{EN DASH}\N{EM DASH}\N{BULLET}-* ").strip()
        if not line:
            continue
        for sentence in re.split(r"(?<=[.?!])\s+(?=[A-Z“(])", line):
            fact = normalise(sentence)
            if fact and fact != ".":
                facts.append(fact)
    return facts


def site_text(client) -> str:
    """Everything the FAQ, every question page linked from it and the aftercare page say."""
    index = client.get(reverse("faq:index"))
    assert index.status_code == 200
    pages = [main_html(index)]
    question_urls = re.findall(r'href="(/faq/[^"/]+/)"', main_html(index))
    assert len(question_urls) == Question.objects.published().count()
    for url in question_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(main_html(response))
    pages.append(main_html(client.get(reverse("aftercare"))))
    return normalise(" ".join(pages))


# --- Seed content -------------------------------------------------------------------------------


def test_seed_file_is_there_to_check_against():
    """The content test below must not pass vacuously when the seed file is missing."""
    assert SEED.is_file(), f"seed text not found at {SEED}"
    assert len(seed_facts()) > 60


def test_every_fact_of_the_seed_text_is_on_the_site(client):
    """A fresh database (loaded by the data migration) shows every sentence of the seed."""
    text = site_text(client)
    missing = [fact for fact in seed_facts() if fact not in text]
    assert not missing, "facts missing from the site:\n" + "\n".join(missing)


def test_recovery_timeline_has_its_three_stage_headings_in_order(client):
    content = client.get(reverse("aftercare")).content.decode()
    headings = re.findall(r"<h3>([^<]+)</h3>", content)
    assert headings == TIMELINE_HEADINGS
    assert [stage.title for stage in RecoveryStage.objects.published()] == TIMELINE_HEADINGS


def test_seed_lists_stay_lists():
    """Conditions treated, who should avoid it and the aftercare instructions are <ul> lists."""
    conditions = Question.objects.get(slug="conditions-treated").answer_html
    assert conditions.count("<li>") == 7
    avoid = Question.objects.get(slug="who-should-avoid-it").answer_html
    assert avoid.count("<li>") == 6
    assert "<li>Are pregnant or breastfeeding</li>" in avoid
    aftercare = Question.objects.get(slug="aftercare").answer_html
    assert aftercare.count("<li>") == 7


def test_seed_arrives_in_the_suggested_categories(client):
    content = client.get(reverse("faq:index")).content.decode()
    titles = re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', content)
    assert titles[:4] == ["The treatment", "Results and recovery", "Suitability", "Aftercare"]


# --- Listing and question pages -----------------------------------------------------------------


def test_faq_lists_questions_grouped_by_category_in_order(client):
    category = Category.objects.create(title="Zebra facts", slug="zebra", order=1)
    make_question(category=category, slug="second", question="Second zebra?", answer="B", order=2)
    make_question(category=category, slug="first", question="First zebra?", answer="A", order=1)
    content = main_html(client.get(reverse("faq:index")))
    zebra = content.index("Zebra facts")
    assert zebra < content.index("The treatment")  # order 1 comes before the seed's 10
    assert zebra < content.index("First zebra?") < content.index("Second zebra?")


def test_question_page_shows_the_rendered_answer(client):
    response = client.get(reverse("faq:question", kwargs={"slug": "who-should-avoid-it"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Who should avoid Medical Microneedling?</h1>" in content
    assert "<li>Have been treated with Accutane within the past 3 months</li>" in content
    assert 'href="/screener/"' in content


def test_unknown_slug_is_a_404_with_the_sites_not_found_page(client):
    response = client.get("/faq/no-such-question/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "<h1>Page not found</h1>" in content
    assert 'href="/faq/"' in content


@pytest.mark.parametrize(
    "url", ["/faq/", "/faq/?q=acne", "/faq/?q=zzzz", "/faq/downtime/", "/aftercare/"]
)
def test_faq_pages_have_one_h1_and_headings_in_order(client, url):
    assert_one_h1_and_headings_in_order(client.get(url))


def test_public_faq_pages_set_no_cookie_and_are_served_from_cache(
    client, django_assert_num_queries
):
    """The same page for everyone: no session, no CSRF cookie, and the second visit costs no
    database query."""
    for url in ("/faq/", "/faq/downtime/"):
        first = client.get(url)
        assert not first.cookies
        assert "cookie" not in first.get("Vary", "").lower()
        # Served from the page cache: at most the one read of the pages' version (the shared
        # database cache without Redis), never the content's own queries.
        with django_assert_num_queries(1 if "DatabaseCache" in cache_backend() else 0) as ctx:
            second = client.get(url)
        assert all("cache" in q["sql"] for q in ctx.captured_queries)
        assert second.content == first.content


def cache_backend() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"]


def test_hostile_answers_render_inert(client):
    make_question(
        slug="hostile",
        question="Is this safe?",
        answer='<script>alert("x")</script>[link](javascript:alert(1)) '
        '<a href="https://example.com" onclick="steal()">ok</a> <img src=x onerror=alert(1)>',
    )
    content = client.get("/faq/hostile/").content.decode().lower()
    assert "<script" not in content
    assert "javascript:" not in content
    assert "onclick" not in content
    assert "onerror" not in content
    assert 'href="https://example.com"' in content


# --- Search --------------------------------------------------------------------------------------


def test_search_finds_questions_by_answer_text_case_insensitively(client):
    response = client.get(reverse("faq:index"), {"q": "ACCUTANE"})
    assert response.status_code == 200
    content = main_html(response)
    assert "1 question found for “ACCUTANE”." in content
    assert 'href="/faq/who-should-avoid-it/"' in content
    assert 'href="/faq/downtime/"' not in content
    # The results keep their category heading.
    assert '<h2 id="suitability">Suitability</h2>' in content
    assert "The treatment" not in content


def test_search_finds_questions_by_question_text_and_counts_them(client):
    content = main_html(client.get(reverse("faq:index"), {"q": "treatments"}))
    found = re.findall(r'<li><a href="(/faq/[^"]+/)">', content)
    assert "/faq/how-many-treatments/" in found
    assert f"{len(found)} questions found for “treatments”." in content


def test_search_without_results_says_so(client):
    response = client.get(reverse("faq:index"), {"q": "tattoo removal"})
    assert response.status_code == 200
    content = main_html(response)
    assert "No results found for “tattoo removal”." in content
    assert "<h2" not in content.split("No results found", 1)[1].split("cta", 1)[0]
    # The visitor is told what to do instead, and can go back to every question.
    assert 'href="/faq/"' in content


def test_search_box_is_labelled_and_keeps_the_query(client):
    content = client.get(reverse("faq:index"), {"q": "acne"}).content.decode()
    assert '<label for="faq-search">' in content
    assert 'id="faq-search" name="q" value="acne"' in content
    assert 'method="get"' in content


def test_hostile_search_input_is_escaped(client):
    response = client.get(
        reverse("faq:index"), {"q": '<script>alert(1)</script>"><b onmouseover=x>'}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "<b onmouseover" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;' in content


def test_search_results_are_not_stored_in_the_page_cache(client):
    client.get(reverse("faq:index"), {"q": "acne"})
    assert cache.get("public-page:/faq/") is None


# --- Publishing ----------------------------------------------------------------------------------


def test_unpublished_question_vanishes_from_listing_search_and_its_own_url(client):
    question = Question.objects.get(slug="downtime")
    question.published = False
    question.save()
    assert "/faq/downtime/" not in client.get("/faq/").content.decode()
    search = client.get("/faq/", {"q": "downtime"}).content.decode()
    assert "/faq/downtime/" not in search
    assert client.get("/faq/downtime/").status_code == 404


def test_questions_in_an_unpublished_category_vanish_everywhere(client):
    category = Category.objects.get(slug="suitability")
    category.published = False
    category.save()
    listing = client.get("/faq/").content.decode()
    assert "Suitability" not in main_html(client.get("/faq/"))
    assert "/faq/am-i-a-candidate/" not in listing
    assert (
        "/faq/who-should-avoid-it/" not in client.get("/faq/", {"q": "Accutane"}).content.decode()
    )
    assert client.get("/faq/who-should-avoid-it/").status_code == 404


def test_unpublishing_a_cached_question_hides_it_at_once(client):
    assert client.get("/faq/downtime/").status_code == 200
    assert cache.get("public-page:/faq/downtime/") is not None  # it was cached
    question = Question.objects.get(slug="downtime")
    question.published = False
    question.save()
    assert client.get("/faq/downtime/").status_code == 404
    assert "/faq/downtime/" not in client.get("/faq/").content.decode()


def test_deleting_a_question_removes_it_from_cached_pages_at_once(client):
    assert "/faq/downtime/" in client.get("/faq/").content.decode()
    Question.objects.get(slug="downtime").delete()
    assert "/faq/downtime/" not in client.get("/faq/").content.decode()


def test_staff_preview_of_an_unpublished_question_is_private_and_uncached(
    client, django_user_model
):
    question = make_question(slug="draft", question="Draft question?", answer="Not yet public.")
    question.published = False
    question.save()

    assert client.get("/faq/draft/").status_code == 404

    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client.force_login(editor)
    preview = client.get("/faq/draft/")
    assert preview.status_code == 200
    assert "Not yet public." in preview.content.decode()
    assert "Preview:" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert "private" in preview["Cache-Control"]
    assert cache.get("public-page:/faq/draft/") is None

    client.logout()
    assert client.get("/faq/draft/").status_code == 404


def test_staff_without_faq_permission_cannot_preview(client, django_user_model):
    question = make_question(
        slug="draft", question="Draft?", answer="Secret draft.", published=False
    )
    assert not question.published
    client.force_login(django_user_model.objects.create_user("desk", is_staff=True))
    assert client.get("/faq/draft/").status_code == 404


# --- Model behaviour -----------------------------------------------------------------------------


def test_answer_html_is_computed_on_save_and_on_partial_updates():
    question = make_question(slug="calc", question="Q?", answer="**one**")
    assert question.answer_html == "<p><strong>one</strong></p>"
    question.answer = "*two*"
    question.save(update_fields=["answer"])
    question.refresh_from_db()
    assert question.answer_html == "<p><em>two</em></p>"


def test_recovery_stage_html_is_computed_on_save():
    stage = RecoveryStage.objects.create(title="Day 5", what_to_expect="- Glow", order=99)
    assert stage.what_to_expect_html == "<ul>\n<li>Glow</li>\n</ul>"


# --- Performance ---------------------------------------------------------------------------------


def _add_questions(count: int) -> None:
    categories = [
        Category.objects.create(title=f"Bulk {n}", slug=f"bulk-{n}", order=100 + n)
        for n in range(5)
    ]
    Question.objects.bulk_create(
        Question(
            category=categories[n % 5],
            slug=f"bulk-question-{n}",
            question=f"Bulk question number {n}?",
            answer=f"Answer {n} about acne.",
            answer_html=f"<p>Answer {n} about acne.</p>",
            order=n,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 200])
def test_uncached_faq_runs_at_most_three_queries(client, django_assert_max_num_queries, count):
    _add_questions(count)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("faq:index"))
    assert response.status_code == 200
    assert f"Bulk question number {count - 1}?" in response.content.decode()


@pytest.mark.parametrize("count", [10, 200])
def test_faq_search_runs_at_most_three_queries(client, django_assert_max_num_queries, count):
    _add_questions(count)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("faq:index"), {"q": "acne"})
    assert f"{count + 3} questions found" in response.content.decode()
