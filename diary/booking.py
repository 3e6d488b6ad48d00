"""Writing the diary: holding a time, and making or moving an appointment, never two at once.

Every write that could double-book takes the practitioner's lock first (PostgreSQL: the
practitioner's row, FOR UPDATE; SQLite: the IMMEDIATE transaction the settings give every
atomic block, which takes the database's write lock at BEGIN), then checks that the time is
still free, then writes. On PostgreSQL the exclusion constraint of migration
bookings/0008 refuses an overlap even if a write skipped all this.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from bookings.models import Appointment, BookingRequest, Practitioner
from clinic.selectors import clinic_details
from diary import free_times
from diary.models import SlotHold, TimeOff, WorkingHours
from diary.selectors import clinic_zone, free_times_between


class SlotTaken(Exception):
    """The time is not (or no longer) free."""


def holder_for(session_key: str) -> str:
    """What a hold stores of the browser session: a hash, never the key."""
    return hashlib.sha256(f"hold:{session_key}".encode()).hexdigest()


def parse_slot(value: str) -> datetime | None:
    """A `slot` value (YYYY-MM-DDTHH:MM, local) as an aware time; None if it is not one."""
    try:
        naive = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except (ValueError, AttributeError):
        return None
    return free_times.local(naive.date(), naive.time(), clinic_zone())


def find_free(
    starts_at: datetime,
    *,
    area: str,
    earliest=None,
    holder: str = "",
    ignore_appointment: int | None = None,
    practitioner_id: int | None = None,
    now: datetime | None = None,
) -> free_times.Slot:
    """The offered time starting at `starts_at`, or SlotTaken."""
    day = starts_at.astimezone(clinic_zone()).date()
    free = free_times_between(
        first=day,
        last=day,
        area=area,
        now=now,
        earliest=earliest,
        holder=holder,
        ignore_appointment=ignore_appointment,
        practitioner_id=practitioner_id,
    )
    for slot in free[day]:
        if slot.starts_at == starts_at:
            return slot
    raise SlotTaken


def _lock(practitioner_id: int) -> None:
    # On SQLite the IMMEDIATE transaction already holds the write lock; FOR UPDATE is a no-op.
    Practitioner.objects.select_for_update().filter(pk=practitioner_id).first()


def slot_hold(*, starts_at: datetime, area: str, earliest, holder: str) -> SlotHold:
    """Hold a free time for SLOT_HOLD_MINUTES for one session, releasing its other holds."""
    with transaction.atomic():
        slot = find_free(starts_at, area=area, earliest=earliest, holder=holder)
        _lock(slot.practitioner_id)
        slot = find_free(
            starts_at,
            area=area,
            earliest=earliest,
            holder=holder,
            practitioner_id=slot.practitioner_id,
        )
        SlotHold.objects.filter(holder=holder).delete()
        return SlotHold.objects.create(
            practitioner_id=slot.practitioner_id,
            starts_at=slot.starts_at,
            ends_at=slot.starts_at + clinic_details().appointment_length(area),
            holder=holder,
            expires_at=timezone.now() + timedelta(minutes=settings.SLOT_HOLD_MINUTES),
        )


def slot_release(*, holder: str) -> None:
    SlotHold.objects.filter(holder=holder).delete()


def expired_holds_delete() -> int:
    deleted, _ = SlotHold.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def appointment_book(
    *,
    booking: BookingRequest,
    starts_at: datetime,
    area: str,
    earliest=None,
    holder: str = "",
    moving: Appointment | None = None,
) -> Appointment:
    """Make the booking's appointment at `starts_at` (or move `moving` there), if the time is
    free: for the held practitioner when the holder holds it, else for whoever is free. Call
    inside transaction.atomic() with the rest of the booking; raises SlotTaken."""
    hold = SlotHold.objects.filter(holder=holder, starts_at=starts_at).first() if holder else None
    ignore = moving.pk if moving is not None else None
    if hold is not None:
        practitioner_id = hold.practitioner_id
    else:
        practitioner_id = find_free(
            starts_at, area=area, earliest=earliest, ignore_appointment=ignore
        ).practitioner_id
    _lock(practitioner_id)
    find_free(
        starts_at,
        area=area,
        earliest=earliest,
        holder=holder,
        ignore_appointment=ignore,
        practitioner_id=practitioner_id,
    )
    ends_at = starts_at + clinic_details().appointment_length(area)
    try:
        with transaction.atomic():
            if moving is not None:
                moving.practitioner_id = practitioner_id
                moving.starts_at, moving.ends_at = starts_at, ends_at
                moving.sequence += 1
                moving.save(update_fields=["practitioner", "starts_at", "ends_at", "sequence"])
                appointment = moving
            else:
                appointment = Appointment.objects.create(
                    booking=booking,
                    practitioner_id=practitioner_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
    except IntegrityError as clash:  # PostgreSQL's exclusion constraint
        raise SlotTaken from clash
    if holder:
        SlotHold.objects.filter(holder=holder).delete()
    return appointment


def _clashes(practitioner_id: int, starts_at: datetime, ends_at: datetime, *, buffer, moving):
    appointments = Appointment.objects.filter(
        practitioner_id=practitioner_id,
        status__in=Appointment.ACTIVE,
        starts_at__lt=ends_at + buffer,
        ends_at__gt=starts_at - buffer,
    )
    if moving is not None:
        appointments = appointments.exclude(pk=moving.pk)
    time_off = TimeOff.objects.filter(
        practitioner_id=practitioner_id, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    return appointments.exists() or time_off.exists()


def _works_then(practitioner_id: int, starts_at: datetime, ends_at: datetime) -> bool:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return (
        start.date() == end.date()
        and WorkingHours.objects.filter(
            practitioner_id=practitioner_id,
            weekday=start.weekday(),
            start__lte=start.time(),
            end__gte=end.time(),
        ).exists()
    )


def placement_for(
    booking: BookingRequest, starts_at: datetime, practitioner_id: int | None = None
) -> int:
    """Who the front desk's appointment at `starts_at` goes to: `practitioner_id` if given
    and free; else the practitioner it already has if they are still free, else the least busy
    practitioner working then, else the least busy one free then (the front desk may book
    outside working hours, never over another appointment, its buffer or time off). Raises
    SlotTaken if none is free."""
    details = clinic_details()
    ends_at = starts_at + details.appointment_length(booking.screening.area)
    buffer = timedelta(minutes=details.buffer_minutes)
    moving = booking.appointments.filter(status=Appointment.Status.SCHEDULED).first()
    day = timezone.localtime(starts_at).date()
    practitioners = list(
        Practitioner.objects.filter(active=True)
        .annotate(
            that_day=Count(
                "appointments",
                filter=Q(
                    appointments__status__in=Appointment.ACTIVE,
                    appointments__starts_at__date=day,
                ),
            )
        )
        .order_by("that_day", "pk")
        .values_list("pk", flat=True)
    )
    if practitioner_id is not None:
        practitioners = [pk for pk in practitioners if pk == practitioner_id]
    elif moving is not None and moving.practitioner_id in practitioners:
        practitioners.remove(moving.practitioner_id)
        practitioners.insert(0, moving.practitioner_id)
    free = [
        pk
        for pk in practitioners
        if not _clashes(pk, starts_at, ends_at, buffer=buffer, moving=moving)
    ]
    for pk in free:
        if _works_then(pk, starts_at, ends_at):
            return pk
    if free:
        return free[0]
    raise SlotTaken


def appointment_place(
    *, booking: BookingRequest, starts_at: datetime, practitioner_id: int | None = None
) -> Appointment:
    """The front desk's appointment at `starts_at` (new, or the scheduled one moved), under the
    practitioner's lock. Call inside transaction.atomic(); raises SlotTaken."""
    practitioner_id = placement_for(booking, starts_at, practitioner_id)
    _lock(practitioner_id)
    # Again, now that nobody else can write for them.
    placement_for(booking, starts_at, practitioner_id)
    moving = booking.appointments.filter(status=Appointment.Status.SCHEDULED).first()
    ends_at = starts_at + clinic_details().appointment_length(booking.screening.area)
    try:
        with transaction.atomic():
            if moving is None:
                return Appointment.objects.create(
                    booking=booking,
                    practitioner_id=practitioner_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            moving.practitioner_id = practitioner_id
            moving.starts_at, moving.ends_at = starts_at, ends_at
            moving.sequence += 1
            moving.save(update_fields=["practitioner", "starts_at", "ends_at", "sequence"])
            return moving
    except IntegrityError as clash:
        raise SlotTaken from clash
