"""Booking requests, the appointments they become, and the messages sent about them.

A request stores the patient's screening answers (health data) with it; they are deleted with
it (`manage.py purge_old_bookings`, or an erasure).
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from post_office.models import STATUS as EMAIL_STATUS
from post_office.models import Email

from clinic.validators import validate_deliverable_email
from screener.eligibility import Reason
from screener.labels import OUTCOME_LABELS, as_choices
from screener.models import Screening

# Letters and digits that cannot be mistaken for each other when read over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
REFERENCE_LENGTH = 8  # 30**8 ≈ 6.6e11 possibilities


def new_reference() -> str:
    """A short, unguessable, human-friendly code such as "K7QM-2XPA"."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


class BookingRequestQuerySet(models.QuerySet):
    def with_failed_email(self) -> "BookingRequestQuerySet":
        """Requests with a message the mail server has refused at least once."""
        return self.filter(messages__email__status__in=Message.FAILING).distinct()

    def past_retention(self, cutoff: datetime, today) -> "BookingRequestQuerySet":
        """Made before `cutoff`, and with nothing still ahead: no preferred date from today,
        and no appointment on or after today (the request's, or any in the diary)."""
        return (
            self.filter(created_at__lt=cutoff, preferred_date__lt=today)
            .filter(
                models.Q(appointment_at__isnull=True) | models.Q(appointment_at__date__lt=today)
            )
            .exclude(appointments__starts_at__date__gte=today)
        )


class BookingRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        SCHEDULED = "scheduled", "Scheduled"
        TREATED = "treated", "Treated"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No show"

    class PreferredTime(models.TextChoices):
        # Shown to patients (the form, the confirmation, the e-mail): translated.
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    # One request per screening: this is what makes a double submit create a single request.
    screening = models.OneToOneField(
        Screening, on_delete=models.PROTECT, related_name="booking_request", editable=False
    )
    # The patient it belongs to (found by e-mail, any case): their course and 28-day rule.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="booking_requests"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    full_name = models.CharField(max_length=200)
    email = models.EmailField(validators=[validate_deliverable_email])
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
    # The language the patient asked in (settings.LANGUAGES): every message about this request,
    # those sent days later included, is written in it (bookings.emails.queue_email).
    language = models.CharField(
        "Language",
        max_length=10,
        default="en",
        editable=False,
        help_text="The language the patient booked in; their e-mails are in it.",
    )

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

    class AttentionReason(models.TextChoices):
        """Why the front desk must look at a request (shown on their worklist)."""

        RECHECK_CHANGED = "recheck_changed", "Re-check: treatment may have to wait"
        RECHECK_MISSING = "recheck_missing", "Re-check not done 24 hours before"
        # Booked online by a patient with cold sores: the front desk arranges the cover.
        PROPHYLAXIS_TO_ARRANGE = "prophylaxis", "Antiviral prophylaxis to arrange before the day"
        CHANGE_REQUESTED = "change_requested", "Patient asked to change the appointment"
        CANCELLED_BY_PATIENT = "cancelled_by_patient", "Patient cancelled the appointment"
        CONSENT_UNSIGNED = "consent_unsigned", "Consent not signed 24 hours before"

    # --- The appointment (bookings/scheduling.py has the rules, bookings/appointments.py the
    # messages). A new nonce for every (re)scheduling makes the links of the old time die.
    appointment_at = models.DateTimeField(
        "Appointment", null=True, blank=True, help_text="In the clinic's time zone."
    )
    appointment_nonce = models.CharField(max_length=32, blank=True, editable=False)
    appointment_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # When the appointment was last set: one set within the re-check window is asked in its
    # confirmation, not by a reminder and an overdue notice as well.
    appointment_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The re-check before treatment as it stands: "changed" (a submission now defers or
    # excludes the patient, not yet reviewed by a clinician), "clear", or "" (not done).
    # Every submission, with its answers, is a RecheckSubmission.
    recheck_result = models.CharField(max_length=10, blank=True, editable=False)
    recheck_done_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Something the front desk must act on, raised by the patient or the re-check.
    needs_attention = models.BooleanField(default=False, db_index=True)
    attention_reason = models.CharField(max_length=30, blank=True, choices=AttentionReason.choices)
    change_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When this appointment was flagged for an unsigned consent (patients.consent): once only.
    consent_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The patient asked to be told if an earlier time frees up (bookings.earlier).
    earlier_time_wanted_at = models.DateTimeField(null=True, blank=True, editable=False)

    # --- The front desk's own work. The patient's `notes` stay as the patient wrote them.
    staff_notes = models.TextField("Staff notes", blank=True, max_length=2000)
    taken_by_phone = models.BooleanField("Taken by phone", default=False, editable=False)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="Taken by",
    )

    objects = BookingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(appointment_at__isnull=False),
                name="scheduled_has_appointment_at",
                violation_error_message="A scheduled request needs its appointment's time.",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("admin:bookings_bookingrequest_change", args=[self.pk])

    @property
    def reason_codes(self) -> list[Reason]:
        return [Reason(code) for code in self.reasons.split(",") if code]


class Message(models.Model):
    """An e-mail about a booking (or a screening), queued in django-post-office's outbox.

    The outbox (post_office.Email) holds what is sent and its delivery status; this says what the
    message is about, so staff see failures on the request and erasure finds every message.
    """

    class Kind(models.TextChoices):
        BOOKING_RECEIVED = "booking_received", "Booking request received (to the patient)"
        NEW_REQUEST = "new_request", "New booking request (to the clinic)"
        CAN_BOOK = "can_book", "You can book now (to the patient)"
        APPOINTMENT_CONFIRMED = "appointment_confirmed", "Appointment confirmed (to the patient)"
        APPOINTMENT_CANCELLED = "appointment_cancelled", "Appointment cancelled (to the patient)"
        EARLIER_TIME = "earlier_time", "An earlier time is free (to the patient)"
        RECHECK_REMINDER = "recheck_reminder", "Reminder and re-check, 48 hours before"
        RECHECK_OVERDUE = "recheck_overdue", "Re-check not done, 24 hours before"
        AFTERCARE_DAY_0 = "aftercare_day_0", "Aftercare: the day of treatment"
        AFTERCARE_DAY_3 = "aftercare_day_3", "Aftercare: day 3"
        AFTERCARE_DAY_14 = "aftercare_day_14", "Aftercare: day 14"
        NEXT_SESSION = "next_session", "Window for the next session"
        MAINTENANCE = "maintenance", "Maintenance session due"
        CONSENT_SIGNED = "consent_signed", "Consent signed (to the patient)"

    FAILING = (EMAIL_STATUS.failed, EMAIL_STATUS.requeued)

    booking = models.ForeignKey(
        BookingRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.OneToOneField(Email, on_delete=models.CASCADE, related_name="clinic_message")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class MessageStop(models.Model):
    """A patient's "stop these messages": a keyed hash of the address, never the address.

    Kept after the patient's requests are deleted, so that the stop still holds.
    """

    address_hash = models.CharField(max_length=64)
    group = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address_hash", "group"], name="one_stop_per_group")
        ]

    def __str__(self) -> str:
        return f"Stop {self.group}"


class RecheckSubmission(models.Model):
    """One re-check the patient sent before an appointment: the combined answers (health data,
    like a request's `answers`) and what they meant for that day. Every submission is kept: a
    "changed" one stays until a clinician has reviewed it, whatever is sent after it."""

    class Result(models.TextChoices):
        CLEAR = "clear", "Clear: nothing stops the treatment"
        CHANGED = "changed", "Changed: treatment may have to wait"

    booking = models.ForeignKey(
        BookingRequest, on_delete=models.CASCADE, related_name="recheck_submissions"
    )
    appointment_at = models.DateTimeField(editable=False)
    answers = models.JSONField(editable=False)
    result = models.CharField(max_length=10, choices=Result.choices, editable=False)
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = "re-check submission"

    def __str__(self) -> str:
        return f"Re-check #{self.pk}"


class HealthAnswersView(models.Model):
    """One look at a booking request's health answers in the admin: who, which request, when.

    Kept after the purge deletes the request (the reference is no personal data); an erasure
    deletes it too.
    """

    booking = models.ForeignKey(
        BookingRequest,
        on_delete=models.SET_NULL,
        null=True,
        related_name="health_answer_views",
    )
    reference = models.CharField(max_length=9)
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = "view of health answers"
        verbose_name_plural = "views of health answers"
        default_permissions = ("view",)  # a record nobody may add, change or delete
        permissions = [("view_health_answers", "Can see the health answers of booking requests")]

    def __str__(self) -> str:
        return f"{self.username} viewed {self.reference}"


class ContactLogEntry(models.Model):
    """One attempt to reach the patient about a request. Append-only: staff add, never edit."""

    class What(models.TextChoices):
        CALLED = "called", "Called"
        NO_ANSWER = "no_answer", "No answer"
        LEFT_MESSAGE = "left_message", "Left a message"
        EMAILED = "emailed", "E-mailed"

    booking = models.ForeignKey(
        BookingRequest, on_delete=models.CASCADE, related_name="contact_log"
    )
    who = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name="Who",
    )
    when = models.DateTimeField("When", default=timezone.now, editable=False)
    what = models.CharField("What", max_length=20, choices=What.choices)
    note = models.CharField("Note", max_length=500, blank=True)

    class Meta:
        ordering = ["when", "id"]
        verbose_name = "contact log entry"
        verbose_name_plural = "contact log"

    def __str__(self) -> str:
        return f"{self.get_what_display()} #{self.pk}"


class ErasureRecord(models.Model):
    """That a patient's data was erased on request: when, by whom, how many rows. Nothing else
    (no name, no address, no reference), so the record itself holds nothing personal."""

    erased_at = models.DateTimeField(default=timezone.now, editable=False)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    requests = models.PositiveIntegerField("Booking requests", default=0)
    screenings = models.PositiveIntegerField("Screenings", default=0)
    messages = models.PositiveIntegerField("E-mails", default=0)
    contact_log_entries = models.PositiveIntegerField("Contact log entries", default=0)
    patients = models.PositiveIntegerField("Patients", default=0)
    appointments = models.PositiveIntegerField("Appointments", default=0)
    # Rows of every other model that belonged to the patient (consent, treatment records...).
    other_records = models.PositiveIntegerField("Other records", default=0)

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Erasure #{self.pk}"


class Practitioner(models.Model):
    """Someone who treats patients: the name patients see, and the diary's columns. Their
    working hours and time off are in the diary app."""

    name = models.CharField("name shown to patients", max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practitioner",
        verbose_name="staff account",
    )
    active = models.BooleanField(default=True, help_text="Only active practitioners are booked.")
    # The secret of their private calendar feed; a new one revokes the old address.
    feed_token = models.CharField(max_length=43, default=secrets.token_urlsafe, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    """A time in the diary for one patient's session with one practitioner.

    Two active appointments of one practitioner never overlap: on PostgreSQL an exclusion
    constraint refuses it (migration 0008); on SQLite every write goes through
    diary.booking.appointment_book, which checks again inside an IMMEDIATE transaction.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        TREATED = "treated", "Treated"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No show"

    ACTIVE = (Status.SCHEDULED, Status.TREATED)

    booking = models.ForeignKey(
        BookingRequest, on_delete=models.CASCADE, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # The calendar file's SEQUENCE: one more each time the time changes.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["practitioner", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking.reference} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
