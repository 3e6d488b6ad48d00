"""Sessions in Redis (clinic/sessions.py): Django's cache sessions, with one write where Django
makes three round trips, and the same protection against a planted session key."""

import re

import pytest
import redis
from django.contrib.sessions.backends.cache import KEY_PREFIX as SESSION_KEY_PREFIX
from django.test import Client

from clinic.sessions import SessionStore
from tests.redis_helpers import REDIS_URL, delete_keys, record_redis_commands, use_redis_cache
from tests.screener_answers import ELIGIBLE_ANSWERS

pytestmark = pytest.mark.django_db



@pytest.fixture
def redis_sessions(settings):
    prefix = use_redis_cache(settings)
    settings.SESSION_ENGINE = "clinic.sessions"
    settings.SCREENER_RATE_LIMIT = ""  # only the session's own commands go to Redis
    yield prefix
    delete_keys(prefix)


def session_key_exists(prefix: str, key: str) -> bool:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return bool(client.exists(f"{prefix}:1:{SESSION_KEY_PREFIX}{key}"))
    finally:
        client.close()


def test_a_new_screening_session_is_written_once(redis_sessions, monkeypatch):
    commands = record_redis_commands(monkeypatch)
    client = Client()
    response = client.post("/screener/", ELIGIBLE_ANSWERS)
    assert response.status_code == 302
    session_commands = commands.containing(SESSION_KEY_PREFIX.encode())
    assert len(session_commands) == 1
    assert b"NX" in session_commands[0]  # created with SET NX: never over someone else's
    assert not commands.containing(b"EXISTS")

    result = client.get("/screener/result/")
    assert 'data-outcome="eligible"' in result.content.decode()


def test_a_second_screening_gets_a_new_session_key_and_the_old_one_is_deleted(redis_sessions):
    client = Client()
    client.post("/screener/", ELIGIBLE_ANSWERS)
    first_key = client.cookies["sessionid"].value
    client.post("/screener/", {**ELIGIBLE_ANSWERS, "cold_sores": "yes"})
    second_key = client.cookies["sessionid"].value
    assert second_key != first_key
    assert not session_key_exists(redis_sessions, first_key)
    assert session_key_exists(redis_sessions, second_key)
    result = client.get("/screener/result/")
    assert 'data-outcome="eligible_with_conditions"' in result.content.decode()


def test_a_planted_session_key_is_never_used(redis_sessions):
    """A key an attacker chose (and so knows) that the server never issued is replaced."""
    client = Client()
    planted = "attackerchosenkey0000000000000000"
    client.cookies["sessionid"] = planted
    client.post("/screener/", ELIGIBLE_ANSWERS)
    assert client.cookies["sessionid"].value != planted
    assert not session_key_exists(redis_sessions, planted)


def test_new_session_keys_look_like_djangos_and_never_repeat():
    keys = [SessionStore()._get_new_session_key() for _ in range(2000)]
    assert all(re.fullmatch(r"[a-z0-9]{32}", key) for key in keys)
    assert len(set(keys)) == len(keys)
