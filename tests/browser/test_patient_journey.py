"""The patient's journey in a real browser (issue 10): a coherent result with several reasons,
printing it, changing the answers, the "email me when I can book" form and its errors,
checking a booking before sending it, the fuller confirmation, and keyboard focus in the
header. Every page is also checked with axe-core (WCAG 2.2 AA): no violations."""

from datetime import timedelta

import pytest

from bookings.models import Message
from tests.browser.axe import assert_accessible
from tests.browser.helpers import (
    OUTCOME_ANSWERS,
    answer_screener,
    fill_booking,
    recent_treatment_date,
    screen_for,
    submit,
    today,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Infection (no end date) with two dated reasons and cold sores: deferred, no date, no booking.
MIXED_ANSWERS = {
    **OUTCOME_ANSWERS["eligible"],
    "infection": "yes",
    "isotretinoin": "yes",
    "previous_treatment": "yes",
    "cold_sores": "yes",
}


def screen_mixed(page) -> None:
    answer_screener(
        page,
        MIXED_ANSWERS,
        {
            "isotretinoin_date": today() - timedelta(days=20),
            "previous_treatment_date": recent_treatment_date(),
        },
    )
    page.wait_for_url("**/screener/result/")


def test_several_reasons_give_one_coherent_result(page):
    """The heading, each reason and the one next step agree: no booking, no date, whom to call."""
    screen_mixed(page)
    assert page.locator('[data-outcome="deferred"]').count() == 1
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "You cannot be treated just now"
    assert heading in page.title()
    main = page.locator("main").inner_text().lower()
    assert "you can still request a booking" not in main
    assert page.locator("time[data-eligible-from]").count() == 0
    assert page.locator('main a[href="/booking/"]').count() == 0
    assert page.locator("[data-next-step]").count() == 1
    assert page.locator('[data-contact] a[href^="tel:"]').count() == 1
    codes = page.locator("[data-reason]").evaluate_all("els => els.map(el => el.dataset.reason)")
    assert codes == ["infection", "isotretinoin", "recent_treatment", "cold_sores"]
    assert_accessible(page, "result with several reasons")


def test_the_result_prints_without_navigation(page):
    """On paper: no navigation or forms; the screening date and the clinic's address stay."""
    screen_for(page, "deferred")
    assert page.get_by_role("navigation", name="Main").is_visible()
    page.emulate_media(media="print")
    assert page.get_by_role("navigation", name="Main").is_hidden()
    assert page.locator("[data-print]").is_hidden()
    assert page.locator('form[action="/screener/notify/"]').is_hidden()
    assert page.locator(".screened-on time").is_visible()
    assert page.locator(".site-footer address").is_visible()
    page.emulate_media(media="screen")


def test_print_link_opens_the_print_dialog_or_explains_it_without_javascript(page, new_context):
    screen_for(page, "eligible")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("link", name="Print or save this page").click()
    assert page.evaluate("window.printed === true")

    _context, no_js = new_context(java_script_enabled=False)
    screen_for(no_js, "eligible")
    no_js.get_by_role("link", name="Print or save this page").click()
    no_js.wait_for_url("**/screener/result/#print-help")
    assert no_js.locator("#print-help").is_visible()


def test_change_your_answers_shows_the_form_filled_in(page):
    screen_for(page, "deferred")
    answers = page.locator("[data-answers]")
    assert "Microneedling before" in answers.inner_text()
    answers.get_by_role("link", name="Change your answers").click()
    page.wait_for_url("**/screener/?change=1")
    assert page.locator('input[name="area"][value="decolletage"]').is_checked()
    assert page.locator('input[name="previous_treatment"][value="yes"]').is_checked()
    date_field = page.locator('input[name="previous_treatment_date"]')
    assert date_field.is_visible()
    assert date_field.input_value() == recent_treatment_date().isoformat()
    assert page.locator("#group_isotretinoin_date").is_hidden()
    assert_accessible(page, "screener with the answers to change")


def test_notify_form_errors_then_success(page):
    """Errors on the result page (GOV.UK summary, nothing lost), then one queued message."""
    screen_for(page, "deferred")
    form = page.locator('form[action="/screener/notify/"]')
    form.get_by_label("Email address", exact=True).fill("ada@")
    response = submit(page, "Email me when I can book")
    assert response.status == 200
    assert page.title().startswith("Error:")
    summary = page.locator("[data-error-summary]")
    assert summary.get_by_role("link").count() == 2
    assert page.locator("#id_notify_email").input_value() == "ada@"
    assert page.locator('[data-outcome="deferred"]').count() == 1
    assert_accessible(page, "result with notify errors")

    page.locator("#id_notify_email").fill("ada@example.com")
    page.check("#id_consent")
    submit(page, "Email me when I can book")
    page.wait_for_url("**/screener/result/")
    assert page.locator("[data-notice-asked]").is_visible()
    assert Message.objects.filter(kind=Message.Kind.CAN_BOOK).count() == 1
    assert_accessible(page, "result with the notice asked for")


def test_check_your_details_then_the_fuller_confirmation(page):
    screen_for(page, "eligible_with_conditions")
    page.get_by_role("link", name="Choose a time").click()
    page.wait_for_url("**/booking/")
    page.get_by_role("link", name="None of these times suits me").click()
    page.wait_for_url("**/booking/request/")
    preferred = today() + timedelta(days=9)
    fill_booking(page, preferred)
    submit(page, "Continue")
    check = page.locator("[data-check-answers]")
    assert "ada@example.com" in check.inner_text()
    assert_accessible(page, "check your details")

    # Change the phone number: the form comes back filled in, the cursor in that field.
    check.get_by_role("button", name="Change phone number").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.name") == "phone"
    assert page.get_by_label("Full name").input_value() == "Ada Lovelace"
    page.get_by_label("Phone number").fill("207 555 0199")
    submit(page, "Continue")
    assert "207 555 0199" in page.locator("[data-check-answers]").inner_text()

    submit(page, "Send booking request")
    page.wait_for_url("**/booking/confirmation/")
    requested = page.locator("[data-requested]").inner_text()
    for shown in ("Morning", "Backs of the hands", "ada@example.com", "207 555 0199"):
        assert shown in requested
    assert f"{preferred:%B} {preferred.day}, {preferred.year}" in requested
    assert "antiviral" in page.locator('[data-condition="cold_sores"]').inner_text()
    assert_accessible(page, "fuller confirmation")

    # The result page still explains the condition after booking.
    page.get_by_role("link", name="See your screening result again").click()
    page.wait_for_url("**/screener/result/")
    assert page.locator('[data-reason="cold_sores"]').is_visible()
    assert_accessible(page, "result after booking")


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


FOCUSED_COLOURS = """() => {
    const el = document.activeElement;
    const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
    let node = el, background = null;
    while (node && node.nodeType === 1) {
        const colour = rgb(getComputedStyle(node).backgroundColor);
        if (colour.length < 4 || colour[3] > 0) { background = colour.slice(0, 3); break; }
        node = node.parentElement;
    }
    return {
        text: el.innerText.trim(),
        inHeader: !!el.closest('.site-header'),
        color: rgb(getComputedStyle(el).color).slice(0, 3),
        background: background || [255, 255, 255],
    };
}"""


def test_focused_header_links_have_enough_contrast(page):
    """Tab through the header: every focused link's text is at least 4.5:1 on its background."""
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link
    seen = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_COLOURS)
        if not focused["inHeader"]:
            break
        ratio = contrast(focused["color"], focused["background"])
        seen.append(focused["text"])
        assert ratio >= 4.5, (focused, round(ratio, 2))
    assert seen == ["Riverside Skin Clinic", "FAQ", "Aftercare", "Check if you can book"]


def test_the_heading_sits_clear_of_the_header(page):
    page.goto("/privacy/")
    gap = page.evaluate(
        """() => document.querySelector('h1').getBoundingClientRect().top
            - document.querySelector('.site-header').getBoundingClientRect().bottom"""
    )
    assert gap >= 24


def test_error_summary_link_brings_the_whole_question_into_view(new_context):
    """On a short screen, the link to an unanswered question shows its legend, not just the
    first radio; and no date field appears for a question left unanswered."""
    _context, page = new_context(viewport={"width": 800, "height": 500})
    page.goto("/screener/")
    page.check('input[name="area"][value="face_neck"]')
    submit(page, "See my result")
    for name in ("isotretinoin", "radiation", "previous_treatment"):
        assert page.locator(f"#group_{name}_date").is_hidden(), name
    page.locator("[data-error-summary]").get_by_role("link").nth(2).click()
    legend_top = page.evaluate(
        "document.activeElement.closest('fieldset').querySelector('legend')"
        ".getBoundingClientRect().top"
    )
    assert 0 <= legend_top < 500
    assert page.evaluate("document.activeElement.type") == "radio"
