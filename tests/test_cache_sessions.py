"""Sessions with Redis (clinic/sessions.py): Django's cached_db sessions, so the database keeps
every session and Redis only speeds up reading it."""

import pytest
import redis
from django.test import Client

from tests.redis_helpers import REDIS_URL, delete_keys, use_redis_cache
from tests.screener_answers import ELIGIBLE_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions(settings):
    prefix = use_redis_cache(settings)
    settings.SESSION_ENGINE = "clinic.sessions"
    yield prefix
    delete_keys(prefix)


def test_a_screening_outlives_an_emptied_redis(redis_sessions):
    client = Client()
    assert client.post("/screener/", ELIGIBLE_ANSWERS).status_code == 302
    delete_keys(redis_sessions)  # Redis restarted, or evicted the session
    result = client.get("/screener/result/")
    assert 'data-outcome="eligible"' in result.content.decode()


def test_a_session_is_kept_in_redis_too(redis_sessions):
    client = Client()
    client.post("/screener/", ELIGIBLE_ANSWERS)
    client.get("/screener/result/")
    other = redis.Redis.from_url(REDIS_URL)
    try:
        assert any(b"sessions" in key for key in other.scan_iter(f"{redis_sessions}:*"))
    finally:
        other.close()
