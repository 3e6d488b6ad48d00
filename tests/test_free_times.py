"""The free-times rules (diary/free_times.py): plain functions, tested directly.

SPEC.md, "Booking a time". The clinic's zone is America/New_York: summer time starts on Sunday
8 March 2026 (02:00 becomes 03:00) and ends on Sunday 1 November 2026 (02:00 becomes 01:00).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from diary.free_times import (
    Busy,
    Practitioner,
    Rules,
    Stretch,
    first_day_with_a_time,
    free_times,
    local,
)

NY = ZoneInfo("America/New_York")
MONDAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 13, 12, tzinfo=NY)  # the Friday before
RULES = Rules()  # 60 minutes, 15 buffer, every 30, 24 hours' notice, 90 days ahead
WEEKDAYS_9_TO_5 = tuple(Stretch(day, time(9), time(17)) for day in range(5))
ALICE = Practitioner(1, WEEKDAYS_9_TO_5)
BOB = Practitioner(2, WEEKDAYS_9_TO_5)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def times_on(day, practitioners=(ALICE,), busy=(), now=NOW, rules=RULES, **kwargs) -> list[str]:
    free = free_times(
        days=[day],
        practitioners=practitioners,
        busy=busy,
        rules=rules,
        now=now,
        zone=NY,
        **kwargs,
    )
    return [f"{slot.starts_at:%H:%M}" for slot in free[day]]


def steps(first: str, last: str) -> list[str]:
    start = datetime.strptime(first, "%H:%M")
    end = datetime.strptime(last, "%H:%M")
    found = []
    while start <= end:
        found.append(f"{start:%H:%M}")
        start += timedelta(minutes=30)
    return found


def test_a_working_day_offers_every_step_whose_appointment_and_buffer_fit():
    # 15:30 + 60 + 15 = 16:45 fits before 17:00; 16:00 would end its buffer at 17:15.
    assert times_on(MONDAY) == steps("09:00", "15:30")


def test_an_appointment_and_its_buffer_block_the_times_that_overlap_them():
    appointment = Busy(1, at(MONDAY, 10), at(MONDAY, 11) + RULES.buffer)
    offered = times_on(MONDAY, busy=[appointment])
    # 9:00 would run (with its buffer) into 10:00; 11:30 starts after 11:15.
    assert offered == steps("11:30", "15:30")


def test_time_off_and_holds_block_times_like_appointments():
    time_off = Busy(1, at(MONDAY, 12), at(MONDAY, 17))
    assert times_on(MONDAY, busy=[time_off]) == steps("09:00", "10:30")


def test_a_break_between_two_stretches_is_never_offered():
    split = Practitioner(1, (Stretch(0, time(9), time(12)), Stretch(0, time(13), time(17))))
    assert times_on(MONDAY, practitioners=[split]) == [
        *steps("09:00", "10:30"),
        *steps("13:00", "15:30"),
    ]


def test_minimum_notice_counts_from_now():
    now = at(MONDAY, 10) - timedelta(days=1)  # Sunday 10:00: nothing before Monday 10:00
    assert times_on(MONDAY, now=now)[0] == "10:00"


def test_nothing_today_or_beyond_the_maximum_advance():
    assert times_on(NOW.date(), now=NOW) == []
    ninety = NOW.date() + timedelta(days=90)
    later = ninety + timedelta(days=(7 - ninety.weekday()) % 7)  # the Monday after
    assert times_on(later) == []
    assert times_on(ninety - timedelta(days=ninety.weekday() - 4 if ninety.weekday() > 4 else 0))


def test_nothing_before_the_screenings_earliest_date():
    assert times_on(MONDAY, earliest=MONDAY + timedelta(days=1)) == []
    assert times_on(MONDAY, earliest=MONDAY) == steps("09:00", "15:30")


def test_the_clinic_must_be_open_for_the_whole_appointment():
    mornings = [Stretch(0, time(9), time(12))]
    # Open until 12:00: an appointment must end by then (its buffer may run past).
    assert times_on(MONDAY, opening=mornings) == steps("09:00", "11:00")


def test_a_weekend_without_working_hours_offers_nothing():
    assert times_on(MONDAY - timedelta(days=1)) == []


def test_a_time_two_practitioners_share_is_offered_once_for_the_less_busy_one():
    free = free_times(
        days=[MONDAY],
        practitioners=[ALICE, BOB],
        busy=[],
        rules=RULES,
        now=NOW,
        zone=NY,
        booked_per_day={(1, MONDAY): 3, (2, MONDAY): 1},
    )
    slots = free[MONDAY]
    assert [f"{s.starts_at:%H:%M}" for s in slots] == steps("09:00", "15:30")
    assert {slot.practitioner_id for slot in slots} == {2}


def test_a_time_only_one_practitioner_has_free_goes_to_them():
    bob_busy = Busy(2, at(MONDAY, 9), at(MONDAY, 17))
    free = free_times(
        days=[MONDAY],
        practitioners=[ALICE, BOB],
        busy=[bob_busy],
        rules=RULES,
        now=NOW,
        zone=NY,
        booked_per_day={(1, MONDAY): 5},
    )
    assert {slot.practitioner_id for slot in free[MONDAY]} == {1}


def test_the_slot_value_is_the_local_wall_clock_time():
    free = free_times(days=[MONDAY], practitioners=[ALICE], busy=[], rules=RULES, now=NOW, zone=NY)
    assert free[MONDAY][0].value == "2026-03-16T09:00"
    assert first_day_with_a_time(free) == MONDAY


# --- Daylight saving ----------------------------------------------------------------------------

SPRING = date(2026, 3, 8)  # Sunday: 02:00 EST becomes 03:00 EDT
AUTUMN = date(2026, 11, 1)  # Sunday: 02:00 EDT becomes 01:00 EST


@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["spring-forward", "fall-back"])
def test_working_hours_are_wall_clock_hours_on_the_days_the_clocks_change(day):
    sundays = Practitioner(1, (Stretch(6, time(9), time(17)),))
    free = free_times(
        days=[day - timedelta(days=7), day],
        practitioners=[sundays],
        busy=[],
        rules=RULES,
        now=datetime.combine(day - timedelta(days=10), time(9), tzinfo=NY),
        zone=NY,
    )
    for sunday in (day - timedelta(days=7), day):
        local_times = [f"{slot.starts_at.astimezone(NY):%H:%M}" for slot in free[sunday]]
        assert local_times == steps("09:00", "15:30")
    # The same 09:00 on the wall clock, under a UTC offset an hour apart.
    before, after = free[day - timedelta(days=7)][0], free[day][0]
    assert abs(after.starts_at.utcoffset() - before.starts_at.utcoffset()) == timedelta(hours=1)


def test_the_hour_the_clock_skips_is_never_offered():
    night = Practitioner(1, (Stretch(6, time(0), time(5)),))
    offered = times_on(
        SPRING,
        practitioners=[night],
        now=datetime(2026, 3, 1, tzinfo=NY),
    )
    assert "02:00" not in offered and "02:30" not in offered
    # 01:30 EST + 60 minutes + 15 = 03:45 EDT: real time, inside the stretch.
    assert offered == ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"]


def test_the_hour_the_clock_repeats_is_offered_once():
    night = Practitioner(1, (Stretch(6, time(0), time(5)),))
    offered = times_on(AUTUMN, practitioners=[night], now=datetime(2026, 10, 20, tzinfo=NY))
    assert len(offered) == len(set(offered))
    assert offered[:4] == ["00:00", "00:30", "01:00", "01:30"]


def test_local_refuses_a_time_that_does_not_exist():
    assert local(SPRING, time(2, 30), NY) is None
    assert local(SPRING, time(3, 30), NY).utcoffset() == timedelta(hours=-4)
