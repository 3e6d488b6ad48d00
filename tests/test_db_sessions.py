"""Database sessions (every configuration but SQLite): a new session costs one insert, and a
random key that happens to be taken never overwrites another patient's session."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.sessions import SessionStore
from tests.screener_answers import ELIGIBLE_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_sessions(settings):
    settings.SESSION_ENGINE = "clinic.sessions"


def test_a_screening_creates_its_session_with_one_statement_and_no_key_check(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/screener/", ELIGIBLE_ANSWERS)
    assert response.status_code == 302

    session_queries = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert len(session_queries) == 1
    assert session_queries[0].startswith("INSERT")
    saved = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert "screening" in saved.get_decoded()


def test_a_taken_key_is_never_overwritten_and_a_new_one_is_drawn(monkeypatch):
    other = SessionStore()
    other["screening"] = {"id": 1}
    other.create()
    other.save()
    keys = iter([other.session_key, "n" * 32])
    monkeypatch.setattr("clinic.sessions.get_random_string", lambda *args: next(keys))

    mine = SessionStore()
    mine["screening"] = {"id": 2}
    mine.create()

    assert mine.session_key == "n" * 32
    assert SessionStore("n" * 32).load() == {"screening": {"id": 2}}
    assert SessionStore(other.session_key).load() == {"screening": {"id": 1}}
    assert Session.objects.count() == 2
