"""Appointments: scheduling in the admin, the confirmation, the 48-hour re-check, aftercare,
stop links, and what happens when an appointment moves or is cancelled.

SPEC.md, "Appointments, reminders and aftercare". The clock is frozen (time-machine) in the
clinic's time zone, America/New_York, which changes to summer time on 8 March 2026 and back on
1 November 2026.
"""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from post_office.models import Attachment, Email

from bookings import scheduling
from bookings.appointments import appointment_token, treatment_record
from bookings.models import BookingRequest, Message, MessageStop
from bookings.services import patient_data_erase
from screener.eligibility import Concern
from tests.appointment_helpers import (  # noqa: F401 (fixture)
    admin_form,
    change_url,
    links_in,
    make_booking,
    outbox_keeps_the_test_transaction,
    schedule,
    send_due,
    sent_with,
    set_status,
    treated_earlier,
)
from tests.booking_helpers import answers
from tests.screener_answers import NO_TO_EVERY_QUESTION
from tests.staff_helpers import verified_login

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("outbox_keeps_the_test_transaction"),
]

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=NY)  # a Monday, before the change to summer time
Kind = Message.Kind
HEALTH_WORDS = ("pregnan", "isotretinoin", "accutane", "radiation", "keloid", "infection")


@pytest.fixture(autouse=True)
def _clock(time_machine, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(NOW, tick=False)


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def kinds(booking) -> list[str]:
    return sorted(booking.messages.values_list("kind", flat=True))


def scheduled_time(booking, kind) -> datetime:
    return Message.objects.get(booking=booking, kind=kind).email.scheduled_time


def field_errors(response, field="appointment_at") -> list[str]:
    return response.context["adminform"].form.errors.get(field, [])


# --- Scheduling rules -------------------------------------------------------------------------


def test_scheduling_in_the_admin_saves_the_time_and_queues_confirmation_and_reminder(
    admin_client,
):
    booking = make_booking()
    response = schedule(admin_client, booking, at(2026, 3, 20, 14, 30))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "scheduled"
    assert booking.appointment_at == at(2026, 3, 20, 14, 30)
    assert Kind.APPOINTMENT_CONFIRMED in kinds(booking)
    assert Kind.RECHECK_REMINDER in kinds(booking)
    page = admin_client.get(change_url(booking)).content.decode()
    assert 'name="appointment_at_0"' in page and 'name="appointment_at_1"' in page


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (None, "Enter the appointment"),
        (datetime(2026, 3, 2, 11, 0, tzinfo=NY), "in the future"),
        (datetime(2026, 3, 1, 10, 0, tzinfo=NY), "in the future"),
    ],
    ids=["missing", "earlier-today", "yesterday"],
)
def test_scheduling_is_refused_without_a_future_time(admin_client, when, message):
    booking = make_booking()
    data = admin_form(booking, when, status="scheduled")
    response = admin_client.post(change_url(booking), data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response))
    booking.refresh_from_db()
    assert booking.status == "new" and booking.appointment_at is None
    assert not Email.objects.filter(clinic_message__kind=Kind.APPOINTMENT_CONFIRMED).exists()


def test_scheduling_before_the_earliest_booking_date_is_refused(admin_client):
    booking = make_booking(answers(previous_treatment_date=date(2026, 2, 20)))
    assert booking.earliest_booking_date == date(2026, 3, 20)
    response = schedule(admin_client, booking, at(2026, 3, 19, 16))
    assert any("March 20, 2026" in error for error in field_errors(response))
    assert schedule(admin_client, booking, at(2026, 3, 20, 9)).status_code == 302


def test_scheduling_within_28_days_after_a_treatment_of_the_same_patient_is_refused(
    admin_client, time_machine
):
    """Another request with the same e-mail (any case) treated on 1 March: 29 March is the
    first allowed day, as the screener counts it."""
    earlier = make_booking(email="Jane@Example.com")
    treated_earlier(earlier, at(2026, 3, 1, 15))
    booking = make_booking()
    response = schedule(admin_client, booking, at(2026, 3, 28, 17))
    assert any("March 29, 2026" in error for error in field_errors(response))
    booking.refresh_from_db()
    assert booking.status == "new"
    assert schedule(admin_client, booking, at(2026, 3, 29, 9)).status_code == 302


def test_scheduling_within_28_days_of_another_booked_session_is_refused_either_side(
    admin_client,
):
    """Another request of the same patient is booked for 20 April: 23 March and 18 May are the
    nearest days allowed, before and after it."""
    other = make_booking(email="JANE@example.com")
    assert schedule(admin_client, other, at(2026, 4, 20, 10)).status_code == 302
    booking = make_booking()
    for too_close in (at(2026, 3, 24, 10), at(2026, 5, 17, 10)):
        response = schedule(admin_client, booking, too_close)
        assert any(
            "April 20, 2026" in error and "March 23, 2026" in error and "May 18, 2026" in error
            for error in field_errors(response)
        )
        booking.refresh_from_db()
        assert booking.status == "new" and booking.appointment_at is None
    assert schedule(admin_client, booking, at(2026, 5, 18, 9)).status_code == 302


def test_a_cancelled_session_does_not_hold_its_day(admin_client):
    other = make_booking(email="jane@example.com")
    assert schedule(admin_client, other, at(2026, 4, 20, 10)).status_code == 302
    BookingRequest.objects.filter(pk=other.pk).update(status="cancelled")
    assert schedule(admin_client, make_booking(), at(2026, 4, 27, 10)).status_code == 302


def test_someone_elses_treatment_does_not_count(admin_client):
    other = make_booking(email="someone@example.com")
    treated_earlier(other, at(2026, 3, 1, 15))
    assert schedule(admin_client, make_booking(), at(2026, 3, 5, 9)).status_code == 302


def test_a_condition_unticked_still_refuses_and_saves_nothing(admin_client):
    booking = make_booking(answers(cold_sores=True))
    response = schedule(admin_client, booking, at(2026, 3, 20))
    assert response.status_code == 200
    assert "antiviral_prophylaxis_arranged" in response.context["adminform"].form.errors
    assert not booking.messages.filter(kind=Kind.APPOINTMENT_CONFIRMED).exists()


def test_a_scheduled_appointment_can_be_edited_after_its_time_without_the_rules_refusing(
    admin_client, time_machine
):
    """The rules apply to a new or moved time: staff can still fix a phone number later."""
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 4, 9))
    time_machine.move_to(at(2026, 3, 4, 12), tick=False)
    verified_login(admin_client, User.objects.get(username="admin"))
    response = admin_client.post(
        change_url(booking), admin_form(booking, staff_notes="Called to confirm")
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.staff_notes == "Called to confirm"


def test_database_refuses_scheduled_without_a_time():
    booking = make_booking()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingRequest.objects.filter(pk=booking.pk).update(status="scheduled")


def test_rules_are_plain_functions():
    treated = [at(2026, 3, 1, 23, 30)]
    assert scheduling.recent_treatment_error(at(2026, 3, 29, 0, 5), treated) is None
    assert scheduling.recent_treatment_error(at(2026, 3, 28, 23, 55), treated)
    booked = [at(2026, 4, 20, 23, 30)]
    assert scheduling.booked_session_error(at(2026, 5, 18, 0, 5), booked) is None
    assert scheduling.booked_session_error(at(2026, 3, 23, 23, 55), booked) is None
    assert scheduling.booked_session_error(at(2026, 3, 24, 0, 5), booked)
    assert scheduling.earliest_date_error(at(2026, 3, 20, 0, 0), date(2026, 3, 20)) is None
    assert scheduling.past_error(NOW, NOW)
    # No opening hours known yet: the hook allows any time.
    assert scheduling.opening_hours_error(at(2026, 3, 8, 3)) is None


# --- The confirmation -------------------------------------------------------------------------


def test_confirmation_has_day_time_address_preparation_link_and_a_valid_ics(
    admin_client, settings, client
):
    settings.SITE_URL = "https://clinic.example"
    booking = make_booking(answers(cold_sores=True), email="jane@example.com")
    schedule(admin_client, booking, at(2026, 3, 20, 14, 30), antiviral_prophylaxis_arranged="on")
    send_due()
    (message,) = sent_with("Your appointment")
    body = message.body
    assert "Friday, March 20, 2026 at 2:30 PM" in body
    assert settings.CLINIC_ADDRESS in body
    assert "numbing cream" in body
    # The agreed preparation is mentioned without naming it: an e-mail reveals no condition.
    assert "Follow the preparation the clinic agreed with you before your appointment." in body
    for word in ("antiviral", "cold sore", "herpes"):
        assert word not in f"{message.subject}\n{body}".lower()
    assert "stop e-mails" not in body.lower()  # an answer to the patient's own request
    (link,) = links_in(message, "/appointment/")
    assert client.get(link).status_code == 200

    ((name, content, mimetype),) = message.attachments
    assert name == "appointment.ics"
    assert mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    assert calendar.walk("VTIMEZONE")  # the TZID of the local times is defined
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == at(2026, 3, 20, 14, 30)
    assert settings.CLINIC_ADDRESS in str(event["location"])
    assert settings.CLINIC_NAME in str(event["location"])
    text = content.decode() if isinstance(content, bytes) else content
    for word in (*HEALTH_WORDS, "cold sore", "antiviral", "Jane"):
        assert word.lower() not in text.lower()


def test_appointment_link_carries_no_personal_data():
    booking = make_booking()
    booking.appointment_nonce = "n0nce"
    token = appointment_token(booking)
    assert "jane" not in token.lower()
    assert "@" not in token


# --- The reminder and the re-check ------------------------------------------------------------


def test_reminder_is_sent_48_hours_before_with_a_link_to_the_recheck(admin_client, time_machine):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 27, 11))
    assert scheduled_time(booking, Kind.RECHECK_REMINDER) == at(2026, 3, 25, 11)
    send_due()
    assert sent_with("has anything changed") == []
    time_machine.move_to(at(2026, 3, 25, 11), tick=False)
    send_due()
    (reminder,) = sent_with("has anything changed")
    assert len(links_in(reminder, "/check/")) == 1
    assert len(links_in(reminder, "/stop/")) == 1
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_appointment_less_than_48_hours_ahead_asks_for_the_recheck_in_its_confirmation(
    admin_client,
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 3, 15))
    assert not booking.messages.filter(kind=Kind.RECHECK_REMINDER).exists()
    send_due()
    (confirmation,) = sent_with("Your appointment")
    assert len(links_in(confirmation, "/check/")) == 1
    assert "Two days before" not in confirmation.body


def test_an_appointment_less_than_24_hours_ahead_gets_one_email_not_three(
    admin_client, time_machine
):
    booking = make_booking()
    send_due()  # the request's acknowledgement
    mail.outbox.clear()
    schedule(admin_client, booking, at(2026, 3, 3, 9))  # 21 hours ahead
    for hours in (0, 1, 12):
        time_machine.move_to(NOW + timedelta(hours=hours), tick=False)
        send_due()
    sent = [message.subject for message in mail.outbox]
    assert len(sent) == 1 and "Your appointment" in sent[0]
    # The front desk still sees that the re-check is missing, to ask before treating.
    booking.refresh_from_db()
    assert booking.needs_attention and booking.attention_reason == "recheck_missing"


@pytest.mark.parametrize(
    ("appointment", "reminder"),
    [
        # Summer time starts on Sunday 8 March: 10:00 EDT on Monday, 10:00 EST on Saturday.
        (at(2026, 3, 9, 10), at(2026, 3, 7, 10)),
        # It ends on Sunday 1 November: 10:00 EST on Monday, 10:00 EDT on Saturday.
        (at(2026, 11, 2, 10), at(2026, 10, 31, 10)),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_reminder_falls_on_the_local_day_and_hour_across_dst(
    admin_client, time_machine, appointment, reminder
):
    booking = make_booking()
    schedule(admin_client, booking, appointment)
    due = scheduled_time(booking, Kind.RECHECK_REMINDER)
    assert due == reminder
    assert timezone.localtime(due).hour == 10
    time_machine.move_to(reminder - timedelta(minutes=1), tick=False)
    send_due()
    assert sent_with("has anything changed") == []
    time_machine.move_to(reminder, tick=False)
    send_due()
    assert len(sent_with("has anything changed")) == 1


def test_a_moved_appointment_never_sends_its_old_reminder_and_its_old_links_die(
    admin_client, client, time_machine
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    send_due()
    (first,) = sent_with("Your appointment")
    (old_link,) = links_in(first, "/appointment/")
    schedule(admin_client, booking, at(2026, 3, 27, 15))

    time_machine.move_to(at(2026, 3, 18, 10), tick=False)  # the old reminder's time
    send_due()
    assert sent_with("has anything changed") == []
    gone = client.get(old_link)
    assert gone.status_code == 410
    assert b'data-link-gone="moved"' in gone.content

    time_machine.move_to(at(2026, 3, 25, 15), tick=False)
    send_due()
    (reminder,) = sent_with("has anything changed")
    assert "Friday, March 27, 2026" in reminder.body


@pytest.mark.parametrize("status", ["cancelled", "declined", "contacted"])
def test_an_appointment_taken_off_the_diary_never_sends_its_reminder(
    admin_client, time_machine, status
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    assert set_status(admin_client, booking, status).status_code == 302
    time_machine.move_to(at(2026, 3, 19, 10), tick=False)
    send_due()
    assert sent_with("has anything changed") == []
    assert not booking.messages.filter(kind=Kind.RECHECK_REMINDER).exists()


def recheck_url(booking) -> str:
    booking.refresh_from_db()
    return f"/appointment/{appointment_token(booking)}/check/"


def test_recheck_asks_the_quick_changing_questions_with_the_screeners_names(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    page = client.get(recheck_url(booking)).content.decode()
    for name in ("pregnant", "infection", "open_wounds", "isotretinoin", "radiation"):
        assert f'name="{name}"' in page
    for name in ("isotretinoin_date", "radiation_date", "previous_treatment_date"):
        assert f'name="{name}"' in page
    for name in ("area", "keloid", "cold_sores", "concerns"):
        assert f'name="{name}"' not in page


RECHECK_NO = {
    key: value for key, value in NO_TO_EVERY_QUESTION.items() if key not in {"keloid", "cold_sores"}
}


def test_a_clear_recheck_keeps_the_appointment(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    response = client.post(recheck_url(booking), RECHECK_NO, follow=True)
    assert b'data-recheck="clear"' in response.content
    booking.refresh_from_db()
    assert booking.recheck_result == "clear" and not booking.needs_attention
    assert booking.recheck_submissions.get().answers["pregnant"] is False


@pytest.mark.parametrize(
    "change",
    [
        {"pregnant": "yes"},
        {"infection": "yes"},
        # Isotretinoin a month ago: deferred until after the appointment.
        {"isotretinoin": "yes", "isotretinoin_date": "2026-02-01"},
    ],
    ids=["pregnant", "infection", "isotretinoin"],
)
def test_a_recheck_that_now_defers_flags_the_appointment_and_says_what_happens(
    admin_client, client, change
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    response = client.post(recheck_url(booking), {**RECHECK_NO, **change})
    assert response.status_code == 302
    # The answers travel in the POST body only.
    assert "yes" not in response["Location"] and "2026-02-01" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'data-recheck="changed"' in page
    assert "We will call you" in page
    booking.refresh_from_db()
    assert booking.needs_attention
    assert booking.attention_reason == "recheck_changed"
    assert booking.status == "scheduled"


def test_an_old_isotretinoin_date_is_still_clear(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    data = {**RECHECK_NO, "isotretinoin": "yes", "isotretinoin_date": "2025-10-01"}
    response = client.post(recheck_url(booking), data, follow=True)
    assert b'data-recheck="clear"' in response.content


def test_recheck_errors_are_shown_like_the_screeners_and_keep_the_answers(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    data = {**RECHECK_NO, "radiation": "yes", "radiation_date": "2099-01-01"}
    del data["pregnant"]
    response = client.post(recheck_url(booking), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_pregnant_0"' in page
    assert "must be today or in the past" in page
    assert 'value="2099-01-01"' in page
    booking.refresh_from_db()
    assert booking.recheck_result == ""


def test_a_recheck_not_done_by_24_hours_before_flags_it_and_tells_the_patient(
    admin_client, time_machine
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    time_machine.move_to(at(2026, 3, 19, 9, 59), tick=False)
    send_due()
    booking.refresh_from_db()
    assert not booking.needs_attention
    time_machine.move_to(at(2026, 3, 19, 10), tick=False)
    send_due()
    booking.refresh_from_db()
    assert booking.needs_attention and booking.attention_reason == "recheck_missing"
    (notice,) = sent_with("We will call you")
    assert len(links_in(notice, "/check/")) == 1
    send_due()  # flagged once, told once
    assert len(sent_with("We will call you")) == 1


def test_a_request_flagged_for_another_reason_still_has_its_patient_told_once(
    admin_client, time_machine
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    BookingRequest.objects.filter(pk=booking.pk).update(
        needs_attention=True, attention_reason="prophylaxis"
    )
    time_machine.move_to(at(2026, 3, 19, 10), tick=False)
    send_due()
    send_due()
    booking.refresh_from_db()
    # The front desk's first reason stays; the patient is asked for the re-check once.
    assert booking.needs_attention and booking.attention_reason == "prophylaxis"
    assert len(sent_with("We will call you")) == 1


def test_a_late_but_clear_recheck_lifts_the_missing_flag(admin_client, client, time_machine):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    time_machine.move_to(at(2026, 3, 19, 12), tick=False)
    send_due()
    booking.refresh_from_db()
    assert booking.attention_reason == "recheck_missing"
    client.post(recheck_url(booking), RECHECK_NO)
    booking.refresh_from_db()
    assert not booking.needs_attention and booking.attention_reason == ""


def test_a_recheck_done_in_time_is_not_flagged(admin_client, client, time_machine):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    client.post(recheck_url(booking), RECHECK_NO)
    time_machine.move_to(at(2026, 3, 19, 12), tick=False)
    send_due()
    booking.refresh_from_db()
    # Not for the re-check (an unsigned consent is flagged: tests/test_consent.py).
    assert booking.attention_reason != "recheck_missing"


# --- The patient's page -----------------------------------------------------------------------


def appointment_url(booking) -> str:
    booking.refresh_from_db()
    return f"/appointment/{appointment_token(booking)}/"


def test_appointment_page_shows_the_appointment_and_both_forms(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 14, 30))
    page = client.get(appointment_url(booking)).content.decode()
    assert "Friday, March 20, 2026 at 2:30 PM" in page
    assert booking.reference in page
    assert "/cancel/" in page and "/move/" in page and "/change/" in page


def test_patient_asks_to_change_and_the_front_desk_sees_it(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    url = appointment_url(booking)
    response = client.post(url + "change/", follow=True)
    assert b"new time" in response.content
    booking.refresh_from_db()
    assert booking.needs_attention and booking.attention_reason == "change_requested"
    assert booking.change_requested_at == NOW
    assert booking.status == "scheduled"


def test_patient_cancels_the_reminder_dies_and_the_link_says_cancelled(
    admin_client, client, time_machine
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    url = appointment_url(booking)
    response = client.post(url + "cancel/", follow=True)
    assert response.status_code == 410
    assert b'data-link-gone="cancelled"' in response.content
    assert b"Your appointment is cancelled" in response.content
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.needs_attention and booking.attention_reason == "cancelled_by_patient"
    time_machine.move_to(at(2026, 3, 18, 10), tick=False)
    send_due()
    assert sent_with("has anything changed") == []


def test_front_desk_sees_why_and_unticks_the_flag_once_dealt_with(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    client.post(appointment_url(booking) + "change/")
    page = admin_client.get(change_url(booking)).content.decode()
    assert "Patient asked to change the appointment" in page
    assert admin_form(booking)["needs_attention"] == "on"
    data = admin_form(booking, needs_attention=None)  # unticked
    assert admin_client.post(change_url(booking), data).status_code == 302
    booking.refresh_from_db()
    assert not booking.needs_attention and booking.attention_reason == ""


def test_appointment_forms_need_post(admin_client, client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    asked = client.get(appointment_url(booking) + "cancel/")  # asks, cancels nothing
    assert asked.status_code == 200 and b"Yes, cancel my appointment" in asked.content
    booking.refresh_from_db()
    assert booking.status == "scheduled"


@pytest.mark.parametrize(
    "mangle",
    [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x" + t, lambda t: "nonsense"],
    ids=["tampered-signature", "tampered-payload", "garbage"],
)
def test_a_tampered_link_is_the_sites_404(admin_client, client, mangle):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    booking.refresh_from_db()
    token = mangle(appointment_token(booking))
    for path in (f"/appointment/{token}/", f"/appointment/{token}/check/"):
        response = client.get(path)
        assert response.status_code == 404
        assert b"Page not found" in response.content


def test_a_link_expires_after_the_appointment_day(admin_client, client, time_machine):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    url = appointment_url(booking)
    time_machine.move_to(at(2026, 3, 20, 23, 59), tick=False)
    assert client.get(url).status_code == 200
    time_machine.move_to(at(2026, 3, 21, 0, 0), tick=False)
    response = client.get(url)
    assert response.status_code == 410
    assert b'data-link-gone="expired"' in response.content
    assert client.post(url + "check/", RECHECK_NO).status_code == 410


# --- Aftercare and the next session -----------------------------------------------------------


def treat(admin_client, booking, when: datetime, time_machine) -> None:
    """Schedule for `when` (from a week before), then mark treated on the day."""
    time_machine.move_to(when - timedelta(days=7), tick=False)
    assert schedule(admin_client, booking, when).status_code == 302
    time_machine.move_to(when + timedelta(hours=2), tick=False)
    assert set_status(admin_client, booking, "treated").status_code == 302


def test_marked_treated_sends_aftercare_on_days_0_3_14_and_the_next_session_window(
    admin_client, time_machine
):
    """A standard course (3 sessions, 4 to 6 weeks apart); treated Tuesday 10 March."""
    booking = make_booking()
    treat(admin_client, booking, at(2026, 3, 10, 10), time_machine)
    assert scheduled_time(booking, Kind.AFTERCARE_DAY_0) is None
    assert scheduled_time(booking, Kind.AFTERCARE_DAY_3) == at(2026, 3, 13, 9)
    assert scheduled_time(booking, Kind.AFTERCARE_DAY_14) == at(2026, 3, 24, 9)
    assert scheduled_time(booking, Kind.NEXT_SESSION) == at(2026, 3, 31, 9)
    assert not booking.messages.filter(kind=Kind.MAINTENANCE).exists()

    send_due()
    (day0,) = sent_with("Aftercare")
    assert len(links_in(day0, "/aftercare/")) == 1
    assert len(links_in(day0, "/stop/")) == 1
    time_machine.move_to(at(2026, 3, 31, 9), tick=False)
    send_due()
    (window,) = sent_with("next session")
    assert "between Tuesday, April 7, 2026 and Tuesday, April 21, 2026" in window.body
    assert len(links_in(window, "/screener/")) == 1


@pytest.mark.parametrize(
    ("treated", "day3"),
    [
        (at(2026, 3, 6, 10), at(2026, 3, 9, 9)),  # Friday EST -> Monday 9:00 EDT
        (at(2026, 10, 30, 10), at(2026, 11, 2, 9)),  # Friday EDT -> Monday 9:00 EST
    ],
    ids=["spring-forward", "fall-back"],
)
def test_day_3_is_9am_local_across_dst(admin_client, time_machine, treated, day3):
    booking = make_booking()
    treat(admin_client, booking, treated, time_machine)
    due = scheduled_time(booking, Kind.AFTERCARE_DAY_3)
    assert due == day3
    assert timezone.localtime(due).hour == 9
    time_machine.move_to(day3 - timedelta(minutes=1), tick=False)
    send_due()
    assert sent_with("Day 3") == []
    time_machine.move_to(day3, tick=False)
    send_due()
    assert len(sent_with("Day 3")) == 1


def test_intensive_course_window_is_six_weeks():
    booking = make_booking(answers(concerns=frozenset({Concern.ACNE_SCARS})))
    BookingRequest.objects.filter(pk=booking.pk).update(
        status="treated", appointment_at=timezone.now()
    )
    booking.refresh_from_db()
    treatment_record(booking=booking)
    email = Message.objects.get(booking=booking, kind=Kind.NEXT_SESSION).email
    assert "between Monday, April 13, 2026 and Monday, April 13, 2026" in email.message


def test_after_a_completed_course_maintenance_comes_3_months_later(admin_client, time_machine):
    """Three treated requests with the same address complete the standard course."""
    for day in (date(2025, 10, 1), date(2025, 11, 5)):
        earlier = make_booking(email="JANE@example.com")
        treated_earlier(earlier, at(day.year, day.month, day.day))
    booking = make_booking()
    treat(admin_client, booking, at(2026, 3, 10, 10), time_machine)
    assert not booking.messages.filter(kind=Kind.NEXT_SESSION).exists()
    assert scheduled_time(booking, Kind.MAINTENANCE) == at(2026, 6, 10, 9)


# --- Stop links -------------------------------------------------------------------------------


def test_stop_link_asks_then_stops_and_later_messages_of_that_kind_are_not_sent(
    admin_client, time_machine
):
    booking = make_booking()
    treat(admin_client, booking, at(2026, 3, 10, 10), time_machine)
    send_due()
    (day0,) = sent_with("Aftercare")
    (stop,) = links_in(day0, "/stop/")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(stop)
    assert page.status_code == 200 and b"Stop these messages" in page.content
    assert not MessageStop.objects.exists()  # a link scanner's GET stops nothing

    # The mail program's one-click POST (RFC 8058) carries no CSRF token.
    response = browser.post(stop, {"List-Unsubscribe": "One-Click"})
    assert b"data-stopped" in response.content
    assert MessageStop.objects.get().group == "aftercare"
    assert not booking.messages.filter(kind=Kind.AFTERCARE_DAY_3).exists()
    # Follow-up messages are another group and still come.
    assert booking.messages.filter(kind=Kind.NEXT_SESSION).exists()

    time_machine.move_to(at(2026, 4, 30, 9), tick=False)
    send_due()
    assert sent_with("Day 3") == [] and sent_with("Day 14") == []

    # The next treatment (any case of the address) queues no aftercare at all.
    again = make_booking(email="Jane@EXAMPLE.com")
    treat(admin_client, again, at(2026, 5, 12, 10), time_machine)
    assert not again.messages.filter(kind__startswith="aftercare").exists()
    assert again.messages.filter(kind=Kind.NEXT_SESSION).exists()


def test_a_bad_stop_link_is_the_sites_404(client):
    response = client.get("/messages/not-a-token/stop/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


# --- Retention --------------------------------------------------------------------------------


def test_purge_keeps_a_request_until_its_appointment_has_passed(admin_client, time_machine):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 6, 1, 10))
    time_machine.move_to(at(2026, 5, 31, 12), tick=False)
    call_command("purge_old_bookings", "--days", "0", stdout=StringIO())
    assert BookingRequest.objects.filter(pk=booking.pk).exists()
    time_machine.move_to(at(2026, 6, 2, 12), tick=False)
    call_command("purge_old_bookings", "--days", "0", stdout=StringIO())
    assert not BookingRequest.objects.filter(pk=booking.pk).exists()
    assert not Message.objects.exists()
    assert not Email.objects.exists()


# --- Privacy notice ---------------------------------------------------------------------------


def test_privacy_notice_lists_every_message_to_patients_with_how_to_stop_it(client):
    page = client.get("/privacy/").content.decode()
    aftercare = {Kind.AFTERCARE_DAY_0, Kind.AFTERCARE_DAY_3, Kind.AFTERCARE_DAY_14}
    for kind in Kind:
        if kind == Kind.NEW_REQUEST:  # to the clinic, not to a patient
            continue
        listed = "aftercare" if kind in aftercare else kind.value
        assert f'data-message-kind="{listed}"' in page, kind
    assert page.count("How to stop it:") == page.count("data-message-kind=")


# --- Calendar files ---------------------------------------------------------------------------


def calendar_files() -> list[str]:
    return [attachment.file.name for attachment in Attachment.objects.all()]


def test_erasing_the_patient_deletes_their_calendar_file_too(
    admin_client, django_capture_on_commit_callbacks
):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20))
    [name] = calendar_files()
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        patient_data_erase(email="jane@example.com", by=None)

    assert not Attachment.objects.exists()
    assert not default_storage.exists(name)


def test_purge_deletes_the_calendar_files_of_moved_appointments_only(admin_client):
    """Moving an appointment replaces its unsent confirmation: post-office keeps the old
    calendar file until the nightly purge, which keeps the current one."""
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20))
    [old] = calendar_files()
    schedule(admin_client, booking, at(2026, 3, 27))
    current = [name for name in calendar_files() if name != old]
    assert len(current) == 1 and Attachment.objects.filter(emails=None).count() == 1

    call_command("purge_old_bookings", stdout=StringIO())

    assert calendar_files() == current
    assert not default_storage.exists(old) and default_storage.exists(current[0])


# --- The diary behind the front desk's scheduling -------------------------------------------


def ics_of(message):
    ((_name, content, _mimetype),) = message.attachments
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return event


def test_scheduling_makes_an_appointment_in_the_diary(admin_client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    (appointment,) = booking.appointments.all()
    assert appointment.status == "scheduled"
    assert appointment.starts_at == at(2026, 3, 20, 10)
    assert appointment.ends_at == at(2026, 3, 20, 11)  # 60 minutes unless the clinic sets more
    assert appointment.practitioner.name == "Clinician"


def test_moving_keeps_the_calendar_event_with_a_higher_sequence(admin_client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    send_due()
    (first,) = sent_with("Your appointment")
    mail.outbox.clear()
    schedule(admin_client, booking, at(2026, 3, 27, 15))
    send_due()
    (second,) = sent_with("Your appointment")
    assert str(ics_of(first)["uid"]) == str(ics_of(second)["uid"])
    assert int(ics_of(second)["sequence"]) == int(ics_of(first)["sequence"]) + 1
    (appointment,) = booking.appointments.all()
    assert appointment.starts_at == at(2026, 3, 27, 15)


def test_a_time_another_appointment_takes_is_refused_with_nothing_saved(admin_client):
    first, second = make_booking(), make_booking(email="other@example.com")
    schedule(admin_client, first, at(2026, 3, 20, 10))
    # 10:30 overlaps 10:00 to 11:00; 11:00 runs into its 15-minute buffer.
    for when in (at(2026, 3, 20, 10, 30), at(2026, 3, 20, 11)):
        response = schedule(admin_client, second, when)
        assert response.status_code == 200
        assert any("No practitioner is free then" in e for e in field_errors(response))
    second.refresh_from_db()
    assert second.status == "new" and not second.appointments.exists()
    assert schedule(admin_client, second, at(2026, 3, 20, 11, 15)).status_code == 302


@pytest.mark.parametrize(
    ("status", "diary_status"),
    [("cancelled", "cancelled"), ("treated", "treated"), ("no_show", "no_show")],
)
def test_the_diary_follows_the_requests_status(admin_client, status, diary_status):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    set_status(admin_client, booking, status)
    assert booking.appointments.get().status == diary_status


def test_marking_requests_cancelled_from_the_worklist_frees_their_times(admin_client):
    booking = make_booking()
    schedule(admin_client, booking, at(2026, 3, 20, 10))
    admin_client.post(
        "/admin/bookings/bookingrequest/?show=all",
        {"action": "mark_cancelled", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.appointments.get().status == "cancelled"
