"""How long a patient is kept: the medical-records duty.

A model whose class says `medical_record = True` (consent, treatment records) holds medical
records. A patient with any is kept, with them, until MEDICAL_RECORDS_RETENTION_YEARS after
their last treatment (or after their latest medical record, if later), even when the purge has
deleted their booking requests (BOOKING_RETENTION_DAYS); then the patient goes entirely. A
patient with none is deleted once their last request is. Such a model must point at Patient
and never be deleted with a request: `check_medical_records` (a system check) makes sure.
"""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel, Max, OuterRef, Subquery
from django.utils import timezone

from patients.models import Patient
from patients.selectors import treated_appointments
from patients.services import patient_relations


def is_medical_record(model: type[models.Model]) -> bool:
    return bool(getattr(model, "medical_record", False))


def medical_record_relations() -> list[ForeignObjectRel]:
    """The relations to Patient whose model holds medical records."""
    return [r for r in patient_relations() if is_medical_record(r.related_model)]


def record_date_field(model: type[models.Model]) -> str | None:
    """The date a medical record counts from: its Meta.get_latest_by, or else the first date
    in its Meta.ordering (a signature's signed_at, a treatment's treated_at)."""
    options = model._meta
    names = [options.get_latest_by] if isinstance(options.get_latest_by, str) else []
    names += [name.lstrip("-") for name in options.ordering or () if isinstance(name, str)]
    for name in names:
        try:
            field = options.get_field(name)
        except FieldDoesNotExist:  # a lookup through a relation, say: not the record's own
            field = None
        if isinstance(field, models.DateField):  # DateTimeField is one too
            return name
    return None


def retention_years() -> int:
    return settings.MEDICAL_RECORDS_RETENTION_YEARS


def _annotated(patients: models.QuerySet[Patient]) -> tuple[models.QuerySet[Patient], list]:
    """The patients with their last treatment, and their latest record of each kind, and
    whether they have records of a kind without a date (then kept: never counted wrongly)."""
    last_treatment = treated_appointments(OuterRef("pk")).order_by("-starts_at")
    annotations: dict = {"last_treated": Subquery(last_treatment.values("starts_at")[:1])}
    undated = []
    for number, relation in enumerate(medical_record_relations()):
        query_name = relation.field.related_query_name()
        date_field = record_date_field(relation.related_model)
        if date_field is None:
            undated.append(relation)
            continue
        annotations[f"record_{number}"] = Max(f"{query_name}__{date_field}")
    return patients.annotate(**annotations), undated


def kept_until(patient: Patient) -> datetime | None:
    """When the medical-records period of the patient ends; None if they hold no medical
    records (then nothing keeps them but their booking requests)."""
    annotated, undated = _annotated(Patient.objects.filter(pk=patient.pk))
    return _kept_until(annotated.get(), undated)


def _kept_until(patient: Patient, undated: list) -> datetime | None:
    moments = [
        value
        for name, value in vars(patient).items()
        if name.startswith("record_") and value is not None
    ]
    if any(_has_rows(relation, patient) for relation in undated):
        return datetime.max.replace(tzinfo=timezone.get_current_timezone())
    if not moments:
        return None  # no medical record: a treated appointment alone goes with its request
    last_treated = getattr(patient, "last_treated", None)
    latest = max([*moments, *([last_treated] if last_treated else [])], key=_as_datetime)
    # In the clinic's wall-clock time: "7 years after" is the same day and hour, DST or not.
    return timezone.localtime(_as_datetime(latest)) + relativedelta(years=retention_years())


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime(value.year, value.month, value.day))


def _has_rows(relation: ForeignObjectRel, patient: Patient) -> bool:
    return relation.related_model._base_manager.filter(**{relation.field.name: patient}).exists()


def patients_past_retention(*, now: datetime | None = None) -> list[Patient]:
    """The patients with no booking request left (the purge has deleted them, or they were
    erased one by one) and no medical record still inside its period."""
    now = now or timezone.now()
    annotated, undated = _annotated(Patient.objects.filter(booking_requests__isnull=True))
    past = []
    for patient in annotated:
        until = _kept_until(patient, undated)
        if until is None or until <= now:
            past.append(patient)
    return past


def patients_past_retention_delete(*, now: datetime | None = None) -> int:
    """Delete, whole (patients.erasure), the patients retention no longer keeps."""
    from patients.erasure import patients_delete  # it builds on the booking services

    patients = patients_past_retention(now=now)
    if patients:
        patients_delete(patients=patients, sessions=False)
    return len(patients)


# --- The system check -------------------------------------------------------------------------

# On-delete behaviours that would delete a medical record with what it points at, or stop
# the purge from deleting that (PROTECT, RESTRICT).
UNSAFE = {models.CASCADE, models.PROTECT, models.RESTRICT}


def _purged_models() -> list[type[models.Model]]:
    """What the purge of booking requests deletes first-hand: requests, their screenings and
    the outbox's e-mails about them."""
    return [
        apps.get_model("bookings", "BookingRequest"),
        apps.get_model("screener", "Screening"),
        apps.get_model("post_office", "Email"),
    ]


def check_medical_records(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A medical record must belong to a Patient, and be reachable from a booking request's
    purge only through relations that let it be (SET_NULL): else the purge would delete it
    before the medical-records period has passed, or fail."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not is_medical_record(model):
            continue
        points_at_patient = any(
            field.is_relation and field.related_model is Patient for field in model._meta.fields
        )
        parent_is_medical = any(
            field.is_relation
            and field.related_model is not None
            and is_medical_record(field.related_model)
            and getattr(field.remote_field, "on_delete", None) is models.CASCADE
            for field in model._meta.fields
        )
        if not (points_at_patient or parent_is_medical):
            errors.append(
                checks.Error(
                    f"{model._meta.label} is a medical record with no foreign key to "
                    "patients.Patient (or to a medical record it belongs to).",
                    hint="Retention keeps medical records per patient: add the foreign key.",
                    obj=model,
                    id="patients.E001",
                )
            )
    seen: set[type[models.Model]] = set()
    stack = list(_purged_models())
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for relation in model._meta.related_objects:
            if relation.many_to_many or relation.on_delete not in UNSAFE:
                continue
            if is_medical_record(relation.related_model):
                errors.append(
                    checks.Error(
                        f"{relation.related_model._meta.label}.{relation.field.name} would "
                        f"delete (or stop the purge of) a medical record with its "
                        f"{model._meta.label}: on_delete is {relation.on_delete.__name__}.",
                        hint="Use on_delete=models.SET_NULL (null=True): the record outlives "
                        "the booking request, for the medical-records period.",
                        obj=relation.related_model,
                        id="patients.E002",
                    )
                )
            elif relation.on_delete is models.CASCADE:
                stack.append(relation.related_model)
    return errors
