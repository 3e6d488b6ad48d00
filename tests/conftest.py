"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import caches


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
