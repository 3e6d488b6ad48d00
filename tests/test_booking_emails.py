"""The e-mails a booking request sends through the outbox, and what a failing mail server does.

SPEC.md: the patient gets their reference, what happens next and how to prepare; the clinic
gets the reference and an admin link; no e-mail carries health answers; nothing is sent inside
the patient's request; `send_due_messages` sends what is due, retries with back-off, and two
runs at once send each message once.
"""

import os
import smtplib
import subprocess
import sys
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from post_office.models import STATUS, Email

from bookings.models import BookingRequest, Message
from tests.booking_helpers import answers, booking_data, only_request, screen

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("America/New_York"))
TODAY = date(2026, 3, 10)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"

# Answers full of health information, every dated question with a date.
ELIGIBLE_WITH_HISTORY = answers(
    cold_sores=True,
    isotretinoin_date=date(2025, 7, 4),
    radiation_date=date(2024, 11, 19),
    previous_treatment_date=date(2026, 1, 2),
)
DEFERRED_WITH_DATES = answers(
    isotretinoin_date=date(2026, 2, 17),
    radiation_date=date(2025, 8, 23),
    previous_treatment_date=date(2026, 3, 1),
)
HEALTH_WORDS = (
    "pregnan",
    "breastfeed",
    "isotretinoin",
    "accutane",
    "radiation",
    "keloid",
    "cold sore",
    "cold_sore",
    "herpes",
    "antiviral",
    "infection",
    "wound",
    "eligible",
    "deferred",
    "not suitable",
    "face and neck",
)


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything (the exception type set by the test)."""

    error: type[Exception] = smtplib.SMTPException

    def send_messages(self, email_messages):
        raise self.error("421 Service not available for jane@example.com")


class ClinicOnlyBackend(BaseEmailBackend):
    """Delivers to the clinic, fails for the patient's address."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if "jane@example.com" in message.to:
                raise smtplib.SMTPRecipientsRefused({"jane@example.com": (550, b"No such user")})
            mail.outbox.append(message)
        return len(email_messages)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


class ExplodingBackend(BaseEmailBackend):
    """A mail server must never be asked inside a patient's request."""

    def send_messages(self, email_messages):
        raise AssertionError("an e-mail was sent inside the request")


def book(client, patient_answers=ELIGIBLE_WITH_HISTORY):
    screen(client, patient_answers)
    response = client.post(
        "/booking/request/", booking_data(preferred_date=(TODAY + timedelta(days=200)).isoformat())
    )
    assert response.status_code == 302
    return only_request()


def send_due() -> str:
    out = StringIO()
    call_command("send_due_messages", stdout=out)
    return out.getvalue()


def message_to(address: str):
    (message,) = [m for m in mail.outbox if address in m.to]
    return message


def full_text(message) -> str:
    return f"{message.subject}\n{message.body}"


def test_a_booking_stores_both_emails_and_sends_nothing_in_the_request(client, settings):
    settings.EMAIL_BACKEND = "tests.test_booking_emails.ExplodingBackend"
    booking = book(client)
    assert mail.outbox == []
    kinds = sorted(booking.messages.values_list("kind", flat=True))
    assert kinds == [Message.Kind.BOOKING_RECEIVED, Message.Kind.NEW_REQUEST]
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.queued}


@pytest.mark.parametrize(
    "patient_answers",
    [
        pytest.param(ELIGIBLE_WITH_HISTORY, id="eligible_with_conditions"),
        pytest.param(DEFERRED_WITH_DATES, id="deferred_with_dates"),
    ],
)
def test_both_emails_carry_the_reference_and_no_health_answers(client, settings, patient_answers):
    booking = book(client, patient_answers)
    assert "Sent 2." in send_due()
    assert len(mail.outbox) == 2
    patient = message_to("jane@example.com")
    clinic = message_to(settings.CLINIC_EMAIL)

    for message in (patient, clinic):
        text = full_text(message)
        assert booking.reference in text
        lowered = text.lower()
        for word in HEALTH_WORDS:
            assert word not in lowered, f"{word!r} in the e-mail to {message.to}"
        for day in filter(
            None,
            (
                patient_answers.isotretinoin_date,
                patient_answers.radiation_date,
                patient_answers.previous_treatment_date,
            ),
        ):
            for written in (
                day.isoformat(),
                day.strftime("%d %B %Y").lstrip("0"),
                f"{day:%B} {day.day}",
                f"{day.month}/{day.day}/{day.year}",
            ):
                assert written not in text
        if booking.earliest_booking_date:
            assert booking.earliest_booking_date.isoformat() not in text
        # Subjects carry no personal data.
        assert "Jane" not in message.subject
        assert "jane@example.com" not in message.subject


def test_patient_email_says_what_happens_next_and_how_to_prepare(client, settings):
    settings.SITE_URL = "https://clinic.example"
    book(client)
    send_due()
    patient = message_to("jane@example.com")
    body = patient.body
    assert "working days" in body
    assert "20\u201330 minutes" in body
    assert "allow extra time" in body
    assert "one area" in body
    assert "https://clinic.example/aftercare/" in body
    assert patient.extra_headers["Reply-To"] == settings.CLINIC_EMAIL


def test_clinic_email_links_to_the_request_in_admin_and_names_nobody(client, settings):
    settings.SITE_URL = "https://clinic.example"
    booking = book(client)
    send_due()
    clinic = message_to(settings.CLINIC_EMAIL)
    assert f"https://clinic.example/admin/bookings/bookingrequest/{booking.pk}/change/" in (
        clinic.body
    )
    for personal in ("Jane", "jane@example.com", "555-0199"):
        assert personal not in full_text(clinic)


@pytest.mark.parametrize(
    "error",
    [smtplib.SMTPServerDisconnected, smtplib.SMTPException, TimeoutError, ConnectionRefusedError],
)
def test_failing_mail_server_loses_nothing_and_a_later_run_sends_each_once(
    client, settings, monkeypatch, time_machine, error
):
    monkeypatch.setattr(FailingBackend, "error", error)
    settings.EMAIL_BACKEND = "tests.test_booking_emails.FailingBackend"
    booking = book(client)

    assert "Sent 0. To retry later: 2." in send_due()
    assert mail.outbox == []
    assert BookingRequest.objects.with_failed_email().get() == booking

    # The mail server comes back; nothing is retried before its back-off has passed.
    settings.EMAIL_BACKEND = LOCMEM
    assert "Sent 0." in send_due()
    time_machine.move_to(NOW + settings.POST_OFFICE["RETRY_INTERVAL"], tick=False)
    assert "Sent 2." in send_due()
    assert len(mail.outbox) == 2
    assert not BookingRequest.objects.with_failed_email().exists()

    # Nothing left to send: running it again sends nothing twice.
    assert "Sent 0." in send_due()
    assert len(mail.outbox) == 2


def test_each_retry_waits_twice_as_long(client, settings, time_machine):
    settings.EMAIL_BACKEND = "tests.test_booking_emails.FailingBackend"
    book(client)
    interval = settings.POST_OFFICE["RETRY_INTERVAL"]
    moment = NOW
    for tries in range(1, 4):
        send_due()
        email = Email.objects.first()
        assert email.number_of_retries == tries
        assert email.scheduled_time == moment + interval * 2 ** (tries - 1)
        moment = email.scheduled_time
        time_machine.move_to(moment, tick=False)


def test_retries_only_the_email_that_failed(client, settings, time_machine):
    settings.EMAIL_BACKEND = "tests.test_booking_emails.ClinicOnlyBackend"
    book(client)
    assert "Sent 1. To retry later: 1." in send_due()
    assert [m.to for m in mail.outbox] == [[settings.CLINIC_EMAIL]]

    settings.EMAIL_BACKEND = LOCMEM
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    assert "Sent 1." in send_due()
    assert [m.to for m in mail.outbox] == [[settings.CLINIC_EMAIL], ["jane@example.com"]]


def test_a_second_run_while_another_process_is_sending_sends_nothing(client, settings):
    """Another process holds the outbox's lock (a run still sending): this run leaves its
    messages alone. Once that process has died, without releasing the lock, sending resumes."""
    book(client)
    database = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings"}
    if database["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
    holder = subprocess.Popen(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", HOLD_LOCK],
        stdout=subprocess.PIPE,
        cwd=settings.BASE_DIR,
        env={**env, "OUTBOX_LOCK_FILE": settings.OUTBOX_LOCK_FILE},
    )
    try:
        assert b"locked\n" in iter(holder.stdout.readline, b"")
        out = StringIO()
        call_command("send_due_messages", stdout=out)
        assert out.getvalue() == "Another run is sending: nothing to do.\n"
        assert mail.outbox == []
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert "Sent 2." in send_due()


HOLD_LOCK = """
import time
import django
django.setup()
from bookings.outbox import outbox_lock
with outbox_lock() as held:
    assert held
    print("locked", flush=True)
    time.sleep(60)
"""


def test_staff_see_a_failed_email_on_the_request_and_can_resend_it(client, settings, admin_client):
    settings.EMAIL_BACKEND = "tests.test_booking_emails.FailingBackend"
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 0}
    booking = book(client)
    assert "Given up: 2." in send_due()

    listing = admin_client.get("/admin/bookings/bookingrequest/").content.decode()
    assert 'alt="True"' in listing  # the "E-mail failed" column
    page = admin_client.get(f"/admin/bookings/bookingrequest/{booking.pk}/change/")
    assert "Failed" in page.content.decode()

    settings.EMAIL_BACKEND = LOCMEM
    ids = list(Email.objects.values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/post_office/email/", {"action": "requeue", "_selected_action": ids}, follow=True
    )
    assert response.status_code == 200
    assert "Sent 2." in send_due()
    assert len(mail.outbox) == 2
