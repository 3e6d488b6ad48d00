"""Every e-mail to a patient or to the clinic goes through one outbox: django-post-office.

A message is stored (in the caller's transaction) and sent later by `manage.py send_due_messages`,
so a slow or dead mail server never holds a page and never loses a message. No message carries
a health answer.
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from post_office import mail
from post_office.models import Attachment

from bookings.models import BookingRequest, Message
from bookings.stop import STOP_GROUPS, is_stopped, stop_url
from clinic.selectors import clinic_details


def queue_email(
    *,
    kind: Message.Kind,
    to: str,
    template: str,
    context: dict[str, Any],
    booking: BookingRequest | None = None,
    send_at: datetime | None = None,
    attachments: dict | None = None,
    stop_group: str | None = None,
    language: str | None = None,
) -> Message | None:
    """Store one e-mail in the outbox, rendered from templates/emails/<template>[_subject].txt.

    The one place messages are rendered, so the one place their language is set: `language`,
    else the booking's (the language the patient booked in), else the site's default. The
    e-mail's words, dates and links are in it, whoever causes the message and whenever (a
    page in the other language, the admin, `send_due_messages` days later).

    With a `stop_group` (bookings.stop) the e-mail carries its stop link, and is not queued at
    all (None) if the patient has stopped that group.
    """
    language = language or (booking.language if booking else settings.LANGUAGE_CODE)
    with translation.override(language):
        return _queue_email(
            kind=kind,
            to=to,
            template=template,
            context=context,
            booking=booking,
            send_at=send_at,
            attachments=attachments,
            stop_group=stop_group,
        )


def message_language(booking: BookingRequest) -> translation.override:
    """`with message_language(booking):` what goes into a message about the booking (links,
    dates, a calendar file) is made in the patient's language, as queue_email renders it."""
    return translation.override(booking.language)


def _queue_email(
    *,
    kind: Message.Kind,
    to: str,
    template: str,
    context: dict[str, Any],
    booking: BookingRequest | None,
    send_at: datetime | None,
    attachments: dict | None,
    stop_group: str | None,
) -> Message | None:
    parts = email_parts(to=to, template=template, context=context, stop_group=stop_group)
    if parts is None:
        return None
    subject, message, headers = parts
    email = mail.send(
        recipients=[to],
        sender=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        message=message,
        headers=headers,
        scheduled_time=send_at,
        attachments=attachments,
        priority="medium",  # queued: never sent inside the request
    )
    return Message.objects.create(booking=booking, kind=kind, email=email)


def email_parts(
    *, to: str, template: str, context: dict[str, Any], stop_group: str | None = None
) -> tuple[str, str, dict[str, str]] | None:
    """An e-mail's subject, text and headers (queue_email's, or a waiting e-mail written
    again); None if the patient has stopped `stop_group`."""
    clinic = clinic_details()
    context = {"clinic": clinic, "site_url": settings.SITE_URL, **context}
    headers = {"Reply-To": clinic.email}
    if stop_group is not None:
        if is_stopped(group=stop_group, address=to):
            return None
        context["stop_url"] = stop_url(group=stop_group, address=to)
        context["stop_words"] = STOP_GROUPS[stop_group][0]
        # RFC 8058 one-click: mail programs show their own "unsubscribe" for it.
        headers["List-Unsubscribe"] = f"<{context['stop_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    return subject, render_to_string(f"emails/{template}.txt", context), headers


def queue_booking_emails(booking: BookingRequest, *, patient: bool = True) -> None:
    """The patient's acknowledgement (unless `patient` is False) and the clinic's notice of a
    new request."""
    clinic = clinic_details()
    with message_language(booking):
        context = {
            "reference": booking.reference,
            "preferred_date": booking.preferred_date,
            "preferred_time": booking.get_preferred_time_display().lower(),
            "contact_days": clinic.reply_working_days,
            "aftercare_url": settings.SITE_URL + reverse("aftercare"),
            # The admin is English, outside the languages' addresses.
            "admin_url": settings.SITE_URL + booking.get_absolute_url(),
            "booked_online": not patient,
        }
    if patient:
        queue_email(
            kind=Message.Kind.BOOKING_RECEIVED,
            to=booking.email,
            template="booking_patient",
            context=context,
            booking=booking,
        )
    # To the clinic's staff: in the site's language (English), as the admin is.
    queue_email(
        kind=Message.Kind.NEW_REQUEST,
        to=clinic.email,
        template="booking_clinic",
        context=context,
        booking=booking,
        language=settings.LANGUAGE_CODE,
    )


def queue_can_book_email(
    *, to: str, send_on: date, send_at: datetime, language: str
) -> Message | None:
    """The one "you can request a booking now" e-mail, on the earliest booking date, in the
    language of the result page it was asked from.

    It says nothing of why the patient had to wait: no answers, no reasons.
    """
    with translation.override(language):
        screener_url = settings.SITE_URL + reverse("screener:start")
    return queue_email(
        kind=Message.Kind.CAN_BOOK,
        to=to,
        template="can_book",
        context={"send_on": send_on, "screener_url": screener_url},
        send_at=send_at,
        stop_group="can_book",
        language=language,
    )


def orphaned_attachments_delete() -> int:
    """Delete the calendar files that no e-mail refers to any more, rows and files: post-office
    keeps an attachment when its e-mails are deleted. Returns how many went."""
    deleted = 0
    for attachment in Attachment.objects.filter(emails=None):
        attachment.file.delete(save=False)
        attachment.delete()
        deleted += 1
    return deleted
