"""What the screener keeps: anonymous screening records, and the booking requests they unlock.

A screening that never becomes a booking keeps no personal data: outcome, reason codes, area
and date only. The health answers are stored only with a booking request (`answers`), and are
deleted with it by `manage.py purge_old_bookings`.
"""

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone

from screener.eligibility import Area, Outcome, Reason

# Letters and digits that cannot be mistaken for each other when read over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
REFERENCE_LENGTH = 8  # 30**8 ≈ 6.6e11 possibilities


def new_reference() -> str:
    """A short, unguessable, human-friendly code such as "K7QM-2XPA"."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


class ScreeningQuerySet(models.QuerySet):
    def not_booked(self) -> "ScreeningQuerySet":
        return self.filter(booking_request__isnull=True)


class Screening(models.Model):
    """One completed screener, recorded without any personal data."""

    completed_on = models.DateField(default=timezone.localdate, db_index=True)
    area = models.CharField(max_length=20, choices=[(a.value, a.name) for a in Area])
    outcome = models.CharField(max_length=30, choices=[(o.value, o.name) for o in Outcome])
    # Reason codes that triggered, comma-separated, in the order of eligibility.Reason.
    reasons = models.CharField(max_length=200, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"Screening {self.pk} on {self.completed_on}: {self.outcome}"

    @property
    def reason_codes(self) -> list[Reason]:
        return [Reason(code) for code in self.reasons.split(",") if code]


class BookingRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        SCHEDULED = "scheduled", "Scheduled"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    class PreferredTime(models.TextChoices):
        MORNING = "morning", "Morning"
        AFTERNOON = "afternoon", "Afternoon"
        EVENING = "evening", "Evening"

    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    # One request per screening: this is what makes a double submit create a single request.
    screening = models.OneToOneField(
        Screening, on_delete=models.PROTECT, related_name="booking_request", editable=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40)
    preferred_date = models.DateField()
    preferred_time = models.CharField(max_length=20, choices=PreferredTime.choices)
    notes = models.TextField(blank=True, max_length=1000)

    # The patient's screening answers (health data), as the screener's form produced them.
    answers = models.JSONField(editable=False)
    earliest_booking_date = models.DateField(null=True, blank=True, editable=False)

    consent_given_at = models.DateTimeField(editable=False)
    consent_text_version = models.CharField(max_length=20, editable=False)

    # Conditions from the screening that staff must tick before scheduling.
    antiviral_prophylaxis_arranged = models.BooleanField(
        "Antiviral prophylaxis arranged",
        default=False,
        help_text="Required before scheduling a patient with a history of cold sores.",
    )

    patient_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    clinic_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last failure to send either e-mail (never any patient data), for the retry command.
    email_error = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("admin:screener_bookingrequest_change", args=[self.pk])
