"""The public page cache (clinic.page_cache.PublicPageCacheMiddleware).

A page that is the same for everyone is served from cache without running its view, and stops
being served the moment content changes; anything personal (a cookie, a session, a CSRF token,
a CSP nonce, a query string, a POST) is never stored or served from it.

Most tests run against a small URLconf of their own (below), whose views count their calls, so
"served from cache" means "the view did not run".
"""

import pickle
from collections import Counter

import pytest
from csp.constants import NONCE, SELF
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.views.decorators.cache import never_cache

from clinic import urls as clinic_urls
from clinic.page_cache import (
    PAGE_KEY_PREFIX,
    PAGES_VERSION_KEY,
    PublicPageCacheMiddleware,
    invalidate_public_pages,
    public_page,
)
from tests.redis_helpers import REDIS_URL, delete_keys, record_redis_commands, use_redis_cache

calls: Counter[str] = Counter()
page_text = {"current": "First edition"}


@pytest.fixture(autouse=True)
def _fresh_counts():
    calls.clear()
    page_text["current"] = "First edition"


@public_page
def counted(request: HttpRequest) -> HttpResponse:
    calls["counted"] += 1
    return HttpResponse(f"<p>{page_text['current']}</p>")


@public_page
def sets_a_cookie(request: HttpRequest) -> HttpResponse:
    calls["sets_a_cookie"] += 1
    response = HttpResponse("Welcome back")
    response.set_cookie("seen", "1")
    return response


@public_page
def reads_the_session(request: HttpRequest) -> HttpResponse:
    calls["reads_the_session"] += 1
    return HttpResponse(f"Hello {request.session.get('name', 'visitor')}")


@public_page
def has_a_csrf_token(request: HttpRequest) -> HttpResponse:
    calls["has_a_csrf_token"] += 1
    form = Template('<form method="post">{% csrf_token %}</form>')
    return HttpResponse(form.render(RequestContext(request)))


@public_page
def uses_a_csp_nonce(request: HttpRequest) -> HttpResponse:
    calls["uses_a_csp_nonce"] += 1
    return HttpResponse(f'<script nonce="{request.csp_nonce}" src="/static/x.js"></script>')


@public_page
@never_cache
def private(request: HttpRequest) -> HttpResponse:
    calls["private"] += 1
    return HttpResponse("Only for you")


@public_page
def missing(request: HttpRequest) -> HttpResponse:
    calls["missing"] += 1
    return HttpResponse("Gone", status=404)


def not_public(request: HttpRequest) -> HttpResponse:
    calls["not_public"] += 1
    return HttpResponse("Ordinary page")


urlpatterns = [
    path("counted/", counted),
    path("sets-a-cookie/", sets_a_cookie),
    path("reads-the-session/", reads_the_session),
    path("has-a-csrf-token/", has_a_csrf_token),
    path("uses-a-csp-nonce/", uses_a_csp_nonce),
    path("private/", private),
    path("missing/", missing),
    path("not-public/", not_public),
    # The site itself (its i18n_patterns belong in a root URLconf, not an include).
    *clinic_urls.urlpatterns,
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def test_a_public_page_is_served_from_cache_without_running_its_view(client):
    first = client.get("/counted/")
    second = client.get("/counted/")
    assert calls["counted"] == 1
    assert second.status_code == 200
    assert second.content == first.content == b"<p>First edition</p>"


def test_a_cached_page_keeps_its_security_headers(client):
    first = client.get("/counted/")
    second = client.get("/counted/")
    assert calls["counted"] == 1
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
    ):
        assert second[header] == first[header], header
    assert "unsafe-inline" not in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"


def test_the_real_faq_is_served_from_cache_without_a_database_query(
    client, django_assert_num_queries
):
    first = client.get("/faq/")
    with django_assert_num_queries(0):
        second = client.get("/faq/")
    assert second.status_code == 200
    assert second.content == first.content
    assert not second.cookies


def test_invalidating_shows_the_new_content_at_once(client):
    assert client.get("/counted/").content == b"<p>First edition</p>"
    page_text["current"] = "Second edition"
    assert client.get("/counted/").content == b"<p>First edition</p>"  # still cached

    invalidate_public_pages()

    assert client.get("/counted/").content == b"<p>Second edition</p>"
    assert calls["counted"] == 2


def test_an_edit_on_one_process_shows_on_another_that_kept_the_page_in_memory():
    """Two clients are two middleware instances, like two gunicorn workers sharing a cache."""
    worker_a, worker_b = Client(), Client()
    worker_a.get("/counted/")
    worker_b.get("/counted/")  # B keeps its own copy
    assert calls["counted"] == 1

    page_text["current"] = "Second edition"
    invalidate_public_pages()  # e.g. staff saved on worker A

    assert worker_b.get("/counted/").content == b"<p>Second edition</p>"
    assert worker_a.get("/counted/").content == b"<p>Second edition</p>"


def test_a_page_rendered_while_an_edit_is_uncommitted_is_dropped_once_it_commits(
    client, django_capture_on_commit_callbacks
):
    """Saving in the admin invalidates inside its transaction; a page another request renders
    before the commit may hold the old content, so the commit invalidates again."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        invalidate_public_pages()  # what the post_save signal does
        # Meanwhile another request renders the old content under the new version.
        assert client.get("/counted/").content == b"<p>First edition</p>"
        page_text["current"] = "Second edition"  # the edit, visible once committed
    assert client.get("/counted/").content == b"<p>Second edition</p>"


def test_query_strings_are_neither_served_from_nor_stored_in_the_cache(client):
    client.get("/counted/")
    page_text["current"] = "Second edition"
    assert client.get("/counted/?q=anything").content == b"<p>Second edition</p>"
    assert client.get("/counted/?q=anything").content == b"<p>Second edition</p>"
    assert calls["counted"] == 3
    assert client.get("/counted/").content == b"<p>First edition</p>"


def test_the_real_faq_search_is_not_stored(client):
    client.get("/faq/?q=downtime")
    assert cache.get(f"{PAGE_KEY_PREFIX}/faq/") is None


def test_posts_always_run_the_view(client):
    client.get("/counted/")
    client.post("/counted/", {"answer": "yes"})
    client.post("/counted/", {"answer": "yes"})
    assert calls["counted"] == 3


@pytest.mark.parametrize(
    ("url", "view"),
    [
        ("/sets-a-cookie/", "sets_a_cookie"),
        ("/reads-the-session/", "reads_the_session"),
        ("/has-a-csrf-token/", "has_a_csrf_token"),
        ("/private/", "private"),
        ("/missing/", "missing"),
    ],
)
def test_responses_for_one_visitor_are_never_stored(client, url, view):
    """A cookie, Vary: Cookie (the session or a CSRF token), a private or no-store
    Cache-Control, or an error status: every visitor gets the view's own response."""
    client.get(url)
    client.get(url)
    assert calls[view] == 2
    assert cache.get(f"{PAGE_KEY_PREFIX}{url}") is None


def test_a_page_with_a_csrf_token_never_shows_one_visitors_token_to_another():
    alice, bob = Client(), Client()
    alice_page = alice.get("/has-a-csrf-token/")
    bob_page = bob.get("/has-a-csrf-token/")
    assert alice_page.cookies["csrftoken"].value != bob_page.cookies["csrftoken"].value
    assert "cookie" in alice_page["Vary"].lower()
    assert calls["has_a_csrf_token"] == 2


@override_settings(
    CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
)
def test_a_page_with_a_csp_nonce_is_never_stored(client):
    first = client.get("/uses-a-csp-nonce/")
    second = client.get("/uses-a-csp-nonce/")
    assert "nonce-" in first["Content-Security-Policy"]
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
    assert calls["uses_a_csp_nonce"] == 2


def test_pages_not_marked_public_are_not_cached(client):
    client.get("/not-public/")
    client.get("/not-public/")
    assert calls["not_public"] == 2


@override_settings(ALLOWED_HOSTS=["clinic.example"])
def test_a_cached_page_is_refused_to_a_host_that_is_not_allowed():
    client = Client(HTTP_HOST="clinic.example")
    assert client.get("/counted/").status_code == 200
    assert Client(HTTP_HOST="attacker.example").get("/counted/").status_code == 400


def test_a_failing_cache_does_not_take_the_page_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/counted/")
    assert response.status_code == 200
    assert response.content == b"<p>First edition</p>"


def test_a_version_set_while_a_page_was_rendered_keeps_that_page_out():
    """With no version yet (a new or emptied cache), a page is stored under a version of its
    own only if nobody, an edit included, set one while it was being rendered."""

    def render_during_an_edit(request: HttpRequest) -> HttpResponse:
        invalidate_public_pages()  # staff saved while this old content was rendered
        return HttpResponse("old content")

    render_during_an_edit.public_page = True
    middleware = PublicPageCacheMiddleware(render_during_an_edit)
    request = RequestFactory().get("/counted/")
    middleware(request)
    assert cache.get(f"{PAGE_KEY_PREFIX}/counted/") is None
    assert middleware.local_pages == {}


# --- With Redis --------------------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    """The site's Redis cache backend, on its own key prefix in the test Redis database."""
    prefix = use_redis_cache(settings)
    from django.core.cache import caches

    yield caches["default"]
    delete_keys(prefix)


def warm(client: Client, url: str) -> None:
    """Render `url`, keep it, and hear the announcements (their subscription is confirmed by the
    second or third read)."""
    for _ in range(3):
        client.get(url)


def test_with_redis_a_cached_page_costs_no_round_trip(redis_cache, monkeypatch):
    client = Client()
    warm(client, "/counted/")
    commands = record_redis_commands(monkeypatch)
    assert client.get("/counted/").content == b"<p>First edition</p>"
    assert commands == []  # the version is in memory, and no announcement changed it
    assert calls["counted"] == 1


def test_with_redis_an_edit_from_another_process_shows_at_once(redis_cache):
    import redis

    client = Client()
    warm(client, "/counted/")
    page_text["current"] = "Second edition"
    # Another process (another worker, another machine) sets a new version and announces it,
    # as its invalidate_public_pages() does.
    other = redis.Redis.from_url(REDIS_URL)
    other.set(redis_cache.make_key(PAGES_VERSION_KEY), pickle.dumps("v2"))
    other.publish(redis_cache.make_key("announcements"), PAGES_VERSION_KEY)
    other.close()
    assert client.get("/counted/").content == b"<p>Second edition</p>"


def test_with_redis_a_lost_subscription_means_reading_the_version_again(redis_cache):
    import redis

    client = Client()
    warm(client, "/counted/")
    page_text["current"] = "Second edition"
    other = redis.Redis.from_url(REDIS_URL)
    # Redis drops this process's subscription (a restart, say), and an announcement is lost.
    other.client_kill_filter(_type="pubsub")
    other.set(redis_cache.make_key(PAGES_VERSION_KEY), pickle.dumps("v3"))
    other.close()
    assert client.get("/counted/").content == b"<p>Second edition</p>"


def test_with_redis_invalidating_shows_the_new_content_at_once(redis_cache):
    client = Client()
    client.get("/counted/")
    client.get("/counted/")
    page_text["current"] = "Second edition"
    invalidate_public_pages()
    assert client.get("/counted/").content == b"<p>Second edition</p>"
