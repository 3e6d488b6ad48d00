"""The rules for putting a booking request in the diary, as plain functions.

Each returns a message for the front desk (None when the rule is met). The admin form's clean()
runs them; only the opening hours are read here (the clinic's details), never the clock.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format

from clinic.models import ClinicDetails
from screener.eligibility import TREATMENT_GAP

MISSING_TIME = "Enter the appointment's date and time to mark the request scheduled."


def _day(value: date) -> str:
    return date_format(value, "F j, Y")


def local_date(moment: datetime) -> date:
    """The clinic's calendar day of a moment (TIME_ZONE)."""
    return timezone.localdate(moment)


def missing_time_error(*, scheduled: bool, appointment_at: datetime | None) -> str | None:
    return MISSING_TIME if scheduled and appointment_at is None else None


def past_error(appointment_at: datetime, now: datetime) -> str | None:
    if appointment_at <= now:
        return "The appointment must be in the future."
    return None


def earliest_date_error(appointment_at: datetime, earliest: date | None) -> str | None:
    """Not before the day the patient's screening allows treatment."""
    if earliest is not None and local_date(appointment_at) < earliest:
        return (
            f"The patient cannot be treated before {_day(earliest)} (their screening's earliest "
            "booking date)."
        )
    return None


def recent_treatment_error(appointment_at: datetime, treated_at: Iterable[datetime]) -> str | None:
    """At least the screener's 28 days (TREATMENT_GAP) after any treatment at the clinic.

    Counted in calendar days, as the screener counts "last session + 28 days".
    """
    day = local_date(appointment_at)
    for moment in treated_at:
        treated_on = local_date(moment)
        allowed_from = treated_on + TREATMENT_GAP
        if treated_on <= day < allowed_from:
            return (
                f"This patient was treated on {_day(treated_on)}: the next session can be on "
                f"{_day(allowed_from)} at the earliest (sessions at least 28 days apart)."
            )
    return None


def booked_session_error(appointment_at: datetime, booked_at: Iterable[datetime]) -> str | None:
    """At least 28 days (TREATMENT_GAP) from any other session booked for the patient, before
    or after it: a session not yet given counts as much as one that was."""
    day = local_date(appointment_at)
    for moment in booked_at:
        booked_on = local_date(moment)
        if abs(day - booked_on) < TREATMENT_GAP:
            return (
                f"This patient has another session booked on {_day(booked_on)}: sessions must "
                f"be at least 28 days apart (on {_day(booked_on - TREATMENT_GAP)} or earlier, "
                f"or on {_day(booked_on + TREATMENT_GAP)} or later)."
            )
    return None


def opening_hours_error(moment: datetime) -> str | None:
    """Closed then, where staff have set opening hours (ClinicDetails in the admin)."""
    if ClinicDetails.get_solo().is_open_at(moment):
        return None
    when = date_format(timezone.localtime(moment), "F j, Y, g:i A")
    return f"The clinic is closed at that time ({when}). Choose a time within its opening hours."


def appointment_errors(
    *,
    appointment_at: datetime,
    now: datetime,
    earliest: date | None,
    treated_at: Iterable[datetime],
    booked_at: Iterable[datetime] = (),
) -> list[str]:
    """Every rule a new or moved appointment time breaks (an empty list when it may be booked)."""
    checks = (
        past_error(appointment_at, now),
        earliest_date_error(appointment_at, earliest),
        recent_treatment_error(appointment_at, treated_at),
        booked_session_error(appointment_at, booked_at),
        opening_hours_error(appointment_at),
    )
    return [message for message in checks if message]


def patient_appointment_errors(booking, appointment_at: datetime, *, email: str = "") -> list[str]:
    """appointment_errors for one request, with the patient's other sessions as the 28-day
    rule counts them: the request page's and the calendar's rules. `email`: an address the
    front desk is changing the request to, whose patient's sessions count instead."""
    from bookings.models import BookingRequest
    from patients.selectors import patient_for_address
    from patients.treatments import treatment_times

    patient_id: int | None = booking.patient_id
    if email and email.strip().lower() != booking.email.strip().lower():
        other = patient_for_address(email)
        patient_id = other.pk if other else None
    booked = (
        BookingRequest.objects.filter(
            patient_id=patient_id or 0,  # no patient (a new address): no sessions
            status=BookingRequest.Status.SCHEDULED,
            appointment_at__isnull=False,
        )
        .exclude(pk=booking.pk)
        .values_list("appointment_at", flat=True)
    )
    return appointment_errors(
        appointment_at=appointment_at,
        now=timezone.now(),
        earliest=booking.earliest_booking_date,
        treated_at=treatment_times(patient_id, excluding_booking=booking.pk) if patient_id else [],
        booked_at=[moment for moment in booked if moment is not None],
    )
