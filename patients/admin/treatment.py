"""Treatment records in the admin: Clinicians only (their group's permissions), each view
recorded; correctable for 24 hours, then addenda only."""

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from bookings.models import Appointment
from patients.models import (
    TreatmentAddendum,
    TreatmentArea,
    TreatmentRecord,
    TreatmentRecordView,
)
from patients.treatments import last_record

RECORD_FIELDS = (
    "patient",
    "appointment",
    "treated_at",
    "practitioner",
    "device",
    "passes",
    "products",
    "skin_reaction",
    "notes",
)


def record_viewed(request: HttpRequest, record: TreatmentRecord, where: str) -> None:
    TreatmentRecordView.objects.create(
        record=record,
        record_number=record.pk,
        patient_id=record.patient_id,
        viewed_by=request.user if request.user.is_authenticated else None,
        username=request.user.get_username(),
        where=where,
    )


def session_summary(record: TreatmentRecord | None) -> str:
    """The last session in one block: date, areas with depths, passes, reaction, notes."""
    if record is None:
        return format_html("<p>{}</p>", "No earlier treatment recorded.")
    areas = format_html_join(
        ", ", "{} {} mm", ((area.get_area_display(), area.depth_mm) for area in record.areas.all())
    )
    return format_html(
        "<div data-last-session><p><strong>{}</strong>: {}; passes {}; reaction {}; device {}."
        "</p>{}</div>",
        f"{timezone.localtime(record.treated_at):%B %-d, %Y}",
        areas,
        record.passes,
        record.get_skin_reaction_display().lower(),
        record.device,
        format_html("<p>Notes: {}</p>", record.notes) if record.notes else "",
    )


class TreatmentAreaInline(admin.TabularInline):
    model = TreatmentArea
    extra = 2
    min_num = 1
    fields = ("area", "depth_mm")

    def _locked(self, obj: TreatmentRecord | None) -> bool:
        return obj is not None and not obj.is_editable()

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class TreatmentAddendumInline(admin.StackedInline):
    """Addenda are added, never changed: earlier ones are shown as written."""

    model = TreatmentAddendum
    extra = 1
    fields = ("text", "added_by_name", "added_at")
    readonly_fields = ("added_by_name", "added_at")
    can_delete = False

    def get_extra(self, request: HttpRequest, obj=None, **kwargs) -> int:
        return 0 if obj is None else 1  # a new record has nothing to add to

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TreatmentRecord)
class TreatmentRecordAdmin(admin.ModelAdmin):
    list_display = ("treated_at", "patient", "practitioner_name", "created_by_name")
    list_select_related = ("patient",)
    date_hierarchy = "treated_at"
    search_fields = ("patient__full_name", "patient__email")
    raw_id_fields = ("patient", "appointment")
    readonly_fields = ("created_by_name", "created_at", "editable_until")
    # The last session's depths and reaction above a new record's form.
    change_form_template = "admin/patients/treatmentrecord/change_form.html"
    inlines = (TreatmentAreaInline, TreatmentAddendumInline)

    def get_fields(self, request: HttpRequest, obj: TreatmentRecord | None = None):
        if obj is None:
            return RECORD_FIELDS
        return (*RECORD_FIELDS, "created_by_name", "created_at", "editable_until")

    def get_readonly_fields(self, request: HttpRequest, obj: TreatmentRecord | None = None):
        if obj is not None and not obj.is_editable():
            return (*self.readonly_fields, *RECORD_FIELDS)
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a medical record: only erasure or the retention period removes it

    @admin.display(description="Correctable until")
    def editable_until(self, obj: TreatmentRecord) -> str:
        return f"{timezone.localtime(obj.editable_until):%B %-d, %Y %-I:%M %p}"

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Started from an appointment ("Record this session"): its patient, time and who."""
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        wanted = request.GET.get("appointment", "")
        appointment = (
            Appointment.objects.select_related("booking").filter(pk=wanted).first()
            if wanted.isdigit()
            else None
        )
        if appointment is not None:
            initial.update(
                patient=appointment.booking.patient_id,
                appointment=appointment.pk,
                treated_at=timezone.localtime(appointment.starts_at),
                practitioner=appointment.practitioner_id,
            )
        return initial

    def add_view(self, request: HttpRequest, form_url="", extra_context=None):
        patient = self.get_changeform_initial_data(request).get("patient")
        if request.method == "POST":
            patient = request.POST.get("patient")
        shown = last_record(int(str(patient))) if str(patient or "").isdigit() else None
        extra_context = {**(extra_context or {}), "last_session": session_summary(shown)}
        response = super().add_view(request, form_url, extra_context)
        if response.status_code == 200 and shown is not None:
            record_viewed(request, shown, TreatmentRecordView.Where.NEW_RECORD)
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            record = self.get_object(request, object_id)
            if record is not None:
                record_viewed(request, record, TreatmentRecordView.Where.RECORD)
        return response

    def save_model(self, request: HttpRequest, obj: TreatmentRecord, form, change) -> None:
        if change and not obj.is_editable():
            return  # past its 24 hours: every field is read-only, only addenda are saved
        if not change:
            obj.created_by = cast(User, request.user)
            obj.created_by_name = request.user.get_username()
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        for addendum in formset.save(commit=False):
            if isinstance(addendum, TreatmentAddendum):
                addendum.added_by = cast(User, request.user)
                addendum.added_by_name = request.user.get_username()
            addendum.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()


@admin.register(TreatmentRecordView)
class TreatmentRecordViewAdmin(admin.ModelAdmin):
    list_display = ("viewed_at", "username", "record_number", "where")
    list_filter = ("where",)
    search_fields = ("username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
