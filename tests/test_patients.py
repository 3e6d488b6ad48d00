"""One patient per person, found by e-mail in any case (SPEC "Patients, consent and treatment
records"): requests belong to it, and the course and the 28-day rule count per patient."""

from datetime import timedelta
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from bookings.models import BookingRequest
from bookings.services import booking_request_create, patient_data_erase
from patients.models import Patient
from screener.eligibility import assess
from screener.models import Screening
from tests.booking_helpers import ELIGIBLE, record_screening

pytestmark = pytest.mark.django_db


def request_from(email: str, full_name: str = "Jane Example", phone: str = "207 555 0199"):
    screening = record_screening(ELIGIBLE)
    return booking_request_create(
        screening_id=screening.pk,
        answers=ELIGIBLE,
        result=assess(ELIGIBLE, timezone.localdate()),
        full_name=full_name,
        email=email,
        phone=phone,
        preferred_date=timezone.localdate() + timedelta(days=14),
        preferred_time="morning",
    )


def test_requests_from_one_address_in_any_case_belong_to_one_patient():
    first = request_from("Jane.Example@Example.com")
    second = request_from("jane.example@example.com", full_name="Jane Example-Smith")

    assert first.patient == second.patient
    assert Patient.objects.count() == 1
    patient = Patient.objects.get()
    # The latest request's name is the one most likely right; the address keeps its first form.
    assert patient.full_name == "Jane Example-Smith"
    assert patient.email == "Jane.Example@Example.com"
    assert set(patient.booking_requests.all()) == {first, second}


def test_another_address_is_another_patient():
    request_from("jane@example.com")
    request_from("john@example.com", full_name="John Example")

    assert Patient.objects.count() == 2


def test_the_migration_gives_existing_requests_one_patient_per_address():
    jane = request_from("jane@example.com", full_name="Jane Old-Name")
    later = request_from("JANE@example.com", full_name="Jane New-Name")
    john = request_from("john@example.com", full_name="John Example")
    migration = import_module("bookings.migrations.0013_booking_request_patient")
    # As before the migration, the requests have no patient of their own (the field is
    # required now, so they share a placeholder the backfill must replace).
    BookingRequest.objects.filter(pk__in=[jane.pk, later.pk, john.pk]).update(
        patient=Patient.objects.create(email="placeholder@example.com", full_name="x")
    )
    Patient.objects.exclude(email="placeholder@example.com").delete()

    migration.patients_from_addresses(apps, None)

    jane.refresh_from_db()
    later.refresh_from_db()
    john.refresh_from_db()
    assert jane.patient == later.patient != john.patient
    assert jane.patient.full_name == "Jane New-Name"  # the latest request's name
    assert john.patient.email == "john@example.com"


def test_erasure_deletes_the_patient_and_leaves_only_the_erasure_record():
    request_from("jane@example.com")
    request_from("JANE@EXAMPLE.COM")
    request_from("john@example.com", full_name="John Example")

    record = patient_data_erase(email="Jane@Example.com", by=None)

    assert record.requests == 2
    assert list(Patient.objects.values_list("email", flat=True)) == ["john@example.com"]


def test_purging_a_patients_last_request_deletes_the_patient(time_machine):
    time_machine.move_to(timezone.now() - timedelta(days=800), tick=False)
    request_from("jane@example.com")
    time_machine.move_to(timezone.now() + timedelta(days=800), tick=False)
    request_from("john@example.com", full_name="John Example")

    call_command("purge_old_bookings", stdout=StringIO())

    assert list(Patient.objects.values_list("email", flat=True)) == ["john@example.com"]
    assert Screening.objects.filter(booking_request__isnull=False).count() == 1
