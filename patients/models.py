"""The patient: one record per person across a course, found by e-mail address (any case).

Their booking requests (with the screenings and appointments), consent and treatment records
belong to it. Erasure deletes the patient with everything that belongs to it.
"""

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from clinic.validators import validate_deliverable_email
from faq.languages import content_languages, render_translations, text_in
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


ConsentVersionManager = models.Manager.from_queryset(ConsentVersionQuerySet)


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

    # Typed as faq/models.py does: django-modeltranslation swaps the manager at start-up.
    objects: ClassVar["ConsentVersionManager"] = ConsentVersionManager()
    if TYPE_CHECKING:
        _default_manager: ClassVar["ConsentVersionManager"]

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
            render_translations(self, "text", "text_html", render_markdown)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self._refuse_changes_once_published()
        if not text_in(self, "text", "en").strip():  # the English is required; Spanish optional
            raise ValidationError({"text_en": "Write the consent text."})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _refuse_changes_once_published(self) -> None:
        if self._state.adding or self.pk is None:
            return
        stored = ConsentVersion.objects.filter(pk=self.pk, published_at__isnull=False).first()
        if stored is not None and (
            [text_in(stored, "text", language) for language in content_languages()],
            stored.label,
            stored.published_at,
        ) != (
            [text_in(self, "text", language) for language in content_languages()],
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


# --- Treatment records ----------------------------------------------------------------------
# What a clinician did at a session (SPEC "Treatment record"). Medical records: kept for the
# medical-records period (MEDICAL_RECORDS_RETENTION_YEARS) whatever happens to the booking
# request and appointment, which the purge may delete first; `medical_record` tells retention.

# The places a needle depth is given for, grouped by the screener's areas (one area a session;
# face and neck count as one there, while depths differ across the face).
AREA_CHOICES = {
    "Face and neck": {
        "forehead": "Forehead",
        "around_eyes": "Around the eyes",
        "nose": "Nose",
        "cheeks": "Cheeks",
        "around_mouth": "Around the mouth",
        "chin_jawline": "Chin and jawline",
        "whole_face": "Whole face",
        "neck": "Neck",
    },
    "Décolletage": {"decolletage": "Décolletage"},
    "Hands": {"hands": "Hands"},
    "Stretch marks": {"stretch_marks": "Stretch marks (say where in the notes)"},
}
AREA_LABELS = {value: label for group in AREA_CHOICES.values() for value, label in group.items()}
DEPTH_MIN, DEPTH_MAX = Decimal("0.1"), Decimal("3.0")
DEPTH_MESSAGE = "Enter a needle depth from 0.1 to 3.0 mm."
PASSES_MIN, PASSES_MAX = 1, 10
PASSES_MESSAGE = "Enter the number of passes, from 1 to 10."


class RecordLocked(Exception):
    """A change to a treatment record after its edit window: only an addendum may be added."""


class SkinReaction(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    MARKED = "marked", "Marked"


class TreatmentRecordQuerySet(models.QuerySet):
    def of_patient(self, patient: Patient) -> "TreatmentRecordQuerySet":
        """The patient's records, newest first, each with its areas and addenda (3 queries)."""
        return (
            self.filter(patient=patient)
            .order_by("-treated_at", "-pk")
            .prefetch_related("areas", "addenda")
        )


class TreatmentRecord(models.Model):
    """One session: areas and needle depths, device, passes, products, the skin's reaction.

    Correctable for EDIT_WINDOW (24 elapsed hours, whatever the wall clock does on a DST
    day) after it was made; after that it never changes, and corrections are addenda.
    """

    medical_record = True
    EDIT_WINDOW = timedelta(hours=24)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_records")
    # The appointment may be purged with its request long before the record may go.
    appointment = models.OneToOneField(
        "bookings.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="treatment_record",
    )
    treated_at = models.DateTimeField("treated at", db_index=True)
    practitioner = models.ForeignKey(
        "bookings.Practitioner",
        on_delete=models.SET_NULL,
        null=True,
        related_name="treatment_records",
        verbose_name="treated by",
    )
    # The name as it was, should the practitioner's row ever go.
    practitioner_name = models.CharField("treated by", max_length=100, editable=False)
    device = models.CharField(max_length=100, help_text="Make and model, cartridge if relevant.")
    passes = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(PASSES_MIN, PASSES_MESSAGE),
            MaxValueValidator(PASSES_MAX, PASSES_MESSAGE),
        ],
        help_text="Passes over each area, 1 to 10.",
    )
    products = models.TextField(
        "products applied", max_length=1000, blank=True, help_text="Serums, numbing cream, masks."
    )
    skin_reaction = models.CharField("skin reaction", max_length=10, choices=SkinReaction.choices)
    notes = models.TextField(max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_by_name = models.CharField("recorded by", max_length=150, editable=False)
    created_at = models.DateTimeField("recorded at", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("last corrected at", auto_now=True)

    objects = TreatmentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-treated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(passes__gte=PASSES_MIN, passes__lte=PASSES_MAX),
                name="treatment_passes_1_to_10",
                violation_error_message=PASSES_MESSAGE,
            ),
            models.CheckConstraint(
                condition=models.Q(skin_reaction__in=SkinReaction.values),
                name="treatment_skin_reaction_known",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localdate(self.treated_at) if self.treated_at else None
        return f"Treatment record #{self.pk}" + (f", {when:%Y-%m-%d}" if when else "")

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and not self.is_editable():
            raise RecordLocked(f"{self} can no longer be changed: add an addendum.")
        if self.practitioner is not None:
            self.practitioner_name = self.practitioner.name
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:patients_treatmentrecord_change", args=[self.pk])

    @property
    def treated_on(self) -> date:
        """The clinic's calendar day of the session (TIME_ZONE), as the 28-day rule counts."""
        return timezone.localdate(self.treated_at)

    @property
    def editable_until(self) -> datetime:
        return self.created_at + self.EDIT_WINDOW

    def is_editable(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) < self.editable_until


class TreatmentArea(models.Model):
    """One area treated at the session, with its needle depth."""

    medical_record = True

    record = models.ForeignKey(TreatmentRecord, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=20, choices=AREA_CHOICES)
    depth_mm = models.DecimalField(
        "needle depth (mm)",
        max_digits=3,
        decimal_places=1,
        validators=[
            MinValueValidator(DEPTH_MIN, DEPTH_MESSAGE),
            MaxValueValidator(DEPTH_MAX, DEPTH_MESSAGE),
        ],
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "area treated"
        verbose_name_plural = "areas treated"
        constraints = [
            models.UniqueConstraint(fields=["record", "area"], name="one_depth_per_area"),
            models.CheckConstraint(
                condition=models.Q(depth_mm__gte=DEPTH_MIN, depth_mm__lte=DEPTH_MAX),
                name="treatment_depth_0_1_to_3_mm",
                violation_error_message=DEPTH_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} {self.depth_mm} mm"

    def save(self, *args, **kwargs) -> None:
        if not self.record.is_editable():
            raise RecordLocked(f"{self.record} can no longer be changed: add an addendum.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.record.is_editable():
            raise RecordLocked(f"{self.record} can no longer be changed: add an addendum.")
        return super().delete(*args, **kwargs)


class TreatmentAddendum(models.Model):
    """A later note on a record (who, when, what). Added, never changed."""

    medical_record = True

    record = models.ForeignKey(TreatmentRecord, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField("addendum", max_length=4000)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    added_by_name = models.CharField("added by", max_length=150, editable=False)
    added_at = models.DateTimeField("added at", default=timezone.now, editable=False)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = "addendum"
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise RecordLocked(f"{self} is kept as written: add another addendum.")
        super().save(*args, **kwargs)


class TreatmentRecordView(models.Model):
    """One look at a treatment record in the admin: who, which record and patient, when, where.

    Not a medical record itself; it names no area, depth or note.
    """

    class Where(models.TextChoices):
        RECORD = "record", "The record's page"
        REQUEST = "request", "Last session, on a booking request's page"
        NEW_RECORD = "new_record", "Last session, on a new record's page"

    record = models.ForeignKey(
        TreatmentRecord, on_delete=models.SET_NULL, null=True, related_name="views"
    )
    record_number = models.PositiveIntegerField("record")
    # Named, so that erasure (which follows every relation to Patient) finds it.
    patient = models.ForeignKey(
        Patient, on_delete=models.SET_NULL, null=True, related_name="treatment_record_views"
    )
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)
    where = models.CharField(max_length=20, choices=Where.choices)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = "view of a treatment record"
        verbose_name_plural = "views of treatment records"
        default_permissions = ("view",)  # a record nobody may add, change or delete

    def __str__(self) -> str:
        return f"{self.username} viewed treatment record #{self.record_number}"
