"""Deleting a patient with everything that belongs to them: on request (an erasure, which
leaves only the anonymous bookings.ErasureRecord), or at the end of retention.

"Everything" is found generically: every model with a foreign key to Patient (through
patients.services.patient_relations), so the consent and treatment records go too, whoever
added them; with the booking requests go their screenings, appointments, re-checks, contact
log and e-mails; then the admin's history of all of it and the log of views of the answers.
"""

import tempfile
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.backends.file import SessionStore as FileSessionStore
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from post_office.models import Email

from bookings.emails import orphaned_attachments_delete
from bookings.models import (
    Appointment,
    BookingRequest,
    ContactLogEntry,
    ErasureRecord,
    HealthAnswersView,
)
from bookings.services import booking_requests_delete
from patients.models import Patient
from patients.services import patient_relations, rows_of
from screener.session import BOOKED_KEY


def patients_for_address(email: str) -> QuerySet[Patient]:
    """The patients an address stands for (any case): theirs, one of a record merged into
    theirs, or the address one of their requests was made with."""
    address = email.strip()
    return Patient.objects.filter(
        Q(email__iexact=address)
        | Q(other_addresses__email__iexact=address)
        | Q(booking_requests__email__iexact=address)
    ).distinct()


def _addresses(patients: list[Patient], extra: tuple[str, ...] = ()) -> set[str]:
    found = {address.strip().lower() for address in extra}
    for patient in patients:
        found.add(patient.email.lower())
        found.update(a.lower() for a in patient.other_addresses.values_list("email", flat=True))
        found.update(a.lower() for a in patient.booking_requests.values_list("email", flat=True))
    return found


def _other_relations():
    """Every relation to Patient but the booking requests (deleted their own way)."""
    return [r for r in patient_relations() if r.related_model is not BookingRequest]


@dataclass
class Counts:
    patients: int = 0
    requests: int = 0
    screenings: int = 0
    messages: int = 0
    contact_log_entries: int = 0
    appointments: int = 0
    # Other models' rows, by the model's name in the plural ("signed consents": 2).
    other: dict[str, int] = field(default_factory=dict)

    @property
    def other_records(self) -> int:
        return sum(self.other.values())


def erasure_counts(*, patients: list[Patient], addresses: tuple[str, ...] = ()) -> Counts:
    """What patients_delete would delete, for the confirmation page."""
    ids = list(BookingRequest.objects.filter(patient__in=patients).values_list("pk", flat=True))
    others: list[int] = []
    for address in _addresses(patients, addresses):
        others += _emails_to(address)
    counts = Counts(
        patients=len(patients),
        requests=len(ids),
        screenings=len(ids),  # one screening per request
        messages=Email.objects.filter(Q(clinic_message__booking_id__in=ids) | Q(pk__in=others))
        .distinct()
        .count(),
        contact_log_entries=ContactLogEntry.objects.filter(booking_id__in=ids).count(),
        appointments=Appointment.objects.filter(booking_id__in=ids).count(),
    )
    for relation in _other_relations():
        number = rows_of(relation, patients).count()
        if number:
            name = str(relation.related_model._meta.verbose_name_plural)
            counts.other[name] = counts.other.get(name, 0) + number
    return counts


def patients_delete(
    *, patients: list[Patient], addresses: tuple[str, ...] = (), sessions: bool = True
) -> Counts:
    """Delete the patients and everything that belongs to them, with every e-mail to their
    addresses (and to `addresses`), the admin's history of it all and the views of their
    answers. `sessions`: also delete, after commit, the patient sessions that would still
    show one of their references (an erasure; retention leaves them to expire, as they do
    within a day). Returns what was deleted."""
    with transaction.atomic():
        requests = BookingRequest.objects.filter(patient__in=patients)
        ids = list(requests.values_list("pk", flat=True))
        references = list(requests.values_list("reference", flat=True))
        counts = Counts(
            patients=len(patients),
            contact_log_entries=ContactLogEntry.objects.filter(booking_id__in=ids).count(),
        )
        appointment_ids = list(
            Appointment.objects.filter(booking_id__in=ids).values_list("pk", flat=True)
        )
        counts.appointments = len(appointment_ids)
        email_ids = list(
            Email.objects.filter(clinic_message__booking_id__in=ids).values_list("pk", flat=True)
        )
        # Then the other e-mails to the addresses (e.g. "you can book now", which has no request).
        others: list[int] = []
        for address in _addresses(patients, addresses):
            others += _emails_to(address)
        _, deleted = Email.objects.filter(pk__in=others).exclude(pk__in=email_ids).delete()
        counts.messages = len(email_ids) + deleted.get("post_office.Email", 0)
        # Kept when a request is purged (the reference alone says nothing), not on erasure.
        HealthAnswersView.objects.filter(
            Q(booking_id__in=ids) | Q(reference__in=references)
        ).delete()
        # Consent, treatment records, other addresses, merges, views of the record...: before
        # the requests, so that nothing of theirs is protected by what a request deletes.
        for relation in _other_relations():
            model = relation.related_model
            rows = rows_of(relation, patients)
            _admin_history_delete(model, list(rows.values_list("pk", flat=True)))
            _, per_model = rows.delete()
            name = str(model._meta.verbose_name_plural)
            number = per_model.get(model._meta.label, 0)
            if number:
                counts.other[name] = counts.other.get(name, 0) + number
        _admin_history_delete(BookingRequest, ids)
        _admin_history_delete(Appointment, appointment_ids)
        _admin_history_delete(Email, [*email_ids, *others])
        counts.requests, counts.screenings = booking_requests_delete(
            requests=BookingRequest.objects.filter(pk__in=ids)
        )
        patient_ids = [patient.pk for patient in patients]
        _admin_history_delete(Patient, patient_ids)
        Patient.objects.filter(pk__in=patient_ids).delete()
        # Files are not rolled back with the database: delete them once this has committed.
        transaction.on_commit(orphaned_attachments_delete)
        if sessions:
            transaction.on_commit(lambda: _sessions_showing_delete(set(references)))
    return counts


def patient_erase(
    *, patients: list[Patient], by: User | None, addresses: tuple[str, ...] = ()
) -> ErasureRecord:
    """Erase the patients on request: everything kept about them goes, and only an
    ErasureRecord of counts (nothing personal) stays. `addresses`: e-mail addresses to clear
    of e-mails too, patient or not (erasure by address)."""
    with transaction.atomic():
        counts = patients_delete(patients=patients, addresses=addresses)
        return ErasureRecord.objects.create(
            erased_by=by,
            patients=counts.patients,
            requests=counts.requests,
            screenings=counts.screenings,
            messages=counts.messages,
            contact_log_entries=counts.contact_log_entries,
            appointments=counts.appointments,
            other_records=counts.other_records,
        )


def _emails_to(address: str) -> list[int]:
    """E-mails addressed to the patient, whether or not about a request (e.g. "you can book")."""
    return [
        email.pk
        for email in Email.objects.filter(to__icontains=address).only("pk", "to")
        if address in (recipient.lower() for recipient in email.to)
    ]


def _admin_history_delete(model: type[models.Model], ids: list[int]) -> None:
    """The admin's LogEntry rows about these objects (their names carry the reference)."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in ids],
    ).delete()


def _sessions_showing_delete(references: set[str]) -> int:
    """Delete the sessions whose confirmation page would still show one of these references.

    Sessions cannot be searched by content, so each live one is decoded: measured at 0.38 s
    for 10,000 session files and 0.16 s for 10,000 PostgreSQL rows.
    """
    if not references:
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    decoder = store_class()
    deleted = 0
    for key, encoded in _stored_sessions(store_class):
        if decoder.decode(encoded).get(BOOKED_KEY) in references:
            store_class(session_key=key).delete()
            deleted += 1
    return deleted


def _stored_sessions(store_class: type) -> list[tuple[str, str]]:
    """(key, encoded data) of every session in the database or the session folder (the two
    engines the settings choose between); another engine's sessions are left to expire."""
    if issubclass(store_class, DatabaseSessionStore):
        rows = store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
        return list(rows.values_list("session_key", "session_data"))
    if issubclass(store_class, FileSessionStore):
        # The file engine names each file after the cookie, then the key (as clear_expired reads).
        folder = Path(getattr(settings, "SESSION_FILE_PATH", None) or tempfile.gettempdir())
        prefix = settings.SESSION_COOKIE_NAME
        sessions = []
        for path in folder.glob(f"{prefix}*"):
            try:
                sessions.append((path.name[len(prefix) :], path.read_text(encoding="ascii")))
            except (OSError, UnicodeDecodeError):
                continue  # gone meanwhile, or not a session
        return sessions
    return []
