"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Each test starts with empty caches: no cached page or rate-limit count leaks between tests.

    The database is rolled back between tests without sending signals, so a page cached by
    one test would otherwise outlive the content it was rendered from. Without Redis the
    cache is a table in the test database, which only tests that use the database can reach.
    """
    uses_db = bool(request.node.get_closest_marker("django_db")) or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )

    def clear() -> None:
        for cache in caches.all():
            if uses_db or not isinstance(cache, DatabaseCache):
                cache.clear()

    if uses_db:
        blocker = request.getfixturevalue("django_db_blocker")
        request.getfixturevalue("django_db_setup")
        with blocker.unblock():
            clear()
        yield
        with blocker.unblock():
            clear()
    else:
        clear()
        yield
        clear()
