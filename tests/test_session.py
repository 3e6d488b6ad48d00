"""The screening kept in the session: anything malformed, foreign or expired reads as none."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from screener.eligibility import Answers, Area, Concern
from screener.session import (
    SESSION_KEY,
    answers_from_dict,
    answers_to_dict,
    booked_reference,
    load_screening,
    mark_booked,
    store_screening,
)

ANSWERS = Answers(
    area=Area.HANDS,
    pregnant=False,
    keloid=False,
    infection=False,
    open_wounds=False,
    cold_sores=True,
    isotretinoin_date=date(2026, 9, 1),
    concerns=frozenset({Concern.PIGMENTATION}),
)


@pytest.fixture
def session(db):
    return SessionStore()


def test_answers_survive_the_round_trip_through_json():
    assert answers_from_dict(answers_to_dict(ANSWERS)) == ANSWERS


def test_a_stored_screening_loads_with_its_answers(session):
    store_screening(session, screening_id=7, answers=ANSWERS)
    stored = load_screening(session)
    assert stored is not None
    assert stored.screening_id == 7
    assert stored.answers == ANSWERS


def test_a_screening_expires_after_24_hours(session):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        store_screening(session, screening_id=1, answers=ANSWERS)
        traveller.shift(timedelta(hours=23, minutes=59))
        assert load_screening(session) is not None
        traveller.shift(timedelta(minutes=2))
        assert load_screening(session) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.update(answers={**d["answers"], "pregnant": "no"}),
        lambda d: d.update(answers={**d["answers"], "area": "elbows"}),
        lambda d: d.update(answers={**d["answers"], "radiation_date": "last year"}),
        lambda d: d.update(completed_at="2026-11-24T12:00:00"),  # naive: not ours
        lambda d: d.update(completed_at=None),
        lambda d: d.pop("id"),
        lambda d: d.update(answers=None),
    ],
)
def test_tampered_screening_data_reads_as_no_screening(session, tamper):
    store_screening(session, screening_id=1, answers=ANSWERS)
    data = dict(session[SESSION_KEY])
    tamper(data)
    session[SESSION_KEY] = data
    assert load_screening(session) is None


def test_booking_uses_up_the_screening_and_drops_its_answers(session):
    store_screening(session, screening_id=1, answers=ANSWERS)
    mark_booked(session, "ABCD-2345")
    assert load_screening(session) is None
    assert SESSION_KEY not in session
    assert booked_reference(session) == "ABCD-2345"


def test_a_new_screening_forgets_the_previous_booking(session):
    mark_booked(session, "ABCD-2345")
    store_screening(session, screening_id=2, answers=ANSWERS)
    assert booked_reference(session) is None


@pytest.mark.django_db
def test_screening_again_gets_a_new_session_key(client):
    from tests.screener_answers import ELIGIBLE_ANSWERS

    client.post("/screener/", ELIGIBLE_ANSWERS)
    first_key = client.session.session_key
    assert first_key  # a first screening starts a session

    client.post("/screener/", ELIGIBLE_ANSWERS)
    # Fresh health data under a fresh key: a key seen before the answers cannot read them.
    assert client.session.session_key != first_key
    assert client.get("/screener/result/").status_code == 200
