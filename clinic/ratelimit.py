"""Rates for django-ratelimit, read from settings at request time (so tests can change them).

Use as: @ratelimit(key=client_ip_key, rate=screener_rate, method="POST", group="screener")
"""

from django.conf import settings
from django.http import HttpRequest

from clinic.client_ip import client_ip


def client_ip_key(group: str, request: HttpRequest) -> str:
    """One bucket per client address (see clinic.client_ip for proxies)."""
    return client_ip(request)


def screener_rate(group: str, request: HttpRequest) -> str | None:
    """SCREENER_RATE_LIMIT, e.g. "20/m"; empty turns the limit off (None)."""
    return settings.SCREENER_RATE_LIMIT or None


def booking_rate(group: str, request: HttpRequest) -> str | None:
    return settings.BOOKING_RATE_LIMIT or None
