"""Writes to the patient record."""

from django.db import transaction

from patients.models import Patient


def patient_for_email(*, email: str, full_name: str, phone: str = "") -> Patient:
    """The patient with this address (any case), made if new. Their name and phone become the
    ones just given, as a patient's latest request is the most likely to be right."""
    address = email.strip()
    with transaction.atomic():
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
    """Delete the patients nothing belongs to any more (their last request purged or erased):
    a name, an address and a phone number kept for nothing. A patient with a signed consent or
    a treatment record stays: those are medical records, kept for their own period."""
    empty = Patient.objects.filter(
        booking_requests__isnull=True,
        consent_signatures__isnull=True,
        treatment_records__isnull=True,
    )
    deleted, _ = empty.delete()
    return deleted
