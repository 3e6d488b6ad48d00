"""The patient's admin pages in a real browser: the record (course and timeline) for the front
desk and for a clinician, the merge search and its confirmation, and the erasure confirmation
fit a 1280-pixel screen and have no WCAG 2.2 A/AA violation (axe-core); a merge can be done
with the keyboard alone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Appointment, Practitioner, RecheckSubmission
from patients.models import Patient
from tests.appointment_helpers import make_booking
from tests.browser.axe import assert_accessible
from tests.browser.helpers import horizontal_overflow
from tests.browser.test_journeys import log_in, staff_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 800}


def a_patient_with_a_course() -> tuple[Patient, Patient]:
    """Three requests of one patient (a treated session, one booked, one moved and
    cancelled, a changed re-check), and a second record of the same person."""
    clinician = Practitioner.objects.get(name="Clinician")
    now = timezone.now()
    bookings = [
        make_booking(full_name="Bartholomew-Alexander Featherstonehaugh", email="bart@example.com")
        for _ in range(3)
    ]
    for booking, (days, status, moved) in zip(
        bookings, [(-40, "treated", 0), (20, "scheduled", 1), (50, "cancelled", 2)], strict=True
    ):
        Appointment.objects.create(
            booking=booking,
            practitioner=clinician,
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=1),
            status=status,
            sequence=moved,
        )
    RecheckSubmission.objects.create(
        booking=bookings[1],
        appointment_at=now + timedelta(days=20),
        answers={"pregnant": True},
        result=RecheckSubmission.Result.CHANGED,
    )
    other = make_booking(full_name="Bart Featherstonehaugh", email="bart.work@example.com")
    return bookings[0].patient, other.patient


def fits_and_is_accessible(page, name: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 1280, horizontal_overflow(page)
    assert_accessible(page, name)


@pytest.mark.parametrize("group", ["Front desk", "Clinicians"])
def test_the_patient_page_fits_and_has_no_wcag_violations(new_context, group):
    patient, _other = a_patient_with_a_course()
    staff_member("staff", group)
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "staff")
    page.goto(f"/admin/patients/patient/?q={patient.email}")
    page.get_by_role("link", name=patient.full_name, exact=True).click()
    page.wait_for_url(lambda url: f"/admin/patients/patient/{patient.pk}/change/" in url)
    timeline = page.locator("[data-timeline] table")
    assert timeline.locator('tr[data-timeline-kind="appointment"]').count() == 3
    clinical = timeline.locator("tr[data-clinical]").count()
    assert clinical == (1 if group == "Clinicians" else 0)
    assert page.locator("[data-course-treated]").inner_text() == "1"
    fits_and_is_accessible(page, f"patient page, {group}")

    page.goto("/admin/patients/patient/")
    fits_and_is_accessible(page, "patient list")


def test_a_merge_with_the_keyboard_and_its_pages_have_no_wcag_violations(new_context):
    patient, other = a_patient_with_a_course()
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto(f"/admin/patients/patient/{patient.pk}/change/")
    page.get_by_role("link", name="Merge with another record of the same person").click()
    page.wait_for_url(f"**/admin/patients/patient/{patient.pk}/merge/")
    fits_and_is_accessible(page, "merge: search")

    # Nothing chosen: the message beside the choice, still accessible.
    page.get_by_role("button", name="Show what will move").click()
    page.locator("#other-errors").wait_for()
    assert "Choose the other record of this patient." in page.locator("#other-errors").inner_text()
    fits_and_is_accessible(page, "merge: nothing chosen")

    page.get_by_label("Bart Featherstonehaugh", exact=False).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Show what will move").focus()
    page.keyboard.press("Enter")
    page.locator("[data-merge-moves]").wait_for()
    fits_and_is_accessible(page, "merge: confirmation")

    page.get_by_role("button", name="Yes, merge the records").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/patients/patient/{patient.pk}/change/")
    assert not Patient.objects.filter(pk=other.pk).exists()
    assert page.locator('[data-timeline-kind="merge"]').count() == 1


def test_the_erasure_confirmation_has_no_wcag_violations(new_context):
    patient, _other = a_patient_with_a_course()
    staff_member("desk", "Front desk")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto(f"/admin/patients/patient/{patient.pk}/change/")
    page.get_by_role("link", name="Erase this patient's data").click()
    page.wait_for_url(f"**/admin/patients/patient/{patient.pk}/erase/")
    fits_and_is_accessible(page, "erasure confirmation")
    page.get_by_role("button", name="Yes, erase it all").click()
    page.wait_for_url("**/admin/patients/patient/")
    assert not Patient.objects.filter(pk=patient.pk).exists()
