"""The staff calendar in a real browser: the day and week views fit a 1280-pixel screen, have no
WCAG 2.2 A/AA violation (axe-core), and the day prints as the day sheet without the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Practitioner
from diary.models import SlotHold, TimeOff
from tests.browser.axe import assert_accessible
from tests.browser.helpers import horizontal_overflow
from tests.browser.test_journeys import log_in, staff_member
from tests.test_calendar import MONDAY, at, make_appointment, practitioner

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 800}
DAY = f"/admin/bookings/calendar/?date={MONDAY:%Y-%m-%d}&view=day"
WEEK = f"/admin/bookings/calendar/?date={MONDAY:%Y-%m-%d}&view=week"


def a_busy_week() -> None:
    """Four practitioners (one with a long name and a lunch break), appointments with long
    first names, a hold, time off with a reason, over several days."""
    clinician = Practitioner.objects.get(name="Clinician")
    team = [
        clinician,
        practitioner("Dr. Maximiliana Featherstonehaugh-Cholmondeley", hours=((8, 12), (13, 18))),
        practitioner("Nurse Rivera"),
        practitioner("Dr. Okafor", weekdays=range(7)),
    ]
    for day in range(5):
        for n, who in enumerate(team):
            make_appointment(
                at(MONDAY + timedelta(days=day), 9 + n),
                practitioner=who,
                full_name="Bartholomew-Alexander Example" if n == 1 else "Jane Example",
                area="decolletage" if n == 2 else "face_neck",
            )
    make_appointment(at(MONDAY, 14), practitioner=clinician, status="treated")
    SlotHold.objects.create(
        practitioner=team[2],
        starts_at=at(MONDAY, 15),
        ends_at=at(MONDAY, 16),
        holder="h" * 64,
        expires_at=timezone.now() + timedelta(minutes=10),
    )
    TimeOff.objects.create(
        practitioner=team[3],
        starts_at=at(MONDAY, 13),
        ends_at=at(MONDAY + timedelta(days=1), 12),
        reason="Conference on skin needling, travelling back on Tuesday morning",
    )


def test_day_and_week_fit_1280_pixels_and_have_no_wcag_violations(new_context):
    a_busy_week()
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.get_by_role("link", name="Calendar", exact=True).click()
    page.wait_for_url("**/admin/bookings/calendar/")

    page.goto(DAY)
    table = page.locator("table.calendar-day")
    assert table.locator('th[scope="col"]').count() == 5  # the time, and four practitioners
    assert table.locator("[data-appointment]").count() == 5
    assert table.locator("[data-hold]").count() == 1
    assert "Conference on skin needling" in table.inner_text()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 1280, horizontal_overflow(page)
    assert_accessible(page, "calendar, day")

    page.goto(WEEK)
    table = page.locator("table.calendar-week")
    assert table.locator('th[scope="row"]').count() == 7
    assert table.locator("[data-appointment]").count() == 21
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 1280, horizontal_overflow(page)
    assert_accessible(page, "calendar, week")

    # From the week to a day, and on to the next.
    page.get_by_role("link", name="Tuesday, Mar 2").click()
    page.wait_for_url("**date=2027-03-02&view=day")
    page.get_by_role("link", name="Next day").click()
    page.wait_for_url("**date=2027-03-03&view=day")
    assert page.locator("h1").inner_text() == "Wednesday, March 3, 2027"


def test_the_day_prints_as_the_day_sheet(new_context):
    a_busy_week()
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto(DAY)
    page.emulate_media(media="print")
    for chrome in ("#header", ".breadcrumbs", ".calendar-nav", "#footer"):
        assert not page.locator(chrome).is_visible(), chrome
    assert page.locator("table.calendar-day").is_visible()
    assert page.locator("h1").is_visible()
