"""The public FAQ: seed content, the full listing, question pages, the aftercare page's advice,
publishing, caching, queries. The search has its own file, tests/test_faq_search.py."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from faq.models import Category, HelpBlock, Question, RecoveryStage
from tests.faq_helpers import (
    assert_one_h1_and_headings_in_order,
    main_html,
    make_question,
    normalise,
)
from tests.staff_helpers import verified_login

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "docs/microneedling-faq.txt"
TIMELINE_HEADINGS = ["Day 1", "Day 2", "Days 3\N{EN DASH}4"]
# Plain words the seed migration adds beside medical terms, in brackets. The clinic's own
# sentences must still be on the site word for word once these are taken out again, so a
# gloss can never hide a lost or changed fact.
GLOSSES = [
    "(multiply)",
    "(the proteins that keep skin firm and supple)",
    "(tiny blood vessels)",
    "(dark patches)",
    "(upper chest)",
    "(a hydrating serum)",
    "(a serum prepared from your own blood)",
    "(the deeper layer of the skin)",
    "(rapidly moving in and out)",
    "(building new collagen)",
    "(sun damage)",
    "(every 3 months)",
    "(the outer layer of the skin)",
    "(the cells that give skin its color)",
    "(the lowest part of that layer)",
    "(dark patches after irritation)",
    "(isotretinoin, an acne medicine)",
    "(raised, thickened scars)",
    "(cold sores)",
    "(preventive)",
    "(lukewarm)",
    "(scrubs, brushes or exfoliating tools)",
    "(redness)",
]


def seed_facts(text: str | None = None) -> list[str]:
    """Every sentence of the clinic's text (or of a part of it), bullets stripped, normalised."""
    if text is None:
        text = SEED.read_text(encoding="utf-8")
    facts = []
    for line in text.splitlines():
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
    question_urls = set(re.findall(r'href="(/faq/[^"/#]+/)"', main_html(index)))
    assert len(question_urls) == Question.objects.published().count()
    for url in sorted(question_urls):
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(main_html(response))
    pages.append(main_html(client.get(reverse("aftercare"))))
    return normalise(" ".join(pages))


def without_glosses(text: str) -> str:
    for gloss in GLOSSES:
        text = text.replace(" " + normalise(gloss), "")
    return text


# --- Seed content -------------------------------------------------------------------------------


def test_seed_file_is_there_to_check_against():
    """The content test below must not pass vacuously when the seed file is missing."""
    assert SEED.is_file(), f"seed text not found at {SEED}"
    assert len(seed_facts()) > 60


def test_every_fact_of_the_seed_text_is_on_the_site(client):
    """A fresh database (loaded by the data migration) shows every sentence of the seed, in
    the clinic's words (once the plain-word glosses in brackets are set aside)."""
    text = without_glosses(site_text(client))
    missing = [fact for fact in seed_facts() if fact not in text]
    assert not missing, "facts missing from the site:\n" + "\n".join(missing)


def test_every_fact_is_on_the_faq_page_itself(client):
    """/faq/ has every answer in full: the seed's questions and answers are all on that one
    page, without following a link (the recovery timeline is on the aftercare page)."""
    text = without_glosses(normalise(main_html(client.get(reverse("faq:index")))))
    questions_part = SEED.read_text(encoding="utf-8").split("Recovery Timeline")[0]
    missing = [fact for fact in seed_facts(questions_part) if fact not in text]
    assert not missing, "facts missing from /faq/:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("slug", "gloss"),
    [
        ("who-should-avoid-it", "herpes simplex (cold sores)"),
        ("who-should-avoid-it", "Accutane (isotretinoin, an acne medicine)"),
        ("conditions-treated", "Hyperpigmentation (dark patches)"),
        ("am-i-a-candidate", "post inflammatory hyperpigmentation (dark patches after irritation)"),
        ("areas-treated", "décolleté (upper chest)"),
    ],
)
def test_medical_terms_have_plain_words_beside_them(client, slug, gloss):
    content = main_html(client.get(reverse("faq:question", kwargs={"slug": slug})))
    assert gloss in content


def test_the_timeline_says_erythema_in_plain_words_too(client):
    assert "erythema (redness)" in main_html(client.get(reverse("aftercare")))


def test_every_gloss_listed_here_is_really_on_the_site(client):
    """The glosses the fact check sets aside are exactly ones the site shows."""
    text = site_text(client)
    assert [gloss for gloss in GLOSSES if normalise(gloss) not in text] == []


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
    content = main_html(client.get(reverse("faq:index")))
    titles = re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', content)
    assert titles == [
        "Contents",
        "The treatment",
        "Results and recovery",
        "Suitability",
        "Aftercare",
    ]


# --- Listing and question pages -----------------------------------------------------------------


def test_faq_shows_every_published_question_with_its_whole_answer(client):
    """/faq/: each published question as a heading, its whole rendered answer under it, and a
    link to its own page for sharing."""
    content = main_html(client.get(reverse("faq:index")))
    for question in Question.objects.published():
        heading = f'<h3 id="q-{question.slug}">{question.question}</h3>'
        assert heading in content, question.slug
        after = content.split(heading, 1)[1]
        assert after.index(question.answer_html) < after.index("</section>")
        assert f'href="{question.get_absolute_url()}"' in after.split("</section>", 1)[0]


def test_faq_contents_list_links_to_every_category_and_question_on_the_page(client):
    content = main_html(client.get(reverse("faq:index")))
    contents = content.split('<nav class="faq-contents"', 1)[1].split("</nav>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', contents)
    expected = []
    for category in Category.objects.with_published_questions():
        expected.append(category.slug)
        expected += [f"q-{question.slug}" for question in category.published_questions]
    assert targets == expected
    after_contents = content.split("</nav>", 1)[1]
    for target in targets:
        assert after_contents.count(f'id="{target}"') == 1, target
    # Questions, not categories, are the items of the list (one per question).
    categories = Category.objects.with_published_questions()
    assert contents.count('<ul class="faq-list">') == len(categories)


def test_aftercare_is_one_section_of_the_faq_not_two(client):
    """The "Aftercare" category is the FAQ's only aftercare section; the aftercare page (with
    the timeline) is linked from the contents, not given a second heading of its own."""
    content = main_html(client.get(reverse("faq:index")))
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", content)
    assert [h for h in headings if "aftercare" in h.casefold()] == ["Aftercare"]
    assert 'href="/aftercare/"' in content


def test_unpublished_question_is_not_on_the_faq_page(client):
    question = Question.objects.get(slug="downtime")
    question.published = False
    question.save()
    content = main_html(client.get(reverse("faq:index")))
    assert question.question not in content
    assert "#q-downtime" not in content
    assert "bright red in color" not in content


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
    assert (
        "<li>Have been treated with Accutane (isotretinoin, an acne medicine) within the past "
        "3 months</li>" in content
    )
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


# --- Safe methods ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/faq/", "/faq/?q=acne", "/faq/downtime/", "/aftercare/"])
def test_faq_pages_answer_head_like_get_and_refuse_post(client, url):
    """require_safe: HEAD (which some checkers and proxies send) is answered, without a body;
    a POST is refused with 405."""
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert client.post(url).status_code == 405


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
    assert client.get("/faq/draft/").status_code == 404, "not without the second factor"
    verified_login(client, editor)
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
    verified_login(client, django_user_model.objects.create_user("desk", is_staff=True))
    assert client.get("/faq/draft/").status_code == 404


# --- The aftercare page: when to get help -------------------------------------------------------


@pytest.fixture
def clinic_phone(settings):
    """Contact details found nowhere in the seed: they must come from settings."""
    settings.CLINIC_NAME = "Harbourside Test Clinic"
    settings.CLINIC_PHONE = "(555) 010-9999"
    settings.CLINIC_EMAIL = "desk@harbourside.example"
    return settings


def help_block_html(client) -> str:
    content = main_html(client.get(reverse("aftercare")))
    start = content.index('id="when-to-get-help"')
    return content[start : content.index("</section>", start)]


def test_aftercare_has_a_when_to_get_help_block_at_a_stable_anchor(client):
    """Other pages (and e-mails) link to /aftercare/#when-to-get-help."""
    content = main_html(client.get(reverse("aftercare")))
    assert content.count('id="when-to-get-help"') == 1
    assert '<h2 id="when-to-get-help">When to get help</h2>' in content
    # After the timeline, which it refers to.
    assert content.index("Recovery timeline</h2>") < content.index('id="when-to-get-help"')


@pytest.mark.parametrize(
    "sign",
    [
        "redness that spreads",
        "heat",
        "swelling",
        "pus",
        "fever",
        "severe pain",
        "blisters",
        "rash or hives",
    ],
)
def test_help_block_lists_the_warning_signs(client, sign):
    assert sign in help_block_html(client)


def test_help_block_says_whom_to_call_with_the_clinics_number_from_settings(client, clinic_phone):
    block = help_block_html(client)
    assert 'href="tel:5550109999"' in block
    assert "(555) 010-9999" in block
    assert 'href="mailto:desk@harbourside.example"' in block
    assert "Harbourside Test Clinic" in block
    assert "{phone}" not in block


def test_help_block_says_what_to_do_out_of_hours(client):
    block = help_block_html(client)
    assert "Out of hours" in block
    assert "911" in block
    assert "trouble breathing" in block
    assert "swelling of your face, lips" in block
    assert "urgent care" in block


def test_help_block_is_staff_content_rendered_from_markdown_and_sanitised(client):
    block = HelpBlock.objects.get(anchor="when-to-get-help")
    block.body = "Call {phone} <script>alert(1)</script> **now** [x](javascript:alert(1))"
    block.save()
    html = help_block_html(client)
    assert "<strong>now</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_editing_the_help_block_shows_on_the_cached_aftercare_page_at_once(client):
    client.get(reverse("aftercare"))
    assert cache.get("public-page:/aftercare/") is not None
    block = HelpBlock.objects.get(anchor="when-to-get-help")
    block.body = "Call us about anything unusual."
    block.save()
    assert "Call us about anything unusual." in help_block_html(client)


def test_unpublished_help_block_leaves_the_page_with_the_clinics_contact_details(
    client, clinic_phone
):
    HelpBlock.objects.update(published=False)
    client.get(reverse("aftercare"))
    HelpBlock.objects.get(anchor="when-to-get-help").save()  # clears the cached page
    content = main_html(client.get(reverse("aftercare")))
    assert 'id="when-to-get-help"' not in content
    assert "(555) 010-9999" in content


def test_timeline_stages_have_their_own_anchors(client):
    content = main_html(client.get(reverse("aftercare")))
    for stage in RecoveryStage.objects.published():
        assert f'<li id="{stage.anchor}">' in content
    assert RecoveryStage.objects.get(title="Days 3\N{EN DASH}4").anchor == "recovery-days-3-4"


def test_editing_a_timeline_stage_clears_the_cached_aftercare_page(client):
    client.get(reverse("aftercare"))
    stage = RecoveryStage.objects.get(title="Day 2")
    stage.what_to_expect = "- Calmer skin"
    stage.save()
    assert "Calmer skin" in main_html(client.get(reverse("aftercare")))


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


def add_questions(count: int) -> None:
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
def test_uncached_faq_runs_at_most_four_queries(client, count):
    """Every answer in full, still in two queries (categories, then their questions), and the
    clinic's details on a cold cache (two), besides the page cache's own reads and writes (a
    database table without Redis)."""
    add_questions(count)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("faq:index"))
    content_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if "clinic_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert len(content_queries) <= 4, content_queries
    assert response.status_code == 200
    assert f"Bulk question number {count - 1}?" in response.content.decode()
    assert f"Answer {count - 1} about acne." in response.content.decode()
