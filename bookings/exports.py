"""The worklist's CSV export: what the front desk works with, and nothing from the screening."""

import csv
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone

from bookings.models import BookingRequest
from bookings.worklist import waited_in_words

if TYPE_CHECKING:
    from bookings.worklist import WorklistRequest
from screener.labels import AREA_LABELS

# No answers, outcome, reasons, condition or earliest date: all of them say something of health.
CSV_COLUMNS = (
    "reference",
    "received",
    "full_name",
    "email",
    "phone",
    "area",
    "preferred_date",
    "preferred_time",
    "status",
    "needs_attention",
    "waited",
    "email_failed",
    "taken_by_phone",
    "appointment_at",
)


def csv_row(booking: "WorklistRequest", today: date) -> list:
    waited = (
        waited_in_words(booking.created_at, today)
        if booking.status == BookingRequest.Status.NEW
        else ""
    )
    appointment = booking.appointment_at and timezone.localtime(booking.appointment_at)
    return [
        booking.reference,
        timezone.localtime(booking.created_at).strftime("%Y-%m-%d %H:%M"),
        booking.full_name,
        booking.email,
        booking.phone,
        short_area(booking.screening.area),
        booking.preferred_date.isoformat(),
        booking.get_preferred_time_display(),
        booking.get_status_display(),
        "yes" if booking.needs_attention else "no",
        waited,
        "yes" if booking.email_failed else "no",
        "yes" if booking.taken_by_phone else "no",
        appointment.strftime("%Y-%m-%d %H:%M") if appointment else "",
    ]


def csv_response(bookings: Iterable["WorklistRequest"]) -> HttpResponse:
    """A download of these requests (annotated with email_failed), one row each."""
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="booking-requests-{today.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for booking in bookings:
        writer.writerow([_csv_cell(value) for value in csv_row(booking, today)])
    return response


def _csv_cell(value: object) -> str:
    # A cell a spreadsheet would run as a formula (patients type their own names) is quoted.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def short_area(code: str) -> str:
    """ "Face and neck", without the label's explanation in brackets (for narrow columns)."""
    return AREA_LABELS.get(code, "").split(" (")[0]
