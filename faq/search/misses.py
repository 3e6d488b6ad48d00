"""Searches that found nothing, counted by their significant words for the staff."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from faq.models import SearchMiss

if TYPE_CHECKING:
    from faq.search.query import Concept

logger = logging.getLogger(__name__)

# A bound on the table, should someone script random searches: past it, new words are not kept.
MAX_MISS_ROWS = 5000


def record_miss(concepts: list[Concept]) -> None:
    """Count a search that found nothing, by its significant words only.

    A count that cannot be written (a locked or read-only database) is given up: the patient's
    page matters more than the statistic.
    """
    words = " ".join(concept.words for concept in concepts)[:200]
    if not words:
        return
    try:
        with transaction.atomic():
            _count_miss(words)
    except DatabaseError:
        logger.warning("Could not count a search that found nothing", exc_info=True)


def _count_miss(words: str) -> None:
    if SearchMiss.objects.filter(words=words).update(count=F("count") + 1):
        return
    if SearchMiss.objects.count() >= MAX_MISS_ROWS:
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(words=words, count=1)
    except IntegrityError:  # the same words, counted at the same moment by another request
        SearchMiss.objects.filter(words=words).update(count=F("count") + 1)
