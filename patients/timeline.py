"""Everything the clinic holds about a patient, in time order, for the patient's admin page.

Each source gives Entry rows for one patient in a fixed number of queries; `clinical` entries
(health answers, consent details, treatment records) are shown only to those whose role may
see them (clinic.admin_health may_see_health_answers). A source is asked with `clinical` and
makes no query for what it may not show; `timeline()` drops any clinical entry besides.

To add a source: a function `(patient, *, clinical) -> Iterable[Entry]`, one line in SOURCES.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.utils import formats, timezone
from post_office.models import STATUS

if TYPE_CHECKING:
    from bookings.models import BookingRequest
    from patients.models import Patient


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # "request", "appointment", "message", "consent", "treatment", "merge", ...
    summary: str  # what any member of staff who may open the patient may read
    url: str = ""  # the admin page it comes from, if any
    clinical: bool = False  # only for Clinicians


# The words for each kind of entry on the page; another kind reads as its code, capitalised.
KIND_LABELS = {
    "request": "Booking request",
    "appointment": "Appointment",
    "message": "E-mail",
    "recheck": "Re-check",
    "merge": "Records merged",
    "consent": "Consent",
    "treatment": "Treatment record",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def request_entries(patient: "Patient", *, clinical: bool) -> Iterable[Entry]:
    """Each booking request: when, how, what the patient asked for, its status (1 query)."""
    from bookings.models import BookingRequest

    requests = BookingRequest.objects.filter(patient=patient).only(
        "reference",
        "created_at",
        "status",
        "preferred_date",
        "preferred_time",
        "taken_by_phone",
        "email",
    )
    for booking in requests:
        how = "taken by phone" if booking.taken_by_phone else "online"
        yield Entry(
            at=booking.created_at,
            kind="request",
            summary=(
                f"{booking.reference}, {how}, from {booking.email}: preferred "
                f"{formats.date_format(booking.preferred_date, 'DATE_FORMAT')}, "
                f"{booking.get_preferred_time_display().lower()}. "
                f"Status: {booking.get_status_display()}."
            ),
            url=booking.get_absolute_url(),
        )


def appointment_entries(patient: "Patient", *, clinical: bool) -> Iterable[Entry]:
    """Each appointment at its time, whatever its status; a moved one says so (1 query)."""
    from bookings.models import Appointment

    appointments = (
        Appointment.objects.filter(booking__patient=patient)
        .select_related("practitioner", "booking")
        .only(
            "starts_at",
            "status",
            "sequence",
            "practitioner__name",
            "booking__reference",
            "booking__id",
        )
    )
    for appointment in appointments:
        moved = appointment.sequence
        yield Entry(
            at=appointment.starts_at,
            kind="appointment",
            summary=(
                f"{appointment.booking.reference} with {appointment.practitioner.name}: "
                f"{appointment.get_status_display()}"
                + (f" (moved {moved} time{'s' if moved > 1 else ''})" if moved else "")
                + "."
            ),
            url=appointment.booking.get_absolute_url(),
        )


def delivery(status: int | None, scheduled: datetime | None) -> str:
    if status == STATUS.sent:
        return "sent"
    if status == STATUS.failed:
        return "failed"
    if status == STATUS.requeued:
        return "failed, to be tried again"
    return f"waiting to be sent after {_when(scheduled)}" if scheduled else "waiting to be sent"


def message_entries(patient: "Patient", *, clinical: bool) -> Iterable[Entry]:
    """Each e-mail about the patient's requests: its kind and delivery, never its text
    (1 query, which reads neither subject nor body)."""
    from bookings.models import Message

    messages = (
        Message.objects.filter(booking__patient=patient)
        .select_related("email", "booking")
        .only(
            "kind",
            "created_at",
            "booking__reference",
            "booking__id",
            "email__status",
            "email__scheduled_time",
        )
    )
    for message in messages:
        booking = cast("BookingRequest", message.booking)  # filtered on it: never None here
        yield Entry(
            at=message.created_at,
            kind="message",
            summary=(
                f"{message.get_kind_display()}, about {booking.reference}: "
                f"{delivery(message.email.status, message.email.scheduled_time)}."
            ),
            url=booking.get_absolute_url(),
        )


def recheck_entries(patient: "Patient", *, clinical: bool) -> Iterable[Entry]:
    """Each re-check the patient sent before an appointment, with its result (clinical: the
    answers are on the request's page; 1 query)."""
    if not clinical:
        return
    from bookings.models import RecheckSubmission

    submissions = (
        RecheckSubmission.objects.filter(booking__patient=patient)
        .select_related("booking", "reviewed_by")
        .only(
            "submitted_at",
            "appointment_at",
            "result",
            "reviewed_at",
            "booking__reference",
            "booking__id",
            "reviewed_by__username",
        )
    )
    for submission in submissions:
        reviewed = ""
        if submission.reviewed_at is not None:
            who = submission.reviewed_by.get_username() if submission.reviewed_by else "staff"
            reviewed = f" Reviewed by {who}, {_when(submission.reviewed_at)}."
        yield Entry(
            at=submission.submitted_at,
            kind="recheck",
            summary=(
                f"Before the appointment of {_when(submission.appointment_at)} "
                f"({submission.booking.reference}): {submission.get_result_display()}." + reviewed
            ),
            url=submission.booking.get_absolute_url(),
            clinical=True,
        )


def merge_entries(patient: "Patient", *, clinical: bool) -> Iterable[Entry]:
    """Each record merged into this one: by whom, and how much moved (1 query)."""
    from django.apps import apps

    for merge in patient.merges.all():
        moved = []
        for label, ids in merge.moved.items():
            try:
                name = apps.get_model(label)._meta.verbose_name_plural
            except LookupError:  # a model since removed
                name = label
            moved.append(f"{len(ids)} {name}")
        yield Entry(
            at=merge.merged_at,
            kind="merge",
            summary=(
                f"Record #{merge.merged_patient_id} merged into this one by "
                f"{merge.merged_by_name or 'staff'}"
                + (f": {', '.join(moved)} moved." if moved else ".")
            ),
        )


def consent_timeline_entries(patient: "Patient", *, clinical: bool) -> Iterable[Entry]:
    """Signed or not, for every role; the link to the signed record only for clinicians."""
    from patients.consent import consent_entries

    for entry in consent_entries(patient):
        yield entry if clinical else replace(entry, url="")


def treatment_timeline_entries(patient: "Patient", *, clinical: bool) -> Iterable[Entry]:
    """Each recorded session (clinical entries: timeline() leaves them out for the others)."""
    from patients.treatments import treatment_entries

    return treatment_entries(patient) if clinical else ()


Source = Callable[..., Iterable[Entry]]

SOURCES: tuple[Source, ...] = (
    request_entries,
    appointment_entries,
    message_entries,
    recheck_entries,
    merge_entries,
    consent_timeline_entries,
    treatment_timeline_entries,
)


def timeline(patient: "Patient", *, clinical: bool) -> list[Entry]:
    """Every source's entries for the patient, oldest first (a stable sort: at one moment,
    entries keep the order of SOURCES). Without `clinical`, no clinical entry, whichever
    source made it."""
    entries = [
        entry
        for source in SOURCES
        for entry in source(patient, clinical=clinical)
        if clinical or not entry.clinical
    ]
    return sorted(entries, key=lambda entry: entry.at)
