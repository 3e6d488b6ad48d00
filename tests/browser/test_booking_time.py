"""Booking a free time in a real browser: every page of it (the free times, with and without
errors, check your answers, the confirmation, the appointment, moving and cancelling) has no
WCAG 2.2 A/AA violation (axe-core) on a phone and on a desktop screen; a patient books by
keyboard alone and without JavaScript; and nothing scrolls sideways at 320 CSS pixels."""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from bookings.models import Appointment
from tests.browser.axe import assert_accessible
from tests.browser.helpers import (
    book_time,
    choose_first_time,
    fill_time_details,
    horizontal_overflow,
    open_free_times,
    screen_for,
    submit,
)
from tests.browser.test_accessibility import assert_focus_visible, focus_style

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class Pages:
    """Runs a check on each page of a journey and keeps going, so that one run reports every
    page that fails, not only the first."""

    def __init__(self, page, check) -> None:
        self.page, self.check, self.failures = page, check, []

    def __call__(self, name: str) -> None:
        try:
            self.check(self.page, name)
        except (pytest.fail.Exception, AssertionError) as failure:
            self.failures.append(f"{name}: {failure}")

    def assert_all_passed(self) -> None:
        assert not self.failures, "\n\n".join(self.failures)


def assert_no_sideways_scroll(page, name: str) -> None:
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= overflow["clientWidth"], (name, overflow)


def appointment_time(page) -> str:
    """The appointment page's time as YYYY-MM-DDTHH:MM."""
    return page.locator("[data-appointment] time").get_attribute("datetime")[:16]


def walk_every_page(page, check: Pages) -> None:
    """Screen, then every page of booking a time, moving it and cancelling it, calling `check`
    on each one as it is shown."""
    screen_for(page, "eligible")
    open_free_times(page)
    check("free times")

    # Nothing chosen, nothing filled in: the error summary and each field's message.
    response = submit(page, "Continue")
    assert response.status == 200
    assert page.title().startswith("Error:")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert summary.get_by_role("link", name="Choose a time from the list").get_attribute(
        "href"
    ) == ("#slot-list")
    assert page.locator("#slot-error").is_visible()
    assert page.locator("[data-slot]").count() >= 1  # the times are still there to choose
    check("free times with errors")

    # The next week's times, and back.
    page.get_by_role("link", name="Later times").click()
    page.wait_for_url("**/booking/?from=*")
    assert page.get_by_role("link", name="Earlier times").count() == 1
    check("free times, the week after")
    page.get_by_role("link", name="Earlier times").click()
    page.wait_for_url("**/booking/?from=*")

    chosen = choose_first_time(page)
    fill_time_details(page)
    assert submit(page, "Continue").ok
    assert page.locator('[data-check-answers] [data-field="slot"] time').get_attribute(
        "datetime"
    ) == (chosen)
    check("check your answers")

    book_time(page)
    assert page.locator("time[data-appointment]").get_attribute("datetime") == chosen
    assert page.locator("[data-reference]").count() == 1
    check("confirmation")

    page.get_by_role("link", name="See, move or cancel your appointment").click()
    page.wait_for_url("**/appointment/*/")
    assert appointment_time(page) == chosen
    check("appointment")

    page.get_by_role("link", name="Move my appointment to another time").click()
    page.wait_for_url("**/appointment/*/move/")
    check("move")
    assert submit(page, "Continue").status == 200
    assert page.title().startswith("Error:")
    assert page.locator("[data-error-summary]").is_visible()
    assert page.locator("#slot-error").is_visible()
    check("move with errors")
    new_time = page.locator("[data-slot]").last.get_attribute("data-slot")
    assert new_time != chosen
    page.locator(f'[data-slot="{new_time}"] label').click()
    assert submit(page, "Continue").ok
    assert page.locator('[data-check-answers] [data-field="slot"] time').get_attribute(
        "datetime"
    ) == (new_time)
    check("move: confirm the new time")

    assert submit(page, "Move my appointment").ok
    page.wait_for_url("**/appointment/*/")
    assert appointment_time(page) == new_time
    check("appointment after moving")

    page.get_by_role("link", name="Cancel my appointment").click()
    page.wait_for_url("**/appointment/*/cancel/")
    check("cancel")
    assert submit(page, "Yes, cancel my appointment").status == 410
    assert page.locator('[data-link-gone="cancelled"]').is_visible()
    check("appointment cancelled")
    assert not Appointment.objects.filter(status__in=Appointment.ACTIVE).exists()


@pytest.fixture
def journey_rate(settings):
    """The walk posts seven booking forms (book and move share one limit) within seconds; the
    limit itself (5 a minute by default) is tested in tests/test_booking.py."""
    settings.BOOKING_RATE_LIMIT = "30/m"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_every_page_of_booking_a_time_has_no_wcag_violations(new_context, viewport, journey_rate):
    _context, page = new_context(viewport=viewport)
    check = Pages(page, assert_accessible)
    walk_every_page(page, check)
    check.assert_all_passed()


def test_every_page_of_booking_a_time_fits_320_pixels(new_context, journey_rate):
    """WCAG 1.4.10: no sideways scrolling on a 320-pixel screen, errors included."""
    _context, page = new_context(viewport={"width": 320, "height": 640})
    assert page.evaluate("window.innerWidth") == 320
    check = Pages(page, assert_no_sideways_scroll)
    walk_every_page(page, check)
    check.assert_all_passed()


# --- Keyboard only ----------------------------------------------------------------------------

FOCUSED = """() => {
    const el = document.activeElement;
    const label = el.labels && el.labels[0];
    const style = label ? getComputedStyle(label) : null;
    const box = (label || el).getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(), name: el.name || '', value: el.value || '',
        type: el.type || '', text: (el.textContent || '').replace(/\\s+/g, ' ').trim(),
        checked: !!el.checked,
        focusVisible: el.matches(':focus-visible'),
        label: label ? {
            text: label.innerText.trim(), outlineStyle: style.outlineStyle,
            outlineWidth: parseFloat(style.outlineWidth), boxShadow: style.boxShadow,
        } : null,
        onScreen: box.top >= 0 && box.bottom <= window.innerHeight && box.width > 0,
    };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_until(page, wanted, what: str, limit: int = 60) -> dict:
    """Press Tab until `wanted(focused element)` holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"Tab never reached {what}; focus is on {focused(page)}")


def tab_to_field(page, name: str) -> dict:
    element = tab_until(page, lambda el: el["name"] == name, name)
    assert_focus_visible(focus_style(page))
    return element


def tab_to_button(page, text: str) -> dict:
    element = tab_until(page, lambda el: el["tag"] == "button" and el["text"] == text, text)
    assert_focus_visible(focus_style(page))
    return element


def assert_time_focus_visible(element: dict) -> None:
    """The radio itself is invisible: its label, drawn as the button, shows the focus."""
    assert element["focusVisible"], element
    label = element["label"]
    outlined = label["outlineStyle"] != "none" and label["outlineWidth"] >= 2
    assert outlined or label["boxShadow"] not in ("", "none"), f"no visible focus on {element}"
    assert element["onScreen"], f"the focused time is off screen: {element}"


def test_booking_a_time_by_keyboard_alone(new_context):
    """Tab into the times, arrow keys move between them, Space chooses; the details are typed;
    Enter continues and books. Focus is visible at every step."""
    _context, page = new_context(viewport=DESKTOP, locale="en-US")
    screen_for(page, "eligible")
    page.goto("/booking/")  # the keyboard part starts here
    times = page.locator('input[name="slot"]')
    values = times.evaluate_all("els => els.map(el => el.value)")
    assert len(values) >= 3
    assert len(values) == page.locator("[data-slot]").count()

    # Tab lands on the first time (none is chosen yet): one stop for the whole group.
    first = tab_until(page, lambda el: el["name"] == "slot", "the times")
    assert first["value"] == values[0]
    assert first["label"]["text"]
    assert_time_focus_visible(first)
    assert not first["checked"]

    # Arrow keys move through the times (and choose as they go, as radios do)...
    page.keyboard.press("ArrowDown")
    second = focused(page)
    assert second["value"] == values[1], second
    assert_time_focus_visible(second)
    page.keyboard.press("ArrowRight")
    assert focused(page)["value"] == values[2]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    back = focused(page)
    assert back["value"] == values[0]
    assert_time_focus_visible(back)
    # ...and Space chooses the one with focus.
    page.keyboard.press("Space")
    assert times.first.is_checked()
    assert page.locator('input[name="slot"]:checked').count() == 1
    chosen = values[0]

    # One Tab leaves the group: the next stop is not another time.
    page.keyboard.press("Tab")
    assert focused(page)["name"] != "slot"

    tab_to_field(page, "full_name")
    page.keyboard.type("Ada Lovelace")
    tab_to_field(page, "email")
    page.keyboard.type("ada@example.com")
    tab_to_field(page, "phone")
    page.keyboard.type("207 555 0100")
    tab_to_field(page, "consent")
    page.keyboard.press("Space")
    assert page.locator('input[name="consent"]').is_checked()
    tab_to_button(page, "Continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    check = page.locator("[data-check-answers]")
    assert check.count() == 1
    assert check.locator('[data-field="slot"] time').get_attribute("datetime") == chosen
    assert "Ada Lovelace" in check.inner_text()

    # "Change day and time" brings back the list with focus on the chosen time; the arrow key
    # chooses the next one.
    tab_to_button(page, "Change day and time")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    back = focused(page)
    assert (back["name"], back["value"], back["checked"]) == ("slot", chosen, True), back
    assert_time_focus_visible(back)
    page.keyboard.press("ArrowDown")
    assert page.locator(f'input[name="slot"][value="{values[1]}"]').is_checked()
    chosen = values[1]
    assert page.get_by_label("Full name").input_value() == "Ada Lovelace"
    if not page.locator('input[name="consent"]').is_checked():
        tab_to_field(page, "consent")
        page.keyboard.press("Space")
    tab_to_button(page, "Continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check = page.locator("[data-check-answers]")
    assert check.locator('[data-field="slot"] time').get_attribute("datetime") == chosen
    tab_to_button(page, "Book this time")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.wait_for_url("**/booking/confirmation/")
    reference = page.locator("[data-reference]").get_attribute("data-reference")
    assert page.locator("time[data-appointment]").get_attribute("datetime") == chosen
    appointment = Appointment.objects.get(booking__reference=reference)
    assert timezone.localtime(appointment.starts_at).strftime("%Y-%m-%dT%H:%M") == chosen


def test_booking_a_time_by_keyboard_after_the_error_summary(new_context):
    """Continue with nothing chosen: the focused summary's link leads (Enter) to the times,
    and from there Tab reaches them to choose one."""
    _context, page = new_context(viewport=PHONE, locale="en-US")
    screen_for(page, "eligible")
    page.goto("/booking/")
    tab_to_button(page, "Continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    page.keyboard.press("Tab")
    link = focused(page)
    assert (link["tag"], link["text"]) == ("a", "Choose a time from the list")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "slot-list"
    element = tab_until(page, lambda el: el["name"] == "slot", "the times", limit=5)
    assert_time_focus_visible(element)
    page.keyboard.press("Space")
    assert page.locator(f'input[name="slot"][value="{element["value"]}"]').is_checked()


# The label's text colour and the colour actually behind it (a transparent fill shows its
# parent's), as the patient sees them.
LABEL_COLOURS = """(selector) => {
    const label = document.querySelector(selector);
    let node = label, background = 'rgb(255, 255, 255)';
    while (node && node.nodeType === 1) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(colour)) {
            background = colour;
            break;
        }
        node = node.parentElement;
    }
    return [background, getComputedStyle(label).color];
}"""


def test_the_chosen_time_stands_out_in_forced_colours(new_context):
    """Windows' high-contrast mode replaces the site's colours: the chosen time must still look
    different from the others (it is marked only by its fill otherwise)."""
    _context, page = new_context(viewport=DESKTOP)
    screen_for(page, "eligible")
    open_free_times(page)
    chosen = choose_first_time(page)
    other = page.locator("[data-slot]").nth(1).get_attribute("data-slot")
    for mode in ("none", "active"):
        page.emulate_media(forced_colors=mode)
        checked = page.evaluate(LABEL_COLOURS, f'[data-slot="{chosen}"] label')
        unchecked = page.evaluate(LABEL_COLOURS, f'[data-slot="{other}"] label')
        assert checked != unchecked, (mode, checked, unchecked)
    page.emulate_media(forced_colors="none")


# --- Without JavaScript -----------------------------------------------------------------------


def test_booking_a_time_works_without_javascript(new_context):
    """The times are plain radios and links: the error, the other weeks, check and book all work
    with JavaScript off."""
    _context, page = new_context(java_script_enabled=False)
    screen_for(page, "eligible")
    open_free_times(page)

    assert submit(page, "Continue").status == 200
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    summary.get_by_role("link").first.click()
    page.wait_for_url("**/booking/#slot-list")

    page.get_by_role("link", name="Later times").click()
    page.wait_for_url("**/booking/?from=*")
    later = page.locator("[data-slot]").first.get_attribute("data-slot")
    page.get_by_role("link", name="Earlier times").click()
    page.wait_for_url("**/booking/?from=*")
    assert page.locator(f'[data-slot="{later}"]').count() == 0

    chosen = choose_first_time(page)
    fill_time_details(page, full_name="Grace Hopper")
    submit(page, "Continue")
    assert page.locator('[data-check-answers] [data-field="slot"] time').get_attribute(
        "datetime"
    ) == (chosen)

    # Change the time, and choose another: the details are kept.
    page.get_by_role("button", name="Change day and time").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/booking/"
    assert page.get_by_label("Full name").input_value() == "Grace Hopper"
    other = page.locator("[data-slot]").nth(1).get_attribute("data-slot")
    page.locator(f'[data-slot="{other}"] label').click()
    if not page.locator('input[name="consent"]').is_checked():
        page.check('input[name="consent"]')
    submit(page, "Continue")
    assert page.locator('[data-check-answers] [data-field="slot"] time').get_attribute(
        "datetime"
    ) == (other)

    book_time(page)
    assert page.locator("time[data-appointment]").get_attribute("datetime") == other
    reference = page.locator("[data-reference]").get_attribute("data-reference")
    appointment = Appointment.objects.get(booking__reference=reference)
    assert appointment.booking.full_name == "Grace Hopper"
    assert timezone.localtime(appointment.starts_at).strftime("%Y-%m-%dT%H:%M") == other
