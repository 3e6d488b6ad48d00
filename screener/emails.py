"""The two e-mails a booking request sends: to the patient and to the clinic.

Neither carries any health answer: only the reference, what happens next and how to prepare
(the patient's), and the reference with a link into admin (the clinic's). A mail server that
fails or times out loses nothing: the request is already saved, the failure is noted on it,
and `manage.py send_pending_emails` tries again.
"""

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.context_processors import clinic_details
from screener.models import BookingRequest

logger = logging.getLogger(__name__)

# The clinic's promise on the confirmation page and in the patient's e-mail.
CONTACT_WITHIN_WORKING_DAYS = 2
MAIL_ERRORS = (smtplib.SMTPException, OSError, TimeoutError)


@dataclass
class SendCounts:
    sent: int = 0
    failed: int = 0

    def __iadd__(self, other: "SendCounts") -> "SendCounts":
        self.sent += other.sent
        self.failed += other.failed
        return self


def email_context(booking: BookingRequest) -> dict:
    return {
        "reference": booking.reference,
        "preferred_date": booking.preferred_date,
        "preferred_time": booking.get_preferred_time_display().lower(),
        "contact_days": CONTACT_WITHIN_WORKING_DAYS,
        "clinic": clinic_details(),
        "aftercare_url": settings.SITE_URL + reverse("aftercare"),
        "admin_url": settings.SITE_URL + booking.get_absolute_url(),
    }


def patient_email(booking: BookingRequest) -> EmailMessage:
    context = email_context(booking)
    return EmailMessage(
        subject=render_to_string("emails/booking_patient_subject.txt", context).strip(),
        body=render_to_string("emails/booking_patient.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.email],
        reply_to=[settings.CLINIC_EMAIL],
    )


def clinic_email(booking: BookingRequest) -> EmailMessage:
    context = email_context(booking)
    return EmailMessage(
        subject=render_to_string("emails/booking_clinic_subject.txt", context).strip(),
        body=render_to_string("emails/booking_clinic.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.CLINIC_EMAIL],
    )


def send_booking_emails(booking_id: int) -> SendCounts:
    """Send whichever of the request's two e-mails has not gone out yet, and note the outcome.

    Never raises for a mail server's failure: it is recorded on the request (without any
    patient data: the kind of error only) and logged with the reference alone.
    """
    counts = SendCounts()
    booking = BookingRequest.objects.filter(pk=booking_id).first()
    if booking is None:  # deleted in the meantime (retention, or by staff)
        return counts

    errors = []
    for recipient, field, build in (
        ("patient", "patient_email_sent_at", patient_email),
        ("clinic", "clinic_email_sent_at", clinic_email),
    ):
        if getattr(booking, field) is not None:
            continue
        try:
            build(booking).send(fail_silently=False)
        except MAIL_ERRORS as error:
            counts.failed += 1
            # The exception's text could quote an address: keep its kind only.
            errors.append(f"{recipient} e-mail: {type(error).__name__}")
            logger.warning(
                "Booking e-mail to the %s not sent (%s); will be retried",
                recipient,
                type(error).__name__,
                extra={"reference": booking.reference, "event": "booking_email_failed"},
            )
        else:
            counts.sent += 1
            setattr(booking, field, timezone.now())

    booking.email_error = (
        f"{timezone.now():%Y-%m-%d %H:%M %Z}: " + "; ".join(errors) if errors else ""
    )[:500]
    booking.save(update_fields=["patient_email_sent_at", "clinic_email_sent_at", "email_error"])
    return counts


def send_pending_emails(queryset: QuerySet[BookingRequest] | None = None) -> SendCounts:
    """Retry every unsent e-mail (of the given requests, or of all). Returns the counts."""
    if queryset is None:
        queryset = BookingRequest.objects.all()
    counts = SendCounts()
    for booking_id in (
        queryset.with_unsent_emails().order_by("created_at").values_list("pk", flat=True)
    ):
        counts += send_booking_emails(booking_id)
    return counts
