"""A cache that fails (Redis down, the cache folder's disk full) never costs a page or an edit.

SPEC.md, "Faults degrade, never break": the edit is saved, the page served, the failure logged
(once per request), and a change the cache refused is made as soon as it answers again.
"""

import errno
import logging
import os
import socket
import tempfile
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from clinic.cache import retry_invalidations
from clinic.page_cache import PAGES_VERSION_KEY
from faq.models import Question
from screener.models import Screening
from tests.redis_helpers import REDIS_URL, delete_keys, use_redis_cache
from tests.screener_answers import ELIGIBLE_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_invalidation_left_over() -> Iterator[None]:
    """A test that leaves the cache working leaves no invalidation waiting for the next test."""
    yield
    retry_invalidations()


def cache_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "clinic.cache"]


def question_form_data(question: Question, **changes: str) -> dict[str, str]:
    """What the admin's change form for a question posts (English and Spanish); answer=
    changes the English."""
    data = {
        "category": str(question.category_id),
        "question_en": question.question_en,
        "question_es": question.question_es or "",
        "slug": question.slug,
        "answer_en": question.answer_en,
        "answer_es": question.answer_es or "",
        "order": str(question.order),
        "feature": question.feature,
        "_save": "Save",
    }
    for key, value in changes.items():
        data[f"{key}_en" if key in {"question", "answer"} else key] = value
    if question.published:
        data["published"] = "on"
    if question.spanish_awaiting_review:
        data["spanish_awaiting_review"] = "on"
    return data


# --- Redis down -----------------------------------------------------------------------------------


def dead_redis_url() -> str:
    """A port nothing listens on: connections are refused (as in tests/test_faults.py)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def point_redis_at(settings, url: str, prefix: str) -> None:
    """The site's Redis caches, at `url` (a dead one, or the real one back again)."""
    default = {
        "BACKEND": "clinic.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
    settings.CACHES = {
        "default": default,
        "ratelimit": {**default, "BACKEND": "clinic.cache.RateLimitRedisCache"},
        "local": settings.CACHES["local"],
    }


def test_an_faq_edit_saved_while_redis_is_down_is_kept_and_shows_once_redis_returns(
    settings, admin_client, caplog
):
    prefix = use_redis_cache(settings)
    try:
        question = Question.objects.get(slug="downtime")
        public_url = question.get_absolute_url()
        visitor = Client()  # one worker, which keeps the page in its memory too
        for _ in range(3):  # cached, and the announcements of changes heard
            assert "Completely new wording." not in visitor.get(public_url).content.decode()

        point_redis_at(settings, dead_redis_url(), prefix)
        change_url = reverse("admin:faq_question_change", args=[question.pk])
        response = admin_client.post(
            change_url, question_form_data(question, answer="Completely new wording.")
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Question.objects.get(pk=question.pk).answer == "Completely new wording."
        assert any("not invalidated" in record.getMessage() for record in cache_records(caplog))
        # Meanwhile pages are rendered as if nothing were cached.
        assert "Completely new wording." in visitor.get(public_url).content.decode()

        # Redis answers again, still holding the old version and the old page: the first
        # request this worker serves makes the change the cache refused.
        point_redis_at(settings, REDIS_URL, prefix)
        assert "Completely new wording." in visitor.get(public_url).content.decode()
        assert "Completely new wording." in Client().get(public_url).content.decode()
    finally:
        delete_keys(prefix)


# --- The cache folder's disk full --------------------------------------------------------------


class FullDisk:
    """Every file the cache writes in its folder goes to /dev/full, which refuses each write
    with ENOSPC, as a full disk does. Sessions and everything else write as usual."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch
        self.folder = os.path.realpath(django_settings.CACHES["default"]["LOCATION"])
        self.real_mkstemp = tempfile.mkstemp

    def mkstemp(self, *args, **kwargs) -> tuple[int, str]:
        fd, path = self.real_mkstemp(*args, **kwargs)
        if os.path.realpath(str(kwargs.get("dir", ""))) != self.folder:
            return fd, path
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), path

    def fill(self) -> None:
        self.monkeypatch.setattr(tempfile, "mkstemp", self.mkstemp)

    def free(self) -> None:
        self.monkeypatch.setattr(tempfile, "mkstemp", self.real_mkstemp)


@pytest.fixture
def full_disk(monkeypatch) -> FullDisk:
    disk = FullDisk(monkeypatch)
    disk.fill()
    return disk


def test_the_full_disk_is_real_enough(full_disk):
    """What the backends below meet: an OSError with ENOSPC from a cache write."""
    with pytest.raises(OSError) as refused:
        cache.set("anything", "value")
    assert refused.value.errno == errno.ENOSPC


def test_a_form_post_with_the_cache_disk_full_is_accepted(settings, full_disk, caplog):
    """The rate limit cannot count, so it lets the form through (fails open, as with Redis
    down): refusing would refuse every patient while the disk is full."""
    settings.SCREENER_RATE_LIMIT = "1/m"
    client = Client()
    for _ in range(3):  # past the limit, were anything counted
        response = client.post("/screener/", ELIGIBLE_ANSWERS)
        assert response.status_code == 302
    assert Screening.objects.count() == 3
    assert 'data-outcome="eligible"' in client.get("/screener/result/").content.decode()
    assert cache_records(caplog)


def test_a_failing_cache_is_logged_once_per_request(full_disk, caplog):
    """The home page fails two writes (the clinic's details, the page itself): one line."""
    client = Client()
    assert client.get("/").status_code == 200
    assert len(cache_records(caplog)) == 1
    assert client.get("/privacy/").status_code == 200
    assert len(cache_records(caplog)) == 2


def test_an_edit_with_the_cache_disk_full_shows_at_once_and_the_version_changes_once_freed(
    full_disk,
):
    """A full disk refuses the new version but not the old one's deletion: with no version no
    stored page is served. Freed, the next request sets the version it could not."""
    full_disk.free()
    question = Question.objects.get(slug="downtime")
    public_url = question.get_absolute_url()
    client = Client()
    client.get(public_url)
    before = cache.get(PAGES_VERSION_KEY)
    assert before is not None

    full_disk.fill()
    question.answer = "Completely new wording."
    question.save()
    assert "Completely new wording." in client.get(public_url).content.decode()
    assert "Completely new wording." in client.get(public_url).content.decode()

    full_disk.free()
    client.get("/healthz")  # any request, public page or not
    assert cache.get(PAGES_VERSION_KEY) not in (None, before)
    assert "Completely new wording." in client.get(public_url).content.decode()
