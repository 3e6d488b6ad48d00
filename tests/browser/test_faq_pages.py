"""The FAQ and aftercare pages in a real browser: every answer in full with working contents
links, search hits with <mark>ed words, a search that finds nothing, and the aftercare page's
"When to get help" advice; axe-core finds no WCAG 2.2 A/AA violation on any of them."""

import pytest

from faq.models import Question
from tests.browser.axe import assert_accessible

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data, and transactional tests flush the database
    # afterwards: serialized_rollback restores the migrations' FAQ content and groups.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_faq_with_every_answer_in_full_has_no_wcag_violations(page):
    """/faq/: the contents list, then each question with its whole answer."""
    assert page.goto("/faq/").status == 200
    entries = page.locator("section.faq-entry")
    assert entries.count() == Question.objects.published().count()
    assert page.locator("section.faq-entry .answer li").count() > 10  # lists stay lists
    assert_accessible(page, "FAQ with full answers")


def test_a_contents_link_scrolls_to_its_answer(page):
    page.goto("/faq/")
    question = Question.objects.get(slug="who-should-avoid-it")
    page.locator(".faq-contents").get_by_role("link", name=question.question).click()
    page.wait_for_url("**/faq/#q-who-should-avoid-it")
    heading = page.locator("#q-who-should-avoid-it")
    assert heading.inner_text() == question.question
    assert heading.is_visible()
    assert page.evaluate("window.scrollY") > 0


def test_search_with_hits_marks_the_words_and_has_no_wcag_violations(page):
    """Synonyms at work: "isotretinoin" finds the answer that says Accutane, both marked."""
    assert page.goto("/faq/?q=isotretinoin").status == 200
    hits = page.locator(".search-results > li")
    assert hits.count() == 1
    assert hits.first.get_by_role("link").inner_text() == "Who should avoid Medical Microneedling?"
    marks = hits.first.locator("mark").all_inner_texts()
    assert "Accutane" in marks and "isotretinoin" in marks
    assert_accessible(page, "search with hits")


def test_search_of_several_words_ranks_and_marks_them(page):
    page.goto("/faq/?q=how+many+sessions")
    first = page.locator(".search-results > li").first
    assert first.get_by_role("link").inner_text() == "How many treatments will I need?"
    assert first.locator("mark").count() >= 1
    assert_accessible(page, "search for several words")


def test_search_miss_has_no_wcag_violations(page):
    assert page.goto("/faq/?q=xylophonezz").status == 200
    assert page.locator(".search-results").count() == 0
    assert "No results found" in page.locator("main").inner_text()
    assert_accessible(page, "search miss")


def test_search_works_without_javascript(new_context):
    _context, page = new_context(java_script_enabled=False)
    page.goto("/faq/")
    page.get_by_label("Search the questions and answers").fill("accutane")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/faq/?q=accutane")
    assert page.locator(".search-results mark").first.inner_text() == "Accutane"


def test_aftercare_with_the_help_block_has_no_wcag_violations(page):
    assert page.goto("/aftercare/#when-to-get-help").status == 200
    block = page.locator("section.help-block")
    assert block.get_by_role("heading", name="When to get help").is_visible()
    assert block.locator('a[href^="tel:"]').count() >= 1
    assert "911" in block.inner_text()
    # The anchor brought the block into view.
    assert page.evaluate("window.scrollY") > 0
    assert_accessible(page, "aftercare with the help block")
