"""Helpers for the booking tests: a recorded screening in a test client's session, form data."""

from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone

from bookings.models import BookingRequest
from screener.eligibility import Answers, Area, Concern, assess
from screener.models import Screening
from screener.session import store_screening

ELIGIBLE = Answers(
    area=Area.FACE_NECK,
    pregnant=False,
    keloid=False,
    infection=False,
    open_wounds=False,
    cold_sores=False,
    concerns=frozenset({Concern.FINE_LINES}),
)


def answers(**changes) -> Answers:
    return replace(ELIGIBLE, **changes)


def record_screening(patient_answers: Answers, today: date | None = None) -> Screening:
    """The anonymous row the screener records, as of `today`."""
    result = assess(patient_answers, today or timezone.localdate())
    return Screening.objects.create(
        area=patient_answers.area.value,
        outcome=result.outcome.value,
        reasons=",".join(r.value for r in result.reasons),
    )


def screen(client: Client, patient_answers: Answers = ELIGIBLE) -> Screening:
    """Record a screening and put it in the client's session, as the screener does."""
    screening = record_screening(patient_answers)
    session = client.session
    store_screening(session, screening_id=screening.pk, answers=patient_answers)
    session.save()
    # store_screening gives the session a new key (as after a login): follow it.
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return screening


def booking_data(**changes) -> dict[str, str]:
    data = {
        "full_name": "Jane Example",
        "email": "jane@example.com",
        "phone": "+1 (207) 555-0199",
        "preferred_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "preferred_time": "morning",
        "notes": "",
        "consent": "on",
        "website": "",
        # Completes the request in one POST; None leaves it out (the "check your details" page).
        "confirm": "yes",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def only_request() -> BookingRequest:
    return BookingRequest.objects.get()
