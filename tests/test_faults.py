"""Faults degrade the site, never break it: no 500, nothing a patient sent is lost.

A hung or refused Redis, an undecodable form, NUL bytes, a forged X-Forwarded-For, HEAD
requests, and the 429 page's Retry-After.
"""

import socket
import threading
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

from screener.models import Screening
from tests.screener_answers import ELIGIBLE_ANSWERS

pytestmark = pytest.mark.django_db


# --- Redis that hangs, Redis that refuses ---------------------------------------------------------


@pytest.fixture
def hung_redis():
    """A server that accepts connections and never answers: the worst kind of failure."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def refused_redis():
    """A port nothing listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def use_redis_settings(settings, url: str) -> None:
    """The settings the site uses with REDIS_URL (clinic/settings.py), pointed at `url`."""
    default = {
        "BACKEND": "clinic.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
    settings.CACHES = {
        "default": default,
        "ratelimit": {**default, "BACKEND": "clinic.cache.RateLimitRedisCache"},
        "local": settings.CACHES["local"],
    }
    settings.SCREENER_RATE_LIMIT = "20/m"


@pytest.mark.parametrize("redis_fixture", ["hung_redis", "refused_redis"])
def test_without_redis_pages_stay_up_and_a_screening_is_kept(settings, request, redis_fixture):
    use_redis_settings(settings, request.getfixturevalue(redis_fixture))
    client = Client()
    started = time.monotonic()

    for url in ("/", "/faq/", "/aftercare/", "/privacy/", "/screener/"):
        assert client.get(url).status_code == 200, url
    screenings = Screening.objects.count()
    response = client.post("/screener/", ELIGIBLE_ANSWERS)
    assert response.status_code == 302
    assert Screening.objects.count() == screenings + 1
    result = client.get("/screener/result/")  # the answers were kept (never in Redis)
    assert 'data-outcome="eligible"' in result.content.decode()

    # One slow failure at most, then Redis is not asked again for a while: no page waited.
    assert time.monotonic() - started < 2


def test_a_hung_redis_is_not_asked_again_for_a_while(settings, hung_redis):
    from django.core.cache import cache

    use_redis_settings(settings, hung_redis)
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017 (the redis-py timeout)
        cache.get("anything")
    assert time.monotonic() - started < 1
    started = time.monotonic()
    for _ in range(50):
        with pytest.raises(Exception):  # noqa: B017
            cache.get("anything")
    assert time.monotonic() - started < 0.1


# --- Requests Django cannot read ---------------------------------------------------------------


@pytest.mark.parametrize("charset", ["latin-1", "no-such-charset"])
@pytest.mark.parametrize("url", ["/screener/", "/faq/", "/admin/login/", "/no-such-page/"])
def test_a_form_in_an_unusual_charset_gets_the_sites_own_page(charset, url):
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST",
        url,
        b"area=face_neck&pregnant=no&caf\xe9=1",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code < 500
    assert response["Content-Type"].startswith("text/html")
    if response.status_code == 400:
        assert "could not understand this request" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/faq/question/?published__exact=%00",
        "/faq/?q=%00",
        "/screener/?change=%00",
        "/?x=a%00b",
        "/privacy/?%00=1",
    ],
)
def test_a_nul_byte_in_a_query_string_is_a_bad_request(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "could not understand this request" in response.content.decode()


def test_a_nul_byte_in_a_form_is_a_bad_request():
    screenings = Screening.objects.count()
    response = Client().post("/screener/", {**ELIGIBLE_ANSWERS, "area": "face\x00neck"})
    assert response.status_code == 400
    assert Screening.objects.count() == screenings


def test_a_forwarded_address_that_is_not_one_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    User.objects.create_user("editor", password="correct horse battery staple 42", is_staff=True)
    response = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="not-an-ip",
    )
    assert response.status_code == 200  # the login form again, with its error
    assert AccessAttempt.objects.filter(ip_address="10.0.0.1").exists()


# --- HEAD, Retry-After ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/aftercare/", "/privacy/", "/healthz"])
def test_head_works_on_the_sites_own_pages(client, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


def test_the_429_page_says_when_to_try_again(client, settings):
    settings.SCREENER_RATE_LIMIT = "2/m"
    for _ in range(2):
        client.post("/screener/", {})
    response = client.post("/screener/", {})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
