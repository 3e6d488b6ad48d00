"""The address of the client, for rate limits and login throttling."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the client's address.

    REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many proxies stand in front of us: then
    the address those proxies saw, read from the right-hand end of X-Forwarded-For. Entries
    further left were written by the client and could be anything; an entry that is not an
    address (a misconfigured proxy) is ignored for REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR", "")
