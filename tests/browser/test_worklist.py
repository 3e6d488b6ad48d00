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
