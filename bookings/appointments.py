"""Appointments: the patient's link, the calendar file, and the messages around a treatment.

Writes are keyword-only functions (services). Send times are the clinic's local wall-clock
times (TIME_ZONE), so "two days before at the same time" and "9:00 on day 3" stay right across
daylight-saving changes.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event
from post_office.models import STATUS, Email

from bookings.emails import email_parts, message_language, queue_email
from bookings.models import Appointment, BookingRequest, Message, RecheckSubmission
from clinic.selectors import clinic_details
from patients.consent import consent_needed
from patients.selectors import course_plan, last_treated_at
from patients.treatments import treatment_times
from screener.eligibility import Answers, CoursePlan, Outcome, assess, recommended_course
from screener.session import answers_from_dict, answers_to_dict

Kind = Message.Kind
Status = BookingRequest.Status
Attention = BookingRequest.AttentionReason

APPOINTMENT_SALT = "bookings.appointment"
# A hard ceiling on any link's age; the appointment's own day ends it sooner (link_expired).
LINK_MAX_AGE = timedelta(days=getattr(settings, "APPOINTMENT_LINK_MAX_AGE_DAYS", 800))
# Local hour at which messages about a day (aftercare, next session) are sent.
MORNING = time(getattr(settings, "MESSAGE_HOUR", 9))
RECHECK_BEFORE_DAYS = 2  # the reminder: two days before, at the appointment's local time
RECHECK_DUE_DAYS = 1  # not done one day before: the front desk calls
NEXT_SESSION_NOTICE = timedelta(days=7)  # the window's message comes a week before it opens

# Messages about the appointment that must die when it moves or is cancelled.
APPOINTMENT_KINDS = (Kind.APPOINTMENT_CONFIRMED, Kind.RECHECK_REMINDER, Kind.RECHECK_OVERDUE)
RECHECK_CLEAR, RECHECK_CHANGED = RecheckSubmission.Result.CLEAR, RecheckSubmission.Result.CHANGED


class AppointmentGone(Exception):
    """A link that was ours but leads nowhere now: moved, cancelled, past or deleted."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- Links --------------------------------------------------------------------------------


def appointment_token(booking: BookingRequest) -> str:
    """The request's pk and this appointment's nonce, signed: no personal data."""
    return signing.dumps([booking.pk, booking.appointment_nonce], salt=APPOINTMENT_SALT)


def appointment_url(booking: BookingRequest, name: str = "bookings:appointment") -> str:
    """The absolute link, in the patient's language (/es/appointment/... for Spanish)."""
    with message_language(booking):
        return settings.SITE_URL + reverse(name, args=[appointment_token(booking)])


def link_expired(booking: BookingRequest, now: datetime) -> bool:
    """A link works until the end of the appointment's day (in the clinic's time zone)."""
    day_after = timezone.localdate(booking.appointment_at) + timedelta(days=1)
    return now >= local_moment(day_after, time(0))


def booking_from_token(token: str) -> BookingRequest:
    """The scheduled request a link is for. Raises LookupError for a token that is not ours
    (tampered, truncated), AppointmentGone for one of ours that no longer leads anywhere."""
    try:
        pk, nonce = signing.loads(token, salt=APPOINTMENT_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise AppointmentGone("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LookupError(token) from None
    booking = BookingRequest.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if booking is None:
        raise AppointmentGone("deleted")
    if not nonce or nonce != booking.appointment_nonce:
        raise AppointmentGone("moved")
    if booking.status == Status.CANCELLED:
        raise AppointmentGone("cancelled")
    if booking.status != Status.SCHEDULED or link_expired(booking, timezone.now()):
        raise AppointmentGone("expired")
    return booking


# --- Times --------------------------------------------------------------------------------


def local_moment(day: date, at: time) -> datetime:
    """`day` at wall-clock time `at` in the clinic's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


def days_before(moment: datetime, days: int) -> datetime:
    """The same local wall-clock time `days` calendar days earlier (DST-safe)."""
    local = timezone.localtime(moment)
    return local_moment(local.date() - timedelta(days=days), local.time())


def reminder_time(appointment_at: datetime) -> datetime:
    return days_before(appointment_at, RECHECK_BEFORE_DAYS)


def recheck_deadline(appointment_at: datetime) -> datetime:
    return days_before(appointment_at, RECHECK_DUE_DAYS)


def _send_at(moment: datetime) -> datetime | None:
    """None (at once) for a moment already reached."""
    return moment if moment > timezone.now() else None


# --- The calendar file --------------------------------------------------------------------


def current_appointment(booking: BookingRequest) -> Appointment | None:
    """The request's appointment in the diary: its latest, whatever its status."""
    return booking.appointments.order_by("-created_at", "-pk").first()


def appointment_ics(booking: BookingRequest, *, cancelled: bool = False) -> bytes:
    """An iCalendar event: when, where, the reference and the clinic's phone. No health data.

    One UID per request, and SEQUENCE one higher each time the time changes, so a calendar
    moves (or, with METHOD:CANCEL, removes) the event it already holds. Its words are in the
    language the patient booked in (marked with LANGUAGE, RFC 5545)."""
    with message_language(booking):
        return _appointment_ics(booking, cancelled=cancelled)


def _appointment_ics(booking: BookingRequest, *, cancelled: bool) -> bytes:
    clinic = clinic_details()
    language = {"LANGUAGE": booking.language}
    appointment = current_appointment(booking)
    # Without a diary entry, the request's own time (a scheduled request always has one).
    starts_at = appointment.starts_at if appointment else cast(datetime, booking.appointment_at)
    ends_at = appointment.ends_at if appointment else starts_at + clinic.appointment_length("")
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic.name}//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.reference}@clinic")
    event.add("sequence", (appointment.sequence if appointment else 0) + int(cancelled))
    event.add("dtstamp", timezone.now())
    # Local times (with their VTIMEZONE), as a calendar shows them.
    event.add("dtstart", timezone.localtime(starts_at))
    event.add("dtend", timezone.localtime(ends_at))
    summary = gettext("Appointment at %(clinic)s") % {"clinic": clinic.name}
    event.add("summary", summary, parameters=language)
    if cancelled:
        event.add("status", "CANCELLED")
    event.add("location", f"{clinic.name}, {clinic.address}")
    description = gettext(
        "Reference %(reference)s. To change or cancel: %(url)s or call %(phone)s."
    ) % {"reference": booking.reference, "url": appointment_url(booking), "phone": clinic.phone}
    event.add("description", description, parameters=language)
    calendar.add_component(event)
    # RFC 5545 wants a VTIMEZONE for the TZID the local times carry.
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- Messages -----------------------------------------------------------------------------


def appointment_context(booking: BookingRequest, **extra: Any) -> dict[str, Any]:
    """What every message about an appointment may say; its links in the patient's language."""
    local = timezone.localtime(booking.appointment_at) if booking.appointment_at else None
    with message_language(booking):
        links = {
            "aftercare_url": settings.SITE_URL + reverse("aftercare"),
            "screener_url": settings.SITE_URL + reverse("screener:start"),
        }
    return {"reference": booking.reference, "appointment": local, **links, **extra}


def appointment_messages_cancel(*, booking: BookingRequest) -> int:
    """Delete the appointment's messages still waiting in the outbox: never sent now."""
    waiting = Email.objects.filter(
        clinic_message__booking=booking,
        clinic_message__kind__in=APPOINTMENT_KINDS,
        status__in=[STATUS.queued, STATUS.requeued],
    )
    deleted, _ = waiting.delete()
    return deleted


def _queue_appointment_messages(booking: BookingRequest) -> None:
    # Set within the re-check window: the confirmation asks for the re-check itself, so the
    # patient gets one e-mail, not a confirmation, a reminder and an overdue notice at once.
    appointment_at = cast(datetime, booking.appointment_at)  # just set by appointment_schedule
    recheck_now = reminder_time(appointment_at) <= timezone.now()
    context = _before_appointment_context(booking)
    # The patient asked for this appointment: the confirmation answers them (no stop link).
    queue_email(
        kind=Kind.APPOINTMENT_CONFIRMED,
        to=booking.email,
        template="appointment_confirmed",
        context=context,
        booking=booking,
        attachments={
            "appointment.ics": {
                "file": ContentFile(appointment_ics(booking)),
                "mimetype": "text/calendar",
            }
        },
    )
    if not recheck_now:
        queue_email(
            kind=Kind.RECHECK_REMINDER,
            to=booking.email,
            template="recheck_reminder",
            context=context,
            booking=booking,
            send_at=reminder_time(appointment_at),
            stop_group="reminders",
        )


def _before_appointment_context(booking: BookingRequest) -> dict[str, Any]:
    """For the confirmation and the reminder: the links, and the one to sign the consent
    while the patient has not signed it for this appointment's day."""
    appointment_at = cast(datetime, booking.appointment_at)  # of a scheduled request
    needs_consent = consent_needed(booking.patient, timezone.localdate(appointment_at))
    return appointment_context(
        booking,
        appointment_url=appointment_url(booking),
        check_url=appointment_url(booking, "bookings:recheck"),
        consent_url=appointment_url(booking, "bookings:consent") if needs_consent else "",
        antiviral=booking.needs_antiviral_prophylaxis,
        recheck_now=reminder_time(appointment_at) <= timezone.now(),
    )


def recheck_reminders_refresh(*, bookings: QuerySet[BookingRequest]) -> int:
    """Write the reminders still waiting in the outbox again, as things stand now: with the
    link to sign the consent while it is needed, without it once signed. Returns how many."""
    waiting = Message.objects.filter(
        booking__in=bookings,
        booking__status=Status.SCHEDULED,
        kind=Kind.RECHECK_REMINDER,
        email__status__in=[STATUS.queued, STATUS.requeued],
    ).select_related("email", "booking__patient")
    refreshed = 0
    for message in waiting:
        booking = cast(BookingRequest, message.booking)  # filtered on
        parts = email_parts(
            to=booking.email,
            template="recheck_reminder",
            context=_before_appointment_context(booking),
            stop_group="reminders",
        )
        if parts is None:
            continue  # stopped: the stop deleted it already
        email = message.email
        email.subject, email.message, email.headers = parts
        email.save(update_fields=["subject", "message", "headers"])
        refreshed += 1
    return refreshed


def appointment_schedule(
    *,
    booking: BookingRequest,
    appointment_at: datetime,
    by: Any = None,
    appointment: Appointment | None = None,
) -> BookingRequest:
    """Put the request in the diary at `appointment_at` (new, or moved) and tell the patient.

    The front desk's way: `appointment` is None and the diary places it (diary.booking
    appointment_place; raises SlotTaken if every practitioner is busy then). The patient's
    online booking passes the appointment diary.booking has just made or moved.
    A fresh nonce kills the old time's links; its unsent messages are deleted. The re-check
    and anything the patient raised about the old time start afresh. The rules
    (bookings.scheduling) are the caller's to check first.
    """
    from diary.booking import appointment_place

    with transaction.atomic():
        if appointment is None:
            appointment = appointment_place(booking=booking, starts_at=appointment_at)
        appointment_messages_cancel(booking=booking)
        booking.appointment_at = appointment.starts_at
        booking.status = Status.SCHEDULED
        booking.appointment_nonce = secrets.token_urlsafe(12)
        booking.appointment_set_by = by if getattr(by, "pk", None) else None
        booking.appointment_set_at = timezone.now()
        booking.recheck_result = ""
        booking.recheck_done_at = None
        booking.change_requested_at = None
        booking.consent_flagged_at = None
        booking.needs_attention = False
        booking.attention_reason = ""
        booking.save()
        _queue_appointment_messages(booking)
    return booking


# The diary's status for each request status that takes the request out of the diary.
APPOINTMENT_STATUS_FOR: dict[str, Appointment.Status] = {
    Status.TREATED: Appointment.Status.TREATED,
    Status.NO_SHOW: Appointment.Status.NO_SHOW,
}


def appointment_status_follow(*, booking: BookingRequest) -> None:
    """The diary follows the request's status: treated and no-show as such; any other status
    but scheduled frees the time."""
    if booking.status == Status.SCHEDULED:
        return
    status = APPOINTMENT_STATUS_FOR.get(booking.status, Appointment.Status.CANCELLED)
    booking.appointments.filter(status=Appointment.Status.SCHEDULED).update(status=status)


def booking_staff_change_apply(
    *,
    booking: BookingRequest,
    previous_status: str | None,
    previous_appointment_at: datetime | None,
    by: Any = None,
) -> None:
    """After the front desk saved a request: schedule, unschedule or record the treatment."""
    if booking.attention_reason == Attention.PROPHYLAXIS_TO_ARRANGE and (
        booking.antiviral_prophylaxis_arranged
    ):
        # The checklist's tick is what the flag asked for.
        booking.needs_attention = False
    if not booking.needs_attention and booking.attention_reason:
        # Unticked by the front desk: dealt with.
        booking.attention_reason = ""
        booking.needs_attention = False
        booking.save(update_fields=["attention_reason", "needs_attention"])
    scheduled = booking.status == Status.SCHEDULED
    was_scheduled = previous_status == Status.SCHEDULED
    if scheduled and (not was_scheduled or booking.appointment_at != previous_appointment_at):
        # A scheduled request has its time (the constraint scheduled_has_appointment_at).
        appointment_at = cast(datetime, booking.appointment_at)
        appointment_schedule(booking=booking, appointment_at=appointment_at, by=by)
        if was_scheduled:
            offer_freed_time(previous_appointment_at)
    elif not scheduled and was_scheduled:
        appointment_messages_cancel(booking=booking)
    appointment_status_follow(booking=booking)
    if not scheduled and was_scheduled and booking.status != Status.TREATED:
        offer_freed_time(previous_appointment_at)
    if booking.status == Status.TREATED and previous_status != Status.TREATED:
        treatment_record(booking=booking)


def appointment_cancel(*, booking: BookingRequest) -> None:
    """The patient cancels from their link: the time is freed, the front desk sees it on the
    worklist, and the patient gets an e-mail whose calendar file removes the event."""
    with transaction.atomic():
        appointment_messages_cancel(booking=booking)
        booking.status = Status.CANCELLED
        booking.needs_attention = True
        booking.attention_reason = Attention.CANCELLED_BY_PATIENT
        booking.save(update_fields=["status", "needs_attention", "attention_reason"])
        context = appointment_context(booking)
        # "Choose a new time" starts at the health questions, like any booking.
        context["booking_url"] = context["screener_url"]
        queue_email(
            kind=Kind.APPOINTMENT_CANCELLED,
            to=booking.email,
            template="appointment_cancelled",
            context=context,
            booking=booking,
            attachments={
                "appointment.ics": {
                    "file": ContentFile(appointment_ics(booking, cancelled=True)),
                    "mimetype": "text/calendar",
                }
            },
        )
        appointment_status_follow(booking=booking)
        offer_freed_time(booking.appointment_at)


def offer_freed_time(starts_at: datetime | None) -> None:
    """A time has come free: offer it to the patients waiting for an earlier one."""
    from bookings.earlier import earlier_time_offer  # it builds on this module

    if starts_at is not None and starts_at > timezone.now():
        earlier_time_offer(starts_at=starts_at)


def change_too_late(booking: BookingRequest, now: datetime | None = None) -> bool:
    """Past the online change limit (the clinic's details): moving or cancelling is by phone."""
    now = now or timezone.now()
    # Only a scheduled request (the one a link leads to) is changed online: it has a time.
    return cast(datetime, booking.appointment_at) - now < clinic_details().change_limit


def appointment_change_request(*, booking: BookingRequest) -> None:
    """The patient asks for another time: the appointment stands until the front desk call."""
    booking.change_requested_at = timezone.now()
    booking.needs_attention = True
    booking.attention_reason = Attention.CHANGE_REQUESTED
    booking.save(update_fields=["change_requested_at", "needs_attention", "attention_reason"])


def recheck_outcome(answers: Answers, appointment_day: date) -> str:
    """ "changed" when the answers now defer or exclude the patient on the appointment's day."""
    result = assess(answers, appointment_day)
    blocked = result.outcome in (Outcome.DEFERRED, Outcome.NOT_SUITABLE)
    return RECHECK_CHANGED if blocked else RECHECK_CLEAR


def recheck_record(*, booking: BookingRequest, answers: Answers) -> str:
    """Keep the re-checked answers as a new submission and flag a change that stops the
    treatment. A "changed" result stands until a clinician reviews it (recheck_reviewed): a
    later "clear" submission does not undo it. Returns the result as it now stands."""
    appointment_at = cast(datetime, booking.appointment_at)  # re-checks are of a scheduled time
    outcome = recheck_outcome(answers, timezone.localdate(appointment_at))
    with transaction.atomic():
        RecheckSubmission.objects.create(
            booking=booking,
            appointment_at=appointment_at,
            answers=answers_to_dict(answers),
            result=outcome,
        )
        booking.recheck_done_at = timezone.now()
        fields = ["recheck_result", "recheck_done_at"]
        if outcome == RECHECK_CHANGED:
            booking.recheck_result = RECHECK_CHANGED
            booking.needs_attention = True
            booking.attention_reason = Attention.RECHECK_CHANGED
            fields += ["needs_attention", "attention_reason"]
        elif booking.recheck_result != RECHECK_CHANGED:
            booking.recheck_result = RECHECK_CLEAR
            if booking.attention_reason == Attention.RECHECK_MISSING:
                # Done late but clear: the call the flag asked for is no longer needed.
                booking.needs_attention = False
                booking.attention_reason = ""
                fields += ["needs_attention", "attention_reason"]
        booking.save(update_fields=fields)
    return booking.recheck_result


def unreviewed_changes(booking: BookingRequest):
    # A request without a time has none: Django reads appointment_at=None as IS NULL, which the
    # stubs do not allow for; the column is never null.
    return booking.recheck_submissions.filter(  # type: ignore[misc]
        appointment_at=booking.appointment_at, result=RECHECK_CHANGED, reviewed_at__isnull=True
    )


def recheck_reviewed(*, booking: BookingRequest, by: Any) -> int:
    """A clinician has dealt with the changed re-checks of the booking's appointment: they are
    marked reviewed, and the standing result becomes that of the latest submission. Returns
    how many were marked."""
    with transaction.atomic():
        marked = unreviewed_changes(booking).update(reviewed_at=timezone.now(), reviewed_by=by)
        # No time (None) matches nothing, as in unreviewed_changes.
        latest = booking.recheck_submissions.filter(appointment_at=booking.appointment_at).last()  # type: ignore[misc]
        booking.recheck_result = latest.result if latest else ""
        fields = ["recheck_result"]
        if booking.attention_reason == Attention.RECHECK_CHANGED:
            booking.needs_attention = False
            booking.attention_reason = ""
            fields += ["needs_attention", "attention_reason"]
        booking.save(update_fields=fields)
    return marked


def overdue_rechecks_flag(*, now: datetime | None = None) -> int:
    """Flag scheduled appointments whose re-check is not done one day before, and tell each
    patient what happens next. Run by send_due_messages; each appointment is flagged once. A
    request already needing attention for another reason keeps that reason (the worklist's
    re-check column shows the missing re-check) and its patient is told all the same."""
    now = now or timezone.now()
    candidates = BookingRequest.objects.filter(
        status=Status.SCHEDULED,
        recheck_done_at__isnull=True,
        appointment_at__gt=now,
        # A day plus a DST hour: recheck_deadline() decides exactly.
        appointment_at__lte=now + timedelta(hours=25),
    ).exclude(attention_reason=Attention.RECHECK_MISSING)
    flagged = 0
    for booking in candidates:
        deadline = recheck_deadline(cast(datetime, booking.appointment_at))  # filtered above
        if deadline > now:
            continue
        told = booking.messages.filter(kind=Kind.RECHECK_OVERDUE, created_at__gte=deadline)
        if booking.needs_attention and told.exists():
            continue  # flagged for this time already, under the other reason
        with transaction.atomic():
            if not booking.needs_attention:
                booking.needs_attention = True
                booking.attention_reason = Attention.RECHECK_MISSING
                booking.save(update_fields=["needs_attention", "attention_reason"])
            flagged += 1
            set_at = booking.appointment_set_at
            if set_at is not None and set_at >= deadline:
                continue  # set after the deadline: its confirmation asked for the re-check
            queue_email(
                kind=Kind.RECHECK_OVERDUE,
                to=booking.email,
                template="recheck_overdue",
                context=appointment_context(
                    booking, check_url=appointment_url(booking, "bookings:recheck")
                ),
                booking=booking,
                stop_group="reminders",
            )
    return flagged


# --- After the treatment ------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    kind: Kind
    template: str
    day: date
    stop_group: str


def course_completed(booking: BookingRequest, course: CoursePlan) -> bool:
    return len(treatment_times(booking.patient_id)) >= course.sessions_min


def next_session_window(treated_on: date, course: CoursePlan) -> tuple[date, date]:
    return (
        treated_on + timedelta(weeks=course.weeks_apart_min),
        treated_on + timedelta(weeks=course.weeks_apart_max),
    )


def follow_ups(treated_on: date, course: CoursePlan, *, completed: bool) -> list[FollowUp]:
    """What is sent after a treatment on `treated_on`, and on which day."""
    plan = [
        FollowUp(Kind.AFTERCARE_DAY_0, "aftercare_day_0", treated_on, "aftercare"),
        FollowUp(
            Kind.AFTERCARE_DAY_3, "aftercare_day_3", treated_on + timedelta(days=3), "aftercare"
        ),
        FollowUp(
            Kind.AFTERCARE_DAY_14, "aftercare_day_14", treated_on + timedelta(days=14), "aftercare"
        ),
    ]
    if completed:
        due = treated_on + relativedelta(months=course.maintenance_every_months)
        plan.append(FollowUp(Kind.MAINTENANCE, "maintenance", due, "follow_up"))
    else:
        opens, _closes = next_session_window(treated_on, course)
        plan.append(
            FollowUp(Kind.NEXT_SESSION, "next_session", opens - NEXT_SESSION_NOTICE, "follow_up")
        )
    return plan


def treatment_record(*, booking: BookingRequest) -> list[Message]:
    """Queue the aftercare and follow-up messages of a treatment (marked `treated`).

    Each is sent at 9:00 local on its day; the day's own message at once. A day already gone
    (marked late) is skipped rather than sent out of time.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    # The window counts from the patient's last treatment recorded, whichever request it was.
    last = last_treated_at(booking.patient_id) or booking.appointment_at
    treated_on = timezone.localdate(last) if last else today
    # The course is the patient's (their first screening's); this request's if it is the first.
    course = course_plan(booking.patient_id) or recommended_course(
        answers_from_dict(booking.answers)
    )
    opens, closes = next_session_window(treated_on, course)
    context = appointment_context(
        booking,
        treated_on=treated_on,
        sun_until=treated_on + timedelta(days=14),
        window_opens=opens,
        window_closes=closes,
        course=course,
        maintenance_months=course.maintenance_every_months,
    )
    queued = []
    for item in follow_ups(treated_on, course, completed=course_completed(booking, course)):
        if item.day < today:
            continue
        message = queue_email(
            kind=item.kind,
            to=booking.email,
            template=item.template,
            context=context,
            booking=booking,
            send_at=_send_at(local_moment(item.day, MORNING)) if item.day > today else None,
            stop_group=item.stop_group,
        )
        if message is not None:
            queued.append(message)
    return queued
