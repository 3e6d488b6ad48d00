"""A real Redis for the tests of the site's Redis cache backend and cache sessions.

Each test gets its own key prefix in the test database (TEST_REDIS_URL, default /5), and its keys
are deleted afterwards. Without a Redis server the tests are skipped, except where
REQUIRE_REDIS is set (CI), where they fail.
"""

import os
import uuid

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_available() -> bool:
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        client.close()
    except redis.RedisError:
        return False
    return True


def use_redis_cache(settings) -> str:
    """Point the default cache at Redis (the site's backend); returns the key prefix."""
    if not redis_available():
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis is required (REQUIRE_REDIS) but {REDIS_URL} does not answer")
        pytest.skip(f"no Redis at {REDIS_URL} (CI sets REQUIRE_REDIS=1)")
    prefix = f"test-{uuid.uuid4().hex}"
    default = {"BACKEND": "clinic.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    settings.CACHES = {
        "default": default,
        "ratelimit": {**default, "BACKEND": "clinic.cache.RateLimitRedisCache"},
        "local": settings.CACHES["local"],
    }
    return prefix


def delete_keys(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


class SentCommands(list):
    """The commands this process sent to Redis, as packed bytes."""

    def containing(self, fragment: bytes) -> list[bytes]:
        return [command for command in self if fragment in command]


def record_redis_commands(monkeypatch) -> SentCommands:
    from redis.connection import AbstractConnection

    sent = SentCommands()
    original = AbstractConnection.send_packed_command

    def recording(self, command, *args, **kwargs):
        packed = command if isinstance(command, bytes | bytearray) else b"".join(command)
        sent.append(bytes(packed))
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", recording)
    return sent
