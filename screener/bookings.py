"""Making a booking request: the one write, with its side effects (the e-mails)."""

from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from screener.eligibility import Answers, Reason, Result
from screener.emails import send_booking_emails
from screener.models import BookingRequest, Screening
from screener.session import answers_to_dict

# A reference that happens to exist already (about one chance in 10**11) is drawn again.
REFERENCE_ATTEMPTS = 3


class ScreeningAlreadyBooked(Exception):
    """The screening already has its (one) booking request: a second tab, a second click."""

    def __init__(self, booking_request: BookingRequest) -> None:
        super().__init__(booking_request.reference)
        self.booking_request = booking_request


def booking_request_create(
    *,
    screening_id: int,
    answers: Answers,
    result: Result,
    cleaned_data: dict[str, Any],
) -> BookingRequest:
    """Save a patient's booking request with their screening, then e-mail them and the clinic.

    The answers, outcome and reasons are stored with the request in one transaction. The
    e-mails go out only once it has committed, so a failing mail server can never lose a
    request (see screener.emails). Raises ScreeningAlreadyBooked if the screening has been
    used already, and Screening.DoesNotExist if it was never recorded.
    """
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                # Locks the screening row (on PostgreSQL), so two requests for it queue up and
                # the second meets the first's row in the unique index.
                screening = Screening.objects.select_for_update().get(pk=screening_id)
                booking = BookingRequest.objects.create(
                    screening=screening,
                    full_name=cleaned_data["full_name"],
                    email=cleaned_data["email"],
                    phone=cleaned_data["phone"],
                    preferred_date=cleaned_data["preferred_date"],
                    preferred_time=cleaned_data["preferred_time"],
                    notes=cleaned_data.get("notes", ""),
                    answers=answers_to_dict(answers),
                    outcome=result.outcome.value,
                    reasons=",".join(reason.value for reason in result.reasons),
                    earliest_booking_date=result.earliest_booking_date,
                    needs_antiviral_prophylaxis=Reason.COLD_SORES in result.conditions,
                    consent_given_at=timezone.now(),
                    consent_text_version=settings.PRIVACY_NOTICE_VERSION,
                )
                # robust: whatever happens while sending, the patient still sees the confirmation.
                transaction.on_commit(partial(send_booking_emails, booking.pk), robust=True)
                return booking
        except IntegrityError:
            existing = BookingRequest.objects.filter(screening_id=screening_id).first()
            if existing is not None:
                raise ScreeningAlreadyBooked(existing) from None
            # Otherwise the randomly drawn reference was taken: draw another.
    raise IntegrityError("Could not draw an unused booking reference.")
