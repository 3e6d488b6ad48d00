"""Site-wide middleware: NUL bytes refused, the staff idle timeout. (The public page cache is
clinic/page_cache.py.)"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


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
