"""Writes with side effects, one keyword-only function each."""

from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from post_office.models import STATUS as EMAIL_STATUS
from post_office.models import Email

from bookings.appointments import booking_staff_change_apply
from bookings.emails import (
    queue_booking_emails,
    queue_can_book_email,
)
from bookings.models import (
    BookingRequest,
    ErasureRecord,
    Message,
)
from bookings.stop import address_hash
from clinic.ratelimit import take_turn
from patients.services import patient_for_email
from screener.eligibility import Answers, Reason, Result
from screener.models import Screening
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
    full_name: str,
    email: str,
    phone: str,
    preferred_date: date,
    preferred_time: str,
    notes: str = "",
    taken_by: User | None = None,
    acknowledge: bool = True,
    language: str = "en",
) -> BookingRequest:
    """Save a patient's booking request with their screening answers, and queue its e-mails.

    All in one transaction: the request and its messages are stored together, and sent later
    from the outbox. Raises ScreeningAlreadyBooked if the screening has been used already,
    and Screening.DoesNotExist if it was never recorded. `taken_by`: the member of staff who
    entered it for the patient on the phone. `acknowledge=False` (a time booked at once): the
    patient's "request received" e-mail is left out, since the appointment's confirmation
    answers them; the clinic's notice is queued all the same. `language`: the one the patient
    asked in (settings.LANGUAGES), in which every message to them is written.
    """
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                # Locks the screening row (on PostgreSQL), so two requests for it queue up and
                # the second meets the first's row in the unique index.
                screening = Screening.objects.select_for_update().get(pk=screening_id)
                patient = patient_for_email(email=email, full_name=full_name, phone=phone)
                booking = BookingRequest.objects.create(
                    screening=screening,
                    patient=patient,
                    full_name=full_name,
                    email=email,
                    phone=phone,
                    preferred_date=preferred_date,
                    preferred_time=preferred_time,
                    notes=notes,
                    answers=answers_to_dict(answers),
                    outcome=result.outcome.value,
                    reasons=",".join(reason.value for reason in result.reasons),
                    earliest_booking_date=result.earliest_booking_date,
                    needs_antiviral_prophylaxis=Reason.COLD_SORES in result.conditions,
                    consent_given_at=timezone.now(),
                    consent_text_version=settings.PRIVACY_NOTICE_VERSION,
                    taken_by_phone=taken_by is not None,
                    taken_by=taken_by,
                    language=language,
                )
                queue_booking_emails(booking, patient=acknowledge)
                return booking
        except IntegrityError:
            existing = BookingRequest.objects.filter(screening_id=screening_id).first()
            if existing is not None:
                raise ScreeningAlreadyBooked(existing) from None
            # Otherwise the randomly drawn reference was taken: draw another.
    raise IntegrityError("Could not draw an unused booking reference.")


def booking_requests_delete(*, requests: QuerySet[BookingRequest]) -> tuple[int, int]:
    """Delete requests with their screenings and messages. Returns (requests, screenings)."""
    with transaction.atomic():
        ids = list(requests.values_list("pk", flat=True))
        screening_ids = list(
            BookingRequest.objects.filter(pk__in=ids).values_list("screening_id", flat=True)
        )
        # The outbox's e-mails are post-office's rows: deleting one deletes its Message too.
        Email.objects.filter(clinic_message__booking_id__in=ids).delete()
        # Counted per model: the total would include the contact log deleted with the requests.
        _, deleted = BookingRequest.objects.filter(pk__in=ids).delete()
        # The screening is protected while its request exists: delete it afterwards.
        screenings, _ = Screening.objects.filter(pk__in=screening_ids).delete()
    return deleted.get("bookings.BookingRequest", 0), screenings


def booking_requests_set_status(*, requests: QuerySet[BookingRequest], status: str) -> int:
    """Give the requests a status that needs nothing else (not "scheduled": that takes an
    appointment, on the request's own page). Returns how many changed."""
    if status == BookingRequest.Status.SCHEDULED:
        raise ValueError("Schedule a request on its own page, with its appointment.")
    changed = 0
    # One at a time, as the request's own page would: a scheduled one's time is freed (and
    # offered to those waiting for an earlier one) and its unsent reminder deleted.
    for booking in requests.exclude(status=status):
        previous = booking.status
        booking.status = status
        booking.save(update_fields=["status"])
        booking_staff_change_apply(
            booking=booking,
            previous_status=previous,
            previous_appointment_at=booking.appointment_at,
        )
        changed += 1
    return changed


def patient_data_counts(*, email: str) -> dict[str, int]:
    """What patient_data_erase would delete for this address, for the confirmation page."""
    from patients.erasure import erasure_counts, patients_for_address  # it builds on this module

    counts = erasure_counts(patients=list(patients_for_address(email)), addresses=(email,))
    return {
        "patients": counts.patients,
        "requests": counts.requests,
        "screenings": counts.screenings,
        "messages": counts.messages,
        "contact_log_entries": counts.contact_log_entries,
        "appointments": counts.appointments,
        "other_records": counts.other_records,
    }


def patient_data_erase(*, email: str, by: User | None) -> ErasureRecord:
    """Erase every patient this address stands for, whole (patients.erasure), and every
    e-mail to it. Leaves only an ErasureRecord of counts."""
    from patients.erasure import patient_erase, patients_for_address  # it builds on this module

    return patient_erase(patients=list(patients_for_address(email)), by=by, addresses=(email,))


# --- "Email me when I can book" -------------------------------------------------------------
# The address lives in one place only: the outbox e-mail, scheduled for the earliest booking
# date. send_due_messages deletes it once sent (or given up), and with it the address.
# Nobody confirms the address, so the form could mail strangers: one e-mail per address waits
# at a time, and an address is asked for at most NOTICES_PER_ADDRESS times a day.
NOTICES_PER_ADDRESS = 3
NOTICE_LIMIT_SECONDS = 24 * 60 * 60


class NoticeLimitReached(Exception):
    """The address was asked for NOTICES_PER_ADDRESS times in the last 24 hours already."""


def can_book_send_at(send_on: date) -> datetime:
    """When a "you can book" e-mail goes out: the morning of that day, in the clinic's zone."""
    hour = getattr(settings, "CAN_BOOK_EMAIL_HOUR", 9)
    return timezone.make_aware(datetime.combine(send_on, time(hour)))


def _pending(kind: str, hashed: str) -> list[Email]:
    """Unsent outbox e-mails of a kind to the address with this hash."""
    emails = Email.objects.filter(clinic_message__kind=kind).exclude(
        status__in=(EMAIL_STATUS.sent, EMAIL_STATUS.failed)
    )
    return [email for email in emails if any(address_hash(to) == hashed for to in email.to)]


def can_book_notice_queue(*, address: str, send_on: date, language: str = "en") -> Message | None:
    """Queue the one "you can book now" e-mail to an address, for the morning of `send_on`, in
    `language` (the result page's).

    One waits per address (in any case) at a time: asking again replaces the one waiting, and
    asking again for the same day (a double submit) changes nothing and is not counted.
    Raises NoticeLimitReached after NOTICES_PER_ADDRESS requests for the address in 24 hours
    (counted by the address's keyed hash, never the address). Nothing is queued for an address
    that stopped these e-mails. Whether one was waiting, or stopped, the caller cannot tell:
    nor can anyone else.
    """
    send_at = can_book_send_at(send_on)
    hashed = address_hash(address)
    with transaction.atomic():
        waiting = _pending(Message.Kind.CAN_BOOK, hashed)
        double_submit = next((email for email in waiting if email.scheduled_time == send_at), None)
        if double_submit is None and not take_turn(
            f"can_book_notice:{hashed}", limit=NOTICES_PER_ADDRESS, seconds=NOTICE_LIMIT_SECONDS
        ):
            raise NoticeLimitReached
        # The new date replaces the one waiting (and any other, from before this rule).
        replaced = [email.pk for email in waiting if email is not double_submit]
        Email.objects.filter(pk__in=replaced).delete()
        if double_submit is not None:
            return None
        # None too when the address has stopped these e-mails (bookings.stop).
        return queue_can_book_email(to=address, send_on=send_on, send_at=send_at, language=language)


def sent_notices_forget() -> int:
    """Delete "can book" e-mails that are sent or given up: their address goes with them."""
    done = Email.objects.filter(
        clinic_message__kind=Message.Kind.CAN_BOOK,
        status__in=(EMAIL_STATUS.sent, EMAIL_STATUS.failed),
    )
    deleted, _ = done.delete()
    return deleted
