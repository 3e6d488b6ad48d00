"""Small steps the browser tests share: answering the screener, booking, what a page shows."""

from datetime import date, timedelta

from django.utils import timezone

from tests.screener_answers import NO_TO_EVERY_QUESTION as NO_TO_EVERYTHING

# One set of answers per outcome; "deferred" is the dated kind (it can still book).
OUTCOME_ANSWERS = {
    "eligible": {"area": "face_neck", **NO_TO_EVERYTHING},
    "eligible_with_conditions": {"area": "hands", **NO_TO_EVERYTHING, "cold_sores": "yes"},
    "deferred": {"area": "decolletage", **NO_TO_EVERYTHING, "previous_treatment": "yes"},
    "not_suitable": {"area": "face_neck", **NO_TO_EVERYTHING, "keloid": "yes"},
}


def today() -> date:
    return timezone.localdate()


def recent_treatment_date() -> date:
    """A last microneedling session 10 days ago: deferred until 18 days from now."""
    return today() - timedelta(days=10)


def answer_screener(page, answers: dict[str, str], dates: dict[str, date] | None = None) -> None:
    """Open the screener and answer with the pointer (the keyboard journey does it by hand)."""
    page.goto("/screener/")
    for name, value in answers.items():
        page.check(f'input[name="{name}"][value="{value}"]')
    for name, value in (dates or {}).items():
        page.fill(f'input[name="{name}"]', value.isoformat())
    submit(page, "See my result")


def submit(page, button: str):
    """Press a form's button and wait until the next page has loaded, styles and all."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button, exact=True).click()
    return navigation.value


def screen_for(page, outcome: str) -> None:
    """Answer so as to reach the given outcome, and land on the result page."""
    dates = {"previous_treatment_date": recent_treatment_date()} if outcome == "deferred" else {}
    answer_screener(page, OUTCOME_ANSWERS[outcome], dates)
    page.wait_for_url("**/screener/result/")
    assert page.locator(f'[data-outcome="{outcome}"]').count() == 1


def fill_booking(page, preferred: date, *, full_name: str = "Ada Lovelace") -> None:
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Phone number").fill("207 555 0100")
    page.fill('input[name="preferred_date"]', preferred.isoformat())
    page.check('input[name="preferred_time"][value="morning"]')
    page.check('input[name="consent"]')


def send_booking(page) -> None:
    """From a filled-in booking form: continue to "check your details", then send."""
    submit(page, "Continue")
    assert page.locator("[data-check-answers]").count() == 1
    submit(page, "Send booking request")
    page.wait_for_url("**/booking/confirmation/")


def open_free_times(page) -> None:
    """From the result page: "Choose a time" leads to the diary's free times."""
    page.get_by_role("link", name="Choose a time").click()
    page.wait_for_url("**/booking/")
    assert page.locator("[data-slot]").count() >= 1


def open_request_form(page) -> None:
    """From the result page to the request form, as a patient whom no free time suits."""
    open_free_times(page)
    page.get_by_role("link", name="None of these times suits me").click()
    page.wait_for_url("**/booking/request/")


def choose_first_time(page) -> str:
    """Choose the first free time listed by clicking its label (the radio itself is visually
    hidden; its label is drawn as the button); returns the slot's value."""
    first = page.locator("[data-slot]").first
    value = first.get_attribute("data-slot")
    first.locator("label").click()
    assert page.locator(f'input[name="slot"][value="{value}"]').is_checked()
    return value


def fill_time_details(page, *, full_name: str = "Ada Lovelace") -> None:
    """The patient's details on the free-times page (no date or time of day: the slot is it)."""
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Phone number").fill("207 555 0100")
    page.check('input[name="consent"]')


def book_time(page) -> None:
    """From the check page of a chosen time: book it and land on the confirmation."""
    assert page.locator("[data-check-answers]").count() == 1
    submit(page, "Book this time")
    page.wait_for_url("**/booking/confirmation/")


def horizontal_overflow(page) -> dict:
    """How far the page scrolls sideways, and which elements stick out of the viewport."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [];
            for (const el of document.querySelectorAll('body *')) {
                const box = el.getBoundingClientRect();
                if (box.width && box.right > width + 1) {
                    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string'
                            ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                        + ' right=' + Math.round(box.right));
                }
            }
            return {
                scrollWidth: document.documentElement.scrollWidth,
                clientWidth: width,
                innerWidth: window.innerWidth,
                wide: wide.slice(0, 10),
            };
        }"""
    )
