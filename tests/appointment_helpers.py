"""Helpers for the appointment tests: a request, the admin's form, the outbox, links in e-mails."""

import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment, BookingRequest, Practitioner
from bookings.services import booking_request_create
from screener.eligibility import assess
from tests.booking_helpers import ELIGIBLE, record_screening
from tests.staff_helpers import verified_login

LINK = re.compile(r"https?://\S+")


def make_booking(patient_answers=ELIGIBLE, **details) -> BookingRequest:
    screening = record_screening(patient_answers)
    data = {
        "full_name": "Jane Example",
        "email": "jane@example.com",
        "phone": "207 555 0199",
        "preferred_date": timezone.localdate() + timedelta(days=10),
        "preferred_time": "afternoon",
        "notes": "",
    }
    data.update(details)
    return booking_request_create(
        screening_id=screening.pk,
        answers=patient_answers,
        result=assess(patient_answers, timezone.localdate()),
        **data,
    )


def treated_earlier(booking: BookingRequest, when: datetime) -> None:
    """The request as a treatment at `when` leaves it: treated, with its treated appointment
    in the diary (what the 28-day rule and the course count)."""
    BookingRequest.objects.filter(pk=booking.pk).update(status="treated", appointment_at=when)
    Appointment.objects.create(
        booking=booking,
        practitioner=Practitioner.objects.order_by("pk").first(),
        starts_at=when,
        ends_at=when + timedelta(hours=1),
        status=Appointment.Status.TREATED,
    )


def change_url(booking: BookingRequest) -> str:
    return reverse("admin:bookings_bookingrequest_change", args=[booking.pk])


def admin_form(booking: BookingRequest, when: datetime | None = None, **changes) -> dict:
    """The request's admin form as the front desk posts it; `when` fills the split inputs."""
    booking.refresh_from_db()
    data = {
        "status": booking.status,
        "full_name": booking.full_name,
        "email": booking.email,
        "phone": booking.phone,
        "preferred_date": booking.preferred_date.isoformat(),
        "preferred_time": booking.preferred_time,
        "notes": booking.notes,
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
        "contact_log-TOTAL_FORMS": "0",
        "contact_log-INITIAL_FORMS": "0",
    }
    if booking.antiviral_prophylaxis_arranged:
        data["antiviral_prophylaxis_arranged"] = "on"
    if booking.needs_attention:
        data["needs_attention"] = "on"
    when = when or booking.appointment_at
    if when is not None:
        local = timezone.localtime(when)
        data["appointment_at_0"], data["appointment_at_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _signed_in(client):
    """Staff are signed out after 30 idle minutes: a test that moves the clock signs in again."""
    verified_login(client, get_user_model().objects.get(username="admin"))
    return client


def schedule(client, booking: BookingRequest, when: datetime, **changes):
    """The front desk schedules (or moves) the request in the admin; returns the response."""
    return _signed_in(client).post(
        change_url(booking), admin_form(booking, when, status="scheduled", **changes)
    )


def set_status(client, booking: BookingRequest, status: str):
    return _signed_in(client).post(change_url(booking), admin_form(booking, status=status))


def send_due() -> str:
    out = StringIO()
    call_command("send_due_messages", stdout=out)
    return out.getvalue()


def sent_with(subject_part: str) -> list:
    return [m for m in mail.outbox if subject_part in m.subject]


def links_in(message, path_part: str) -> list[str]:
    """The site-relative paths of the links in an e-mail's text that contain `path_part`."""
    found = []
    for url in LINK.findall(message.body):
        path = "/" + url.split("/", 3)[3]
        if path_part in path:
            found.append(path)
    return found


@pytest.fixture
def outbox_keeps_the_test_transaction(monkeypatch):
    """post_office closes the database connection after each batch it sends (a fork guard).
    In a test the whole test is one transaction on that connection: on PostgreSQL the close
    would end it (SQLite's in-memory test database ignores it). Keep it open."""
    monkeypatch.setattr(connections["default"], "close", lambda: None)
