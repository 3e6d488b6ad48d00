"""The diary: when each practitioner works, their time off, and the short holds a patient's
check-your-answers page puts on a time. The free-times rules are in diary/free_times.py."""

from django.db import models
from django.utils import timezone

from bookings.models import Practitioner
from clinic.models import OpeningHours

Weekday = OpeningHours.Weekday


class WorkingHours(models.Model):
    """One stretch of a weekday a practitioner works; several make a day with breaks."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["practitioner", "weekday", "start"]
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="working_hours_end_after_start",
                violation_error_message="The end must be after the start.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M} to {self.end:%H:%M}"


class TimeOff(models.Model):
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField("from")
    ends_at = models.DateTimeField("to")
    reason = models.CharField(max_length=200, blank=True, help_text="Seen by staff only.")

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "time off"
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="time_off_ends_after_it_starts",
                violation_error_message="The end must be after the start.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} off from {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class SlotHold(models.Model):
    """A time held for one browser session while its patient checks their answers
    (SLOT_HOLD_MINUTES): no one else is offered it until it expires or is released."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # A hash of the session key, never the key itself.
    holder = models.CharField(max_length=64, db_index=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"Hold {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"
