"""Informed consent: when a patient must sign, their signature, and what staff may see of it.

A patient signs before their first treatment, and again once a newer version is published or
12 months have passed since they signed (counted to the day of the appointment). The rules are
plain functions of the patient and a date; writes are keyword-only functions.

Nothing of a signature (the text, the name typed) goes into an e-mail, a log or a URL.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language

from bookings.models import Appointment, BookingRequest, Message
from faq.languages import content_languages, localized, text_in
from patients.models import ConsentSignature, ConsentVersion, Patient, consent_text_hash
from patients.timeline import Entry

VALID_FOR = relativedelta(months=12)
Attention = BookingRequest.AttentionReason


# --- The rules ------------------------------------------------------------------------------


def valid_until(signature: ConsentSignature) -> date:
    """The first day the signature no longer covers: 12 months after the day it was signed."""
    return timezone.localdate(signature.signed_at) + VALID_FOR


def current_signature(patient: Patient, on: date | None = None) -> ConsentSignature | None:
    """The patient's signature that covers a treatment on `on` (today by default): of the
    current version, and less than 12 months old then. None if they must sign."""
    on = on or timezone.localdate()
    version = ConsentVersion.objects.current()
    if version is None:
        return None
    signature = (
        ConsentSignature.objects.filter(patient=patient, version=version)
        .select_related("version")
        .first()  # the newest (Meta.ordering)
    )
    if signature is None or valid_until(signature) <= on:
        return None
    return signature


def consent_needed(patient: Patient, on: date) -> bool:
    """Whether the patient must sign before a treatment on `on`: never signed, signed an
    older version, or signed 12 months or more before. Without a published version there is
    nothing to sign (the clinic goes through consent in person)."""
    if ConsentVersion.objects.current() is None:
        return False
    return current_signature(patient, on) is None


def latest_signature(patient: Patient) -> ConsentSignature | None:
    return (
        ConsentSignature.objects.filter(patient=patient)
        .select_related("version")
        .only("signed_at", "method", "version__number", "patient_id")
        .first()
    )


@dataclass(frozen=True)
class ConsentStatus:
    """What any member of staff may read about a patient's consent: signed or not, when,
    how, which version. Never the text or the name typed."""

    needed: bool
    latest: ConsentSignature | None

    @property
    def summary(self) -> str:
        if self.latest is None:
            return "Not signed"
        signed = (
            f"signed on {formats.date_format(timezone.localtime(self.latest.signed_at))} "
            f"({self.latest.get_method_display().lower()}), version {self.latest.version.number}"
        )
        if self.needed:
            return f"To sign again: {signed}"
        return signed[0].upper() + signed[1:]


def consent_status(patient: Patient, on: date | None = None) -> ConsentStatus:
    on = on or timezone.localdate()
    return ConsentStatus(needed=consent_needed(patient, on), latest=latest_signature(patient))


def appointment_day(booking: BookingRequest) -> date:
    """The day consent must cover: the appointment's (a scheduled request has one)."""
    if booking.appointment_at is None:
        return timezone.localdate()
    return timezone.localdate(booking.appointment_at)


# --- Writes ---------------------------------------------------------------------------------


def consent_sign(
    *, booking: BookingRequest, version: ConsentVersion, signed_name: str
) -> ConsentSignature:
    """The patient signs `version` online from their appointment link: the signature keeps
    the text they were shown; they get an e-mail linking to their copy; the request's
    "consent not signed" flag and the reminder's link to sign go."""
    from bookings.appointments import appointment_url, current_appointment
    from bookings.emails import queue_email

    with transaction.atomic():
        signature = _signature_create(
            patient=booking.patient,
            version=version,
            signed_name=signed_name,
            method=ConsentSignature.Method.ONLINE,
            appointment=current_appointment(booking),
        )
        # A reply to the patient's own action: no stop link. The link only, nothing signed.
        queue_email(
            kind=Message.Kind.CONSENT_SIGNED,
            to=booking.email,
            template="consent_signed",
            context={
                "reference": booking.reference,
                "copy_url": appointment_url(booking, "bookings:consent_copy"),
                "appointment": timezone.localtime(booking.appointment_at),
            },
            booking=booking,
        )
        _after_signing(booking.patient)
    return signature


def paper_consent_record(
    *,
    patient: Patient,
    version: ConsentVersion,
    signed_name: str,
    signed_on: date,
    by: Any,
) -> ConsentSignature:
    """Staff record a consent the patient signed on paper at the clinic (version `version`
    as printed). Only the date is on paper: today's is the moment of recording, an earlier
    one is that day at noon."""
    now = timezone.now()
    if signed_on == timezone.localdate(now):
        signed_at = now
    else:
        signed_at = timezone.make_aware(datetime.combine(signed_on, time(12)))
    upcoming = (
        Appointment.objects.filter(
            booking__patient=patient,
            status=Appointment.Status.SCHEDULED,
            starts_at__gte=now - timedelta(hours=12),
        )
        .order_by("starts_at")
        .first()
    )
    with transaction.atomic():
        signature = _signature_create(
            patient=patient,
            version=version,
            signed_name=signed_name,
            method=ConsentSignature.Method.PAPER,
            appointment=upcoming,
            signed_at=signed_at,
            recorded_by=by,
        )
        _after_signing(patient)
    return signature


def _signature_create(
    *,
    patient: Patient,
    version: ConsentVersion,
    signed_name: str,
    method: str,
    appointment: Appointment | None,
    signed_at: datetime | None = None,
    recorded_by: Any = None,
) -> ConsentSignature:
    if not version.is_published:
        raise ValueError("Only a published consent version is signed.")
    return ConsentSignature.objects.create(
        patient=patient,
        version=version,
        text_html=version.text_html,
        text_sha256=consent_text_hash(version.text_html),
        # The language of the page it was read on (a paper's is not known).
        language=(get_language() or settings.LANGUAGE_CODE) if method == "online" else "",
        signed_name=" ".join(signed_name.split()),
        signed_at=signed_at or timezone.now(),
        method=method,
        appointment=appointment,
        recorded_by=recorded_by,
        recorded_by_name=recorded_by.get_username() if recorded_by is not None else "",
    )


def _after_signing(patient: Patient) -> None:
    """The flag raised for the missing consent is lifted; the reminders still waiting are
    written again, without the link to sign."""
    from bookings.appointments import recheck_reminders_refresh

    BookingRequest.objects.filter(
        patient=patient, needs_attention=True, attention_reason=Attention.CONSENT_UNSIGNED
    ).update(needs_attention=False, attention_reason="")
    recheck_reminders_refresh(bookings=patient.booking_requests.all())


def consent_version_publish(*, version: ConsentVersion) -> ConsentVersion:
    """Publish a draft: it is frozen from now on, and every patient whose signature is of an
    older version signs again. The reminders waiting in the outbox gain the link to sign."""
    from bookings.appointments import recheck_reminders_refresh

    current = ConsentVersion.objects.current()
    if version.is_published:
        raise ValueError("This version is already published.")
    if current is not None and current.number > version.number:
        raise ValueError(f"Version {current.number}, newer than this draft, is already published.")
    with transaction.atomic():
        version.published_at = timezone.now()
        # Its text_html was rendered when the draft was last saved; from now on save() refuses.
        ConsentVersion.objects.filter(pk=version.pk).update(published_at=version.published_at)
        recheck_reminders_refresh(
            bookings=BookingRequest.objects.filter(status=BookingRequest.Status.SCHEDULED)
        )
    return version


def consent_version_copy(*, version: ConsentVersion, by: Any) -> ConsentVersion:
    """A new draft with the text of `version`, to be edited and published in its place."""
    return ConsentVersion.objects.create(
        label=f"Copy of version {version.number}: {version.label}"[:100],
        **{localized("text", code): text_in(version, "text", code) for code in content_languages()},
        created_by=by if getattr(by, "pk", None) else None,
    )


def unsigned_consents_flag(*, now: datetime | None = None) -> int:
    """Flag the scheduled appointments whose patient has not signed the consent one day
    before (as the missing re-check is: bookings.appointments.overdue_rechecks_flag). Run by
    send_due_messages after that check.

    A request already needing attention for another reason keeps it (that flag is not
    overwritten); it is flagged for the consent once that one is dealt with. Each appointment
    is flagged once (consent_flagged_at): the front desk may untick it."""
    from bookings.appointments import recheck_deadline

    now = now or timezone.now()
    candidates = BookingRequest.objects.filter(
        status=BookingRequest.Status.SCHEDULED,
        consent_flagged_at__isnull=True,
        needs_attention=False,
        appointment_at__gt=now,
        # A day plus a DST hour: recheck_deadline() decides exactly.
        appointment_at__lte=now + timedelta(hours=25),
    ).select_related("patient")
    flagged = 0
    for booking in candidates:
        if recheck_deadline(booking.appointment_at) > now:  # type: ignore[arg-type]
            continue
        if not consent_needed(booking.patient, appointment_day(booking)):
            continue
        booking.needs_attention = True
        booking.attention_reason = Attention.CONSENT_UNSIGNED
        booking.consent_flagged_at = now
        booking.save(update_fields=["needs_attention", "attention_reason", "consent_flagged_at"])
        flagged += 1
    return flagged


# --- For the patient's page in the admin ------------------------------------------------------


def consent_entries(patient: Patient) -> list[Entry]:
    """The patient's signatures for their timeline (one query): signed or not, when, how and
    which version, which any member of staff may read. The record itself (text, name typed)
    is on the signature's own admin page, which only clinicians open."""
    signatures = ConsentSignature.objects.filter(patient=patient).select_related("version")
    entries = []
    for signature in signatures.only("signed_at", "method", "version__number"):
        when = formats.date_format(timezone.localtime(signature.signed_at))
        how = "online" if signature.method == ConsentSignature.Method.ONLINE else "on paper"
        entries.append(
            Entry(
                at=signature.signed_at,
                kind="consent",
                summary=f"Signed consent version {signature.version.number} {how} on {when}",
                url=reverse("admin:patients_consentsignature_change", args=[signature.pk]),
                clinical=False,
            )
        )
    return entries


def paper_consent_url(patient: Patient, booking: BookingRequest | None = None) -> str:
    """The admin page where staff record a paper consent for this patient (and come back to
    the booking request they came from)."""
    query = f"?patient={patient.pk}" + (f"&booking={booking.pk}" if booking else "")
    return reverse("admin:patients_consentsignature_paper") + query
