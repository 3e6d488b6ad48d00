"""Writes to the patient record: the patient for an address, and merging two records of one
person. Erasure is in patients.erasure, retention in patients.retention."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ForeignObjectRel, QuerySet

from patients.models import Patient, PatientAddress, PatientMerge


def patient_for_email(*, email: str, full_name: str, phone: str = "") -> Patient:
    """The patient with this address (any case), made if new; an address of a record merged
    into another finds the kept one. Their name and phone become the ones just given, as a
    patient's latest request is the most likely to be right."""
    address = email.strip()
    with transaction.atomic():
        merged_into = PatientAddress.objects.filter(email__iexact=address).first()
        if merged_into is not None:
            patient, created = merged_into.patient, False
        else:
            # get_or_create retries the read when two requests create the same patient at once.
            patient, created = Patient.objects.get_or_create(
                email__iexact=address,
                defaults={"email": address, "full_name": full_name, "phone": phone},
            )
        if not created and (patient.full_name, patient.phone) != (
            full_name,
            phone or patient.phone,
        ):
            patient.full_name = full_name
            patient.phone = phone or patient.phone
            patient.save(update_fields=["full_name", "phone"])
    return patient


def patients_left_empty_delete() -> int:
    """Delete the patients kept for nothing any more (no booking request left, and no medical
    record still inside its retention period): see patients.retention."""
    from patients.retention import patients_past_retention_delete  # it deletes through erasure

    return patients_past_retention_delete()


# --- Merging two records of one person ---------------------------------------------------------


class MergeRefused(Exception):
    """The two records cannot be merged; the message says why, for the front desk."""


def patient_relations() -> list[ForeignObjectRel]:
    """Every foreign key (or one-to-one) that points at Patient, from any app: what belongs to
    a patient. Read from Django's public _meta API, so models added later count at once."""
    return [
        relation
        for relation in Patient._meta.related_objects
        if (relation.one_to_many or relation.one_to_one) and relation.field.concrete
    ]


def rows_of(relation: ForeignObjectRel, patient: Patient | list[Patient]) -> QuerySet:
    """The rows of one relation that belong to the patient, or to any of a list of patients
    (through the base manager: every row, whatever a model's default manager hides)."""
    lookup = f"{relation.field.name}__in" if isinstance(patient, list) else relation.field.name
    return relation.related_model._base_manager.filter(**{lookup: patient})


def patient_merge(*, keep: Patient, other: Patient, by: User | None) -> PatientMerge:
    """Make `other` part of `keep`: everything that points at `other` (booking requests, with
    their appointments and messages; consent, treatment records, views, other addresses...)
    points at `keep`; `other`'s address becomes another address of `keep`, so it still finds
    them; the admin's history of `other` follows; `other` is deleted. `keep`'s name and phone
    stay (its phone is taken from `other` if it had none). Returns the record of the merge."""
    if keep.pk == other.pk:
        raise MergeRefused("A record cannot be merged with itself: choose another one.")
    with transaction.atomic():
        # Locked, so that two merges of the same records cannot interleave.
        both = Patient.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])
        locked = {patient.pk: patient for patient in both}
        if len(locked) != 2:
            raise MergeRefused("One of the two records no longer exists.")
        keep, other = locked[keep.pk], locked[other.pk]
        moved: dict[str, list[int]] = {}
        for relation in patient_relations():
            rows = rows_of(relation, other)
            ids = list(rows.values_list("pk", flat=True))
            if not ids:
                continue
            if relation.one_to_one and rows_of(relation, keep).exists():
                name = relation.related_model._meta.verbose_name
                raise MergeRefused(f"Both records have a {name}: only one can be kept.")
            # update(), not save(): a signed record never changes, only whose record it is.
            rows.update(**{relation.field.name: keep})
            moved[relation.related_model._meta.label_lower] = ids
        addresses = {keep.email.lower(), *(a.email.lower() for a in keep.other_addresses.all())}
        if other.email.lower() not in addresses:
            PatientAddress.objects.create(patient=keep, email=other.email)
        if not keep.phone and other.phone:
            keep.phone = other.phone
            keep.save(update_fields=["phone"])
        # The admin's history of the merged-away record becomes the kept one's.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Patient), object_id=str(other.pk)
        ).update(object_id=str(keep.pk), object_repr=str(keep)[:200])
        other_pk = other.pk
        other.delete()
        return PatientMerge.objects.create(
            patient=keep,
            merged_patient_id=other_pk,
            moved=moved,
            merged_by=by,
            merged_by_name=by.get_username() if by is not None else "",
        )
