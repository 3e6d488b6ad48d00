"""Writes with side effects, one keyword-only function each."""

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from post_office.models import STATUS as EMAIL_STATUS
from post_office.models import Email

from bookings.emails import queue_booking_emails, queue_can_book_email
from bookings.models import BookingRequest, Message, MessageStop
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
    cleaned_data: dict[str, Any],
) -> BookingRequest:
    """Save a patient's booking request with their screening answers, and queue its e-mails.

    All in one transaction: the request and its messages are stored together, and sent later
    from the outbox. Raises ScreeningAlreadyBooked if the screening has been used already,
    and Screening.DoesNotExist if it was never recorded.
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
                queue_booking_emails(booking)
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
        deleted, _ = BookingRequest.objects.filter(pk__in=ids).delete()
        # The screening is protected while its request exists: delete it afterwards.
        screenings, _ = Screening.objects.filter(pk__in=screening_ids).delete()
    return deleted, screenings


# --- "Email me when I can book" -------------------------------------------------------------
# The address lives in one place only: the outbox e-mail, scheduled for the earliest booking
# date. send_due_messages deletes it once sent (or given up), and with it the address.

STOP_TOKEN_SALT = "bookings.message-stop"  # noqa: S105 (a signing namespace, not a secret)


def can_book_send_at(send_on: date) -> datetime:
    """When a "you can book" e-mail goes out: the morning of that day, in the clinic's zone."""
    hour = getattr(settings, "CAN_BOOK_EMAIL_HOUR", 9)
    return timezone.make_aware(datetime.combine(send_on, time(hour)))


def address_digest(address: str) -> str:
    """A keyed digest of an e-mail address: it recognises the address, and cannot reveal it."""
    return salted_hmac(STOP_TOKEN_SALT, address.strip().lower(), algorithm="sha256").hexdigest()


def stop_token(*, address: str, kind: str) -> str:
    """The signed token of a "stop these e-mails" link; it carries the digest, not the address."""
    return signing.dumps({"d": address_digest(address), "k": kind}, salt=STOP_TOKEN_SALT)


def read_stop_token(token: str) -> tuple[str, str] | None:
    """(address digest, message kind) from a stop token, or None if it is not one of ours."""
    try:
        data = signing.loads(token, salt=STOP_TOKEN_SALT)
        digest, kind = data["d"], data["k"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not isinstance(digest, str) or kind not in Message.Kind.values:
        return None
    return digest, kind


def _pending(kind: str, digest: str) -> list[Email]:
    """Unsent outbox e-mails of a kind to the address with this digest."""
    emails = Email.objects.filter(clinic_message__kind=kind).exclude(
        status__in=(EMAIL_STATUS.sent, EMAIL_STATUS.failed)
    )
    return [email for email in emails if any(address_digest(to) == digest for to in email.to)]


def can_book_notice_queue(*, address: str, send_on: date) -> Message | None:
    """Queue one "you can book now" e-mail for the morning of `send_on`.

    Nothing is queued for an address that stopped these e-mails, nor twice for the same
    address and day (a double submit). The caller cannot tell: nor can anyone else.
    """
    kind = Message.Kind.CAN_BOOK
    digest = address_digest(address)
    send_at = can_book_send_at(send_on)
    with transaction.atomic():
        if MessageStop.objects.filter(address_digest=digest, kind=kind).exists():
            return None
        if any(email.scheduled_time == send_at for email in _pending(kind, digest)):
            return None
        return queue_can_book_email(
            to=address,
            send_on=send_on,
            send_at=send_at,
            stop_token=stop_token(address=address, kind=kind),
        )


def messages_stop(*, digest: str, kind: str) -> int:
    """Stop e-mails of a kind to an address: remember its digest, drop what is still queued.

    Returns how many queued e-mails were dropped.
    """
    with transaction.atomic():
        MessageStop.objects.get_or_create(address_digest=digest, kind=kind)
        pending = _pending(kind, digest)
        Email.objects.filter(pk__in=[email.pk for email in pending]).delete()
    return len(pending)


def sent_notices_forget() -> int:
    """Delete "can book" e-mails that are sent or given up: their address goes with them."""
    done = Email.objects.filter(
        clinic_message__kind=Message.Kind.CAN_BOOK,
        status__in=(EMAIL_STATUS.sent, EMAIL_STATUS.failed),
    )
    deleted, _ = done.delete()
    return deleted
