"""One patient from the screener to aftercare, through the real pages, the admin and the real
`send_due_messages` command, with the clock frozen and moved in the clinic's time zone.

Screen, request, scheduled in the admin, confirmation with a valid .ics, the reminder 48 hours
before, a re-check that comes back "changed" and flags the request; the front desk moves the
appointment, the new re-check is clear, the patient is treated and gets aftercare on days 0, 3
and 14 and the next session's window, each on its day.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from bookings.models import BookingRequest
from tests.appointment_helpers import (  # noqa: F401 (fixture)
    links_in,
    outbox_keeps_the_test_transaction,
    schedule,
    send_due,
    sent_with,
    set_status,
)
from tests.booking_helpers import booking_data
from tests.screener_answers import NO_TO_EVERY_QUESTION

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("outbox_keeps_the_test_transaction"),
]

NY = ZoneInfo("America/New_York")
START = datetime(2026, 3, 2, 12, 0, tzinfo=NY)


def at(month, day, hour=10, minute=0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


def recheck_answers(**changes) -> dict[str, str]:
    data = {k: v for k, v in NO_TO_EVERY_QUESTION.items() if k not in {"keloid", "cold_sores"}}
    return {**data, **changes}


def test_from_screener_to_aftercare(client, admin_client, settings, time_machine):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(START, tick=False)

    # The patient screens and requests a booking.
    response = client.post(
        "/screener/", {"area": "face_neck", "concerns": ["fine_lines"], **NO_TO_EVERY_QUESTION}
    )
    assert response.status_code == 302
    assert b'data-outcome="eligible"' in client.get("/screener/result/").content
    response = client.post(
        "/booking/request/",
        booking_data(preferred_date="2026-03-16", email="pat@example.com") | {"confirm": "yes"},
    )
    assert response.status_code == 302
    booking = BookingRequest.objects.get()
    send_due()
    mail.outbox.clear()

    # The front desk schedules it for Friday 20 March, 2:30 PM.
    assert schedule(admin_client, booking, at(3, 20, 14, 30)).status_code == 302
    assert "Sent 1." in send_due()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["pat@example.com"]
    assert "Friday, March 20, 2026 at 2:30 PM" in confirmation.body
    ((name, ics, mimetype),) = confirmation.attachments
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == at(3, 20, 14, 30)
    assert settings.CLINIC_ADDRESS in str(event["location"])
    (page,) = links_in(confirmation, "/appointment/")
    assert b"2:30 PM" in client.get(page).content

    # Nothing more until 48 hours before: the reminder with its re-check link.
    time_machine.move_to(at(3, 18, 14, 29), tick=False)
    assert "Sent 0." in send_due()
    time_machine.move_to(at(3, 18, 14, 30), tick=False)
    assert "Sent 1." in send_due()
    (reminder,) = sent_with("has anything changed")
    (check,) = links_in(reminder, "/check/")

    # An active cold sore now: the re-check comes back "changed" and the request is flagged.
    response = client.post(check, recheck_answers(infection="yes"), follow=True)
    assert b'data-recheck="changed"' in response.content
    booking.refresh_from_db()
    assert booking.needs_attention and booking.attention_reason == "recheck_changed"
    assert booking.recheck_submissions.get().answers["infection"] is True

    # The front desk moves the appointment to Tuesday 7 April, 10:00 (summer time by then).
    mail.outbox.clear()
    assert schedule(admin_client, booking, at(4, 7, 10)).status_code == 302
    booking.refresh_from_db()
    assert not booking.needs_attention and booking.recheck_result == ""
    assert client.get(check).status_code == 410  # the old time's links are dead
    send_due()
    (confirmation,) = sent_with("Your appointment")
    assert "Tuesday, April 7, 2026 at 10:00 AM" in confirmation.body

    time_machine.move_to(at(4, 5, 10), tick=False)
    send_due()
    (reminder,) = sent_with("has anything changed")
    (check,) = links_in(reminder, "/check/")
    response = client.post(check, recheck_answers(), follow=True)
    assert b'data-recheck="clear"' in response.content

    # Treated on the day: aftercare at once, then 9:00 on days 3 and 14, then the window.
    time_machine.move_to(at(4, 7, 12), tick=False)
    assert set_status(admin_client, booking, "treated").status_code == 302
    mail.outbox.clear()
    send_due()
    assert [m.subject.split(" - ")[0] for m in mail.outbox] == ["Aftercare for the next few days"]
    expected = [
        (at(4, 10, 9), "Day 3"),
        (at(4, 21, 9), "Day 14"),
        (at(4, 28, 9), "When to book your next session"),
    ]
    for moment, subject in expected:
        time_machine.move_to(moment - timedelta(minutes=1), tick=False)
        assert "Sent 0." in send_due(), subject
        time_machine.move_to(moment, tick=False)
        assert "Sent 1." in send_due(), subject
        (message,) = sent_with(subject)
        assert links_in(message, "/stop/")
    (window,) = sent_with("next session")
    assert "between Tuesday, May 5, 2026 and Tuesday, May 19, 2026" in window.body
    assert links_in(window, "/screener/")
