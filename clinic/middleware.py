"""Site-wide middleware: sessions that fail loudly, NUL bytes refused, the staff idle timeout.
(The public page cache is clinic/page_cache.py.)"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.file_sessions import SessionStoreUnavailable

logger = logging.getLogger(__name__)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware; a session the store could not keep (a full or read-only
    folder) gives the patient a page saying so (503) and the log an error, never a silent loss."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except SessionStoreUnavailable:
            logger.error(
                "Session store unavailable: a session could not be saved",
                extra={"event": "session_store_unavailable", "path": request.path},
            )
            unavailable = render(request, "503.html", status=503)
            unavailable["Retry-After"] = "300"
            return unavailable


class StaffSessionTimeoutMiddleware:
    """End a member of staff's session after STAFF_SESSION_IDLE_SECONDS without a request.

    Patients' sessions keep the fixed 24 hours of SESSION_COOKIE_AGE; staff, who can see
    patients' details, get a sliding idle timeout instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/") and request.user.is_staff:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """Answer 400 (the site's page) to a query string or form value holding a NUL byte.

    No real form or link sends one, and PostgreSQL refuses them in text: they would reach a
    query (an admin list filter, the FAQ search) and fail there with a 500.
    """

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING") and has_nul(request.GET):
            raise BadRequest("NUL byte in the query string")
        if request.method == "POST" and request.content_type in self.FORMS:
            try:
                form = request.POST
            except (LookupError, UnicodeDecodeError) as error:  # an unknown or wrong charset
                raise BadRequest("Undecodable form") from error
            if has_nul(form):
                raise BadRequest("NUL byte in a form")
        return self.get_response(request)


def has_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )
