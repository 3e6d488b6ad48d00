"""Rates for django-ratelimit, read from settings at request time (so tests can change them).

Use as: @ratelimit(key=client_ip_key, rate=screener_rate, method="POST", group="screener")

And `take_turn`, a limit per thing rather than per client (an e-mail address, by its hash).
"""

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from clinic.cache import log_cache_failure
from clinic.client_ip import client_ip


def client_ip_key(group: str, request: HttpRequest) -> str:
    """One bucket per client address (see clinic.client_ip for proxies)."""
    return client_ip(request)


def screener_rate(group: str, request: HttpRequest) -> str | None:
    """SCREENER_RATE_LIMIT, e.g. "20/m"; empty turns the limit off (None)."""
    return settings.SCREENER_RATE_LIMIT or None


def booking_rate(group: str, request: HttpRequest) -> str | None:
    return settings.BOOKING_RATE_LIMIT or None


def take_turn(key: str, *, limit: int, seconds: int) -> bool:
    """Whether one more use of `key` fits in `limit` uses per `seconds`; if so, it is counted.

    Each use holds one of `limit` entries in the shared cache for `seconds` (an atomic `add`),
    so the limit holds over any stretch of that length, not per fixed window, and counts once
    for every process. `key` is written to the cache as given: hash anything personal first.
    A cache that fails lets the use through, as the rate limits do (RATELIMIT_FAIL_OPEN).
    """
    store = caches["default"]  # whose failures raise: the "ratelimit" cache's read as "taken"
    try:
        return any(store.add(f"{key}:{turn}", 1, seconds) for turn in range(limit))
    except Exception:
        log_cache_failure("Cache unavailable: a per-address limit not counted")
        return True
