"""The site's shared caches: Django's Redis and file caches, with these changes.

1. Redis: after a connection error or timeout, fail at once for FAIL_FAST_SECONDS instead of
   waiting on a Redis that is down or hung; callers degrade (pages render uncached, forms are
   accepted).
2. Rate limits (RateLimitRedisCache) fail open when Redis fails.
3. Both: `incr` (and the file cache's `add`) atomic, so a rate-limit count is never lost
   between processes, and never left without an expiry.
4. Redis: values read on every request but rarely changed (the public pages' version) are kept
   in each process's memory, and every change is announced on a Redis channel.
5. Files: a write the disk refuses (full) reads, for rate limits, as "no count", like Redis
   failing.

And, for whoever uses a cache: a failure logged at most once per request (a dead or full cache
fails every call), and invalidations the cache refused retried until it takes them.
"""

import fcntl
import functools
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis
from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

logger = logging.getLogger(__name__)

FAIL_FAST_SECONDS = 5
REDIS_FAILURES = (redis.ConnectionError, redis.TimeoutError)

# INCRBY only if the key exists, in one atomic step (see RedisCache.incr).
INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


def _fail_fast(operation: Callable) -> Callable:
    """Wrap a cache operation to refuse at once while Redis is failing, and notice it failing."""

    @functools.wraps(operation)
    def wrapped(self: "RedisCache", *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self.failing_until:
            raise redis.ConnectionError("Redis failed recently: not asked again yet")
        try:
            return operation(self, *args, **kwargs)
        except REDIS_FAILURES:
            self.failing_until = time.monotonic() + FAIL_FAST_SECONDS
            raise

    return wrapped


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self.failing_until = 0.0
        # The first server takes the writes (as in Django's client), so it carries announcements.
        self.url = re.split("[;,]", server)[0] if isinstance(server, str) else server[0]
        options = params.get("OPTIONS", {})
        self.socket_options = {
            name: options[name]
            for name in ("socket_connect_timeout", "socket_timeout")
            if name in options
        }
        self._writer: redis.Redis | None = None

    def writer(self) -> redis.Redis:
        """This cache's own client for what Django's does not offer (a script, a publish)."""
        if self._writer is None:
            self._writer = redis.Redis.from_url(self.url, **self.socket_options)
        return self._writer

    # Every operation of Django's RedisCache, wrapped to notice Redis failing.
    add = _fail_fast(DjangoRedisCache.add)
    get = _fail_fast(DjangoRedisCache.get)
    set = _fail_fast(DjangoRedisCache.set)
    touch = _fail_fast(DjangoRedisCache.touch)
    delete = _fail_fast(DjangoRedisCache.delete)
    get_many = _fail_fast(DjangoRedisCache.get_many)
    has_key = _fail_fast(DjangoRedisCache.has_key)
    set_many = _fail_fast(DjangoRedisCache.set_many)
    delete_many = _fail_fast(DjangoRedisCache.delete_many)
    clear = _fail_fast(DjangoRedisCache.clear)

    @_fail_fast
    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        # Django sends EXISTS then INCRBY: if the key expires in between, INCRBY recreates it
        # without an expiry, and a rate-limit counter would refuse the client for good.
        key = self.make_and_validate_key(key, version=version)
        value = self.writer().eval(INCR_IF_EXISTS, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

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
        self.writer().publish(self.make_key("announcements"), key)


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
        self.pubsub: redis.client.PubSub | None = None
        self.listening = False
        self.generation = 0  # counts announcements and lost connections
        self.known: dict[str, tuple[Any, int]] = {}
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def catch_up(self) -> bool:
        """Take every announcement that has arrived; True if none can have been missed."""
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
        except REDIS_FAILURES:
            log_cache_failure("Rate limits unavailable: not counted")
            return False

    def incr(self, *args: Any, **kwargs: Any) -> int:
        try:
            return super().incr(*args, **kwargs)
        except REDIS_FAILURES as error:
            log_cache_failure("Rate limits unavailable: not counted")
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


class RateLimitFileBasedCache(FileBasedCache):
    """For django-ratelimit only: a write the disk refuses (full, say) reads as "no count", so
    RATELIMIT_FAIL_OPEN accepts the form, as when Redis fails. Refusing instead would turn a
    full disk into every patient's form refused, which a flood the limit guards against cannot
    do worse than."""

    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().add(*args, **kwargs)
        except OSError:
            log_cache_failure("Rate limits unavailable: not counted")
            return False

    def incr(self, *args: Any, **kwargs: Any) -> int:
        try:
            return super().incr(*args, **kwargs)
        except OSError as error:
            log_cache_failure("Rate limits unavailable: not counted")
            raise ValueError("Cache unavailable") from error


# --- Failures, for whoever uses a cache ----------------------------------------------------------

_this_request = threading.local()


def log_cache_failure(message: str, *args: Any) -> None:
    """Log the exception being handled, unless a cache failure was logged already during this
    request: a dead Redis or a full disk fails every call, and one line says as much."""
    if getattr(_this_request, "logged", False):
        return
    _this_request.logged = True
    logger.warning(message, *args, exc_info=True)


# Invalidations the cache refused, in order, until it takes them: while a cache holds a copy
# the change made stale, it must be dropped as soon as the cache answers again.
_unfinished: dict[Callable[[], None], None] = {}


def invalidate(operation: Callable[[], None], what: str) -> None:
    """Run `operation` (idempotent: it drops or replaces cached copies). If the cache fails,
    log it and run it again before each request this process serves, until it succeeds."""
    try:
        operation()
    except Exception:
        log_cache_failure("Cache unavailable: %s not invalidated; retried later", what)
        _unfinished[operation] = None


def retry_invalidations() -> None:
    for operation in list(_unfinished):
        try:
            operation()
        except Exception:
            return  # still failing: the rest wait too, so they keep their order
        _unfinished.pop(operation, None)


def new_request(**kwargs: Any) -> None:
    """request_started: a new request may log a cache failure again, and finishes first any
    invalidation the cache refused before."""
    _this_request.logged = False
    if _unfinished:
        retry_invalidations()
