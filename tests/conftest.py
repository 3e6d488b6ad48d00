"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import caches
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def _session_files(tmp_path_factory):
    """The suite's sessions (files, on SQLite), uploaded files (the outbox's calendar
    attachments) and the outbox's lock in folders of their own, not the checkout's."""
    with override_settings(
        SESSION_FILE_PATH=str(tmp_path_factory.mktemp("sessions")),
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        OUTBOX_LOCK_FILE=str(tmp_path_factory.mktemp("outbox") / "send_due_messages.lock"),
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches: no cached page or rate-limit count leaks between tests.

    The database is rolled back between tests without sending signals, so a page cached by
    one test would otherwise outlive the content it was rendered from.
    """
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, signed in with the second factor the admin requires."""
    from django.test import Client

    from tests.staff_helpers import verified_login

    client = Client()
    verified_login(client, admin_user)
    return client
