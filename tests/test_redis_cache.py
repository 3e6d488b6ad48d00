"""The site's Redis cache backend (clinic/cache.py) where it differs from Django's own."""

import pytest
import redis
from django.core.cache import caches

from tests.redis_helpers import (
    REDIS_URL,
    delete_keys,
    record_redis_commands,
    use_redis_cache,
)


@pytest.fixture
def redis_cache(settings):
    prefix = use_redis_cache(settings)
    yield caches["default"]
    delete_keys(prefix)


def test_incr_adds_to_an_existing_counter_in_one_round_trip(redis_cache, monkeypatch):
    redis_cache.add("hits", 1, 60)
    assert redis_cache.incr("hits") == 2  # the first call may also load the script into Redis
    commands = record_redis_commands(monkeypatch)
    assert redis_cache.incr("hits") == 3
    assert redis_cache.incr("hits", 5) == 8
    assert len(commands) == 2
    assert redis_cache.get("hits") == 8


def test_incr_of_a_missing_key_raises_and_creates_nothing(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None


def test_a_counter_keeps_its_expiry_when_incremented(redis_cache):
    """A rate-limit counter must expire: incr never leaves one without a time to live."""
    redis_cache.add("window", 1, 60)
    redis_cache.incr("window")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        assert 0 < client.ttl(redis_cache.make_key("window")) <= 60
    finally:
        client.close()


def test_the_usual_operations_behave_as_djangos(redis_cache):
    redis_cache.set("a", {"x": 1}, 60)
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.add("a", "other", 60) is False
    redis_cache.set_many({"b": 2, "c": "three"}, 60)
    assert redis_cache.get_many(["a", "b", "c", "d"]) == {"a": {"x": 1}, "b": 2, "c": "three"}
    assert redis_cache.delete("a") is True
    assert redis_cache.get("a", "gone") == "gone"
