"""Rotating SECRET_KEY: the old key moves to SECRET_KEY_FALLBACKS (DJANGO_SECRET_KEY_FALLBACKS)
and nothing a patient holds or asked for is lost: links already sent (the appointment page,
its re-check, a stop link) still open, and a stop stays recorded, also once the old key has
been dropped, as long as the nightly purge ran in between."""

from io import StringIO

import pytest
from django.core.management import call_command
from post_office.models import Email

from bookings.appointments import appointment_token
from bookings.emails import queue_email
from bookings.models import Message, MessageStop
from bookings.stop import is_stopped, stop_token
from tests.appointment_helpers import make_booking, schedule
from tests.test_appointments import NOW, at

pytestmark = pytest.mark.django_db

OLD_KEY = "old-key-" + "x" * 50
NEW_KEY = "new-key-" + "y" * 50


@pytest.fixture
def old_key(settings):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    return settings


def rotate(settings, fallbacks=(OLD_KEY,)) -> None:
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = list(fallbacks)


def test_links_sent_before_the_rotation_still_open(old_key, admin_client, client, time_machine):
    time_machine.move_to(NOW, tick=False)
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    booking.refresh_from_db()
    appointment = f"/appointment/{appointment_token(booking)}/"
    stop = f"/messages/{stop_token(group='reminders', address=booking.email)}/stop/"

    rotate(old_key)
    assert client.get(appointment).status_code == 200
    assert client.get(appointment + "check/").status_code == 200
    assert client.get(stop).status_code == 200

    rotate(old_key, fallbacks=())
    assert client.get(appointment).status_code == 404
    assert client.get(stop).status_code == 404


def test_a_stop_made_before_the_rotation_is_kept_after_it(old_key, client):
    client.post(f"/messages/{stop_token(group='aftercare', address='ada@example.com')}/stop/")
    assert MessageStop.objects.count() == 1

    rotate(old_key)
    assert is_stopped(group="aftercare", address="ADA@example.com")
    rotate(old_key, fallbacks=())  # the old key is gone: the stop was kept under the new one
    assert is_stopped(group="aftercare", address="ada@example.com")
    assert not is_stopped(group="reminders", address="ada@example.com")


def test_a_stop_link_from_before_the_rotation_stops_and_drops_what_is_queued(old_key, client):
    link = f"/messages/{stop_token(group='aftercare', address='ada@example.com')}/stop/"
    rotate(old_key)
    booking = make_booking(email="ada@example.com")
    queue_email(
        kind=Message.Kind.AFTERCARE_DAY_3,
        to=booking.email,
        template="aftercare_day_3",
        context={"booking": booking},
        booking=booking,
    )
    assert Email.objects.filter(clinic_message__kind=Message.Kind.AFTERCARE_DAY_3).count() == 1

    assert client.post(link).status_code == 200
    assert not Email.objects.filter(clinic_message__kind=Message.Kind.AFTERCARE_DAY_3).exists()
    assert is_stopped(group="aftercare", address="ada@example.com")


def test_the_nightly_purge_keeps_stops_under_the_new_key(old_key, client):
    make_booking(email="ada@example.com")
    client.post(f"/messages/{stop_token(group='follow_up', address='ada@example.com')}/stop/")

    rotate(old_key)
    call_command("purge_old_bookings", stdout=StringIO())
    rotate(old_key, fallbacks=())
    assert is_stopped(group="follow_up", address="ada@example.com")
