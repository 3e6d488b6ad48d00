"""Retention and the medical-records duty (SPEC "Privacy and security"): the purge never deletes
a request whose appointment or preferred date is ahead, nor a patient's medical records before
MEDICAL_RECORDS_RETENTION_YEARS after their last treatment; after that the patient goes whole.

The consent and treatment record models mark themselves `medical_record = True`; here a model
of this app that points at Patient stands in for them, marked the same way."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Appointment, BookingRequest, Practitioner, RecheckSubmission
from patients.models import ConsentSignature, Patient, PatientRecordView, TreatmentRecord
from patients.retention import (
    check_medical_records,
    kept_until,
    medical_record_relations,
    record_date_field,
)
from tests.appointment_helpers import make_booking

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=NEW_YORK)


@pytest.fixture
def medical_records(monkeypatch):
    """PatientRecordView, marked as a medical record: a row each dated by `viewed_at`."""
    monkeypatch.setattr(PatientRecordView, "medical_record", True, raising=False)

    def record(patient: Patient, at: datetime) -> PatientRecordView:
        return PatientRecordView.objects.create(patient=patient, username="doctor", viewed_at=at)

    return record


def purge() -> str:
    out = StringIO()
    call_command("purge_old_bookings", stdout=out)
    return out.getvalue()


def booking_at(moment: datetime, time_machine, **details) -> BookingRequest:
    time_machine.move_to(moment, tick=False)
    return make_booking(preferred_date=timezone.localdate() + timedelta(days=5), **details)


def test_medical_records_are_found_by_their_mark_and_dated_by_their_ordering(medical_records):
    found = {r.related_model for r in medical_record_relations()}
    assert found == {ConsentSignature, TreatmentRecord, PatientRecordView}
    assert record_date_field(PatientRecordView) == "viewed_at"
    assert record_date_field(ConsentSignature) == "signed_at"
    assert record_date_field(TreatmentRecord) == "treated_at"


def test_records_inside_the_period_keep_the_patient_when_their_requests_are_purged(
    time_machine, medical_records, settings
):
    settings.BOOKING_RETENTION_DAYS = 365
    booking = booking_at(T0, time_machine)
    patient = booking.patient
    record = medical_records(patient, T0)

    time_machine.move_to(T0 + timedelta(days=400), tick=False)
    output = purge()

    assert not BookingRequest.objects.exists()
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert PatientRecordView.objects.filter(pk=record.pk).exists()
    assert "Deleted 1 booking requests" in output and "0 patients" in output
    assert kept_until(patient) == T0.replace(year=2033)


def test_after_the_period_the_patient_goes_entirely(time_machine, medical_records):
    booking = booking_at(T0, time_machine)
    medical_records(booking.patient, T0)

    time_machine.move_to(T0 + timedelta(days=7 * 365), tick=False)  # a day short: leap days
    purge()
    assert Patient.objects.exists() and PatientRecordView.objects.exists()

    time_machine.move_to(T0.replace(year=2033) + timedelta(seconds=1), tick=False)
    assert "1 patients with no request left" in purge()
    assert not Patient.objects.exists()
    assert not PatientRecordView.objects.exists()


def test_the_period_is_the_setting(time_machine, medical_records, settings):
    settings.MEDICAL_RECORDS_RETENTION_YEARS = 2
    booking = booking_at(T0, time_machine)
    medical_records(booking.patient, T0)
    time_machine.move_to(T0.replace(year=2028) + timedelta(days=1), tick=False)
    purge()
    assert not Patient.objects.exists()


def test_the_period_counts_from_the_last_treatment_or_the_latest_record(
    time_machine, medical_records
):
    booking = booking_at(T0, time_machine)
    medical_records(booking.patient, T0)
    treated_at = T0 + timedelta(days=100)
    Appointment.objects.create(
        booking=booking,
        practitioner=Practitioner.objects.order_by("pk").first(),
        starts_at=treated_at,
        ends_at=treated_at + timedelta(hours=1),
        status=Appointment.Status.TREATED,
    )
    assert kept_until(booking.patient) == treated_at.replace(year=2033)
    later = medical_records(booking.patient, T0 + timedelta(days=200))
    assert kept_until(booking.patient) == later.viewed_at.replace(year=2033)


def test_a_patient_without_medical_records_goes_with_their_last_request(time_machine):
    booking_at(T0, time_machine)
    time_machine.move_to(T0 + timedelta(days=400), tick=False)
    purge()
    assert not Patient.objects.exists()
    assert not PatientRecordView.objects.exists()


def test_a_request_with_an_appointment_ahead_in_the_diary_is_never_purged(time_machine):
    """Even when the request's own copy of the time says otherwise."""
    booking = booking_at(T0, time_machine)
    ahead = T0 + timedelta(days=420)
    Appointment.objects.create(
        booking=booking,
        practitioner=Practitioner.objects.order_by("pk").first(),
        starts_at=ahead,
        ends_at=ahead + timedelta(hours=1),
    )
    time_machine.move_to(T0 + timedelta(days=400), tick=False)
    purge()
    assert BookingRequest.objects.filter(pk=booking.pk).exists()
    assert Patient.objects.exists()


def test_a_request_with_its_preferred_date_ahead_is_never_purged(time_machine):
    time_machine.move_to(T0, tick=False)
    booking = make_booking(preferred_date=timezone.localdate() + timedelta(days=420))
    time_machine.move_to(T0 + timedelta(days=400), tick=False)
    purge()
    assert BookingRequest.objects.filter(pk=booking.pk).exists()


def test_the_models_as_they_are_pass_the_medical_records_check():
    assert check_medical_records() == []


def test_a_medical_record_deleted_with_a_request_fails_the_check(monkeypatch):
    """A re-check submission marked as a medical record would be deleted with its request
    (CASCADE), and has no foreign key to Patient: both are errors."""
    monkeypatch.setattr(RecheckSubmission, "medical_record", True, raising=False)
    ids = {error.id for error in check_medical_records()}
    assert ids == {"patients.E001", "patients.E002"}


def test_the_privacy_notice_says_what_the_record_keeps_why_how_long_and_who_sees_it(
    client, settings
):
    settings.MEDICAL_RECORDS_RETENTION_YEARS = 10
    html = client.get("/privacy/").content.decode()
    assert "Your patient record</h3>" in html
    assert "treatment record of each session" in html and "informed consent" in html
    assert "a clinic must keep medical records" in html  # why
    assert "we keep them for 10 years after your last treatment" in html  # how long
    assert "the front desk see your contact details, your appointments" in html  # who
    assert "whether you have signed the consent form" in html
    assert "clinicians also see your signed consent, your treatment records" in html
    settings.MEDICAL_RECORDS_RETENTION_YEARS = 1
    for cache in caches.all():  # the public page cache holds the page as it was
        cache.clear()
    assert "for 1 year after your last treatment" in client.get("/privacy/").content.decode()
