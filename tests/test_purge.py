"""`manage.py purge_old_bookings`: booking requests and their screenings past retention go.

SPEC.md, "Privacy and security": requests and their screenings older than a configurable
retention period are deleted; anonymous screenings that never became a booking are kept.
"""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone
from post_office.models import Email

from bookings.models import BookingRequest, Message
from bookings.services import booking_request_create
from screener.eligibility import assess
from screener.models import Screening
from tests.booking_helpers import ELIGIBLE, answers, record_screening

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=NEW_YORK)


def booking_made_at(
    moment: datetime, time_machine, preferred_in: timedelta = timedelta(days=5)
) -> BookingRequest:
    time_machine.move_to(moment, tick=False)
    patient = answers(cold_sores=True)
    screening = record_screening(patient)
    return booking_request_create(
        screening_id=screening.pk,
        answers=patient,
        result=assess(patient, timezone.localdate()),
        full_name="Jane Example",
        email="jane@example.com",
        phone="207 555 0199",
        preferred_date=timezone.localdate() + preferred_in,
        preferred_time="morning",
    )


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_old_bookings", *args, stdout=out)
    return out.getvalue()


def test_old_requests_go_with_their_screenings_and_recent_ones_stay(time_machine, settings):
    settings.BOOKING_RETENTION_DAYS = 365
    old = booking_made_at(NOW - timedelta(days=366), time_machine)
    edge = booking_made_at(NOW - timedelta(days=364), time_machine)
    recent = booking_made_at(NOW - timedelta(days=3), time_machine)
    time_machine.move_to(NOW - timedelta(days=700), tick=False)
    anonymous_old = record_screening(answers(keloid=True))

    time_machine.move_to(NOW, tick=False)
    output = purge()

    assert set(BookingRequest.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    assert not Screening.objects.filter(pk=old.screening_id).exists()
    assert Screening.objects.filter(pk=edge.screening_id).exists()
    # Anonymous statistics of screenings that never became a booking are kept, however old.
    assert Screening.objects.filter(pk=anonymous_old.pk).exists()
    assert "Deleted 1 booking requests and 1 screenings older than 365 days" in output


def test_a_request_whose_preferred_date_is_still_ahead_is_kept(time_machine):
    """However old the request, a day the patient still expects to come keeps it."""
    ahead = booking_made_at(NOW - timedelta(days=40), time_machine, timedelta(days=300))
    today = booking_made_at(NOW - timedelta(days=40), time_machine, timedelta(days=40))
    past = booking_made_at(NOW - timedelta(days=40), time_machine, timedelta(days=39))
    time_machine.move_to(NOW, tick=False)
    purge("--days", "30")
    assert set(BookingRequest.objects.values_list("pk", flat=True)) == {ahead.pk, today.pk}
    assert not BookingRequest.objects.filter(pk=past.pk).exists()


def test_a_purged_request_takes_its_messages_with_it(time_machine):
    old = booking_made_at(NOW - timedelta(days=40), time_machine)
    kept = booking_made_at(NOW - timedelta(days=1), time_machine)
    assert Email.objects.count() == 4
    time_machine.move_to(NOW, tick=False)
    purge("--days", "30")
    assert not Message.objects.filter(booking_id=old.pk).exists()
    assert Email.objects.count() == 2
    assert set(Message.objects.values_list("booking_id", flat=True)) == {kept.pk}


def test_days_option_overrides_the_setting(time_machine):
    booking_made_at(NOW - timedelta(days=40), time_machine)
    kept = booking_made_at(NOW - timedelta(days=20), time_machine)
    time_machine.move_to(NOW, tick=False)
    output = purge("--days", "30")
    assert list(BookingRequest.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Screening.objects.count() == 1
    assert "Deleted 1 booking requests" in output


def test_nothing_to_delete_reports_zero(time_machine):
    booking_made_at(NOW - timedelta(days=1), time_machine)
    time_machine.move_to(NOW, tick=False)
    assert "Deleted 0 booking requests and 0 screenings" in purge()
    assert BookingRequest.objects.count() == 1


def test_negative_days_are_refused():
    with pytest.raises(CommandError):
        purge("--days", "-1")


def test_expired_sessions_are_cleared(time_machine, client, settings):
    settings.SESSION_ENGINE = "clinic.sessions"
    time_machine.move_to(NOW - timedelta(days=2), tick=False)
    session = client.session
    session["screening"] = {"id": 1}
    session.save()
    time_machine.move_to(NOW, tick=False)
    assert Session.objects.filter(session_key=session.session_key).exists()
    purge()
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_eligible_screening_without_booking_is_never_purged(time_machine):
    time_machine.move_to(NOW - timedelta(days=3000), tick=False)
    screening = record_screening(ELIGIBLE)
    time_machine.move_to(NOW, tick=False)
    purge("--days", "0")
    assert Screening.objects.filter(pk=screening.pk).exists()
