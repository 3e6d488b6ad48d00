"""Which times a patient may book: plain functions over plain values, no Django inside.

Like screener/eligibility.py, everything the answer depends on is a parameter, `now` included,
so the rules are tested directly (across daylight-saving changes too). diary.selectors reads
the diary into these values; the booking pages call `free_times()`.

Times are the clinic's wall clock: a working stretch "09:00 to 17:00" is 09:00 to 17:00 local
time on every day, whatever the UTC offset that day. Lengths (the appointment, the buffer) are
real elapsed time, so an appointment across a clock change still lasts its length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Stretch:
    """Part of a weekday (0 = Monday) from `start` to `end`, wall-clock time."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Busy:
    """A practitioner cannot start anything that overlaps [starts_at, ends_at): an appointment
    (its end already including the buffer after it), a hold, or time off."""

    practitioner_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Practitioner:
    id: int
    stretches: tuple[Stretch, ...]


@dataclass(frozen=True)
class Rules:
    length: timedelta = timedelta(minutes=60)
    buffer: timedelta = timedelta(minutes=15)
    interval: timedelta = timedelta(minutes=30)
    minimum_notice: timedelta = timedelta(hours=24)
    maximum_advance_days: int = 90


@dataclass(frozen=True, order=True)
class Slot:
    """A free time: when it starts (aware, in the clinic's zone) and who would treat it."""

    starts_at: datetime
    practitioner_id: int = field(compare=False)

    @property
    def value(self) -> str:
        """The form value: the local wall-clock start, YYYY-MM-DDTHH:MM."""
        return f"{self.starts_at:%Y-%m-%dT%H:%M}"


def local(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """`day` at wall-clock `at`, aware; None for a time the clock skips (spring forward)."""
    moment = datetime.combine(day, at, tzinfo=zone)
    round_trip = moment.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return round_trip


def _starts_in(stretch: Stretch, day: date, rules: Rules, zone: ZoneInfo) -> Iterable[datetime]:
    """Every start on the stretch's interval steps whose appointment and buffer end inside it."""
    end = local(day, stretch.end, zone) or datetime.combine(day, stretch.end, tzinfo=zone)
    step = datetime.combine(day, stretch.start)
    while step.date() == day:
        starts_at = local(day, step.time(), zone)
        if starts_at is not None:
            if starts_at + rules.length + rules.buffer > end:
                return
            yield starts_at
        step += rules.interval


def _overlaps(start: datetime, end: datetime, busy: Sequence[Busy]) -> bool:
    return any(item.starts_at < end and start < item.ends_at for item in busy)


def _inside(start: datetime, end: datetime, opening: Sequence[Stretch], zone: ZoneInfo) -> bool:
    """Inside one of the clinic's opening stretches that day (none set: always open)."""
    if not opening:
        return True
    day = start.astimezone(zone).date()
    for stretch in opening:
        if stretch.weekday != day.weekday():
            continue
        opens = local(day, stretch.start, zone)
        closes = local(day, stretch.end, zone)
        if opens is not None and closes is not None and opens <= start and end <= closes:
            return True
    return False


def bookable_window(*, now: datetime, earliest: date | None, rules: Rules, zone: ZoneInfo):
    """The first and last local days a time may fall on."""
    today = now.astimezone(zone).date()
    first = (now + rules.minimum_notice).astimezone(zone).date()
    if earliest is not None:
        first = max(first, earliest)
    return first, today + timedelta(days=rules.maximum_advance_days)


def free_times(
    *,
    days: Iterable[date],
    practitioners: Sequence[Practitioner],
    busy: Iterable[Busy],
    rules: Rules,
    now: datetime,
    zone: ZoneInfo,
    earliest: date | None = None,
    opening: Sequence[Stretch] = (),
    booked_per_day: Mapping[tuple[int, date], int] | None = None,
) -> dict[date, list[Slot]]:
    """The free times on each of `days`, earliest first, each offered once.

    Where several practitioners are free at one time, the one with the fewest appointments
    that day (`booked_per_day`) is chosen, then the lowest id, so the choice is stable.
    """
    first, last = bookable_window(now=now, earliest=earliest, rules=rules, zone=zone)
    not_before = now + rules.minimum_notice
    # Each busy stretch filed under every local day it touches, so a day is checked against
    # that day's few appointments rather than the whole diary's.
    busy_by_day: dict[tuple[int, date], list[Busy]] = defaultdict(list)
    for item in busy:
        day = max(item.starts_at.astimezone(zone).date(), first)
        until = min(item.ends_at.astimezone(zone).date(), last)
        while day <= until:
            busy_by_day[item.practitioner_id, day].append(item)
            day += timedelta(days=1)
    booked_per_day = booked_per_day or {}

    result: dict[date, list[Slot]] = {}
    for day in days:
        chosen: dict[datetime, tuple[int, int]] = {}
        if first <= day <= last:
            for practitioner in practitioners:
                their_busy = busy_by_day.get((practitioner.id, day), [])
                load = booked_per_day.get((practitioner.id, day), 0)
                for stretch in practitioner.stretches:
                    if stretch.weekday != day.weekday():
                        continue
                    for start in _starts_in(stretch, day, rules, zone):
                        end = start + rules.length
                        if start < not_before or not _inside(start, end, opening, zone):
                            continue
                        if _overlaps(start, end + rules.buffer, their_busy):
                            continue
                        key = (load, practitioner.id)
                        if start not in chosen or key < chosen[start]:
                            chosen[start] = key
        result[day] = sorted(Slot(start, pid) for start, (_load, pid) in chosen.items())
    return result


def first_day_with_a_time(free: Mapping[date, list[Slot]]) -> date | None:
    return next((day for day in sorted(free) if free[day]), None)
