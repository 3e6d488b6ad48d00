"""Erasure from the patient's page: what will go, then everything goes but the anonymous
ErasureRecord (patients.erasure)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from bookings.admin.base import staff_user
from patients.erasure import erasure_counts, patient_erase


def erased_in_words(record) -> str:
    return (
        f"Erased {record.patients} patient record(s), {record.requests} request(s), "
        f"{record.appointments} appointment(s), {record.screenings} screening(s), "
        f"{record.messages} e-mail(s), {record.contact_log_entries} contact log "
        f"entr{'y' if record.contact_log_entries == 1 else 'ies'} and {record.other_records} "
        "other record(s)."
    )


class PatientErasureMixin(admin.ModelAdmin):
    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.add_erasurerecord")

    def erase_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_erase_permission(request):
            raise PermissionDenied
        patient = self.get_object(request, object_id)
        if patient is None:
            raise Http404("No such patient.")
        if request.method == "POST" and request.POST.get("post") == "yes":
            record = patient_erase(patients=[patient], by=staff_user(request))
            messages.success(request, erased_in_words(record))
            return HttpResponseRedirect(reverse("admin:patients_patient_changelist"))
        return TemplateResponse(
            request,
            "admin/patients/patient/erase_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Erase this patient's data: are you sure?",
                "media": self.media,
                "original": patient,
                "counts": erasure_counts(patients=[patient]),
            },
        )
