"""The site's shared caches: Django's Redis and file caches, with these changes.

1. Redis: one `redis.Redis` per connection pool. Django builds a new one for every operation,
   which fills a table of some 170 response callbacks each time (see README, "Performance").
2. Redis: after a connection error or timeout, fail at once for FAIL_FAST_SECONDS instead of
   waiting on a Redis that is down or hung; callers degrade (pages render uncached, forms are
   accepted, sessions are read from the database).
3. Rate limits (RateLimitRedisCache) fail open when Redis fails.
4. Both: `incr` (and the file cache's `add`) atomic, so a rate-limit count is never lost
   between processes, and never left without an expiry.
5. Redis: values read on every request but rarely changed (the public pages' version) are kept
   in each process's memory, and every change is announced on a Redis channel.
"""

import fcntl
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

FAIL_FAST_SECONDS = 5

# INCRBY only if the key exists, in one atomic step (see RedisCacheClient.incr).
INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._incr_script = None
        self._failing_until = 0.0

    def get_client(self, key=None, *, write=False):
        if time.monotonic() < self._failing_until:
            raise self._lib.ConnectionError("Redis failed recently: not asked again yet")
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client

    def failed(self) -> None:
        now = time.monotonic()
        if now >= self._failing_until:  # not our own fail-fast refusal: Redis itself failed
            self._failing_until = now + FAIL_FAST_SECONDS

    def incr(self, key: str, delta: int) -> int:
        # Django sends EXISTS then INCRBY: if the key expires in between, INCRBY recreates it
        # without an expiry, and a rate-limit counter would refuse the client for good.
        client = self.get_client(key, write=True)
        if self._incr_script is None:
            self._incr_script = client.register_script(INCR_IF_EXISTS)
        value = self._incr_script(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


def _fail_fast(name: str):
    def operation(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(DjangoRedisCache, name)(self, *args, **kwargs)
        except (self._cache._lib.ConnectionError, self._cache._lib.TimeoutError):
            self._cache.failed()
            raise

    operation.__name__ = name
    return operation


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        # The first server takes the writes (as in Django's client), so it carries announcements.
        self.url = re.split("[;,]", server)[0] if isinstance(server, str) else server[0]

    def get_announced(self, key: str) -> Any:
        """get(key) for a value changed only through set_announced: from this process's memory
        while it hears every announcement, else from Redis. None is never kept."""
        announcements = Announcements.of(self.url, self.make_key("announcements"))
        if not announcements.catch_up():
            return self.get(key)
        value, generation = announcements.known.get(key, (None, -1))
        if generation == announcements.generation:
            return value
        generation = announcements.generation
        value = self.get(key)
        if value is not None:
            # A change announced while Redis was being read makes this copy stale at once.
            announcements.known[key] = (value, generation)
        return value

    def set_announced(self, key: str, value: Any) -> None:
        self.set(key, value, None)
        import redis

        with redis.Redis.from_url(self.url, **ANNOUNCER_OPTIONS) as client:
            client.publish(self.make_key("announcements"), key)

    # Every operation of Django's RedisCache, wrapped to notice Redis failing.
    add = _fail_fast("add")
    get = _fail_fast("get")
    set = _fail_fast("set")
    touch = _fail_fast("touch")
    delete = _fail_fast("delete")
    get_many = _fail_fast("get_many")
    has_key = _fail_fast("has_key")
    incr = _fail_fast("incr")
    set_many = _fail_fast("set_many")
    delete_many = _fail_fast("delete_many")
    clear = _fail_fast("clear")


ANNOUNCER_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}


class Announcements:
    """This process's subscription to a cache's announcements. No thread: each read first takes
    whatever announcements have arrived, so a value kept in memory is trusted only while every
    announcement since it was read has been heard."""

    _all: dict[tuple[int, str, str], "Announcements"] = {}

    @classmethod
    def of(cls, url: str, channel: str) -> "Announcements":
        key = (os.getpid(), url, channel)  # a forked worker subscribes on its own
        return cls._all.get(key) or cls._all.setdefault(key, cls(url, channel))

    def __init__(self, url: str, channel: str) -> None:
        self.url = url
        self.channel = channel
        self.pubsub = None
        self.listening = False
        self.generation = 0  # counts announcements and lost connections
        self.known: dict[str, tuple[Any, int]] = {}
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def catch_up(self) -> bool:
        """Take every announcement that has arrived; True if none can have been missed."""
        import redis

        if not self.lock.acquire(blocking=False):  # another thread is reading them
            return False
        try:
            if self.pubsub is None:
                if time.monotonic() < self.retry_at:
                    return False
                self.pubsub = redis.Redis.from_url(self.url, **ANNOUNCER_OPTIONS).pubsub()
                self.pubsub.subscribe(self.channel)
            while (message := self.pubsub.get_message(timeout=0)) is not None:
                self.generation += 1
                if message["type"] == "subscribe":  # from now on, nothing is missed
                    self.listening = True
            return self.listening
        except (redis.RedisError, OSError):
            self.listening = False
            self.generation += 1
            self.retry_at = time.monotonic() + FAIL_FAST_SECONDS
            if self.pubsub is not None:
                self.pubsub.close()
                self.pubsub = None
            return False
        finally:
            self.lock.release()


class RateLimitRedisCache(RedisCache):
    """For django-ratelimit only (RATELIMIT_USE_CACHE): Redis failing reads as "no count",
    which RATELIMIT_FAIL_OPEN turns into "not limited" instead of a 500."""

    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().add(*args, **kwargs)
        except (self._cache._lib.ConnectionError, self._cache._lib.TimeoutError):
            return False

    def incr(self, *args: Any, **kwargs: Any) -> int:
        try:
            return super().incr(*args, **kwargs)
        except (self._cache._lib.ConnectionError, self._cache._lib.TimeoutError) as error:
            raise ValueError("Redis unavailable") from error


class FileBasedCache(DjangoFileBasedCache):
    """Django's file cache, with `add` and `incr` atomic across processes. Django checks, then
    writes: two workers could both "add" a rate-limit counter, or both turn 3 into 4."""

    def __init__(self, location: str, params: dict) -> None:
        super().__init__(location, params)
        os.makedirs(location, 0o700, exist_ok=True)
        self.lock_path = os.path.join(location, "add-incr.lock")

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            yield

    def add(self, *args: Any, **kwargs: Any) -> bool:
        with self.exclusive():
            return super().add(*args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        with self.exclusive():
            return super().incr(*args, **kwargs)
