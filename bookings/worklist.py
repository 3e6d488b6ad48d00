"""The front desk's figures: how long a request has waited against the promised reply, and the
staff home page's counts and charts. Reads only; every figure is one query, whatever the data.

Working days are Monday to Friday (public holidays are not known to the site).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bookings.models import BookingRequest, Message
from clinic.selectors import clinic_details
from screener.eligibility import REASON_OUTCOME, Outcome
from screener.labels import OUTCOME_LABELS, REASON_LABELS
from screener.models import Screening

CHART_WEEKS = 8
# Statuses that no longer hold an appointment.
NOT_APPOINTMENTS = (BookingRequest.Status.DECLINED, BookingRequest.Status.CANCELLED)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    # Whole weeks at once: the worklist asks this for every row, some a year old.
    weeks, rest = divmod(max((end - start).days, 0), 7)
    days = weeks * 5
    day = start + timedelta(weeks=weeks)
    for _ in range(rest):
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days


def reply_days() -> int:
    """The front desk's promise: a reply within this many working days (clinic details)."""
    return clinic_details().reply_working_days


def is_overdue(waited: int) -> bool:
    return waited > reply_days()


def overdue_before(today: date) -> datetime:
    """New requests made before this instant are overdue today."""
    day = today
    # Step back while a request from the day before would still be within the promise.
    while not is_overdue(working_days_between(day - timedelta(days=1), today)):
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def waited_in_words(created_at: datetime, today: date) -> str:
    """E.g. "1 day", "2 days — due today", "3 days — overdue" (working days)."""
    waited = working_days_between(timezone.localdate(created_at), today)
    words = f"{waited} day" + ("" if waited == 1 else "s")
    if is_overdue(waited):
        return f"{words} — overdue"
    if waited == reply_days():
        return f"{words} — due today"
    return words


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # installed with django-stubs (tests only)

    class EmailFailedAnnotation(TypedDict):
        email_failed: bool

    # A request from the worklist's queryset, annotated with email_failed=failing_email().
    WorklistRequest = WithAnnotations[BookingRequest, EmailFailedAnnotation]


def failing_email() -> Exists:
    """Whether the request has a message the mail server refused (as a subquery)."""
    return Exists(Message.objects.filter(booking=OuterRef("pk"), email__status__in=Message.FAILING))


def week_bounds(today: date) -> tuple[datetime, datetime]:
    monday = today - timedelta(days=today.weekday())
    start = timezone.make_aware(datetime.combine(monday, time.min))
    return start, timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))


def request_counts(today: date) -> dict[str, int]:
    """The staff home's counts, keyed by their data-metric names. One query."""
    week_start, week_end = week_bounds(today)
    new = Q(status=BookingRequest.Status.NEW)
    return BookingRequest.objects.aggregate(
        new=Count("pk", filter=new),
        attention=Count("pk", filter=Q(needs_attention=True)),
        overdue=Count("pk", filter=new & Q(created_at__lt=overdue_before(today))),
        failed_email=Count("pk", filter=Q(failing_email())),
        week=Count(
            "pk",
            filter=Q(appointment_at__gte=week_start, appointment_at__lt=week_end)
            & ~Q(status__in=NOT_APPOINTMENTS),
        ),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: float  # of the chart's largest bar, for its drawn length
    css: str = ""


@dataclass(frozen=True)
class Segment:
    code: str
    label: str
    value: int
    x: float  # where it starts, percent of the chart's width
    width: float


@dataclass(frozen=True)
class Week:
    start: date
    total: int
    segments: list[Segment]


def _percent(value: int, largest: int) -> float:
    return round(100 * value / largest, 2) if largest else 0.0


def screenings_since(today: date) -> QuerySet[Screening]:
    monday = today - timedelta(days=today.weekday())
    return Screening.objects.filter(completed_on__gte=monday - timedelta(weeks=CHART_WEEKS - 1))


def screenings_by_week(today: date) -> list[Week]:
    """Screenings per week by outcome, the last CHART_WEEKS weeks (oldest first). One query."""
    monday = today - timedelta(days=today.weekday())
    mondays = [monday - timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]
    counts: dict[tuple[date, str], int] = {}
    # Counted per day and put into weeks here: at most 56 rows, and no date function per row
    # (SQLite's TruncWeek is a Python function called for every screening).
    rows = (
        screenings_since(today)
        .values_list("completed_on", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, outcome, n in rows:
        week = day - timedelta(days=day.weekday())
        counts[(week, outcome)] = counts.get((week, outcome), 0) + n
    totals = {m: sum(counts.get((m, code), 0) for code in OUTCOME_LABELS) for m in mondays}
    largest = max(totals.values(), default=0)
    weeks = []
    for m in mondays:
        x = 0.0
        segments = []
        for code, label in OUTCOME_LABELS.items():
            value = counts.get((m, code), 0)
            width = _percent(value, largest)
            segments.append(Segment(str(code), str(label), value, x, width))
            x = round(x + width, 2)
        weeks.append(Week(m, totals[m], segments))
    return weeks


DEFERRING_REASONS = [r for r, o in REASON_OUTCOME.items() if o is Outcome.DEFERRED]


def deferral_reasons(today: date) -> list[Bar]:
    """How often each deferring reason came up in the chart's weeks, most frequent first."""
    # Reason codes are comma-separated and none is part of another, so `contains` is exact.
    counts = screenings_since(today).aggregate(
        **{str(r): Count("pk", filter=Q(reasons__contains=str(r))) for r in DEFERRING_REASONS}
    )
    largest = max(counts.values(), default=0)
    # Most frequent first; sorted() keeps the rules' order between equals.
    ranked = sorted(DEFERRING_REASONS, key=lambda r: -counts[str(r)])
    return [
        Bar(str(REASON_LABELS[r]), counts[str(r)], _percent(counts[str(r)], largest))
        for r in ranked
    ]


def conversion(today: date) -> list[Bar]:
    """Screenings in the chart's weeks, how many became requests, and how many of those an
    appointment. One query."""
    figures = screenings_since(today).aggregate(
        screenings=Count("pk"),
        requests=Count("booking_request"),
        appointments=Count(
            "booking_request",
            filter=Q(booking_request__appointment_at__isnull=False)
            & ~Q(booking_request__status__in=NOT_APPOINTMENTS),
        ),
    )
    largest = figures["screenings"]
    labels = {
        "screenings": "Screenings",
        "requests": "Booking requests",
        "appointments": "Appointments",
    }
    return [
        Bar(label, figures[key], _percent(figures[key], largest), key)
        for key, label in labels.items()
    ]
