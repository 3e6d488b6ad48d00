"""Django's Redis cache backend, made cheaper for the two things this site does on every request.

1. Django's RedisCacheClient builds a new `redis.Redis` for every cache operation. That object
   is only a thin wrapper around a connection pool, but building one fills a table of some 170
   response callbacks: measured here, about a third of the time of a cached page and a large
   share of a screener POST (four to five session operations). A `redis.Redis` is safe to
   share between threads (each command borrows a connection from the pool), so one per pool
   serves every operation.

2. `get_watched(key)`: a value read on every request that rarely changes (the version of the
   public pages) is kept in this process's memory, and Redis itself says when it changes:
   the value is read over a connection with client-side tracking on (Redis 6+, RESP3), so
   Redis pushes an invalidation on that connection as soon as any client modifies the key
   (set, delete, expiry, eviction, flush). Before answering, pending invalidations are
   applied (a non-blocking poll of the socket, under a microsecond), so the value is as
   current as a GET would be, without the round trip. Redis sends the invalidation before it
   answers the client that made the change, so once the change is acknowledged no request
   can be answered with the old value. Anything unexpected (a lost connection, a server
   without tracking) drops the remembered values; the value is then read again, or with a
   plain GET.

3. `incr` in one atomic round trip instead of two racy ones (see RedisCacheClient.incr).

Everything else is Django's own behaviour.
"""

import os
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

_MISSING = object()


class WatchedValues:
    """Values read once from Redis, then kept until Redis reports that they changed."""

    def __init__(self, url: str, serializer: Any, pool_options: dict[str, Any]) -> None:
        import redis

        self._redis = redis
        self._url = url
        self._serializer = serializer
        self._pool_options = pool_options
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        self._connection = None
        self._pid = os.getpid()
        self.supported = True

    def get(self, key: str) -> Any:
        """The value of `key` (None when it does not exist)."""
        with self._lock:
            try:
                return self._read(key)
            except self._redis.ResponseError:
                raise
            except (self._redis.RedisError, OSError):
                # A lost connection (Redis restarted, a network blip): forget everything,
                # then connect and watch again, once.
                self._forget()
                return self._read(key)

    def _read(self, key: str) -> Any:
        try:
            connection = self._tracked_connection()
            # Apply every invalidation Redis has sent since the last call.
            while connection.can_read():
                connection.read_response(push_request=True)
            value = self._values.get(key, _MISSING)
            if value is _MISSING:
                # An invalidation that arrives while this GET is answered concerns a change
                # Redis made before the GET, so the answer already includes it.
                connection.send_command("GET", key)
                raw = connection.read_response()
                value = None if raw is None else self._serializer.loads(raw)
                self._values[key] = value
            return value
        except (self._redis.RedisError, OSError):
            self._forget()
            raise

    def _tracked_connection(self):
        if self._pid != os.getpid():
            # A forked child must not read from its parent's socket.
            self._connection = None
            self._values.clear()
            self._pid = os.getpid()
        if self._connection is None:
            pool = self._redis.ConnectionPool.from_url(self._url, protocol=3, **self._pool_options)
            connection = pool.make_connection()
            # Also called when redis-py reconnects: tracking belongs to a connection.
            connection.register_connect_callback(self._start_tracking)
            try:
                connection.connect()
            except self._redis.ResponseError:
                # Refused by the server: RESP3 (HELLO 3) or CLIENT TRACKING, before Redis 6.
                self.supported = False
                connection.disconnect()
                raise
            self._connection = connection
        return self._connection

    def _start_tracking(self, connection) -> None:
        self._values.clear()  # nothing read before this connection is being watched
        connection._parser.set_invalidation_push_handler(self._invalidate)
        connection.send_command("CLIENT", "TRACKING", "ON")
        connection.read_response()

    def _invalidate(self, message: list) -> None:
        keys = message[1] if len(message) > 1 else None
        if keys is None:  # the database was flushed
            self._values.clear()
            return
        for key in keys:
            self._values.pop(key.decode() if isinstance(key, bytes) else key, None)

    def _forget(self) -> None:
        self._values.clear()
        if self._connection is not None:
            self._connection.disconnect()  # reconnects, and watches again, on the next call


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
        self._watched: WatchedValues | None = None
        self._incr_script = None

    def incr(self, key: str, delta: int) -> int:
        # Django asks EXISTS, then sends INCRBY: two round trips, and if the key expires in
        # between, INCRBY creates it anew *without an expiry*. For a rate-limit counter (the
        # add-then-incr of django-ratelimit) that would refuse the client for good. Here both
        # happen in one atomic script.
        client = self.get_client(key, write=True)
        if self._incr_script is None:
            self._incr_script = client.register_script(INCR_IF_EXISTS)
        value = self._incr_script(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client

    def get_watched(self, key: str, default: Any) -> Any:
        if self._watched is None:
            # The primary: where writes happen, so its invalidations are never behind.
            self._watched = WatchedValues(self._servers[0], self._serializer, self._pool_options)
        if self._watched.supported:
            try:
                value = self._watched.get(key)
            except (self._lib.RedisError, OSError):
                pass  # not watchable now: a plain GET (which fails too if Redis is down)
            else:
                return default if value is None else value
        return self.get(key, default)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def get_watched(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Like get(), for a key read on every request and seldom written: see the module."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.get_watched(key, default)
