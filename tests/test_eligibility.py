"""The screener's rules (screener.eligibility), with no database and no web request.

SPEC.md, "Screener / Rules" is the table these tests follow.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.eligibility import (
    INTENSIVE_COURSE,
    STANDARD_COURSE,
    Answers,
    Area,
    Concern,
    Outcome,
    Reason,
    assess,
)

TODAY = date(2025, 6, 15)
NOBODY = Answers(
    area=Area.FACE_NECK,
    pregnant=False,
    keloid=False,
    infection=False,
    open_wounds=False,
    cold_sores=False,
)


def answers(**changes) -> Answers:
    return replace(NOBODY, **changes)


def test_no_reason_is_eligible_with_no_date():
    """Someone who answers "no" to everything may book, with nothing to wait for."""
    result = assess(NOBODY, TODAY)
    assert result.outcome is Outcome.ELIGIBLE
    assert result.reasons == ()
    assert result.earliest_booking_date is None
    assert result.may_book


@pytest.mark.parametrize(
    ("change", "reason", "outcome"),
    [
        ({"keloid": True}, Reason.KELOID, Outcome.NOT_SUITABLE),
        ({"pregnant": True}, Reason.PREGNANT, Outcome.DEFERRED),
        ({"infection": True}, Reason.INFECTION, Outcome.DEFERRED),
        ({"open_wounds": True}, Reason.OPEN_WOUNDS, Outcome.DEFERRED),
        ({"cold_sores": True}, Reason.COLD_SORES, Outcome.ELIGIBLE_WITH_CONDITIONS),
    ],
)
def test_undated_rule(change, reason, outcome):
    """Each undated "yes" triggers its reason, with its outcome and no earliest booking date."""
    result = assess(answers(**change), TODAY)
    assert result.reasons == (reason,)
    assert result.outcome is outcome
    assert result.earliest_booking_date is None


# (field, last date, first day the patient may be treated): the window of each dated rule.
DATED_RULES = [
    ("isotretinoin_date", Reason.ISOTRETINOIN, date(2025, 3, 15), date(2025, 6, 15)),  # 3 months
    ("radiation_date", Reason.RADIATION, date(2024, 6, 15), date(2025, 6, 15)),  # 12 months
    ("previous_treatment_date", Reason.RECENT_TREATMENT, date(2025, 5, 18), date(2025, 6, 15)),
]


@pytest.mark.parametrize(("field", "reason", "last", "first_free_day"), DATED_RULES)
@pytest.mark.parametrize(
    ("today_offset", "deferred"),
    [(-1, True), (0, False), (1, False)],
    ids=["day-before", "on-the-date", "day-after"],
)
def test_dated_rule_boundaries(field, reason, last, first_free_day, today_offset, deferred):
    """A dated rule defers until date + window; on that date itself the patient may book."""
    today = first_free_day + timedelta(days=today_offset)
    result = assess(answers(**{field: last}), today)
    if deferred:
        assert result.reasons == (reason,)
        assert result.outcome is Outcome.DEFERRED
        assert result.earliest_booking_date == first_free_day
        assert result.may_book
    else:
        assert result.reasons == ()
        assert result.outcome is Outcome.ELIGIBLE
        assert result.earliest_booking_date is None


def test_recent_treatment_window_is_28_days():
    """The minimum gap between sessions is 28 days, not four calendar weeks of a month."""
    result = assess(answers(previous_treatment_date=date(2025, 1, 31)), date(2025, 2, 1))
    assert result.earliest_booking_date == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("field", "last", "earliest"),
    [
        ("isotretinoin_date", date(2023, 8, 31), date(2023, 11, 30)),
        ("isotretinoin_date", date(2022, 11, 30), date(2023, 2, 28)),  # common year
        ("isotretinoin_date", date(2023, 11, 30), date(2024, 2, 29)),  # leap year
        ("isotretinoin_date", date(2024, 1, 31), date(2024, 4, 30)),
        ("radiation_date", date(2024, 2, 29), date(2025, 2, 28)),
        ("radiation_date", date(2023, 3, 31), date(2024, 3, 31)),
    ],
)
def test_calendar_months_are_clamped_at_month_end(field, last, earliest):
    """Months are calendar months; a day that does not exist becomes the month's last day."""
    day_before = earliest - timedelta(days=1)
    assert assess(answers(**{field: last}), day_before).earliest_booking_date == earliest
    assert assess(answers(**{field: last}), earliest).outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize(
    "change",
    [
        {"isotretinoin_date": date(2020, 1, 1)},
        {"radiation_date": date(2024, 6, 14)},
        {"previous_treatment_date": date(2025, 5, 1)},
    ],
)
def test_yes_with_an_old_date_triggers_nothing(change):
    """A "yes" whose date is far enough back is no reason at all."""
    result = assess(answers(**change), TODAY)
    assert result.outcome is Outcome.ELIGIBLE
    assert result.reasons == ()


@pytest.mark.parametrize(
    ("change", "outcome", "reasons", "earliest"),
    [
        (
            {"keloid": True, "pregnant": True, "cold_sores": True},
            Outcome.NOT_SUITABLE,
            (Reason.KELOID, Reason.PREGNANT, Reason.COLD_SORES),
            None,
        ),
        (
            {"keloid": True, "isotretinoin_date": date(2025, 6, 1)},
            Outcome.NOT_SUITABLE,
            (Reason.KELOID, Reason.ISOTRETINOIN),
            None,
        ),
        (
            {"cold_sores": True, "previous_treatment_date": date(2025, 6, 1)},
            Outcome.DEFERRED,
            (Reason.RECENT_TREATMENT, Reason.COLD_SORES),
            date(2025, 6, 29),
        ),
        (
            # Every deferring reason dated: the latest of their dates.
            {
                "isotretinoin_date": date(2025, 6, 1),
                "radiation_date": date(2025, 1, 10),
                "previous_treatment_date": date(2025, 6, 14),
            },
            Outcome.DEFERRED,
            (Reason.ISOTRETINOIN, Reason.RADIATION, Reason.RECENT_TREATMENT),
            date(2026, 1, 10),
        ),
        (
            # An undated deferral among them: no date can be promised.
            {"pregnant": True, "isotretinoin_date": date(2025, 6, 1)},
            Outcome.DEFERRED,
            (Reason.PREGNANT, Reason.ISOTRETINOIN),
            None,
        ),
        (
            {"infection": True, "open_wounds": True, "cold_sores": True},
            Outcome.DEFERRED,
            (Reason.INFECTION, Reason.OPEN_WOUNDS, Reason.COLD_SORES),
            None,
        ),
        (
            # An old date among recent ones does not count towards the earliest date.
            {"isotretinoin_date": date(2025, 6, 1), "radiation_date": date(2020, 1, 1)},
            Outcome.DEFERRED,
            (Reason.ISOTRETINOIN,),
            date(2025, 9, 1),
        ),
    ],
)
def test_combinations(change, outcome, reasons, earliest):
    """The worst outcome wins (not_suitable > deferred > conditions > eligible); every reason
    that triggered is reported."""
    result = assess(answers(**change), TODAY)
    assert result.outcome is outcome
    assert result.reasons == reasons
    assert result.earliest_booking_date == earliest


@pytest.mark.parametrize(
    ("outcome_change", "may_book"),
    [
        ({}, True),
        ({"cold_sores": True}, True),
        ({"isotretinoin_date": date(2025, 6, 1)}, True),
        ({"pregnant": True}, False),
        ({"keloid": True}, False),
    ],
)
def test_may_book(outcome_change, may_book):
    """Eligible, eligible with conditions and deferred-with-a-date may book; no one else."""
    assert assess(answers(**outcome_change), TODAY).may_book is may_book


@pytest.mark.parametrize(
    ("area", "concerns", "course"),
    [
        (Area.FACE_NECK, set(), STANDARD_COURSE),
        (Area.FACE_NECK, {Concern.FINE_LINES, Concern.TEXTURE_PORES}, STANDARD_COURSE),
        (Area.HANDS, {Concern.PIGMENTATION, Concern.TRAUMATIC_SCARS}, STANDARD_COURSE),
        (Area.DECOLLETAGE, {Concern.DEEP_WRINKLES}, INTENSIVE_COURSE),
        (Area.FACE_NECK, {Concern.PHOTOAGING}, INTENSIVE_COURSE),
        (Area.FACE_NECK, {Concern.ACNE_SCARS, Concern.FINE_LINES}, INTENSIVE_COURSE),
        (Area.HANDS, {Concern.STRETCH_MARKS}, INTENSIVE_COURSE),
        (Area.STRETCH_MARKS, set(), INTENSIVE_COURSE),
    ],
)
def test_course_plan(area, concerns, course):
    """Deep wrinkles, photo-ageing, stretch marks (concern or area) or acne scars: the long
    course; otherwise the standard one."""
    assert assess(answers(area=area, concerns=frozenset(concerns)), TODAY).course == course


def test_course_plans_match_the_clinic_text():
    """6-8 sessions 6 weeks apart, or 3 sessions 4-6 weeks apart; maintenance every 3 months."""
    assert (INTENSIVE_COURSE.sessions_min, INTENSIVE_COURSE.sessions_max) == (6, 8)
    assert (INTENSIVE_COURSE.weeks_apart_min, INTENSIVE_COURSE.weeks_apart_max) == (6, 6)
    assert (STANDARD_COURSE.sessions_min, STANDARD_COURSE.sessions_max) == (3, 3)
    assert (STANDARD_COURSE.weeks_apart_min, STANDARD_COURSE.weeks_apart_max) == (4, 6)
    assert INTENSIVE_COURSE.maintenance_every_months == STANDARD_COURSE.maintenance_every_months
    assert STANDARD_COURSE.maintenance_every_months == 3


def test_area_given_as_plain_string_still_counts():
    """The rules compare values, so an answer built from raw strings gets the same course."""
    assert assess(answers(area="stretch_marks"), TODAY).course == INTENSIVE_COURSE


# --- Properties over every combination of answers and dates -----------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
WORSE_OR_EQUAL = {o: {p for p in Outcome if p.rank >= o.rank} for o in Outcome}


@st.composite
def scenarios(draw):
    """Some answers and a today on or after every date in them (the form refuses later ones)."""
    today = draw(days)
    past = st.dates(min_value=date(1900, 1, 1), max_value=today)
    ans = Answers(
        area=draw(st.sampled_from(Area)),
        concerns=frozenset(draw(st.sets(st.sampled_from(Concern)))),
        pregnant=draw(st.booleans()),
        keloid=draw(st.booleans()),
        infection=draw(st.booleans()),
        open_wounds=draw(st.booleans()),
        cold_sores=draw(st.booleans()),
        isotretinoin_date=draw(st.none() | past),
        radiation_date=draw(st.none() | past),
        previous_treatment_date=draw(st.none() | past),
    )
    return ans, today


YES_CHANGES = st.sampled_from(
    ["pregnant", "keloid", "infection", "open_wounds", "cold_sores", "dated"]
)


@given(scenarios(), YES_CHANGES, st.data())
def test_adding_a_yes_never_makes_the_outcome_better(scenario, question, data):
    """Turning any "no" into a "yes" can only keep or worsen the outcome."""
    ans, today = scenario
    before = assess(ans, today)
    if question == "dated":
        field = data.draw(
            st.sampled_from(["isotretinoin_date", "radiation_date", "previous_treatment_date"])
        )
        if getattr(ans, field) is not None:
            return
        when = data.draw(st.dates(min_value=date(1900, 1, 1), max_value=today))
        worse = replace(ans, **{field: when})
    else:
        worse = replace(ans, **{question: True})
    after = assess(worse, today)
    assert after.outcome in WORSE_OR_EQUAL[before.outcome]
    assert set(before.reasons) <= set(after.reasons)


@given(scenarios())
def test_earliest_date_is_always_after_today(scenario):
    """An earliest booking date, when given, is never today or earlier."""
    ans, today = scenario
    result = assess(ans, today)
    if result.earliest_booking_date is not None:
        assert result.earliest_booking_date > today
        assert result.outcome is Outcome.DEFERRED


@given(scenarios())
def test_eligible_exactly_when_no_reason(scenario):
    """The outcome is plain "eligible" if and only if nothing triggered."""
    ans, today = scenario
    result = assess(ans, today)
    assert (result.outcome is Outcome.ELIGIBLE) == (result.reasons == ())


@given(scenarios())
def test_may_book_matches_the_spec(scenario):
    """may_book: eligible, eligible with conditions, or deferred with an earliest date."""
    ans, today = scenario
    result = assess(ans, today)
    expected = result.outcome in (Outcome.ELIGIBLE, Outcome.ELIGIBLE_WITH_CONDITIONS) or (
        result.outcome is Outcome.DEFERRED and result.earliest_booking_date is not None
    )
    assert result.may_book is expected
    if ans.keloid:
        assert not result.may_book


@given(scenarios())
def test_outcome_is_the_worst_of_the_reasons(scenario):
    """Each triggered reason is reported once, in a fixed order, and the outcome follows them."""
    ans, today = scenario
    result = assess(ans, today)
    assert list(result.reasons) == sorted(set(result.reasons), key=list(Reason).index)
    if ans.keloid:
        assert result.outcome is Outcome.NOT_SUITABLE
    elif ans.pregnant or ans.infection or ans.open_wounds:
        assert result.outcome is Outcome.DEFERRED
        assert result.earliest_booking_date is None
    assert (Reason.COLD_SORES in result.reasons) == ans.cold_sores
