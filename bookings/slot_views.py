"""Booking a free time: the diary's free times, check your answers (which holds the time), and
the appointment made at once. The request form (bookings.views) is the fallback."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from bookings.appointments import appointment_schedule
from bookings.decorators import ScreenedRequest, screening_required
from bookings.models import Appointment, BookingRequest, Practitioner
from bookings.services import ScreeningAlreadyBooked, booking_request_create
from bookings.slot_forms import SLOT_GONE, TimeBookingForm
from clinic.ratelimit import booking_rate, client_ip_key
from clinic.selectors import clinic_details
from diary import booking as diary_booking
from diary.free_times import bookable_window, first_day_with_a_time
from diary.selectors import DiaryFilters, clinic_zone, diary_between, free_times_between, rules_for
from screener import session as screening_session
from screener.eligibility import TREATMENT_GAP
from screener.labels import AREA_LABELS

DAYS_SHOWN = 7
NOON, FIVE_PM = 12, 17


def _time_of_day(moment: datetime) -> str:
    hour = timezone.localtime(moment).hour
    if hour < NOON:
        return BookingRequest.PreferredTime.MORNING
    return (
        BookingRequest.PreferredTime.AFTERNOON
        if hour < FIVE_PM
        else (BookingRequest.PreferredTime.EVENING)
    )


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def week_start(params) -> date | None:
    """The first day to list: `from`, else the chosen slot's day (a link to one time)."""
    chosen = diary_booking.parse_slot(params.get("slot", ""))
    return parse_day(params.get("from")) or (timezone.localdate(chosen) if chosen else None)


class Week:
    """Seven days of free times, from `start`, with the links either side."""

    def __init__(self, *, start: date, free: dict, first: date, last: date) -> None:
        self.start, self.first, self.last = start, first, last
        self.days = [
            (day, free.get(day, []))
            for day in (start + timedelta(days=n) for n in range(DAYS_SHOWN))
        ]
        self.offered = {slot.value: slot for _day, slots in self.days for slot in slots}
        self.earlier = start - timedelta(days=DAYS_SHOWN) if start > first else None
        later = start + timedelta(days=DAYS_SHOWN)
        self.later = later if later <= last else None


def free_week(
    *,
    area: str,
    earliest: date | None,
    holder: str,
    start: date | None,
    ignore_appointment: int | None = None,
) -> Week:
    """The week the page lists: from `start` (?from=), else from the first day with a free
    time on or after the later of tomorrow and the screening's earliest date."""
    now = timezone.now()
    zone = clinic_zone()
    rules = rules_for(clinic_details(), area)
    tomorrow = timezone.localdate() + timedelta(days=1)
    first, last = bookable_window(
        now=now, earliest=max(tomorrow, earliest or tomorrow), rules=rules, zone=zone
    )
    rest: DiaryFilters = {
        "area": area,
        "now": now,
        "earliest": earliest,
        "holder": holder,
        "ignore_appointment": ignore_appointment,
    }
    if start is None:
        # The first free day: the diary is read for the next fortnight, and only if that has
        # no free time for the rest of the window (in one read), then worked out a week at a
        # time (README, "Performance": a full read costs about 20 ms more).
        start = first
        free: dict = {}
        for block_first, block_last in (
            (first, min(first + timedelta(days=13), last)),
            (first + timedelta(days=14), last),
        ):
            if block_first > last:
                break
            diary = diary_between(
                first=block_first, last=block_last + timedelta(days=DAYS_SHOWN), **rest
            )
            week = block_first
            while week <= block_last:
                found = first_day_with_a_time(diary.free_on(_seven(week)))
                if found is not None:
                    return Week(
                        start=found, free=diary.free_on(_seven(found)), first=first, last=last
                    )
                week += timedelta(days=DAYS_SHOWN)
    else:
        start = min(max(start, first), last)
        free = free_times_between(first=start, last=start + timedelta(days=DAYS_SHOWN - 1), **rest)
    return Week(start=start, free=free, first=first, last=last)


def _seven(start: date) -> list[date]:
    return [start + timedelta(days=n) for n in range(DAYS_SHOWN)]


def session_gap_error(email: str, starts_at: datetime, *, moving: int | None = None) -> str | None:
    """The 28-day rule for the sessions (scheduled or treated) of the patient with this address,
    in their words; `moving`: the appointment being moved, which does not count."""
    day = timezone.localdate(starts_at)
    others = (
        Appointment.objects.filter(
            booking__patient__email__iexact=email.strip(), status__in=Appointment.ACTIVE
        )
        # None (nothing being moved) excludes nothing: Django reads pk=None as IS NULL, which
        # the stubs do not allow for.
        .exclude(pk=moving)  # type: ignore[misc]
        .values_list("starts_at", flat=True)
    )
    for other in others:
        other_day = timezone.localdate(other)
        if abs(day - other_day) < TREATMENT_GAP:
            return _(
                "You have another session on %(day)s, and sessions must be at least 28 days "
                "apart. Choose a day on or before %(before)s, or on or after %(after)s."
            ) % {
                "day": date_format(other_day, "LONG_DATE_FORMAT"),
                "before": date_format(other_day - TREATMENT_GAP, "LONG_DATE_FORMAT"),
                "after": date_format(other_day + TREATMENT_GAP, "LONG_DATE_FORMAT"),
            }
    return None


def _holder(request: HttpRequest) -> str:
    if request.session.session_key is None:
        request.session.save()
    return diary_booking.holder_for(request.session.session_key or "")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@never_cache
@ratelimit(key=client_ip_key, rate=booking_rate, method="POST", group="booking", block=True)
@screening_required
def book_time(request: ScreenedRequest) -> HttpResponse:
    stored, result = request.screening, request.screening_result
    if not Practitioner.objects.filter(active=True, working_hours__isnull=False).exists():
        return redirect("bookings:request")  # no diary to book from: the request is the way
    area = stored.answers.area
    earliest = result.earliest_booking_date
    holder = _holder(request)
    data = request.POST if request.method == "POST" else None
    week = free_week(
        area=area,
        earliest=earliest,
        holder=holder,
        start=week_start(data or request.GET),
    )
    form = TimeBookingForm(data, offered=week.offered)

    if data is not None:
        if form.trapped:
            return render(request, "bookings/received.html")
        change = data.get("change", "")
        if change == "slot":
            diary_booking.slot_release(holder=holder)
        elif form.is_valid() and not change:
            response = _check_or_book(request, form, week, holder=holder)
            if response is not None:
                return response
        form.focus(change)
    return render(request, "bookings/book.html", _page(form, week, stored, result))


def _page(form, week: Week, stored, result) -> dict:
    details = clinic_details()
    area = stored.answers.area
    return {
        "form": form,
        "week": week,
        "chosen": form.data.get("slot", ""),
        "area_label": AREA_LABELS[area],
        "result": result,
        "length_minutes": int(details.appointment_length(area).total_seconds() // 60),
        "price": details.price(area),
        "practitioners": list(
            Practitioner.objects.filter(active=True, working_hours__isnull=False)
            .distinct()
            .values_list("name", flat=True)
        ),
        "change_limit_hours": details.change_limit_hours,
        "max_advance_days": details.maximum_advance_days,
    }


def _check_or_book(request, form, week: Week, *, holder: str) -> HttpResponse | None:
    """Check your answers (holding the time), or with confirm=yes the appointment. None: the
    list again, the form carrying the error."""
    stored, result = request.screening, request.screening_result
    area = stored.answers.area
    slot = week.offered[form.cleaned_data["slot"]]
    gap = session_gap_error(form.cleaned_data["email"], slot.starts_at)
    if gap:
        form.add_error("slot", gap)
        return None
    context = _page(form, week, stored, result)
    if request.POST.get("confirm") != "yes":
        try:
            diary_booking.slot_hold(
                starts_at=slot.starts_at,
                area=area,
                earliest=result.earliest_booking_date,
                holder=holder,
            )
        except diary_booking.SlotTaken:
            form.add_error("slot", SLOT_GONE)
            return None
        return render(
            request,
            "bookings/book_check.html",
            {**context, "slot": slot, "rows": form.check_rows()},
        )
    data = form.cleaned_data
    try:
        with transaction.atomic():
            booking = booking_request_create(
                screening_id=stored.screening_id,
                answers=stored.answers,
                result=result,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                preferred_date=timezone.localdate(slot.starts_at),
                preferred_time=_time_of_day(slot.starts_at),
                notes=data.get("notes", ""),
                acknowledge=False,
                language=get_language(),
            )
            appointment = diary_booking.appointment_book(
                booking=booking,
                starts_at=slot.starts_at,
                area=area,
                earliest=result.earliest_booking_date,
                holder=holder,
            )
            appointment_schedule(
                booking=booking, appointment_at=slot.starts_at, appointment=appointment
            )
            if booking.needs_antiviral_prophylaxis:
                booking.needs_attention = True
                booking.attention_reason = BookingRequest.AttentionReason.PROPHYLAXIS_TO_ARRANGE
                booking.save(update_fields=["needs_attention", "attention_reason"])
    except diary_booking.SlotTaken:
        form.add_error("slot", SLOT_GONE)
        return None
    except ScreeningAlreadyBooked as already:
        booking = already.booking_request
    screening_session.mark_booked(request.session, booking.reference, result)
    return redirect(reverse("bookings:confirmation"))
