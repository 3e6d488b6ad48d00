"""The clinic's details for every page and e-mail, from the ClinicDetails record staff edit."""

import logging
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# In the shared cache (every process sees the same copy); dropped whenever staff save.
DETAILS_CACHE_KEY = "clinic:details"


def clinic_details() -> dict[str, Any]:
    """The clinic's name, contact details, reply promise and opening hours (pages and e-mails)."""
    try:
        details = cache.get(DETAILS_CACHE_KEY)
    except Exception:
        logger.warning("Cache unavailable: clinic details read from the database", exc_info=True)
        return _read_details()
    if details is None:
        details = _read_details()
        try:
            cache.set(DETAILS_CACHE_KEY, details, None)
        except Exception:
            logger.warning("Cache unavailable: clinic details not stored", exc_info=True)
    return details


DETAIL_FIELDS = ("name", "address", "phone", "email", "reply_working_days")
HOURS_FIELDS = ("opening_hours__weekday", "opening_hours__opens", "opening_hours__closes")


def _read_details() -> dict[str, Any]:
    """The record and its opening hours in one query. Reading never creates the record: until
    staff first open it in the admin, the CLINIC_* settings (its defaults) apply."""
    from clinic.models import ClinicDetails

    rows = list(
        ClinicDetails.objects.filter(pk=ClinicDetails.singleton_instance_id).values(
            *DETAIL_FIELDS, *HOURS_FIELDS
        )
    )
    if rows:
        details = {name: rows[0][name] for name in DETAIL_FIELDS}
    else:
        unsaved = ClinicDetails()
        details = {name: getattr(unsaved, name) for name in DETAIL_FIELDS}
    phone = details["phone"]
    return {
        **details,
        # For tel: links, which want digits only: "(207) 555-0142" -> "2075550142".
        "phone_link": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
        # (weekday, opens, closes) stretches; see clinic.models.OpeningTimes.
        "opening_hours": sorted(
            tuple(row[name] for name in HOURS_FIELDS)
            for row in rows
            if row["opening_hours__weekday"] is not None
        ),
    }


def forget_clinic_details() -> None:
    """Drop the cached copy now and again once the change commits (see
    invalidate_public_pages: a copy read in between would otherwise outlive the change)."""
    cache.delete(DETAILS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(DETAILS_CACHE_KEY))


def clinic_contact(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """The clinic's details as `clinic`, for every template."""
    return {"clinic": clinic_details()}
