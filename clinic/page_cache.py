"""The public page cache: pages the same for every visitor, served without running their view.

- @public_page marks a view whose page may be cached.
- PublicPageCacheMiddleware serves and stores those pages.
- invalidate_public_pages() makes every stored page stale; connect_invalidation() calls it
  whenever content shown on a public page is saved or deleted, so the content apps need know
  nothing of caching.
"""

import contextlib
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from clinic.cache import RedisCache, invalidate, log_cache_failure

PAGES_VERSION_KEY = "public-pages:version"
PAGE_KEY_PREFIX = "public-page:"


def public_page(view: Callable) -> Callable:
    """Mark a view whose page is the same for every visitor, so it may be served from cache."""
    view.public_page = True  # type: ignore[attr-defined]
    return view


def invalidate_public_pages() -> None:
    """Make every cached public page stale. Called whenever staff change published content.

    The version is a random token rather than a counter, so a token evicted from the cache can
    never come back with the same value and revive a stale page.

    Called from a post_save or post_delete signal, this runs inside the transaction that makes
    the change, before other processes can see it. A page rendered by another request in that
    gap would read the new version but the old content, and be stored under the new version.
    So the version changes now (this process sees the change at once) and again once the
    transaction commits, which makes any page rendered from the old content stale.

    A cache that fails never costs the edit: the failure is logged and the change retried
    before each request this process serves, until the cache takes it (clinic.cache).
    """
    invalidate(_new_pages_version, "public pages")
    transaction.on_commit(lambda: invalidate(_new_pages_version, "public pages"))


def _new_pages_version() -> None:
    shared = caches["default"]
    try:
        if isinstance(shared, RedisCache):
            shared.set_announced(PAGES_VERSION_KEY, uuid.uuid4().hex)
        else:
            shared.set(PAGES_VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:
        # A full disk refuses writes but not deletes: with no version, no stored page is served.
        with contextlib.suppress(Exception):
            shared.delete(PAGES_VERSION_KEY)
        raise


def current_pages_version() -> str | None:
    """The content version of the public pages; None until a page is first stored."""
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        # In this process's memory, told of every change: no round trip (README, Performance).
        return shared.get_announced(PAGES_VERSION_KEY)
    return shared.get(PAGES_VERSION_KEY)


class StoredPage(NamedTuple):
    version: str
    status: int
    headers: dict[str, str]
    content: bytes


class PublicPageCacheMiddleware:
    """Serve the public content pages (home, FAQ, aftercare, privacy) from cache.

    It sits right after WhiteNoise, so a cached page costs about what a static file does: no
    session, CSRF, URL resolving or template work. Only pages marked with @public_page,
    fetched with GET and no query string, are stored, and only when the response is the same
    for everyone: no cookies set, no Vary: Cookie, no CSP nonce, nothing private. Headers
    added by the middleware below this one (CSP, X-Frame-Options) are stored with the page;
    SecurityMiddleware above it adds its own on every response.

    Every page is stored with the content version it was rendered under, in the shared cache
    (so a new or restarted process need not render it again) and in this process's memory.
    Pages are kept by path, and a path has one language (clinic.languages): /faq/ and /es/faq/
    are two pages, and each is served only in its own language (_current).

    A page is served only while its version is the current one, which every edit changes: one
    small read of the file cache per request, or with Redis none while this process hears the
    announcement of every change (clinic/cache.py), so an edit shows at once on every process.

    If the cache fails, pages are rendered as if nothing were cached: the FAQ stays up.
    """

    # This process's copies, by path. Only pages that were stored go in (public pages that
    # answered 200), so their number is bounded by the site's content; the limit is a backstop.
    MAX_LOCAL_PAGES = 1000

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.local_pages: dict[str, StoredPage] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or request.META.get("QUERY_STRING"):
            return self.get_response(request)
        path = request.path
        local = self.local_pages.get(path)
        # A path kept in memory is a public page already (only those are kept).
        if local is None and not self._is_public_page(request):
            return self.get_response(request)

        # CommonMiddleware, which a cached page never reaches, refuses hosts that are not in
        # ALLOWED_HOSTS (400); this raises the same DisallowedHost.
        request.get_host()
        language = translation.get_language()
        try:
            version = current_pages_version()
            if local is not None and self._current(local, version, language):
                return self._respond(local)
            shared = cache.get(PAGE_KEY_PREFIX + path)
        except Exception:
            log_cache_failure("Public page cache unavailable: rendering %s", path)
            return self.get_response(request)
        if shared is not None:
            page = StoredPage(*shared)
            if self._current(page, version, language):
                self._keep_locally(path, page)
                return self._respond(page)

        response = self.get_response(request)
        if self._may_store(response):
            try:
                self._store(path, version, response)
            except Exception:
                log_cache_failure("Public page cache unavailable: %s not stored", path)
        return response

    def _store(self, path: str, version: str | None, response: HttpResponse) -> None:
        if version is None:
            # No version yet (a new or emptied cache). Ours counts only if no other process,
            # and no edit, set one while this page was being rendered.
            version = uuid.uuid4().hex
            if not cache.add(PAGES_VERSION_KEY, version, None):
                return
        page = StoredPage(version, response.status_code, dict(response.items()), response.content)
        cache.set(PAGE_KEY_PREFIX + path, tuple(page), settings.PUBLIC_PAGE_CACHE_SECONDS)
        self._keep_locally(path, page)

    def _keep_locally(self, path: str, page: StoredPage) -> None:
        if len(self.local_pages) >= self.MAX_LOCAL_PAGES and path not in self.local_pages:
            self.local_pages.clear()
        self.local_pages[path] = page

    @staticmethod
    def _current(page: StoredPage, version: str | None, language: str) -> bool:
        """Rendered from the current content, and in the language this request asks for.

        The path carries the language (/es/faq/ is Spanish, /faq/ English: clinic.languages), so
        keying pages on it keys them on language; checking the page's own Content-Language too
        means no change to how languages are chosen can ever serve one language's page for the
        other's.
        """
        return (
            version is not None
            and page.version == version
            and page.headers.get("Content-Language") == language
        )

    @staticmethod
    def _respond(page: StoredPage) -> HttpResponse:
        return HttpResponse(page.content, status=page.status, headers=page.headers)

    @staticmethod
    def _is_public_page(request: HttpRequest) -> bool:
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


# --- Invalidation -------------------------------------------------------------------------------

# Everything shown on a public page. FAQ synonyms and the searches that found nothing are not:
# searches are never cached, so they need no invalidation.
CACHED_CONTENT = (
    "faq.Category",
    "faq.Question",
    "faq.RecoveryStage",
    "faq.HelpBlock",
    "clinic.ClinicDetails",
    "clinic.OpeningHours",
    "clinic.AreaBooking",
)


def content_changed(sender: Any, **kwargs: Any) -> None:
    invalidate_public_pages()


def connect_invalidation() -> None:
    """From ClinicConfig.ready(): every save or delete of cached content makes the pages stale."""
    for label in CACHED_CONTENT:
        model = apps.get_model(label)
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(content_changed, sender=model, dispatch_uid=f"page-cache:{label}:{name}")
