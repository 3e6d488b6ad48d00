"""Booking or moving a request's appointment from the calendar: the request page's rules
(bookings.scheduling, the antiviral checklist) and the diary's (no clash with another
appointment, its buffer or time off), for the practitioner the front desk chooses."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.db import transaction
from django.utils import timezone

from bookings import scheduling
from bookings.appointments import appointment_schedule, offer_freed_time
from bookings.models import BookingRequest, Practitioner
from diary.booking import SlotTaken, appointment_place, placement_for
from diary.free_times import local
from diary.selectors import clinic_zone

BOOKABLE = (
    BookingRequest.Status.NEW,
    BookingRequest.Status.CONTACTED,
    BookingRequest.Status.SCHEDULED,
)


class CalendarBookingForm(forms.Form):
    reference = forms.CharField(
        label="Request's reference",
        max_length=12,
        help_text="As on the request, for example K7QM-2XPA.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.filter(active=True), empty_label=None
    )

    def clean_reference(self) -> BookingRequest:
        reference = self.cleaned_data["reference"].strip().upper()
        booking = (
            BookingRequest.objects.filter(reference=reference).select_related("screening").first()
        )
        if booking is None:
            raise forms.ValidationError("No booking request has that reference.")
        if booking.status not in BOOKABLE:
            raise forms.ValidationError(
                f"That request is {booking.get_status_display().lower()}: open it to change its "
                "status first."
            )
        if booking.needs_antiviral_prophylaxis and not booking.antiviral_prophylaxis_arranged:
            raise forms.ValidationError(
                "Tick \u201cAntiviral prophylaxis arranged\u201d on the request first."
            )
        return booking

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        booking, day, at = cleaned.get("reference"), cleaned.get("day"), cleaned.get("time")
        practitioner = cleaned.get("practitioner")
        if booking is None or day is None or at is None or practitioner is None:
            return cleaned
        starts_at = local(day, at, clinic_zone())
        if starts_at is None:
            self.add_error("time", "That time does not exist that day (the clocks go forward).")
            return cleaned
        for message in scheduling.patient_appointment_errors(booking, starts_at):
            self.add_error("time", message)
        if not self.errors:
            try:
                placement_for(booking, starts_at, practitioner.pk)
            except SlotTaken:
                self.add_error(
                    "time",
                    f"{practitioner} is not free then: another appointment (with its buffer) "
                    "or time off overlaps it.",
                )
        cleaned["starts_at"] = starts_at
        return cleaned

    def save(self, *, by) -> BookingRequest:
        """Make or move the appointment; raises SlotTaken if it was taken meanwhile."""
        booking: BookingRequest = self.cleaned_data["reference"]
        starts_at: datetime = self.cleaned_data["starts_at"]
        was = booking.appointment_at if booking.status == BookingRequest.Status.SCHEDULED else None
        with transaction.atomic():
            appointment = appointment_place(
                booking=booking,
                starts_at=starts_at,
                practitioner_id=self.cleaned_data["practitioner"].pk,
            )
            appointment_schedule(
                booking=booking, appointment_at=starts_at, by=by, appointment=appointment
            )
            if was is not None and was != starts_at:
                offer_freed_time(was)
        return booking


def initial_for(day) -> dict:
    return {"day": day, "time": timezone.localtime().replace(minute=0).strftime("%H:00")}
