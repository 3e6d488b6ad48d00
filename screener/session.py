"""The patient's screening, kept in their session for 24 hours and for one booking request.

The session holds the answers (never the result): the result is worked out again from them
whenever it is needed, with the clinic's date of that moment, so it can never disagree with
the rules. Anything malformed, expired or already used reads as "no screening".
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from screener.eligibility import Answers, Area, Concern, Outcome, Reason, Result, assess
from screener.questions import DATED_QUESTIONS, QUESTIONS

SESSION_KEY = "screening"
BOOKED_KEY = "booking_reference"
# What the result page still needs after a booking: no answers, no reasons but the conditions.
BOOKED_RESULT_KEY = "booked_result"
SCREENING_LIFETIME = timedelta(hours=24)

YES_NO_QUESTIONS = tuple(q.name for q in QUESTIONS if not q.date_name)


@dataclass(frozen=True)
class StoredScreening:
    screening_id: int
    answers: Answers
    completed_at: datetime

    def result(self, today: date | None = None) -> Result:
        return assess(self.answers, today or timezone.localdate())


def answers_to_dict(answers: Answers) -> dict:
    """JSON-friendly form of the answers (for the session and for a booking request)."""
    data: dict = {"area": answers.area.value, "concerns": sorted(c.value for c in answers.concerns)}
    for name in YES_NO_QUESTIONS:
        data[name] = getattr(answers, name)
    for name in DATED_QUESTIONS.values():
        value = getattr(answers, name)
        data[name] = value.isoformat() if value else None
    return data


def answers_from_dict(data: dict) -> Answers:
    """The inverse of answers_to_dict. Raises (KeyError, TypeError, ValueError) if malformed."""
    # The field names come from the questions at run time, so mypy cannot match each value to
    # its Answers field: both dicts are dict[str, Any] (bools checked above, dates parsed below).
    yes_no: dict[str, Any] = {}
    for name in YES_NO_QUESTIONS:
        if not isinstance(data[name], bool):
            raise TypeError(name)
        yes_no[name] = data[name]
    dates: dict[str, Any] = {
        name: date.fromisoformat(data[name]) if data[name] is not None else None
        for name in DATED_QUESTIONS.values()
    }
    return Answers(
        area=Area(data["area"]),
        concerns=frozenset(Concern(c) for c in data["concerns"]),
        **yes_no,
        **dates,
    )


def store_screening(session: SessionBase, *, screening_id: int, answers: Answers) -> None:
    """Keep a new screening in the session, replacing any earlier one."""
    if session.session_key is not None:
        session.cycle_key()  # a fresh key for fresh health data; a new session gets one anyway
    session[SESSION_KEY] = {
        "id": screening_id,
        "answers": answers_to_dict(answers),
        "completed_at": timezone.now().isoformat(),
    }
    session.pop(BOOKED_KEY, None)
    session.pop(BOOKED_RESULT_KEY, None)


def load_screening(session: SessionBase) -> StoredScreening | None:
    """The screening in this session, or None if there is none, it is malformed or expired."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        stored = StoredScreening(
            screening_id=int(data["id"]),
            answers=answers_from_dict(data["answers"]),
            completed_at=datetime.fromisoformat(data["completed_at"]),
        )
        age = timezone.now() - stored.completed_at  # TypeError for a naive (foreign) datetime
    except (KeyError, TypeError, ValueError):
        return None
    if age > SCREENING_LIFETIME:
        return None
    return stored


@dataclass(frozen=True)
class BookedResult:
    """What is left of a screening once it became a booking request: enough for the result
    page to keep explaining the outcome and any condition, without the health answers."""

    reference: str
    outcome: Outcome
    conditions: tuple[Reason, ...]
    earliest_booking_date: date | None
    screened_on: date


def mark_booked(session: SessionBase, reference: str, result: Result | None = None) -> None:
    """Use up the screening: its health answers leave the session, the reference stays.

    The reference lets the confirmation page show it, to this session only; with the result,
    the result page goes on showing the outcome and its conditions.
    """
    stored = load_screening(session)
    session.pop(SESSION_KEY, None)
    session[BOOKED_KEY] = reference
    if result is not None:
        earliest = result.earliest_booking_date
        screened_on = stored.completed_at if stored else timezone.now()
        session[BOOKED_RESULT_KEY] = {
            "outcome": result.outcome.value,
            "conditions": [reason.value for reason in result.conditions],
            "earliest": earliest.isoformat() if earliest else None,
            "screened_on": timezone.localdate(screened_on).isoformat(),
        }


def load_booked_result(session: SessionBase) -> BookedResult | None:
    """The outcome of the screening this session booked with, or None."""
    reference = booked_reference(session)
    data = session.get(BOOKED_RESULT_KEY)
    if reference is None or not isinstance(data, dict):
        return None
    try:
        return BookedResult(
            reference=reference,
            outcome=Outcome(data["outcome"]),
            conditions=tuple(Reason(code) for code in data["conditions"]),
            earliest_booking_date=date.fromisoformat(data["earliest"])
            if data["earliest"]
            else None,
            screened_on=date.fromisoformat(data["screened_on"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def booked_reference(session: SessionBase) -> str | None:
    """The reference of the request this session made, if it made one."""
    reference = session.get(BOOKED_KEY)
    return reference if isinstance(reference, str) else None
