"""The staff calendar (/admin/bookings/calendar/): every practitioner's appointments, holds and
time off by day or by week, as a table the front desk reads, a screen reader reads, and the
printer turns into the day sheet.

The diary is read in five queries whatever it holds (diary_read); the grids are built from
those rows in Python. Each appointment shows its time, the request's reference, the patient's
first name and the area, never any health answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from bookings.exports import short_area
from bookings.models import Appointment, BookingRequest, Practitioner
from clinic.selectors import clinic_details
from diary.booking import SlotTaken
from diary.calendar_booking import CalendarBookingForm
from diary.models import SlotHold, TimeOff, WorkingHours

Kind = Literal["appointment", "hold", "time_off"]
View = Literal["day", "week"]

# The calendar opens only on a plausible date: anything else (2026-02-30, 0001-01-01, words)
# falls back to today, with a message.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
PERMISSION = "bookings.view_appointment"


def first_name(full_name: str) -> str:
    """What the diary shows of a patient's name: the first word of it."""
    words = full_name.split()
    return words[0] if words else ""


@dataclass(frozen=True)
class Entry:
    """One thing in a practitioner's diary, in the clinic's local time."""

    kind: Kind
    practitioner_id: int
    starts_at: datetime
    ends_at: datetime
    reference: str = ""
    first_name: str = ""
    area: str = ""
    status: str = ""  # shown for an appointment no longer simply scheduled
    reason: str = ""  # time off's reason, for staff
    url: str = ""

    def span_on(self, day: date) -> str:
        """Its times as seen on `day`: "09:00 to 10:00", "until 12:00", "from 13:00", "all day"."""
        starts_today = self.starts_at.date() == day
        ends_today = self.ends_at.date() == day or (
            self.ends_at.date() == day + timedelta(days=1) and self.ends_at.time() == time(0)
        )
        if starts_today and ends_today:
            return f"{self.starts_at:%H:%M} to {self.ends_at:%H:%M}"
        if starts_today:
            return f"from {self.starts_at:%H:%M}"
        if ends_today and self.ends_at.time() != time(0):
            return f"until {self.ends_at:%H:%M}"
        return "all day"


@dataclass
class Diary:
    """The diary between two days: its practitioners (columns), entries and working hours."""

    practitioners: list[Practitioner]
    entries: list[Entry]
    # practitioner id -> [(weekday, start, end)]
    stretches: dict[int, list[tuple[int, time, time]]]

    def entries_of(self, practitioner_id: int, day: date) -> list[Entry]:
        start = datetime.combine(day, time.min)
        end = start + timedelta(days=1)
        return [
            entry
            for entry in self.entries
            if entry.practitioner_id == practitioner_id
            and entry.starts_at.replace(tzinfo=None) < end
            and entry.ends_at.replace(tzinfo=None) > start
        ]


def diary_read(first: date, last: date, now: datetime | None = None) -> Diary:
    """The diary from `first` to `last` (local days), in five queries: practitioners, working
    hours, appointments (with their request and screening), holds not expired, time off."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    overlapping = Q(starts_at__lt=end, ends_at__gt=start)

    practitioners = list(Practitioner.objects.only("pk", "name", "active"))
    stretches: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
    for pk, weekday, opens, closes in WorkingHours.objects.values_list(
        "practitioner_id", "weekday", "start", "end"
    ):
        stretches[pk].append((weekday, opens, closes))

    entries: list[Entry] = []
    appointments = (
        Appointment.objects.filter(overlapping)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("booking__screening")
        # Only what the calendar shows: never the request's answers (health data).
        .only(
            "practitioner_id",
            "starts_at",
            "ends_at",
            "status",
            "booking__reference",
            "booking__full_name",
            "booking__screening__area",
        )
    )
    for appointment in appointments:
        booking = appointment.booking
        entries.append(
            Entry(
                kind="appointment",
                practitioner_id=appointment.practitioner_id,
                starts_at=timezone.localtime(appointment.starts_at),
                ends_at=timezone.localtime(appointment.ends_at),
                reference=booking.reference,
                first_name=first_name(booking.full_name),
                area=short_area(booking.screening.area),
                status=""
                if appointment.status == Appointment.Status.SCHEDULED
                else appointment.get_status_display(),
                url=reverse("admin:bookings_bookingrequest_change", args=[booking.pk]),
            )
        )
    for pk, begins, ends in SlotHold.objects.filter(overlapping, expires_at__gt=now).values_list(
        "practitioner_id", "starts_at", "ends_at"
    ):
        entries.append(Entry("hold", pk, timezone.localtime(begins), timezone.localtime(ends)))
    for pk, begins, ends, reason in TimeOff.objects.filter(overlapping).values_list(
        "practitioner_id", "starts_at", "ends_at", "reason"
    ):
        entries.append(
            Entry(
                "time_off", pk, timezone.localtime(begins), timezone.localtime(ends), reason=reason
            )
        )
    entries.sort(key=lambda entry: (entry.starts_at, entry.kind))

    # Columns: every active practitioner, and anyone else with something in these days.
    busy = {entry.practitioner_id for entry in entries}
    shown = [p for p in practitioners if p.active or p.pk in busy]
    return Diary(practitioners=shown, entries=entries, stretches=dict(stretches))


# --- The day: a row per slot interval ------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """An entry as one day shows it."""

    entry: Entry
    span: str


@dataclass
class Cell:
    entries: list[Shown] = field(default_factory=list)
    working: bool = False  # inside one of the practitioner's stretches
    continued: bool = False  # something that began in an earlier row is still going on


@dataclass
class Row:
    starts: time
    cells: list[Cell]


def _wall(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def day_rows(diary: Diary, day: date, interval: timedelta) -> list[Row]:
    """Rows from the earliest working start to the latest end that day (widened to take in
    any appointment or hold outside the hours), one per slot interval, wall-clock time.
    Each entry sits in the row where it begins (time off begun earlier: the first row)."""
    midnight = datetime.combine(day, time.min)
    columns = [p.pk for p in diary.practitioners]
    spans: list[tuple[datetime, datetime]] = [
        (datetime.combine(day, begins), datetime.combine(day, ends))
        for pk in columns
        for weekday, begins, ends in diary.stretches.get(pk, [])
        if weekday == day.weekday()
    ]
    day_entries = {pk: diary.entries_of(pk, day) for pk in columns}
    spans += [
        (max(_wall(e.starts_at), midnight), min(_wall(e.ends_at), midnight + timedelta(days=1)))
        for entries in day_entries.values()
        for e in entries
        if e.kind != "time_off"
    ]
    if not spans:
        return []
    first = min(begins for begins, _ in spans)
    last = max(ends for _, ends in spans)
    steps = max(1, -(-(last - first) // interval))  # ceiling: the last row reaches the end
    rows = [Row(starts=(first + n * interval).time(), cells=[]) for n in range(steps)]
    for pk in columns:
        hours = [
            (datetime.combine(day, begins), datetime.combine(day, ends))
            for weekday, begins, ends in diary.stretches.get(pk, [])
            if weekday == day.weekday()
        ]
        cells = [Cell() for _ in rows]
        for n, cell in enumerate(cells):
            row_start = first + n * interval
            cell.working = any(begins <= row_start < ends for begins, ends in hours)
        for entry in day_entries[pk]:
            begins = max(_wall(entry.starts_at), first)
            ends = _wall(entry.ends_at)
            index = min(max(0, (begins - first) // interval), len(rows) - 1)
            cells[index].entries.append(Shown(entry, entry.span_on(day)))
            for n in range(index + 1, len(rows)):
                if first + n * interval >= ends:
                    break
                cells[n].continued = True
        for row, cell in zip(rows, cells, strict=True):
            row.cells.append(cell)
    return rows


# --- The week: a row per day ---------------------------------------------------------------


@dataclass
class DayRow:
    day: date
    cells: list[list[Shown]]


def week_rows(diary: Diary, monday: date) -> list[DayRow]:
    days = [monday + timedelta(days=n) for n in range(7)]
    return [
        DayRow(
            day=day,
            cells=[
                [Shown(entry, entry.span_on(day)) for entry in diary.entries_of(p.pk, day)]
                for p in diary.practitioners
            ],
        )
        for day in days
    ]


# --- The page ------------------------------------------------------------------------------


def chosen_day(value: str | None) -> tuple[date, bool]:
    """The `date` parameter as a day, and whether it was one (else today)."""
    today = timezone.localdate()
    if value is None or value == "":
        return today, True
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        return today, False
    if not FIRST_DAY <= day <= LAST_DAY:
        return today, False
    return day, True


def calendar_url(day: date, view: View) -> str:
    return f"{reverse('admin:bookings_calendar')}?date={day:%Y-%m-%d}&view={view}"


def calendar_page(request: HttpRequest, *, site) -> TemplateResponse | HttpResponseRedirect:
    """The calendar by day (`?date=YYYY-MM-DD&view=day`, the default) or by week
    (`view=week`: Monday to Sunday around the date). Staff who may view appointments only."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    day, understood = chosen_day(request.GET.get("date"))
    if not understood:
        messages.warning(
            request, "That is not a date the calendar can show (YYYY-MM-DD): showing today."
        )
    view: View = "week" if request.GET.get("view") == "week" else "day"
    today = timezone.localdate()
    if view == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        step = timedelta(days=7)
    else:
        first = last = day
        step = timedelta(days=1)
    booking_form = None
    if request.user.has_perm("bookings.change_bookingrequest"):
        booking_form = CalendarBookingForm(
            request.POST if request.method == "POST" else None, initial={"day": day}
        )
        if request.method == "POST" and booking_form.is_valid():
            try:
                booking = booking_form.save(by=request.user)
            except SlotTaken:
                booking_form.add_error("time", "That time was taken a moment ago: choose another.")
            else:
                when = timezone.localtime(booking.appointment_at)
                site.get_model_admin(BookingRequest).log_change(
                    request, booking, f"Appointment set from the calendar: {when:%Y-%m-%d %H:%M}."
                )
                messages.success(
                    request,
                    f"{booking.reference} is booked on {when:%B} {when.day} at "
                    f"{when:%-I:%M %p}. The patient is being e-mailed.",
                )
                return HttpResponseRedirect(calendar_url(when.date(), view))
    elif request.method == "POST":
        raise PermissionDenied
    diary = diary_read(first, last)
    interval = timedelta(minutes=clinic_details().slot_interval_minutes or 30)
    context = {
        **site.each_context(request),
        # The calendar needs the whole width of a 1280-pixel screen.
        "is_nav_sidebar_enabled": False,
        "title": "Calendar",
        "app_name": apps.get_app_config("bookings").verbose_name,
        "view": view,
        "day": day,
        "first": first,
        "last": last,
        "today": today,
        "practitioners": diary.practitioners,
        "interval_minutes": int(interval.total_seconds() // 60),
        "rows": day_rows(diary, day, interval) if view == "day" else None,
        "week": week_rows(diary, first) if view == "week" else None,
        "previous_url": calendar_url(max(first - step, FIRST_DAY), view),
        "next_url": calendar_url(min(first + step, LAST_DAY), view),
        "today_url": calendar_url(today, view),
        "day_url": calendar_url(day, "day"),
        "week_url": calendar_url(day, "week"),
        "booking_form": booking_form,
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/bookings/calendar.html", context)
