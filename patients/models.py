"""The patient: one record per person across a course, found by e-mail address (any case).

Their booking requests (with the screenings and appointments), consent and treatment records
belong to it. Erasure deletes the patient with everything that belongs to it.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from clinic.validators import validate_deliverable_email


class Patient(models.Model):
    # As the patient last gave them; the address is matched in any case.
    email = models.EmailField(validators=[validate_deliverable_email])
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="one_patient_per_address",
                violation_error_message="Another patient has this e-mail address.",
            )
        ]
        permissions = [("merge_patient", "Can merge two records of the same patient")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("admin:patients_patient_change", args=[self.pk])


# --- The record's lifecycle (patients.services: merge; patients.erasure; patients.retention) ---


class PatientAddress(models.Model):
    """Another e-mail address of the patient: that of a record merged into theirs, so that a
    request made with it still finds them (patients.services.patient_for_email)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="other_addresses")
    email = models.EmailField()
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["email", "id"]
        verbose_name = "other e-mail address"
        verbose_name_plural = "other e-mail addresses"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="one_patient_per_other_address"),
        ]

    def __str__(self) -> str:
        return self.email


class PatientMerge(models.Model):
    """Two records of one person made one: who, when, and which rows moved (model and ids).
    Nothing personal: the merged-away address lives on as a PatientAddress of the kept
    patient, and goes with it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="merges")
    merged_patient_id = models.PositiveBigIntegerField("record merged away (deleted)")
    # {"bookings.bookingrequest": [12, 15], ...}: what belonged to the merged-away record.
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_by_name = models.CharField(max_length=150)
    merged_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = "merge of patient records"
        verbose_name_plural = "merges of patient records"
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"Merge #{self.pk}"


class PatientRecordView(models.Model):
    """One look at a patient's page with its clinical entries: who, which patient, when (as
    bookings.HealthAnswersView records the request page's answers)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="record_views")
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = "view of a patient's clinical record"
        verbose_name_plural = "views of patients' clinical records"
        default_permissions = ("view",)  # a record nobody may add, change or delete

    def __str__(self) -> str:
        return f"{self.username} viewed patient #{self.patient_id}"
