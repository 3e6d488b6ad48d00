"""The clinic's contraindication rules, as plain functions. No Django in here.

Answers go in (an `Answers`), a `Result` comes out: the outcome, every reason that triggered,
the earliest booking date when there is one, and the recommended course. `today` is always a
parameter (the clinic's local date), never read here, so every rule can be tested for any day.

The rules are those of SPEC.md, "Screener": a deferral with a window (isotretinoin 3 months,
radiation 12 months, the last microneedling session 28 days) lasts while `date + window` is
after today; on that date itself the patient may book.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta


class Area(StrEnum):
    FACE_NECK = "face_neck"
    DECOLLETAGE = "decolletage"
    HANDS = "hands"
    STRETCH_MARKS = "stretch_marks"


class Concern(StrEnum):
    FINE_LINES = "fine_lines"
    DEEP_WRINKLES = "deep_wrinkles"
    PHOTOAGING = "photoaging"
    ACNE_SCARS = "acne_scars"
    TRAUMATIC_SCARS = "traumatic_scars"
    STRETCH_MARKS = "stretch_marks"
    TEXTURE_PORES = "texture_pores"
    PIGMENTATION = "pigmentation"


class Outcome(StrEnum):
    # Declared from best to worst: the outcome of several reasons is the worst of them.
    ELIGIBLE = "eligible"
    ELIGIBLE_WITH_CONDITIONS = "eligible_with_conditions"
    DEFERRED = "deferred"
    NOT_SUITABLE = "not_suitable"

    @property
    def rank(self) -> int:
        return list(Outcome).index(self)


class Reason(StrEnum):
    KELOID = "keloid"
    PREGNANT = "pregnant"
    INFECTION = "infection"
    OPEN_WOUNDS = "open_wounds"
    ISOTRETINOIN = "isotretinoin"
    RADIATION = "radiation"
    RECENT_TREATMENT = "recent_treatment"
    COLD_SORES = "cold_sores"


# What each reason does to the outcome.
REASON_OUTCOME: dict[Reason, Outcome] = {
    Reason.KELOID: Outcome.NOT_SUITABLE,
    Reason.PREGNANT: Outcome.DEFERRED,
    Reason.INFECTION: Outcome.DEFERRED,
    Reason.OPEN_WOUNDS: Outcome.DEFERRED,
    Reason.ISOTRETINOIN: Outcome.DEFERRED,
    Reason.RADIATION: Outcome.DEFERRED,
    Reason.RECENT_TREATMENT: Outcome.DEFERRED,
    Reason.COLD_SORES: Outcome.ELIGIBLE_WITH_CONDITIONS,
}

# How long after a dated event the patient must wait. relativedelta clamps at month end:
# 31 Aug + 3 months = 30 Nov.
ISOTRETINOIN_WAIT = relativedelta(months=3)
RADIATION_WAIT = relativedelta(months=12)
TREATMENT_GAP = timedelta(days=28)

# Concerns (and the one area) that call for the longer course, per the clinic's FAQ.
INTENSIVE_CONCERNS = frozenset(
    {Concern.DEEP_WRINKLES, Concern.PHOTOAGING, Concern.STRETCH_MARKS, Concern.ACNE_SCARS}
)


@dataclass(frozen=True)
class Answers:
    """A patient's answers. A dated question answered "no" has no date (None)."""

    area: Area
    pregnant: bool
    keloid: bool
    infection: bool
    open_wounds: bool
    cold_sores: bool
    isotretinoin_date: date | None = None
    radiation_date: date | None = None
    previous_treatment_date: date | None = None
    concerns: frozenset[Concern] = frozenset()


@dataclass(frozen=True)
class CoursePlan:
    sessions_min: int
    sessions_max: int
    weeks_apart_min: int
    weeks_apart_max: int
    maintenance_every_months: int = 3

    @property
    def is_intensive(self) -> bool:
        return self.sessions_min > 3


STANDARD_COURSE = CoursePlan(sessions_min=3, sessions_max=3, weeks_apart_min=4, weeks_apart_max=6)
INTENSIVE_COURSE = CoursePlan(sessions_min=6, sessions_max=8, weeks_apart_min=6, weeks_apart_max=6)


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    # When every deferring reason has a date: the first day the patient may be treated.
    earliest_booking_date: date | None
    course: CoursePlan

    @property
    def may_book(self) -> bool:
        """Whether the patient may request a booking (for a deferral: from the earliest date)."""
        if self.outcome is Outcome.DEFERRED:
            return self.earliest_booking_date is not None
        return self.outcome in (Outcome.ELIGIBLE, Outcome.ELIGIBLE_WITH_CONDITIONS)

    @property
    def conditions(self) -> tuple[Reason, ...]:
        """Reasons that must be dealt with before treatment but do not stop a booking."""
        return tuple(
            r for r in self.reasons if REASON_OUTCOME[r] is Outcome.ELIGIBLE_WITH_CONDITIONS
        )


def dated_deferrals(answers: Answers) -> dict[Reason, date]:
    """The first day each dated reason allows treatment, for the questions answered "yes"."""
    ends: dict[Reason, date] = {}
    if answers.isotretinoin_date is not None:
        ends[Reason.ISOTRETINOIN] = answers.isotretinoin_date + ISOTRETINOIN_WAIT
    if answers.radiation_date is not None:
        ends[Reason.RADIATION] = answers.radiation_date + RADIATION_WAIT
    if answers.previous_treatment_date is not None:
        ends[Reason.RECENT_TREATMENT] = answers.previous_treatment_date + TREATMENT_GAP
    return ends


def triggered_reasons(answers: Answers, today: date) -> tuple[Reason, ...]:
    """Every reason that applies today, in the order of the Reason enum."""
    flags = {
        Reason.KELOID: answers.keloid,
        Reason.PREGNANT: answers.pregnant,
        Reason.INFECTION: answers.infection,
        Reason.OPEN_WOUNDS: answers.open_wounds,
        Reason.COLD_SORES: answers.cold_sores,
    }
    flags.update({reason: end > today for reason, end in dated_deferrals(answers).items()})
    return tuple(reason for reason in Reason if flags.get(reason, False))


def recommended_course(answers: Answers) -> CoursePlan:
    # `==` rather than `is`: a plain "stretch_marks" string (StrEnum's value) must count too.
    if answers.area == Area.STRETCH_MARKS or answers.concerns & INTENSIVE_CONCERNS:
        return INTENSIVE_COURSE
    return STANDARD_COURSE


def assess(answers: Answers, today: date) -> Result:
    """Check a patient's answers against the clinic's rules, as of `today`."""
    reasons = triggered_reasons(answers, today)
    outcome = max(
        (REASON_OUTCOME[r] for r in reasons), key=lambda o: o.rank, default=Outcome.ELIGIBLE
    )

    earliest = None
    if outcome is Outcome.DEFERRED:
        deferring = [r for r in reasons if REASON_OUTCOME[r] is Outcome.DEFERRED]
        ends = dated_deferrals(answers)
        if all(r in ends for r in deferring):
            earliest = max(ends[r] for r in deferring)

    return Result(
        outcome=outcome,
        reasons=reasons,
        earliest_booking_date=earliest,
        course=recommended_course(answers),
    )
