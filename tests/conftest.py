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
