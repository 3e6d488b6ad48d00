"""The diary read into diary.free_times' plain values, in a fixed number of queries however
many appointments it holds (five, and the clinic's details from the cache)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Required, TypedDict, Unpack
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


@dataclass(frozen=True)
class Diary:
    """What the free-times rules need, read once for a stretch of days."""

    practitioners: list[free_times.Practitioner]
    busy: list[free_times.Busy]
    booked: Counter
    rules: free_times.Rules
    opening: list[free_times.Stretch]
    now: datetime
    earliest: date | None

    def free_on(self, days: list[date]) -> dict[date, list[free_times.Slot]]:
        zone = clinic_zone()
        start = datetime.combine(min(days) - timedelta(days=1), time.min, tzinfo=zone)
        end = datetime.combine(max(days) + timedelta(days=2), time.min, tzinfo=zone)
        return free_times.free_times(
            days=days,
            practitioners=self.practitioners,
            busy=[item for item in self.busy if item.starts_at < end and start < item.ends_at],
            rules=self.rules,
            now=self.now,
            zone=clinic_zone(),
            earliest=self.earliest,
            opening=self.opening,
            booked_per_day=self.booked,
        )


class DiaryFilters(TypedDict, total=False):
    """diary_between's arguments other than the days, to pass on with **."""

    area: Required[str]
    now: datetime | None
    earliest: date | None
    holder: str
    ignore_appointment: int | None
    practitioner_id: int | None


def free_times_between(
    *, first: date, last: date, **kwargs: Unpack[DiaryFilters]
) -> dict[date, list[free_times.Slot]]:
    """Free times from `first` to `last` (local days); the arguments are diary_between's."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return diary_between(first=first, last=last, **kwargs).free_on(days)


def diary_between(
    *,
    first: date,
    last: date,
    area: str,
    now: datetime | None = None,
    earliest: date | None = None,
    holder: str = "",
    ignore_appointment: int | None = None,
    practitioner_id: int | None = None,
) -> Diary:
    """The diary from `first` to `last` (local days). The holder's own hold and the
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
    for pk, weekday, opens, closes in WorkingHours.objects.filter(
        practitioner_id__in=ids
    ).values_list("practitioner_id", "weekday", "start", "end"):
        stretches[pk].append(free_times.Stretch(weekday, opens, closes))
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
    return Diary(
        practitioners=practitioners,
        busy=busy,
        booked=booked,
        rules=rules,
        opening=opening,
        now=now,
        earliest=earliest,
    )
