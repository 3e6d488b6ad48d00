"""The request admin: the front desk's worklist of booking requests and each request's page.

Requests come from patients: online, or through the front desk on the phone (the same screener
and rules, in the admin's phone-booking view). The patient's own entries are read-only here.
"""

from typing import cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters

from bookings.admin.base import URL_NAME, staff_user
from bookings.admin.columns import WorklistColumnsMixin
from bookings.admin.erasure import ErasureMixin
from bookings.admin.filters import (
    ConditionFilter,
    EmailFailedFilter,
    OutcomeFilter,
    WorklistFilter,
)
from bookings.admin.forms import BookingRequestAdminForm
from bookings.admin.inlines import ContactLogInline, MessageInline
from bookings.admin.phone import PhoneBookingMixin
from bookings.appointments import booking_staff_change_apply, recheck_reviewed, unreviewed_changes
from bookings.exports import csv_response
from bookings.models import Appointment, BookingRequest, ContactLogEntry, HealthAnswersView
from bookings.services import booking_requests_set_status
from bookings.worklist import failing_email, reply_days
from clinic.admin_health import HealthLookupsRefused, may_see_health_answers
from patients.admin.consent import consent_status_html
from patients.admin.treatment import record_viewed, session_summary
from patients.models import TreatmentRecordView
from patients.treatments import last_record

# The patient's own entries: staff read them, never change them.
PATIENT_FIELDS = ("full_name", "email", "phone", "preferred_date", "preferred_time", "notes")


class BookingRequestAdmin(
    HealthLookupsRefused, WorklistColumnsMixin, PhoneBookingMixin, ErasureMixin, admin.ModelAdmin
):
    form = BookingRequestAdminForm
    inlines = (ContactLogInline, MessageInline)
    change_list_template = "admin/bookings/bookingrequest/change_list.html"
    list_display = (
        "reference",
        "full_name",
        "phone",
        "area_short",
        "earliest",
        "preferred",
        "condition",
        "status_and_attention",
        "waited",
        "email_failed",
    )
    list_select_related = ("screening",)
    list_filter = (
        WorklistFilter,
        "status",
        "needs_attention",
        EmailFailedFilter,
        ConditionFilter,
        OutcomeFilter,
        "taken_by_phone",
    )
    search_fields = ("reference", "full_name", "email", "phone")
    ordering = ("created_at", "pk")  # oldest first: the longest wait at the top
    list_per_page = 50
    actions = ("mark_contacted", "mark_declined", "mark_cancelled", "export_csv", "erase_patients")
    readonly_fields = (
        "reference",
        "created_at",
        "patient_record",
        *PATIENT_FIELDS,
        "language",
        "taken_by_phone",
        "taken_by",
        "area",
        "outcome_label",
        "reasons_in_words",
        "earliest_booking_date",
        "answers_table",
        "recheck_table",
        "last_session",
        "consent_given_at",
        "consent_text_version",
        "informed_consent",
    )

    class Media:
        css = {"all": ("css/admin.css",)}

    def get_fieldsets(self, request: HttpRequest, obj: BookingRequest | None = None) -> list:
        # The patient's record, and the language their e-mails are written in.
        patient: tuple[str, ...] = ("patient_record", *PATIENT_FIELDS, "language")
        if obj is not None and obj.taken_by_phone:
            patient = (*patient, "taken_by_phone", "taken_by")
        fieldsets: list = [
            (None, {"fields": ("reference", "created_at", "status")}),
        ]
        if obj is not None and may_see_health_answers(request):
            # What a clinician opening the next appointment needs first.
            fieldsets.append(
                ("Last treatment (for the clinical team)", {"fields": ("last_session",)})
            )
        fieldsets += [
            ("Patient (as the patient gave it: read-only)", {"fields": patient}),
        ]
        # The checklist appears only for the requests it concerns.
        if obj is not None and obj.needs_antiviral_prophylaxis:
            fieldsets.append(("Before scheduling", {"fields": ("antiviral_prophylaxis_arranged",)}))
        appointment: tuple[str, ...] = ("appointment_at", "needs_attention", "informed_consent")
        if obj is not None and may_see_health_answers(request) and unreviewed_changes(obj).exists():
            appointment = (*appointment, "recheck_reviewed")
        fieldsets.append(("Appointment", {"fields": appointment}))
        fieldsets += [
            ("Front desk", {"fields": ("staff_notes",)}),
            (
                "Screening (health information: for the clinical team)",
                {
                    "fields": (
                        "area",
                        "outcome_label",
                        "reasons_in_words",
                        "earliest_booking_date",
                        *(
                            ("answers_table", "recheck_table")
                            if may_see_health_answers(request)
                            else ()
                        ),
                    )
                },
            ),
            ("Consent", {"fields": ("consent_given_at", "consent_text_version")}),
        ]
        return fieldsets

    @admin.display(description="Consent to treatment")
    def informed_consent(self, obj: BookingRequest) -> str:
        # Signed or not, for every role (patients.admin.consent); the record is clinicians'.
        return consent_status_html(obj)

    @admin.display(description="Patient record")
    def patient_record(self, obj: BookingRequest) -> str:
        """The patient the request belongs to: their page, with every request and the course."""
        return format_html('<a href="{}">{}</a>', obj.patient.get_absolute_url(), obj.patient)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        # A subclass of self.form (modelform_factory), so it has the form's attribute.
        form = cast(type[BookingRequestAdminForm], super().get_form(request, obj, change, **kwargs))
        form.may_review_rechecks = may_see_health_answers(request)
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: BookingRequest | None = None):
        fields = super().get_readonly_fields(request, obj)
        if may_see_health_answers(request):
            return fields
        clinical = {"answers_table", "recheck_table", "last_session"}
        return tuple(name for name in fields if name not in clinical)

    @admin.display(description="Last session")
    def last_session(self, obj: BookingRequest) -> str:
        """The patient's last recorded session, and the way to record this one."""
        appointment = obj.appointments.filter(status=Appointment.Status.TREATED).first()
        link = ""
        if appointment is not None and not hasattr(appointment, "treatment_record"):
            url = reverse("admin:patients_treatmentrecord_add") + f"?appointment={appointment.pk}"
            link = format_html('<p><a href="{}">Record this session</a></p>', url)
        return format_html("{}{}", session_summary(last_record(obj.patient_id)), link)

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A page that was shown (not a redirect after saving) showed the answers: record it.
        if response.status_code == 200 and may_see_health_answers(request):
            booking = self.get_object(request, object_id)
            shown = last_record(booking.patient_id) if booking is not None else None
            if shown is not None:
                record_viewed(request, shown, TreatmentRecordView.Where.REQUEST)
            if booking is not None:
                HealthAnswersView.objects.create(
                    booking=booking,
                    reference=booking.reference,
                    viewed_by=staff_user(request),
                    username=request.user.get_username(),
                )
        return response

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("recheck_reviewed"):
            recheck_reviewed(booking=obj, by=request.user)
        # Scheduling, moving, unscheduling or "treated" queue (or cancel) the patient's messages.
        booking_staff_change_apply(
            booking=obj,
            previous_status=form.initial.get("status"),
            previous_appointment_at=form.initial.get("appointment_at"),
            by=request.user,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingRequest]:
        return super().get_queryset(request).annotate(email_failed=failing_email())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # from patients online, or by phone through phone_screener_view

    def save_formset(self, request, form, formset, change) -> None:
        # The contact log's who and when are never typed in: who is the member of staff.
        for entry in formset.save(commit=False):
            if isinstance(entry, ContactLogEntry) and entry.who_id is None:
                entry.who = request.user
            entry.save()
        formset.save_m2m()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "reply_days": reply_days(),
            "can_phone_book": self.has_phone_booking_permission(request),
            "can_erase": self.has_erase_permission(request),
        }
        return super().changelist_view(request, extra_context)

    # --- Actions -------------------------------------------------------------------------------

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        changed = list(queryset.exclude(status=status).select_related(None).only("reference"))
        booking_requests_set_status(
            requests=BookingRequest.objects.filter(pk__in=[b.pk for b in changed]), status=status
        )
        label = BookingRequest.Status(status).label
        for booking in changed:
            self.log_change(request, booking, f"Status changed to {label} from the worklist.")
        self.message_user(request, f"{len(changed)} request(s) marked {label.lower()}.")

    @admin.action(description="Mark selected requests contacted", permissions=["change"])
    def mark_contacted(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, BookingRequest.Status.CONTACTED)

    @admin.action(description="Mark selected requests declined", permissions=["change"])
    def mark_declined(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, BookingRequest.Status.DECLINED)

    @admin.action(description="Mark selected requests cancelled", permissions=["change"])
    def mark_cancelled(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, BookingRequest.Status.CANCELLED)

    @admin.action(
        description="Export selected requests as CSV (no health answers)", permissions=["view"]
    )
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return csv_response(queryset.select_related("screening").order_by("created_at", "pk"))

    def get_urls(self) -> list:
        def view(function):
            return self.admin_site.admin_view(sensitive_post_parameters()(function))

        return [
            path("phone/", view(self.phone_screener_view), name=f"{URL_NAME}_phone"),
            path("phone/details/", view(self.phone_details_view), name=f"{URL_NAME}_phone_details"),
            path("erase/", view(self.erase_view), name=f"{URL_NAME}_erase"),
            *super().get_urls(),
        ]
