"""The e-mails a booking request sends, and what happens when the mail server fails.

SPEC.md: the patient gets their reference, what happens next and how to prepare; the clinic
gets the reference and an admin link; no e-mail carries health answers; a failing mail server
loses no request.
"""

import smtplib
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from screener.models import BookingRequest
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


def book(client, django_capture_on_commit_callbacks, patient_answers=ELIGIBLE_WITH_HISTORY):
    screen(client, patient_answers)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/booking/", booking_data(preferred_date=(TODAY + timedelta(days=200)).isoformat())
        )
    assert response.status_code == 302
    return only_request()


def message_to(address: str):
    (message,) = [m for m in mail.outbox if address in m.to]
    return message


def full_text(message) -> str:
    return f"{message.subject}\n{message.body}"


@pytest.mark.parametrize(
    "patient_answers",
    [
        pytest.param(ELIGIBLE_WITH_HISTORY, id="eligible_with_conditions"),
        pytest.param(DEFERRED_WITH_DATES, id="deferred_with_dates"),
    ],
)
def test_both_emails_carry_the_reference_and_no_health_answers(
    client, django_capture_on_commit_callbacks, settings, patient_answers
):
    booking = book(client, django_capture_on_commit_callbacks, patient_answers)
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


def test_patient_email_says_what_happens_next_and_how_to_prepare(
    client, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://clinic.example"
    book(client, django_capture_on_commit_callbacks)
    body = message_to("jane@example.com").body
    assert "working days" in body
    assert "20\u201330 minutes" in body
    assert "allow extra time" in body
    assert "one area" in body
    assert "https://clinic.example/aftercare/" in body


def test_clinic_email_links_to_the_request_in_admin_and_names_nobody(
    client, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://clinic.example"
    booking = book(client, django_capture_on_commit_callbacks)
    clinic = message_to(settings.CLINIC_EMAIL)
    assert f"https://clinic.example/admin/screener/bookingrequest/{booking.pk}/change/" in (
        clinic.body
    )
    for personal in ("Jane", "jane@example.com", "555-0199"):
        assert personal not in full_text(clinic)


def test_sent_emails_are_recorded_on_the_request(client, django_capture_on_commit_callbacks):
    book(client, django_capture_on_commit_callbacks)
    booking = only_request()
    assert booking.patient_email_sent_at is not None
    assert booking.clinic_email_sent_at is not None
    assert booking.email_error == ""


def test_no_email_before_the_transaction_commits(client, django_capture_on_commit_callbacks):
    screen(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/booking/", booking_data())
    assert mail.outbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "error",
    [smtplib.SMTPServerDisconnected, smtplib.SMTPException, TimeoutError, ConnectionRefusedError],
)
def test_failing_mail_server_loses_no_request_and_the_retry_sends_it(
    client, django_capture_on_commit_callbacks, settings, caplog, monkeypatch, error
):
    monkeypatch.setattr(FailingBackend, "error", error)
    settings.EMAIL_BACKEND = "tests.test_booking_emails.FailingBackend"
    booking = book(client, django_capture_on_commit_callbacks)

    booking.refresh_from_db()
    assert booking.patient_email_sent_at is None
    assert booking.clinic_email_sent_at is None
    assert error.__name__ in booking.email_error
    assert "jane" not in booking.email_error.lower()
    assert mail.outbox == []
    # Logged with the reference only: no name, address or answer.
    failures = [r for r in caplog.records if getattr(r, "event", "") == "booking_email_failed"]
    assert len(failures) == 2
    assert all(record.reference == booking.reference for record in failures)
    assert "jane" not in caplog.text.lower()

    settings.EMAIL_BACKEND = LOCMEM
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "E-mails sent: 2" in out.getvalue()
    assert len(mail.outbox) == 2
    booking.refresh_from_db()
    assert booking.patient_email_sent_at is not None
    assert booking.clinic_email_sent_at is not None
    assert booking.email_error == ""

    # Nothing left to send: running it again sends nothing twice.
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "E-mails sent: 0" in out.getvalue()
    assert len(mail.outbox) == 2


def test_retry_sends_only_the_email_that_failed(
    client, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_booking_emails.ClinicOnlyBackend"
    booking = book(client, django_capture_on_commit_callbacks)
    booking.refresh_from_db()
    assert booking.clinic_email_sent_at is not None
    assert booking.patient_email_sent_at is None
    assert "patient e-mail: SMTPRecipientsRefused" in booking.email_error
    assert [m.to for m in mail.outbox] == [[settings.CLINIC_EMAIL]]

    settings.EMAIL_BACKEND = LOCMEM
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "E-mails sent: 1. Still failing: 0." in out.getvalue()
    assert [m.to for m in mail.outbox] == [[settings.CLINIC_EMAIL], ["jane@example.com"]]


def test_retry_command_reports_what_still_fails(
    client, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_booking_emails.FailingBackend"
    book(client, django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert "E-mails sent: 0. Still failing: 2." in out.getvalue()
    assert only_request().emails_pending


def test_admin_action_retries_unsent_emails(
    client, django_capture_on_commit_callbacks, settings, admin_client
):
    settings.EMAIL_BACKEND = "tests.test_booking_emails.FailingBackend"
    booking = book(client, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = LOCMEM
    response = admin_client.post(
        "/admin/screener/bookingrequest/",
        {"action": "send_unsent_emails", "_selected_action": [booking.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "E-mails sent: 2" in response.content.decode()
    assert len(mail.outbox) == 2
    assert not BookingRequest.objects.with_unsent_emails().exists()
