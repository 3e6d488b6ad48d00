"""An erasure leaves no trace of the patient's reference: not in the admin's history, not in
the log of views of health answers, not in a session that would still show it."""

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from bookings.models import BookingRequest, HealthAnswersView
from bookings.services import patient_data_erase
from screener.session import BOOKED_KEY
from tests.staff_helpers import verified_login
from tests.test_booking_admin import change_url, form_data, make_booking, staff_in

pytestmark = pytest.mark.django_db


def patient_session(reference: str) -> str:
    """A patient's session as the confirmation page leaves it: the reference, nothing else."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[BOOKED_KEY] = reference
    store.save()
    return store.session_key


def session_exists(key: str) -> bool:
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def test_erasure_deletes_admin_history_views_and_sessions(
    client, django_user_model, django_capture_on_commit_callbacks
):
    kept = make_booking(email="kim@example.com", full_name="Kim Kept")
    erased = make_booking(email="jane@example.com")
    verified_login(client, staff_in("Clinicians", django_user_model, "doctor"))
    for booking in (erased, kept):
        client.get(change_url(booking))  # a view of the answers, recorded
        client.post(change_url(booking), form_data(booking, staff_notes="Called"))
    booking_type = ContentType.objects.get_for_model(BookingRequest)
    assert LogEntry.objects.filter(content_type=booking_type, object_id=str(erased.pk)).exists()
    assert HealthAnswersView.objects.filter(reference=erased.reference).exists()
    erased_session = patient_session(erased.reference)
    kept_session = patient_session(kept.reference)

    with django_capture_on_commit_callbacks(execute=True):
        patient_data_erase(email="JANE@example.com", by=None)

    assert not LogEntry.objects.filter(object_repr__contains=erased.reference).exists()
    assert not LogEntry.objects.filter(content_type=booking_type, object_id=str(erased.pk)).exists()
    assert not HealthAnswersView.objects.filter(reference=erased.reference).exists()
    assert not session_exists(erased_session)
    # Another patient's traces stay.
    assert LogEntry.objects.filter(content_type=booking_type, object_id=str(kept.pk)).exists()
    assert HealthAnswersView.objects.filter(reference=kept.reference).exists()
    assert session_exists(kept_session)


def test_sessions_are_searched_in_reasonable_time(django_capture_on_commit_callbacks):
    """Each live session is decoded: 2,000 (a busy day's screenings) take well under a second."""
    for number in range(2000):
        patient_session(f"REF{number:06d}")
    erased = make_booking(email="jane@example.com")
    target = patient_session(erased.reference)
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        patient_data_erase(email="jane@example.com", by=None)
    assert time.perf_counter() - started < 2
    assert not session_exists(target)
