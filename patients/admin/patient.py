"""The patient's admin page: contact details, the course, and the timeline for the viewer's
role; the list of patients. Merging and erasure are in their own modules."""

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import path
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from bookings.admin.base import staff_user
from bookings.models import Appointment
from clinic.admin_health import HealthLookupsRefused, may_see_health_answers
from patients.admin.erasure import PatientErasureMixin
from patients.admin.forms import PatientAdminForm
from patients.admin.merge import PatientMergeMixin
from patients.models import Patient, PatientRecordView
from patients.selectors import course_for, plan_in_words
from patients.timeline import kind_label, timeline

URL_NAME = "patients_patient"


class NextAppointmentFilter(admin.SimpleListFilter):
    title = "next appointment"
    parameter_name = "booked"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Booked"), ("no", "None booked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(next_appointment_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(next_appointment_at__isnull=True)
        return queryset


class PatientAdmin(HealthLookupsRefused, PatientMergeMixin, PatientErasureMixin, admin.ModelAdmin):
    form = PatientAdminForm
    change_form_template = "admin/patients/patient/change_form.html"
    list_display = ("full_name", "email", "phone", "requests", "next_appointment")
    list_filter = (NextAppointmentFilter,)
    # Contact details only: nothing of a screening, consent or treatment is searched.
    search_fields = ("full_name", "email", "phone", "other_addresses__email")
    search_help_text = "Name, e-mail address (any the patient used) or phone."
    fields = ("full_name", "email", "phone", "other_addresses_list", "created_at")
    readonly_fields = ("other_addresses_list", "created_at")
    list_per_page = 50
    view_on_site = False  # the patient's "absolute URL" is this very page

    class Media:
        css = {"all": ("css/admin.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Patient]:
        next_appointment = Appointment.objects.filter(
            booking__patient=OuterRef("pk"),
            status=Appointment.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        ).order_by("starts_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                request_count=Count("booking_requests", distinct=True),
                next_appointment_at=Subquery(next_appointment.values("starts_at")[:1]),
            )
        )

    @admin.display(description="Requests", ordering="request_count")
    def requests(self, obj: Patient) -> int:
        return obj.request_count  # type: ignore[attr-defined]

    @admin.display(description="Next appointment", ordering="next_appointment_at")
    def next_appointment(self, obj: Patient) -> str:
        moment = obj.next_appointment_at  # type: ignore[attr-defined]
        if moment is None:
            return "—"
        local = timezone.localtime(moment)
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"

    @admin.display(description="Other e-mail addresses")
    def other_addresses_list(self, obj: Patient) -> str:
        addresses = [address.email for address in obj.other_addresses.all()]
        return ", ".join(addresses) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a patient comes with their first booking request

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # "Erase this patient's data" deletes everything, leaving its record

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        patient = self.get_object(request, object_id)
        clinical = may_see_health_answers(request)
        if patient is not None and self.has_view_or_change_permission(request, patient):
            course = course_for(patient)
            extra_context = {
                **(extra_context or {}),
                "timeline": [
                    (entry, kind_label(entry.kind))
                    for entry in timeline(patient, clinical=clinical)
                ],
                "clinical": clinical,
                "course": course,
                "course_plan": plan_in_words(course.plan) if course.plan else "",
                "can_merge": self.has_merge_permission(request),
                "can_erase": self.has_erase_permission(request),
            }
        response = super().change_view(request, object_id, form_url, extra_context)
        # A page that was shown (not a redirect after saving) showed the clinical entries.
        if response.status_code == 200 and clinical and patient is not None:
            PatientRecordView.objects.create(
                patient=patient,
                viewed_by=staff_user(request),
                username=request.user.get_username(),
            )
        return response

    def get_urls(self) -> list:
        def view(function):
            return self.admin_site.admin_view(sensitive_post_parameters()(function))

        return [
            path("<path:object_id>/merge/", view(self.merge_view), name=f"{URL_NAME}_merge"),
            path("<path:object_id>/erase/", view(self.erase_view), name=f"{URL_NAME}_erase"),
            *super().get_urls(),
        ]


class PatientRecordViewAdmin(admin.ModelAdmin):
    """Who saw which patient's clinical record, and when: read-only, for clinicians."""

    list_display = ("viewed_at", "username", "patient")
    list_filter = ("viewed_at",)
    search_fields = ("username",)
    date_hierarchy = "viewed_at"
    fields = ("viewed_at", "username", "patient")
    readonly_fields = fields
    list_select_related = ("patient",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
