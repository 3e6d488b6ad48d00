"""Reads of the clinic's own details, for pages, e-mails and the booking form.

The ClinicDetails record (clinic.models) is edited by staff in the admin; this is the plain,
frozen copy the rest of the site reads, kept in the shared cache until staff next save.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction

from clinic import models
from clinic.cache import invalidate, log_cache_failure

# In the shared cache (every process sees the same copy); dropped whenever staff save. The
# shape is part of the key, so a copy cached by an older release is never read as this one.
DETAILS_CACHE_KEY = "clinic:details:3"

DETAIL_FIELDS = ("name", "address", "phone", "email", "reply_working_days")
BOOKING_FIELDS = (
    "buffer_minutes",
    "slot_interval_minutes",
    "minimum_notice_hours",
    "maximum_advance_days",
    "change_limit_hours",
)
HOURS_FIELDS = ("opening_hours__weekday", "opening_hours__opens", "opening_hours__closes")


@dataclass(frozen=True)
class ClinicDetails:
    """The clinic's name, contact details, reply promise and opening hours."""

    name: str
    address: str
    phone: str
    email: str
    reply_working_days: int
    opening_times: models.OpeningTimes
    buffer_minutes: int = 15
    slot_interval_minutes: int = 30
    minimum_notice_hours: int = 24
    maximum_advance_days: int = 90
    change_limit_hours: int = 24
    # area -> (minutes, price or None), for the areas staff have set.
    area_bookings: dict[str, tuple[int, Decimal | None]] = field(default_factory=dict)

    def appointment_length(self, area: str) -> timedelta:
        minutes, _price = self.area_bookings.get(area, (models.DEFAULT_APPOINTMENT_MINUTES, None))
        return timedelta(minutes=minutes)

    def price(self, area: str) -> Decimal | None:
        return self.area_bookings.get(area, (0, None))[1]

    @property
    def change_limit(self) -> timedelta:
        return timedelta(hours=self.change_limit_hours)

    @property
    def phone_link(self) -> str:
        """For tel: links, which want digits only: "(207) 555-0142" -> "2075550142"."""
        return "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


def clinic_details() -> ClinicDetails:
    """The clinic's details, from the shared cache (one query to fill it)."""
    try:
        details = cache.get(DETAILS_CACHE_KEY)
    except Exception:
        log_cache_failure("Cache unavailable: clinic details read from the database")
        return _read_details()
    if not isinstance(details, ClinicDetails):
        details = _read_details()
        try:
            cache.set(DETAILS_CACHE_KEY, details, None)
        except Exception:
            log_cache_failure("Cache unavailable: clinic details not stored")
    return details


def _read_details() -> ClinicDetails:
    """The record, its opening hours and its areas' lengths (two queries). Reading never
    creates the record: until staff first open it in the admin, its defaults apply."""
    record = models.ClinicDetails
    rows = list(
        record.objects.filter(pk=record.singleton_instance_id).values(
            *DETAIL_FIELDS, *BOOKING_FIELDS, *HOURS_FIELDS
        )
    )
    if rows:
        fields = {name: rows[0][name] for name in (*DETAIL_FIELDS, *BOOKING_FIELDS)}
    else:
        unsaved = record()
        fields = {name: getattr(unsaved, name) for name in (*DETAIL_FIELDS, *BOOKING_FIELDS)}
    stretches = models.OpeningTimes.from_rows(
        tuple(row[name] for name in HOURS_FIELDS)
        for row in rows
        if row["opening_hours__weekday"] is not None
    )
    areas = {
        area: (minutes, price)
        for area, minutes, price in models.AreaBooking.objects.values_list(
            "area", "minutes", "price"
        )
    }
    return ClinicDetails(**fields, opening_times=stretches, area_bookings=areas)


def forget_clinic_details() -> None:
    """Drop the cached copy now and again once the change commits (see
    clinic.page_cache.invalidate_public_pages: a copy read in between would otherwise outlive
    the change). A cache that fails retries until it takes it (clinic.cache.invalidate)."""
    invalidate(_delete_cached_copy, "clinic details")
    transaction.on_commit(lambda: invalidate(_delete_cached_copy, "clinic details"))


def _delete_cached_copy() -> None:
    cache.delete(DETAILS_CACHE_KEY)
