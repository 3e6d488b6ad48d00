"""Site-wide middleware: the public page cache and the staff idle timeout."""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

PAGES_VERSION_KEY = "public-pages:version"


def public_page(view: Callable) -> Callable:
    """Mark a view whose page is the same for every visitor, so it may be served from cache."""
    view.public_page = True  # type: ignore[attr-defined]
    return view


def invalidate_public_pages() -> None:
    """Make every cached public page stale. Called whenever staff change published content.

    The version is a random token rather than a counter, so a token evicted from the cache can
    never come back with the same value and revive a stale page.
    """
    cache.set(PAGES_VERSION_KEY, uuid.uuid4().hex, None)


class PublicPageCacheMiddleware:
    """Serve the public content pages (home, FAQ, aftercare, privacy) from the shared cache.

    It sits right after WhiteNoise, so a cached page costs about what a static file does: one
    cache round trip (the page and the content version fetched together) and no session, CSRF
    or template work. Only pages marked with @public_page, fetched with GET and no query
    string, are stored, and only when the response is the same for everyone: no cookies set,
    no Vary: Cookie, no CSP nonce. Headers added by the middleware below this one (CSP,
    X-Frame-Options) are stored with the page; SecurityMiddleware above it adds its own on
    every response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._may_use_cache(request):
            return self.get_response(request)

        page_key = f"public-page:{request.path}"
        found = cache.get_many([PAGES_VERSION_KEY, page_key])
        version = found.get(PAGES_VERSION_KEY)
        cached = found.get(page_key)
        if version is not None and cached is not None and cached[0] == version:
            _version, status, headers, content = cached
            return HttpResponse(content, status=status, headers=headers)

        response = self.get_response(request)
        if self._may_store(response):
            if version is None:
                version = uuid.uuid4().hex
                if not cache.add(PAGES_VERSION_KEY, version, None):
                    version = cache.get(PAGES_VERSION_KEY)
            cache.set(
                page_key,
                (version, response.status_code, dict(response.items()), response.content),
                settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
        return response

    @staticmethod
    def _may_use_cache(request: HttpRequest) -> bool:
        if request.method != "GET" or request.META.get("QUERY_STRING"):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return getattr(match.func, "public_page", False)

    @staticmethod
    def _may_store(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
            and "nonce-" not in response.get("Content-Security-Policy", "")
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


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
