"""Security headers on every kind of page, including error pages, and production cookies.

The policy (clinic/settings.py, django-csp) allows nothing inline and nothing from another
site; these tests read the headers as a browser receives them.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path
from django.utils import timezone

from clinic import urls as clinic_urls
from faq.models import Question
from tests.screener_answers import ELIGIBLE_ANSWERS

BASE_DIR = Path(__file__).resolve().parent.parent


def booking_details() -> dict[str, str]:
    return {
        "full_name": "Ada Patient",
        "email": "ada@example.com",
        "phone": "207 555 0100",
        "preferred_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "preferred_time": "morning",
        "notes": "",
        "consent": "on",
        "confirm": "yes",  # straight past the "check your details" page
    }


# --- A test-only URLconf: the site, plus views that fail the way real code can. ---------------


def _boom(request):
    raise RuntimeError("A bug in a view")


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-only/boom/", _boom),
    path("test-only/forbidden/", _forbidden),
    # The site itself (its i18n_patterns belong in a root URLconf, not an include).
    *clinic_urls.urlpatterns,
]


# --- Helpers ------------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    """The headers every response of the site carries, whatever its status."""
    where = f"{response.status_code} {response.request['PATH_INFO']}"
    policy = csp_directives(response)
    for directive in ("default-src", "script-src", "style-src"):
        assert directive in policy, where
    for directive in ("script-src", "style-src", "default-src"):
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"):
            assert unsafe not in policy[directive], f"{unsafe} in {directive} on {where}"
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'none'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["form-action"] == ["'self'"], where
    # Nothing is loaded from another site: only 'self', 'none' and inline images (data:).
    for directive, sources in policy.items():
        for source in sources:
            assert source in {"'self'", "'none'", "data:"}, f"{directive} {source} on {where}"
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where


def assert_no_inline_code(response) -> None:
    """The HTML itself needs nothing the policy would block: no inline script or style."""
    html = response.content.decode()
    where = response.request["PATH_INFO"]
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {where}"
    assert not re.search(r"<style\b", html), f"<style> element on {where}"
    assert not re.search(r"\sstyle\s*=", html), f"style attribute on {where}"
    assert not re.search(r"\son[a-z]+\s*=", html), f"event handler attribute on {where}"
    for tag in re.findall(r"<(?:script|img|link|iframe|source)\b[^>]*>", html):
        if 'rel="alternate"' in tag:
            continue  # this page in the other language (hreflang): a link, nothing is loaded
        for url in re.findall(r'(?:src|href)="([^"]+)"', tag):
            assert not re.match(r"(https?:)?//", url), f"third-party resource {url} on {where}"


def assert_not_stored(response) -> None:
    """Pages with health answers or personal details are kept by no cache, not even the browser."""
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert "no-store" in cache_control, response.request["PATH_INFO"]
    assert "private" in cache_control or "no-cache" in cache_control


def screened_client(answers: dict | None = None) -> Client:
    client = Client()
    response = client.post("/screener/", answers or ELIGIBLE_ANSWERS)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/screener/result/"
    return client


def booked_client() -> tuple[Client, object]:
    client = screened_client()
    response = client.post("/booking/request/", booking_details())
    assert response.status_code == 302, response.content.decode()[:3000]
    return client, response


# --- Public pages ---------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def question_url() -> str:
    question = Question.objects.published().first()
    assert question is not None, "the seed migration provides published questions"
    return question.get_absolute_url()


@pytest.mark.parametrize(
    "url", ["/", "/faq/", "/faq/?q=sessions", "/faq/?q=zzzz", "/aftercare/", "/privacy/"]
)
def test_public_pages_carry_the_security_headers(client, url):
    """Content pages: strict CSP, nosniff, same-origin referrer and opener, no framing."""
    response = client.get(url)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_code(response)


def test_a_question_page_carries_the_security_headers(client):
    response = client.get(question_url())
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_code(response)


def test_a_cached_public_page_keeps_its_headers(client):
    """The second request is served by the public page cache; the headers are all still there."""
    first = client.get("/faq/")
    second = client.get("/faq/")
    assert second.content == first.content
    assert_security_headers(second)
    assert second.get("Content-Security-Policy") == first.get("Content-Security-Policy")


# --- Screener and booking: security headers and no-store ---------------------------------------


def test_screener_page_is_never_stored(client):
    response = client.get("/screener/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_code(response)
    assert_not_stored(response)


def test_screener_with_errors_is_never_stored(client):
    """The page re-shown with errors still contains what was answered: no cache may keep it."""
    response = client.post("/screener/", {**ELIGIBLE_ANSWERS, "pregnant": ""})
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_stored(response)


@pytest.mark.parametrize(
    "answers",
    [
        ELIGIBLE_ANSWERS,
        {**ELIGIBLE_ANSWERS, "cold_sores": "yes"},
        {**ELIGIBLE_ANSWERS, "pregnant": "yes"},
        {**ELIGIBLE_ANSWERS, "keloid": "yes"},
    ],
    ids=["eligible", "with_conditions", "deferred", "not_suitable"],
)
def test_result_page_is_never_stored(answers):
    response = screened_client(answers).get("/screener/result/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_code(response)
    assert_not_stored(response)


def test_booking_page_is_never_stored():
    response = screened_client().get("/booking/request/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_code(response)
    assert_not_stored(response)


def test_booking_with_errors_is_never_stored():
    response = screened_client().post(
        "/booking/request/", {**booking_details(), "email": "not-an-email"}
    )
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_stored(response)


def test_confirmation_page_is_never_stored():
    client, redirect = booked_client()
    response = client.get(redirect["Location"])
    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_code(response)
    assert_not_stored(response)


# --- Error pages ---------------------------------------------------------------------------------


def test_404_page_carries_the_security_headers(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert_security_headers(response)
    assert_no_inline_code(response)


@pytest.mark.parametrize(
    "request_kwargs",
    [{"HTTP_HOST": "attacker.example"}, {"QUERY_STRING": "q=%00"}],
    ids=["host not allowed", "NUL byte"],
)
def test_400_page_carries_the_security_headers(client, request_kwargs):
    """A Host not allowed is refused before the middleware that adds the headers runs."""
    response = client.get("/privacy/", **request_kwargs)
    assert response.status_code == 400
    assert_security_headers(response)
    assert_no_inline_code(response)


@pytest.mark.urls(__name__)
def test_500_page_renders_with_the_security_headers():
    """A bug in a view shows templates/500.html, status 500, with every security header."""
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/boom/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert_security_headers(response)
    assert_no_inline_code(response)


@pytest.mark.urls(__name__)
def test_403_page_carries_the_security_headers(client):
    response = client.get("/test-only/forbidden/")
    assert response.status_code == 403
    assert_security_headers(response)


def test_429_page_carries_the_security_headers(client, settings):
    """Too many screener forms from one address: the friendly 429 page, same headers."""
    settings.SCREENER_RATE_LIMIT = "2/m"
    for _ in range(2):
        assert client.post("/screener/", {}).status_code == 200
    response = client.post("/screener/", {})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert_security_headers(response)
    assert_no_inline_code(response)


def test_csrf_failure_page_carries_the_security_headers():
    """A form posted without its CSRF token is refused (403) with the same headers."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/screener/", ELIGIBLE_ANSWERS)
    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    assert_security_headers(response)
    assert_no_inline_code(response)


def test_admin_login_carries_the_security_headers(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)


# --- Production: HSTS, HTTPS redirect and cookie flags, end to end in a subprocess --------------

PRODUCTION_REQUESTS = """
import json
import django
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

django.setup()
call_command("migrate", verbosity=0)
host = {"HTTP_HOST": "clinic.example"}
answers = %(answers)r
# Plain static storage: this test renders pages without running collectstatic first.
plain = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
with override_settings(STORAGES=plain):
    client = Client()
    insecure = client.get("/screener/", **host)
    page = client.get("/screener/", secure=True, **host)
    posted = client.post("/screener/", answers, secure=True, **host)

def cookies(response):
    return {
        name: {
            "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"],
        }
        for name, morsel in response.cookies.items()
    }

print(json.dumps({
    "insecure": [insecure.status_code, insecure.get("Location")],
    "page": [page.status_code, dict(page.items()), cookies(page)],
    "posted": [posted.status_code, dict(posted.items()), cookies(posted)],
}))
"""


@pytest.fixture(scope="module")
def production_responses(tmp_path_factory) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_", "TRUSTED_PROXY"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="clinic.example",
        DJANGO_SETTINGS_MODULE="clinic.settings",
        SQLITE_PATH=str(tmp_path_factory.mktemp("production") / "db.sqlite3"),
    )
    script = PRODUCTION_REQUESTS % {"answers": ELIGIBLE_ANSWERS}
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_http_to_https(production_responses):
    status, location = production_responses["insecure"]
    assert status == 301
    assert location == "https://clinic.example/screener/"


def test_production_sends_hsts_for_a_year_with_subdomains(production_responses):
    status, headers, _cookies = production_responses["page"]
    assert status == 200
    hsts = [part.strip() for part in headers["Strict-Transport-Security"].split(";")]
    max_age = int(next(part for part in hsts if part.startswith("max-age="))[8:])
    assert max_age >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts


def test_production_cookies_are_secure_httponly_and_samesite(production_responses):
    """The CSRF cookie (set by the form page) and the session cookie (set by answering)."""
    _status, _headers, page_cookies = production_responses["page"]
    status, headers, posted_cookies = production_responses["posted"]
    assert status == 302, headers
    cookies = {**page_cookies, **posted_cookies}
    assert {"csrftoken", "sessionid"} <= cookies.keys()
    for name, flags in cookies.items():
        assert flags["secure"], name
        assert flags["httponly"], name
        assert flags["samesite"] in {"Lax", "Strict"}, name
