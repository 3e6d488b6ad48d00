"""What the screener keeps: an anonymous record of each completed screening.

No personal data: outcome, reason codes, area and date only. The health answers are stored
only with a booking request (bookings.models), and deleted with it.
"""

from django.db import models
from django.utils import timezone

from screener.eligibility import Reason
from screener.labels import AREA_LABELS, OUTCOME_LABELS, as_choices


class ScreeningQuerySet(models.QuerySet):
    def not_booked(self) -> "ScreeningQuerySet":
        return self.filter(booking_request__isnull=True)


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
