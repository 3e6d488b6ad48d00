"""The front desk's workplace in a real browser: the worklist fits a 1280-pixel screen, and the
worklist, a request's page and the staff home have no WCAG 2.2 A/AA violation (axe-core)."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from bookings.models import BookingRequest, ContactLogEntry
from screener.models import Screening
from tests.booking_helpers import answers
from tests.browser.axe import AXE_OPTIONS, assert_accessible, describe
from tests.browser.helpers import horizontal_overflow
from tests.browser.test_journeys import log_in, staff_member
from tests.test_booking_admin import make_booking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 800}


def assert_accessible_without_css_preload(page, name: str) -> None:
    """axe with every WCAG rule, without its CSSOM preload: the admin's forms.css @imports
    widgets.css, which axe re-injects as an inline <style> that the site's CSP (rightly)
    blocks. Only the orientation rule reads that CSSOM."""
    result = Axe().run(page, options={**AXE_OPTIONS, "preload": False})
    violations = result.response["violations"]
    print(f"axe {name} ({page.url}): {len(violations)} violation(s)")
    assert not violations, describe(violations)


def some_requests() -> list[BookingRequest]:
    """Requests with the longest values a column may hold: long names, conditions, attention."""
    bookings = [
        make_booking(
            answers(cold_sores=True),
            full_name="Maximiliana Alexandrina Featherstonehaugh-Cholmondeley",
            email="maximiliana.featherstonehaugh-cholmondeley@example.com",
            phone="+1 (207) 555-0199 ext. 1234",
        ),
        make_booking(answers(previous_treatment_date=timezone.localdate() - timedelta(days=10))),
        make_booking(),
    ]
    BookingRequest.objects.filter(pk=bookings[1].pk).update(
        needs_attention=True, created_at=timezone.now() - timedelta(days=6)
    )
    return bookings


def test_worklist_fits_1280_pixels_and_has_no_wcag_violations(new_context):
    some_requests()
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto("/admin/bookings/bookingrequest/")
    assert page.locator("#result_list tbody tr").count() == 3
    assert "overdue" in page.locator("#result_list").inner_text()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 1280, horizontal_overflow(page)
    assert_accessible(page, "worklist")


def test_request_page_has_no_wcag_violations(new_context):
    booking = some_requests()[0]
    desk = staff_member("desk", "Front desk")
    ContactLogEntry.objects.create(booking=booking, who=desk, what="no_answer", note="Try later")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto(f"/admin/bookings/bookingrequest/{booking.pk}/change/")
    assert "Try later" in page.locator("#content").inner_text()
    assert page.locator('select[name="contact_log-1-what"]').count() == 1
    assert_accessible_without_css_preload(page, "booking request")


def test_staff_home_has_no_wcag_violations(new_context):
    some_requests()
    Screening.objects.create(area="hands", outcome="deferred", reasons="pregnant")
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    assert page.locator('[data-metric="new"]').inner_text() == "3"
    assert page.locator('[data-chart="weeks"]').count() == 1
    assert_accessible(page, "staff home")
    page.get_by_text("Screenings per week as a table").click()
    assert page.locator('[data-chart="weeks"]').is_visible()
    assert_accessible(page, "staff home with a table open")


def test_phone_booking_pages_have_no_wcag_violations(new_context):
    """The screener with the patient (a refusal shown), then the request of an eligible one."""
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto("/admin/bookings/bookingrequest/")
    page.get_by_role("link", name="Take a request by phone").click()
    page.wait_for_url("**/bookingrequest/phone/")
    page.check('input[name="area"][value="hands"]')
    for question in ("isotretinoin", "radiation", "pregnant", "infection", "open_wounds"):
        page.check(f'input[name="{question}"][value="no"]')
    for question in ("cold_sores", "previous_treatment"):
        page.check(f'input[name="{question}"][value="no"]')
    page.check('input[name="keloid"][value="yes"]')
    page.get_by_role("button", name="Check the answers").click()
    page.wait_for_load_state()
    assert page.locator("[data-refused]").is_visible()
    assert_accessible_without_css_preload(page, "phone booking refused")

    page.check('input[name="keloid"][value="no"]')
    page.get_by_role("button", name="Check the answers").click()
    page.wait_for_url("**/bookingrequest/phone/details/")
    assert_accessible_without_css_preload(page, "phone booking details")
    page.get_by_label("Full name").fill("Ada Phone")
    page.get_by_label("Email address").fill("ada.phone@example.com")
    page.get_by_label("Phone number").fill("207 555 0100")
    preferred = timezone.localdate() + timedelta(days=9)
    page.fill('input[name="preferred_date"]', preferred.isoformat())
    page.check('input[name="preferred_time"][value="morning"]')
    page.check('input[name="consent"]')
    page.get_by_role("button", name="Save the booking request").click()
    page.wait_for_url("**/bookingrequest/*/change/")
    booking = BookingRequest.objects.get()
    assert booking.taken_by_phone and booking.full_name == "Ada Phone"


def test_erasure_by_address_has_no_wcag_violations_and_asks_first(new_context):
    booking = some_requests()[2]
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto("/admin/bookings/bookingrequest/erase/")
    assert_accessible_without_css_preload(page, "erasure")
    page.get_by_label("The patient's e-mail address").fill(booking.email.upper())
    page.get_by_role("button", name="Show what will be erased").click()
    page.wait_for_load_state()
    assert "Everything kept about" in page.locator("#content").inner_text()
    assert_accessible_without_css_preload(page, "erasure confirmation")
    assert BookingRequest.objects.filter(pk=booking.pk).exists()
    page.get_by_role("button", name="Yes, erase it all").click()
    page.wait_for_url("**/admin/bookings/bookingrequest/")
    assert not BookingRequest.objects.filter(email__iexact=booking.email).exists()
