"""Consent in the admin: clinicians keep the versions of the text; signed consents are read
by clinicians only, and changed or deleted by nobody; the front desk (and clinicians) record a
consent signed on paper, and see only whether a patient signed (consent_status_html)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from modeltranslation.admin import TranslationAdmin

from bookings.admin.base import staff_user
from bookings.models import BookingRequest
from faq.languages import content_languages, localized
from patients.consent import (
    appointment_day,
    consent_status,
    consent_version_copy,
    consent_version_publish,
    paper_consent_record,
    paper_consent_url,
)
from patients.consent_forms import PaperConsentForm
from patients.models import ConsentSignature, ConsentVersion, Patient

PAPER_PERMISSION = "patients.add_consentsignature"


def consent_status_html(booking: BookingRequest) -> SafeString:
    """For the booking request's page, for every role that opens it: "Signed on DATE
    (online), version N" or "Not signed", and the link to record a paper consent (every role
    that sees booking requests may). Nothing of the record itself."""
    status = consent_status(booking.patient, appointment_day(booking))
    state = "needed" if status.needed else ("signed" if status.latest else "none")
    return format_html(
        '<span data-consent-state="{}">{}</span> <a href="{}" data-record-paper-consent>'
        "Record paper consent</a>",
        state,
        status.summary,
        paper_consent_url(booking.patient, booking),
    )


@admin.register(ConsentVersion)
class ConsentVersionAdmin(TranslationAdmin):
    """The consent text, by version. A draft is edited freely; publishing freezes it (patients
    then sign it); a change after that is a new draft ("Copy into a new draft")."""

    list_display = ("number", "label", "state", "awaiting_clinic_review", "signed_count")
    list_filter = ("awaiting_clinic_review",)
    search_fields = ("label",)
    actions = ("publish", "copy_into_draft")
    fields = (
        "number",
        "label",
        "text",
        "text_preview",
        "awaiting_clinic_review",
        "published_at",
        "created_by",
        "created_at",
    )
    readonly_fields = ("number", "text_preview", "published_at", "created_by", "created_at")

    class Media:
        css = {"all": ("css/admin.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentVersion]:
        return super().get_queryset(request).annotate(signed=Count("signatures"))

    def get_readonly_fields(self, request: HttpRequest, obj: ConsentVersion | None = None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_published:
            # Frozen: only the review flag may still be ticked off.
            return (*fields, "label", *(localized("text", code) for code in content_languages()))
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: ConsentVersion | None = None):
        if obj is not None and obj.is_published:
            return False  # patients may have signed it; its number must stay
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("patients.publish_consentversion")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = staff_user(request)
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The bulk "delete selected" skips has_delete_permission(obj): drafts only here too.
        queryset.filter(published_at__isnull=True).delete()

    @admin.display(description="State")
    def state(self, obj: ConsentVersion) -> str:
        if obj.published_at is None:
            return "Draft"
        return f"Published {obj.published_at:%Y-%m-%d}"

    @admin.display(description="Signed", ordering="signed")
    def signed_count(self, obj: ConsentVersion) -> int:
        return getattr(obj, "signed", 0)

    @admin.display(description="As patients see it")
    def text_preview(self, obj: ConsentVersion) -> SafeString:
        if not obj.text_html:
            return format_html("<p>{}</p>", "(Shown once the draft is saved.)")
        return format_html('<div class="consent-preview">{}</div>', _sanitised(obj.text_html))

    @admin.action(description="Publish the selected draft", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        drafts = list(queryset.filter(published_at__isnull=True).order_by("number"))
        if len(drafts) != 1 or queryset.count() != 1:
            self.message_user(
                request,
                "Select one draft to publish (a published version stays as it is).",
                messages.ERROR,
            )
            return None
        (draft,) = drafts
        if request.POST.get("post") != "yes":
            current = ConsentVersion.objects.current()
            return TemplateResponse(
                request,
                "admin/patients/consentversion/publish_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": f"Publish version {draft.number}?",
                    "draft": draft,
                    "current": current,
                    "signed": current.signatures.count() if current else 0,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        try:
            consent_version_publish(version=draft)
        except ValueError as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return None
        self.log_change(request, draft, "Published.")
        self.message_user(
            request,
            f"Version {draft.number} is published: patients sign it from now on.",
            messages.SUCCESS,
        )
        return None

    @admin.action(description="Copy into a new draft", permissions=["add"])
    def copy_into_draft(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select one version to copy.", messages.ERROR)
            return None
        draft = consent_version_copy(version=queryset.get(), by=staff_user(request))
        self.log_addition(request, draft, "Copied from another version.")
        self.message_user(
            request, f"Version {draft.number} is a new draft: edit it, then publish it."
        )
        return HttpResponseRedirect(
            reverse("admin:patients_consentversion_change", args=[draft.pk])
        )


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(admin.ModelAdmin):
    """Signed consents: for clinicians (view permission), read-only for everyone. The front
    desk hold only the permission to add one (on paper, through paper_view)."""

    list_display = ("signed_at", "patient", "version_number", "method", "recorded_by_name")
    list_filter = ("method", "version")
    search_fields = ("patient__full_name", "patient__email", "signed_name")
    date_hierarchy = "signed_at"
    list_select_related = ("patient", "version")
    fields = (
        "patient",
        "version",
        "signed_name",
        "signed_at",
        "method",
        "recorded_by_name",
        "appointment",
        "language",
        "text_sha256",
        "hash_check",
        "text_signed",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ("css/admin.css",)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # online by the patient, or on paper through paper_view

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Version", ordering="version__number")
    def version_number(self, obj: ConsentSignature) -> int:
        return obj.version.number

    @admin.display(description="Hash matches the text")
    def hash_check(self, obj: ConsentSignature) -> str:
        return "Yes" if obj.text_matches else "NO: the stored text is not the one signed"

    @admin.display(description="Text signed, as the patient saw it")
    def text_signed(self, obj: ConsentSignature) -> SafeString:
        return format_html('<div class="consent-preview">{}</div>', _sanitised(obj.text_html))

    def get_urls(self) -> list:
        paper = self.admin_site.admin_view(self.paper_view)
        return [path("paper/", paper, name="patients_consentsignature_paper"), *super().get_urls()]

    def paper_view(self, request: HttpRequest) -> HttpResponse:
        """Record a consent signed on paper: the patient (from the link on their booking
        request), the version printed, the name as written, the date on it."""
        if not request.user.has_perm(PAPER_PERMISSION):
            raise PermissionDenied
        booking = _booking_from(request)
        data = request.POST if request.method == "POST" else None
        form = PaperConsentForm(data, initial={"patient": request.GET.get("patient")})
        patient = _patient_from(request.POST.get("patient") or request.GET.get("patient"))
        if data is not None and form.is_valid():
            signature = paper_consent_record(
                patient=form.cleaned_data["patient"],
                version=form.cleaned_data["version"],
                signed_name=form.cleaned_data["signed_name"],
                signed_on=form.cleaned_data["signed_on"],
                by=staff_user(request),
            )
            self.log_addition(request, signature, "Recorded a consent signed on paper.")
            self.message_user(
                request,
                f"Paper consent recorded for {signature.patient} "
                f"(version {signature.version.number}).",
                messages.SUCCESS,
            )
            if booking is not None:
                return HttpResponseRedirect(booking.get_absolute_url())
            return HttpResponseRedirect(reverse("admin:index"))
        return TemplateResponse(
            request,
            "admin/patients/consentsignature/paper.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Record a consent signed on paper",
                "form": form,
                "patient": patient,
                "booking": booking,
                "media": self.media + form.media,
            },
        )


def _sanitised(html: str) -> SafeString:
    # A version's text_html is faq.markdown's sanitised output, and a signature's is a copy.
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 when the draft was saved


def _pk(value: str | None) -> int | None:
    """A primary key from the query string, or None for anything else (never an error)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _patient_from(value: str | None) -> Patient | None:
    pk = _pk(value)
    return Patient.objects.filter(pk=pk).first() if pk else None


def _booking_from(request: HttpRequest) -> BookingRequest | None:
    pk = _pk(request.GET.get("booking"))
    return BookingRequest.objects.filter(pk=pk).first() if pk else None
