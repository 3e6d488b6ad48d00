"""The patient: one record per person across a course, found by e-mail address (any case).

Their booking requests (with the screenings and appointments), consent and treatment records
belong to it. Erasure deletes the patient with everything that belongs to it.
"""

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

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("admin:patients_patient_change", args=[self.pk])
