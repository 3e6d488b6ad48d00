"""The patient: one record per person across a course, found by e-mail address (any case).

Their booking requests (with the screenings and appointments), consent and treatment records
belong to it. Erasure deletes the patient with everything that belongs to it.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from clinic.validators import validate_deliverable_email
from faq.markdown import render_markdown


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


# --- Informed consent ---------------------------------------------------------------------
# The consent text is kept as versions written by clinicians; a patient's signature keeps a
# copy of exactly what they were shown, with its hash, so nothing done to a version later
# (nothing may be: a published version is frozen) changes what they signed.


def consent_text_hash(html: str) -> str:
    """The SHA-256 of the consent text exactly as shown (its HTML), in hex."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


class ConsentVersionQuerySet(models.QuerySet):
    def published(self) -> "ConsentVersionQuerySet":
        return self.filter(published_at__isnull=False)

    def current(self) -> "ConsentVersion | None":
        """The version patients sign now: the newest published one (by number, not by the
        clock, so that a version is never overtaken by an older one published later)."""
        return self.published().order_by("-number").first()


class ConsentVersion(models.Model):
    number = models.PositiveIntegerField(unique=True, editable=False)
    label = models.CharField(
        max_length=100, help_text="For staff, e.g. “Spring 2027: new aftercare wording”."
    )
    text = models.TextField(
        help_text=(
            "Markdown: “## ” starts a section, “- ” a list item, **bold**. The whole text "
            "patients read and sign: what microneedling is, what happens on the day, its "
            "benefits and limits, its risks, their aftercare duties, the alternatives, and "
            "what they confirm by signing."
        )
    )
    # The text as patients see it, rendered and sanitised (faq.markdown) while a draft.
    text_html = models.TextField(editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    awaiting_clinic_review = models.BooleanField(
        "Awaiting the clinic's review",
        default=False,
        help_text="Written for the clinic (e.g. the seeded first version) and not yet reviewed.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ConsentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = "consent version"
        permissions = [("publish_consentversion", "Can publish a consent version")]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.label}"

    def save(self, *args, **kwargs) -> None:
        self._refuse_changes_once_published()
        if self.number is None:
            latest = ConsentVersion.objects.aggregate(models.Max("number"))["number__max"]
            self.number = (latest or 0) + 1
        if self.published_at is None:
            # Rendered while a draft only: a published text never changes, even if the
            # Markdown library would now render it differently.
            self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self._refuse_changes_once_published()
        if not self.text.strip():
            raise ValidationError({"text": "Write the consent text."})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _refuse_changes_once_published(self) -> None:
        if self._state.adding or self.pk is None:
            return
        stored = ConsentVersion.objects.filter(pk=self.pk, published_at__isnull=False).first()
        if stored is not None and (stored.text, stored.label, stored.published_at) != (
            self.text,
            self.label,
            self.published_at,
        ):
            raise ValidationError(
                "A published consent version never changes: copy it into a new draft instead."
            )


class ConsentSignature(models.Model):
    """A patient's consent: which version, the exact text shown (and its hash), the name they
    typed, when, and how. It never changes once made (save refuses); only the retention of
    medical records (MEDICAL_RECORDS_RETENTION_YEARS) deletes it."""

    medical_record = True  # kept for the medical-records period (the retention code reads it)

    class Method(models.TextChoices):
        ONLINE = "online", "Online"
        PAPER = "paper", "On paper, at the clinic"

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="consent_signatures"
    )
    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="signatures")
    # The text as shown (HTML), and its SHA-256: the printable copy is made from these.
    text_html = models.TextField("Text signed")
    text_sha256 = models.CharField("SHA-256 of the text signed", max_length=64)
    language = models.CharField(max_length=10, blank=True)
    signed_name = models.CharField("Name typed or written", max_length=200)
    signed_at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=10, choices=Method.choices)
    # Paper only: the member of staff who recorded it (the name stays if the account goes).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by_name = models.CharField("Recorded by", max_length=150, blank=True)
    appointment = models.ForeignKey(
        "bookings.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_signatures",
    )

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = "signed consent"
        # Nobody changes or deletes a signed consent in the admin: there are no such permissions.
        default_permissions = ("add", "view")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(text_sha256__regex=r"^[0-9a-f]{64}$"),
                name="consent_signature_hash_is_sha256",
            ),
            models.CheckConstraint(
                condition=~models.Q(signed_name=""), name="consent_signature_has_a_name"
            ),
        ]

    def __str__(self) -> str:
        # Shown in the admin's history and "recent actions": no name, nothing of the text.
        return f"Signed consent #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError("A signed consent never changes.")
        super().save(*args, **kwargs)

    @property
    def text_matches(self) -> bool:
        """Whether the stored text is still the one whose hash was taken when it was signed."""
        return consent_text_hash(self.text_html) == self.text_sha256
