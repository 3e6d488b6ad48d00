"""The clinic's own details, edited by staff in the admin, and the screener's links to the FAQ.

ClinicDetails is one record (django-solo). The CLINIC_* settings only seed it: they are the
defaults when the record is first created. Pages and e-mails read it through
clinic.selectors.clinic_details(), which keeps a copy in the shared cache.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from solo.models import SingletonModel

from screener.labels import REASON_LABELS, as_choices
from screener.questions import AREAS

# The booking form's times of day (BookingRequest.PreferredTime) and where they begin and end.
NOON = time(12)
FIVE_PM = time(17)


def default_name() -> str:
    return settings.CLINIC_NAME


def default_address() -> str:
    return settings.CLINIC_ADDRESS


def default_phone() -> str:
    return settings.CLINIC_PHONE


def default_email() -> str:
    return settings.CLINIC_EMAIL


class ClinicDetails(SingletonModel):
    name = models.CharField(max_length=200, default=default_name)
    address = models.CharField(max_length=300, default=default_address)
    phone = models.CharField(max_length=40, default=default_phone)
    email = models.EmailField(
        "e-mail",
        default=default_email,
        help_text="Shown to patients, and where notices of new booking requests go.",
    )
    reply_working_days = models.PositiveSmallIntegerField(
        "front desk replies within (working days)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="What patients are promised after a booking request.",
    )
    # --- Booking a time (the diary app's free-times rules read these) ---
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer after each appointment (minutes)",
        default=15,
        validators=[MaxValueValidator(240)],
    )
    slot_interval_minutes = models.PositiveSmallIntegerField(
        "times offered every (minutes)",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    minimum_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)", default=24, validators=[MaxValueValidator(24 * 30)]
    )
    maximum_advance_days = models.PositiveSmallIntegerField(
        "booked at most (days ahead)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    change_limit_hours = models.PositiveSmallIntegerField(
        "patients move or cancel online until (hours before)",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
    )

    class Meta:
        verbose_name = "clinic details"
        verbose_name_plural = "clinic details"

    def __str__(self) -> str:
        return "Clinic details"

    def opening_times(self) -> "OpeningTimes":
        return OpeningTimes.from_rows(self.opening_hours.values_list("weekday", "opens", "closes"))

    def is_open_at(self, moment: datetime) -> bool:
        """Whether the clinic is open at `moment` (in the clinic's time zone).

        With no opening hours set, the clinic counts as always open: nothing is refused.
        """
        times = self.opening_times()
        return not times.is_set or times.is_open_at(moment)


class OpeningHours(models.Model):
    """One stretch of a weekday when the clinic is open. A day with none is a closed day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    clinic = models.ForeignKey(
        ClinicDetails, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours (a day not listed is closed)"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_hours_close_after_opening",
                violation_error_message="The closing time must be after the opening time.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M} to {self.closes:%H:%M}"


@dataclass(frozen=True)
class OpeningTimes:
    """Opening hours as plain values: (weekday, opens, closes) stretches."""

    stretches: tuple[tuple[int, time, time], ...]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, time, time]]) -> "OpeningTimes":
        return cls(tuple(sorted(rows)))

    @property
    def is_set(self) -> bool:
        return bool(self.stretches)

    def on(self, weekday: int) -> list[tuple[time, time]]:
        return [(opens, closes) for day, opens, closes in self.stretches if day == weekday]

    def is_open_on(self, day: date) -> bool:
        return bool(self.on(day.weekday()))

    def is_open_at(self, moment: datetime) -> bool:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        now = moment.time()
        return any(opens <= now < closes for opens, closes in self.on(moment.weekday()))

    def times_of_day_on(self, weekday: int) -> set[str]:
        """Which of morning (before 12:00), afternoon (12:00 to 17:00) and evening (from 17:00)
        the clinic is open for at least part of, on that weekday."""
        found = set()
        for opens, closes in self.on(weekday):
            if opens < NOON:
                found.add("morning")
            if opens < FIVE_PM and closes > NOON:
                found.add("afternoon")
            if closes > FIVE_PM:
                found.add("evening")
        return found

    def times_of_day(self) -> set[str]:
        return set().union(*(self.times_of_day_on(day) for day in range(7)))

    def open_weekdays(self) -> list[int]:
        return sorted({day for day, _opens, _closes in self.stretches})


DEFAULT_APPOINTMENT_MINUTES = 60


class AreaBooking(models.Model):
    """How long a session of one area takes, and its price where the clinic shows one."""

    clinic = models.ForeignKey(
        ClinicDetails, on_delete=models.CASCADE, related_name="area_bookings"
    )
    area = models.CharField(max_length=20, choices=list(AREAS.items()), unique=True)
    minutes = models.PositiveSmallIntegerField(
        "appointment length (minutes)",
        default=DEFAULT_APPOINTMENT_MINUTES,
        validators=[MinValueValidator(10), MaxValueValidator(480)],
    )
    price = models.DecimalField(
        "price of a session",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Shown to patients before they book. Leave empty to show none.",
    )

    class Meta:
        ordering = ["area"]
        verbose_name = "appointment length and price"
        verbose_name_plural = "appointment lengths and prices (an area not listed: 60 minutes)"

    def __str__(self) -> str:
        return self.get_area_display()


class ReasonLink(models.Model):
    """The FAQ question that explains a screener reason, chosen by staff.

    PROTECT: a question that a reason links to cannot be deleted until the link points
    elsewhere, so the screener's result page never links to a missing answer.
    """

    reason = models.CharField(max_length=30, choices=as_choices(REASON_LABELS), unique=True)
    question = models.ForeignKey(
        "faq.Question",
        on_delete=models.PROTECT,
        related_name="reason_links",
        help_text="The FAQ answer the screener's result links to for this reason. It must be "
        "published.",
    )

    class Meta:
        ordering = ["reason"]
        verbose_name = "screener reason's FAQ link"

    def __str__(self) -> str:
        return self.get_reason_display()
