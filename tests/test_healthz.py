"""GET /healthz, for the load balancer: 503 when the instance cannot serve (the database or the
session store fails), 200 otherwise ("degraded" when only the cache fails: every page still
works without Redis), and never a word about what failed (that is for the logs)."""

import logging

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "could not connect to db.internal:5432 as clinic password=hunter2"


def test_a_healthy_site_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_head_request_is_answered_too(client):
    """Some load balancers check with HEAD."""
    assert client.head("/healthz").status_code == 200


def test_a_failing_database_gives_503_without_details(client, monkeypatch, caplog):
    def broken_cursor(*args, **kwargs):
        raise OperationalError(SECRET_DETAIL)

    # Undone before the teardown, which empties the cache (a database table without Redis).
    with monkeypatch.context() as patch, caplog.at_level(logging.ERROR, logger="clinic.views"):
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "hunter2" not in response.content.decode()
    assert "db.internal" not in response.content.decode()
    ours = [r for r in caplog.records if r.name == "clinic.views"]
    assert [r.getMessage() for r in ours] == ["Health check failed"]
    assert ours[0].exc_info is not None  # the details go to the log, as the exception's type


def test_a_failing_cache_is_degraded_not_dead(client, monkeypatch):
    """A load balancer must not take out every instance because Redis is down: pages still work."""

    def broken(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis.internal:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}
    assert "redis.internal" not in response.content.decode()
    assert client.get("/faq/").status_code == 200


def test_a_cache_that_forgets_what_it_was_told_is_degraded(client, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}


def test_a_session_store_that_cannot_write_gives_503(client, monkeypatch):
    """Screenings live in sessions: an instance that cannot keep them cannot serve patients."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore

    def full(self, must_create=False):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save", full)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_the_answer_is_never_a_cached_one(client, monkeypatch):
    assert client.get("/healthz").status_code == 200

    def broken_cursor(*args, **kwargs):
        raise OperationalError(SECRET_DETAIL)

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        assert client.get("/healthz").status_code == 503


def test_the_check_is_answered_over_plain_http_when_https_is_enforced(client, settings):
    """The load balancer checks each instance directly over HTTP: no redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/privacy/").status_code == 301
