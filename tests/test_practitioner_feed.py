"""Each practitioner's private calendar feed: /diary/feed/<feed_token>.ics.

SPEC.md, "The diary (admin)": a secret, revocable URL; reference and first name only, never
health data.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings.models import Practitioner
from tests.staff_helpers import verified_login
from tests.test_booking_admin import staff_in
from tests.test_calendar import SECRETS, make_appointment, practitioner

pytestmark = pytest.mark.django_db


def feed_path(who: Practitioner) -> str:
    return reverse("diary:feed", args=[who.feed_token])


def events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def clinician():
    return Practitioner.objects.get(name="Clinician")


def test_the_feed_lists_the_practitioners_active_appointments(client, clinician):
    soon = timezone.now().replace(microsecond=0) + timedelta(days=3)
    mine = make_appointment(soon)
    make_appointment(soon + timedelta(hours=2), practitioner=practitioner("Someone else"))
    make_appointment(soon + timedelta(hours=4), status="cancelled", full_name="Gone Away")
    treated = make_appointment(soon - timedelta(days=20), status="treated", full_name="Ann Old")
    make_appointment(soon - timedelta(days=40), full_name="Too Old")
    make_appointment(soon + timedelta(days=400), full_name="Too Far")

    response = client.get(feed_path(clinician))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    found = {str(event["UID"]): event for event in events(response)}
    assert set(found) == {f"appointment-{mine.pk}@clinic", f"appointment-{treated.pk}@clinic"}
    event = found[f"appointment-{mine.pk}@clinic"]
    assert str(event["SUMMARY"]) == f"{mine.booking.reference} Jane"
    assert mine.booking.reference in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == mine.starts_at
    assert event.decoded("DTEND") == mine.ends_at
    assert int(event["SEQUENCE"]) == 0


def test_the_sequence_follows_the_appointment(client, clinician):
    appointment = make_appointment(timezone.now() + timedelta(days=2))
    appointment.sequence = 3
    appointment.save(update_fields=["sequence"])
    (event,) = events(client.get(feed_path(clinician)))
    assert int(event["SEQUENCE"]) == 3
    assert str(event["UID"]) == f"appointment-{appointment.pk}@clinic"


def test_the_feed_holds_no_surname_contact_area_or_health_data(client, clinician):
    make_appointment(timezone.now() + timedelta(days=2), area="stretch_marks")
    body = client.get(feed_path(clinician)).content.decode()
    assert "Jane" in body
    for secret in (*SECRETS, "Stretch", "stretch_marks", "cold_sores"):
        assert secret not in body, secret


def test_an_unknown_address_is_not_found(client, clinician):
    assert client.get(f"/diary/feed/{'x' * 43}.ics").status_code == 404
    assert client.get(f"/diary/feed/{clinician.feed_token[:-1]}.ics").status_code == 404
    assert client.get("/diary/feed/.ics").status_code == 404
    assert client.get(f"/diary/feed/{clinician.feed_token}.ics/").status_code == 404


def test_only_get_and_head(client, clinician):
    assert client.head(feed_path(clinician)).status_code == 200
    assert client.post(feed_path(clinician)).status_code == 405


def test_a_new_address_revokes_the_old_one(client, django_user_model, clinician):
    """The admin's action: the old address 404s, the new one works."""
    old = feed_path(clinician)
    assert client.get(old).status_code == 200
    staff = client.__class__()
    verified_login(staff, staff_in("Front desk", django_user_model, "desk"))
    staff.post(
        reverse("admin:bookings_practitioner_changelist"),
        {"action": "new_feed_address", "_selected_action": [str(clinician.pk)]},
    )
    clinician.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(feed_path(clinician)).status_code == 200


def test_an_empty_diary_is_still_a_calendar(client, clinician):
    response = client.get(feed_path(clinician))
    calendar = Calendar.from_ical(response.content)
    assert calendar.name == "VCALENDAR"
    assert events(response) == []
    assert "Clinician" in str(calendar["X-WR-CALNAME"])
