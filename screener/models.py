"""What the screener keeps: anonymous screening records, and the booking requests they unlock.

A screening that never becomes a booking keeps no personal data: outcome, reason codes, area
and date only. The health answers are stored only with a booking request (`answers`), and are
deleted with it by `manage.py purge_old_bookings`.
"""

import secrets
from datetime import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone

from screener.eligibility import Reason
from screener.labels import AREA_LABELS, OUTCOME_LABELS, as_choices

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


class BookingRequestQuerySet(models.QuerySet):
    def with_unsent_emails(self) -> "BookingRequestQuerySet":
        """Requests whose patient or clinic e-mail has not gone out yet (a mail server failed)."""
        unsent = models.Q(patient_email_sent_at__isnull=True)
        return self.filter(unsent | models.Q(clinic_email_sent_at__isnull=True))

    def created_before(self, moment: datetime) -> "BookingRequestQuerySet":
        return self.filter(created_at__lt=moment)


class Screening(models.Model):
    """One completed screener, recorded without any personal data."""

    completed_on = models.DateField(default=timezone.localdate, db_index=True)
    area = models.CharField(max_length=20, choices=as_choices(AREA_LABELS))
    outcome = models.CharField(max_length=30, choices=as_choices(OUTCOME_LABELS))
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

    # The patient's screening answers (health data), as the screener's form produced them, and
    # what the rules made of them on the day of the request (which may differ from the day of
    # the screening: a deferral can end in between).
    answers = models.JSONField(editable=False)
    outcome = models.CharField(max_length=30, choices=as_choices(OUTCOME_LABELS), editable=False)
    # Reason codes, comma-separated, in the order of eligibility.Reason.
    reasons = models.CharField(max_length=200, blank=True, editable=False)
    earliest_booking_date = models.DateField(null=True, blank=True, editable=False)

    consent_given_at = models.DateTimeField(editable=False)
    consent_text_version = models.CharField(max_length=20, editable=False)

    # Conditions from the screening that staff must tick before scheduling. `needs_...` is fixed
    # when the request is made (from the screening's reasons); `..._arranged` is the checklist.
    needs_antiviral_prophylaxis = models.BooleanField(
        "Needs antiviral prophylaxis", default=False, editable=False
    )
    antiviral_prophylaxis_arranged = models.BooleanField(
        "Antiviral prophylaxis arranged",
        default=False,
        help_text="Required before scheduling a patient with a history of cold sores.",
    )

    patient_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    clinic_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last failure to send either e-mail (never any patient data), for the retry command.
    email_error = models.CharField(max_length=500, blank=True, editable=False)

    objects = BookingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The admin form says this beside the checkbox; the database makes sure of it for
            # every other way in (shell, scripts, a future API).
            models.CheckConstraint(
                condition=~models.Q(status="scheduled")
                | models.Q(needs_antiviral_prophylaxis=False)
                | models.Q(antiviral_prophylaxis_arranged=True),
                name="scheduled_only_with_prophylaxis_arranged",
                violation_error_message=(
                    "A patient with a history of cold sores can be scheduled only once "
                    "antiviral prophylaxis is arranged."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("admin:screener_bookingrequest_change", args=[self.pk])

    @property
    def reason_codes(self) -> list[Reason]:
        return [Reason(code) for code in self.reasons.split(",") if code]

    @property
    def emails_pending(self) -> bool:
        return self.patient_email_sent_at is None or self.clinic_email_sent_at is None
