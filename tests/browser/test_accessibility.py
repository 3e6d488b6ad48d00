"""WCAG 2.2 AA in a real browser: axe-core on every public page and error state, visible focus,
reflow at 320 CSS pixels and at 200 % zoom."""

from datetime import timedelta

import pytest

from faq.models import Question
from tests.browser.axe import assert_accessible
from tests.browser.helpers import (
    OUTCOME_ANSWERS,
    answer_screener,
    fill_booking,
    horizontal_overflow,
    screen_for,
    submit,
    today,
)

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data, and transactional tests flush the database
    # afterwards: serialized_rollback restores the migrations' FAQ content and groups.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def a_question_url() -> str:
    return Question.objects.published().order_by("pk").first().get_absolute_url()


def a_search_word() -> str:
    """A word from a published question, so the search is sure to find something."""
    return Question.objects.published().order_by("pk").first().question.split()[-1].strip("?")


def content_pages() -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("FAQ", "/faq/"),
        ("question", a_question_url()),
        ("search hit", f"/faq/?q={a_search_word()}"),
        ("search miss", "/faq/?q=xylophonezz"),
        ("aftercare", "/aftercare/"),
        ("privacy", "/privacy/"),
        ("screener", "/screener/"),
        ("404", "/no-such-page/"),
    ]


def test_public_pages_have_no_wcag_violations(page):
    """Home, FAQ, a question, search with and without results, aftercare, privacy, screener, 404."""
    failures = []
    for name, url in content_pages():
        response = page.goto(url)
        assert response.status == (404 if name == "404" else 200), name
        try:
            assert_accessible(page, name)
        except pytest.fail.Exception as failure:
            failures.append(str(failure))
    assert not failures, "\n\n".join(failures)


def test_search_results_page_shows_what_it_found(page):
    """Control for the axe runs above: the 'hit' search really lists questions, the miss none."""
    page.goto(f"/faq/?q={a_search_word()}")
    assert page.locator(".faq-list li").count() >= 1
    page.goto("/faq/?q=xylophonezz")
    assert page.locator(".faq-list li").count() == 0
    assert "No results" in page.locator("main").inner_text()


@pytest.mark.parametrize("outcome", list(OUTCOME_ANSWERS))
def test_each_result_outcome_has_no_wcag_violations(page, outcome):
    screen_for(page, outcome)
    assert_accessible(page, f"result {outcome}")


def test_undated_deferral_result_has_no_wcag_violations(page):
    """Deferred without a date (pregnancy): the patient cannot book and is told whom to call."""
    answer_screener(page, {**OUTCOME_ANSWERS["eligible"], "pregnant": "yes"})
    page.wait_for_url("**/screener/result/")
    assert page.locator('[data-outcome="deferred"]').count() == 1
    assert_accessible(page, "result deferred without a date")


def test_screener_with_errors_has_no_wcag_violations(page):
    """Nothing answered, then a 'yes' without its date: the error summary and messages pass."""
    page.goto("/screener/")
    submit(page, "See my result")
    assert page.locator("[data-error-summary]").is_visible()
    assert_accessible(page, "screener with every field in error")

    answer_screener(page, {**OUTCOME_ANSWERS["eligible"], "isotretinoin": "yes"})
    assert page.locator("[data-error-summary]").is_visible()
    assert_accessible(page, "screener with a missing date")


def test_booking_pages_have_no_wcag_violations(page):
    """The booking form, the form with errors, and the confirmation with its reference."""
    screen_for(page, "eligible")
    page.goto("/booking/request/")
    assert_accessible(page, "booking")

    submit(page, "Continue")
    assert page.locator(".error-summary").first.is_visible()
    assert_accessible(page, "booking with errors")

    fill_booking(page, today() + timedelta(days=7))
    submit(page, "Continue")
    assert_accessible(page, "check your details")
    submit(page, "Send booking request")
    page.wait_for_url("**/booking/confirmation/")
    assert page.locator("[data-reference]").count() == 1
    assert_accessible(page, "confirmation")


def test_rate_limit_page_has_no_wcag_violations(page, settings):
    settings.SCREENER_RATE_LIMIT = "1/m"
    page.goto("/screener/")
    submit(page, "See my result")
    page.goto("/screener/")
    response = submit(page, "See my result")
    assert response.status == 429
    assert_accessible(page, "429")


# --- Focus, reflow, zoom ---------------------------------------------------------------------


def focus_style(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.value || '').trim().slice(0, 40),
                outlineStyle: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth),
                boxShadow: style.boxShadow,
                focusVisible: el.matches(':focus-visible'),
            };
        }"""
    )


def assert_focus_visible(style: dict) -> None:
    outlined = style["outlineStyle"] != "none" and style["outlineWidth"] >= 2
    shadowed = style["boxShadow"] not in ("", "none")
    assert style["focusVisible"], style
    assert outlined or shadowed, f"no visible focus indicator on {style}"


def test_keyboard_focus_is_visible_on_links_and_buttons(page):
    """Tab shows a clear outline on the skip link, a nav link and the search button."""
    page.goto("/faq/")
    page.keyboard.press("Tab")
    first = focus_style(page)
    assert first["text"] == "Skip to main content"
    assert_focus_visible(first)

    page.keyboard.press("Tab")
    link = focus_style(page)
    assert link["tag"] == "a"
    assert_focus_visible(link)

    page.locator("#faq-search").focus()
    page.keyboard.press("Tab")
    button = focus_style(page)
    assert (button["tag"], button["text"]) == ("button", "Search")
    assert_focus_visible(button)


def test_the_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/aftercare/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


REFLOW_PAGES = ["/", "/faq/", "/aftercare/", "/privacy/", "/screener/"]


@pytest.mark.parametrize(
    ("width", "scale"),
    [(320, 1), (320, 2)],
    ids=["320px (400% of 1280)", "640px window at 200% zoom"],
)
def test_pages_reflow_without_horizontal_scrolling(new_context, width, scale):
    """At 320 CSS pixels, whether a narrow phone or a 640px window zoomed to 200 %, nothing
    needs sideways scrolling (WCAG 1.4.10), including the result and the error states."""
    _context, page = new_context(
        viewport={"width": width, "height": 640}, device_scale_factor=scale
    )
    urls = [*REFLOW_PAGES, a_question_url()]
    for url in urls:
        page.goto(url)
        overflow = horizontal_overflow(page)
        assert overflow["innerWidth"] == width
        assert overflow["scrollWidth"] <= width, (url, overflow)

    page.goto("/screener/")
    submit(page, "See my result")
    assert horizontal_overflow(page)["scrollWidth"] <= width, ("screener errors",)

    screen_for(page, "eligible_with_conditions")
    assert horizontal_overflow(page)["scrollWidth"] <= width, ("result", horizontal_overflow(page))
    page.goto("/booking/request/")
    submit(page, "Continue")
    assert horizontal_overflow(page)["scrollWidth"] <= width, ("booking", horizontal_overflow(page))
