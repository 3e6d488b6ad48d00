"""The diary read into diary.free_times' plain values, in a fixed number of queries however
many appointments it holds (five, and the clinic's details from the cache)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from bookings.models import Appointment, Practitioner
from clinic.selectors import ClinicDetails, clinic_details
from diary import free_times
from diary.models import SlotHold, TimeOff, WorkingHours


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def rules_for(details: ClinicDetails, area: str) -> free_times.Rules:
    return free_times.Rules(
        length=details.appointment_length(area),
        buffer=timedelta(minutes=details.buffer_minutes),
        interval=timedelta(minutes=details.slot_interval_minutes),
        minimum_notice=timedelta(hours=details.minimum_notice_hours),
        maximum_advance_days=details.maximum_advance_days,
    )


def free_times_between(
    *,
    first: date,
    last: date,
    area: str,
    now: datetime | None = None,
    earliest: date | None = None,
    holder: str = "",
    ignore_appointment: int | None = None,
    practitioner_id: int | None = None,
) -> dict[date, list[free_times.Slot]]:
    """Free times from `first` to `last` (local days). The holder's own hold and the
    appointment being moved (`ignore_appointment`) do not count as busy."""
    now = now or timezone.now()
    zone = clinic_zone()
    details = clinic_details()
    rules = rules_for(details, area)
    start = datetime.combine(first - timedelta(days=1), datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=2), datetime.min.time(), tzinfo=zone)

    practitioners_query = Practitioner.objects.filter(active=True)
    if practitioner_id is not None:
        practitioners_query = practitioners_query.filter(pk=practitioner_id)
    ids = list(practitioners_query.values_list("pk", flat=True))
    stretches: dict[int, list[free_times.Stretch]] = {pk: [] for pk in ids}
    for pk, weekday, begins, ends in WorkingHours.objects.filter(
        practitioner_id__in=ids
    ).values_list("practitioner_id", "weekday", "start", "end"):
        stretches[pk].append(free_times.Stretch(weekday, begins, ends))
    practitioners = [free_times.Practitioner(pk, tuple(stretches[pk])) for pk in ids]

    busy: list[free_times.Busy] = []
    booked: Counter[tuple[int, date]] = Counter()
    appointments = Appointment.objects.filter(
        practitioner_id__in=ids,
        status__in=Appointment.ACTIVE,
        starts_at__lt=end,
        ends_at__gt=start - rules.buffer,
    )
    if ignore_appointment is not None:
        appointments = appointments.exclude(pk=ignore_appointment)
    for pk, begins, ends in appointments.values_list("practitioner_id", "starts_at", "ends_at"):
        busy.append(free_times.Busy(pk, begins, ends + rules.buffer))
        booked[pk, begins.astimezone(zone).date()] += 1
    holds = SlotHold.objects.filter(
        practitioner_id__in=ids, expires_at__gt=now, starts_at__lt=end, ends_at__gt=start
    ).exclude(holder=holder or "-")
    for pk, begins, ends in holds.values_list("practitioner_id", "starts_at", "ends_at"):
        busy.append(free_times.Busy(pk, begins, ends + rules.buffer))
    time_off = TimeOff.objects.filter(
        practitioner_id__in=ids, starts_at__lt=end, ends_at__gt=start
    ).values_list("practitioner_id", "starts_at", "ends_at")
    busy += [free_times.Busy(pk, begins, ends) for pk, begins, ends in time_off]

    opening = [
        free_times.Stretch(day, opens, closes)
        for day, opens, closes in details.opening_times.stretches
    ]
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return free_times.free_times(
        days=days,
        practitioners=practitioners,
        busy=busy,
        rules=rules,
        now=now,
        zone=zone,
        earliest=earliest,
        opening=opening,
        booked_per_day=booked,
    )
