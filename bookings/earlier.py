"""An earlier time: patients who asked are offered a time that frees up.

When an appointment is cancelled or moved, its old time goes by e-mail to the patients who
asked for an earlier one, whose screening allows that day and whose own appointment is later,
earliest-booked first, one e-mail each. The link opens the move page with that time chosen;
the first to confirm gets it, and the others find it gone there (bookings.appointment_views).
"""

from datetime import datetime

from django.db.models import Min, Q
from django.utils import timezone

from bookings.appointments import appointment_context, appointment_url
from bookings.emails import queue_email
from bookings.models import Appointment, BookingRequest, Message
from diary.booking import SlotTaken, find_free
from diary.free_times import Slot


def earlier_time_ask(*, booking: BookingRequest) -> None:
    if booking.earlier_time_wanted_at is None:
        booking.earlier_time_wanted_at = timezone.now()
        booking.save(update_fields=["earlier_time_wanted_at"])


def earlier_time_offer(*, starts_at: datetime) -> int:
    """Offer the time that has just freed at `starts_at`. Returns how many were told."""
    day = timezone.localdate(starts_at)
    waiting = (
        BookingRequest.objects.filter(
            status=BookingRequest.Status.SCHEDULED,
            earlier_time_wanted_at__isnull=False,
            appointment_at__gt=starts_at,
        )
        .filter(Q(earliest_booking_date__isnull=True) | Q(earliest_booking_date__lte=day))
        .select_related("screening")
        .annotate(booked_at=Min("appointments__created_at"))
        .order_by("booked_at", "pk")
    )
    told = 0
    for booking in waiting:
        own = booking.appointments.filter(status=Appointment.Status.SCHEDULED).first()
        try:
            find_free(
                starts_at,
                area=booking.screening.area,
                earliest=booking.earliest_booking_date,
                ignore_appointment=own.pk if own else None,
            )
        except SlotTaken:
            continue  # too short for their area's length, or not free for them after all
        value = Slot(timezone.localtime(starts_at), 0).value
        queue_email(
            kind=Message.Kind.EARLIER_TIME,
            to=booking.email,
            template="earlier_time",
            context=appointment_context(
                booking,
                offered=timezone.localtime(starts_at),
                offer_url=f"{appointment_url(booking, 'bookings:appointment_move')}?slot={value}",
            ),
            booking=booking,
            stop_group="earlier_times",
        )
        told += 1
    return told
