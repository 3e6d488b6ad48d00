"""The patient's appointment pages in a real browser, with axe-core (WCAG 2.2 A/AA): the
appointment, the re-check with errors, each re-check result, a dead link and the stop page.
They work without JavaScript too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.appointments import appointment_schedule, appointment_token
from bookings.models import BookingRequest
from bookings.stop import stop_token
from tests.appointment_helpers import make_booking
from tests.browser.axe import assert_accessible
from tests.browser.helpers import submit
from tests.screener_answers import NO_TO_EVERY_QUESTION

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECHECK_NO = {k: v for k, v in NO_TO_EVERY_QUESTION.items() if k not in {"keloid", "cold_sores"}}


def scheduled_booking() -> BookingRequest:
    booking = make_booking()
    when = timezone.localtime().replace(hour=14, minute=30, second=0, microsecond=0)
    return appointment_schedule(booking=booking, appointment_at=when + timedelta(days=5))


def answer(page, answers: dict[str, str]) -> None:
    for name, value in answers.items():
        page.check(f'input[name="{name}"][value="{value}"]')


def test_appointment_page_and_a_change_request(page):
    booking = scheduled_booking()
    url = f"/appointment/{appointment_token(booking)}/"
    assert page.goto(url).status == 200
    assert "2:30 PM" in page.locator("[data-appointment]").inner_text()
    assert_accessible(page, "appointment")

    submit(page, "Ask to change my appointment")
    assert page.locator("[data-change-requested]").is_visible()
    assert_accessible(page, "appointment after a change request")
    booking.refresh_from_db()
    assert booking.needs_attention


def test_recheck_with_errors_then_clear(page):
    booking = scheduled_booking()
    page.goto(f"/appointment/{appointment_token(booking)}/check/")
    assert_accessible(page, "re-check")

    submit(page, "Send my answers")
    assert page.locator("[data-error-summary]").is_visible()
    assert page.locator("[data-error-summary]").evaluate("el => el === document.activeElement")
    assert_accessible(page, "re-check with every field in error")

    answer(page, {**RECHECK_NO, "isotretinoin": "yes"})
    submit(page, "Send my answers")
    assert "Enter the date of your last isotretinoin dose" in page.inner_text("main")
    assert page.locator('input[name="pregnant"][value="no"]').is_checked()  # answers kept
    assert_accessible(page, "re-check with a missing date")

    answer(page, RECHECK_NO)
    submit(page, "Send my answers")
    assert page.locator('[data-recheck="clear"]').is_visible()
    assert_accessible(page, "re-check clear")


def test_recheck_changed(page):
    booking = scheduled_booking()
    page.goto(f"/appointment/{appointment_token(booking)}/check/")
    answer(page, {**RECHECK_NO, "open_wounds": "yes"})
    submit(page, "Send my answers")
    assert page.locator('[data-recheck="changed"]').is_visible()
    assert_accessible(page, "re-check changed")
    booking.refresh_from_db()
    assert booking.attention_reason == "recheck_changed"


def test_recheck_works_without_javascript(new_context):
    """Every date field is there without the script; a dated answer goes through."""
    _context, page = new_context(java_script_enabled=False)
    booking = scheduled_booking()
    page.goto(f"/appointment/{appointment_token(booking)}/check/")
    answer(page, {**RECHECK_NO, "isotretinoin": "yes"})
    earlier = timezone.localdate() - timedelta(days=20)
    page.fill('input[name="isotretinoin_date"]', earlier.isoformat())
    submit(page, "Send my answers")
    assert page.locator('[data-recheck="changed"]').is_visible()


def test_a_cancelled_link_and_the_stop_page(page):
    booking = scheduled_booking()
    page.goto(f"/appointment/{appointment_token(booking)}/")
    page.get_by_role("link", name="Cancel my appointment").click()
    page.wait_for_url("**/cancel/")
    response = submit(page, "Yes, cancel my appointment")
    assert response.status == 410
    assert page.locator('[data-link-gone="cancelled"]').is_visible()
    assert_accessible(page, "appointment cancelled")

    assert page.goto(f"/messages/{stop_token(group='aftercare', address=booking.email)}/stop/")
    assert_accessible(page, "stop messages")
    submit(page, "Stop these messages")
    assert page.locator("[data-stopped]").is_visible()
    assert_accessible(page, "messages stopped")
