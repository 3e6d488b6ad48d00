"""Merging two records of the same person (the front desk): find the other record, see what
will move, confirm. The record whose page it is stays; the other is merged into it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from bookings.admin.base import staff_user
from bookings.models import Appointment, Message
from patients.admin.forms import MergeChoiceForm, MergeSearchForm
from patients.models import Patient
from patients.services import MergeRefused, patient_merge, patient_relations, rows_of


def what_moves(other: Patient) -> list[tuple[str, int]]:
    """What belongs to `other`, by kind, as the merge will move it (every relation to
    Patient, so records added by any app count), with the requests' appointments and
    e-mails, which move with them."""
    rows = []
    for relation in patient_relations():
        number = rows_of(relation, other).count()
        if number:
            rows.append(
                (str(relation.related_model._meta.verbose_name_plural).capitalize(), number)
            )
    appointments = Appointment.objects.filter(booking__patient=other).count()
    if appointments:
        rows.append(("Appointments (with their requests)", appointments))
    e_mails = Message.objects.filter(booking__patient=other).count()
    if e_mails:
        rows.append(("E-mails (with their requests)", e_mails))
    return rows


class PatientMergeMixin(admin.ModelAdmin):
    def has_merge_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("patients.merge_patient")

    def merge_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_merge_permission(request):
            raise PermissionDenied
        keep = self.get_object(request, object_id)
        if keep is None:
            raise Http404("No such patient.")
        if request.method == "POST":
            choice = MergeChoiceForm(request.POST, keep=keep)
            if choice.is_valid():
                other = choice.cleaned_data["other"]
                if request.POST.get("confirm") == "yes":
                    try:
                        merge = patient_merge(keep=keep, other=other, by=staff_user(request))
                    except MergeRefused as refused:
                        messages.error(request, str(refused))
                    else:
                        self.log_change(
                            request,
                            keep,
                            f"Merged record #{merge.merged_patient_id} into this one.",
                        )
                        messages.success(
                            request, f"Record #{merge.merged_patient_id} merged into this one."
                        )
                        return HttpResponseRedirect(self._patient_url(keep))
                return self._merge_confirmation(request, keep, other)
            search = MergeSearchForm(request.POST)
        else:
            choice = MergeChoiceForm(keep=keep)
            # First, the records that share the last word of the name (the surname, mostly).
            surname = (keep.full_name.split() or [""])[-1]
            search = MergeSearchForm(request.GET if "q" in request.GET else {"q": surname})
        candidates = search.candidates(keep)
        return TemplateResponse(
            request,
            "admin/patients/patient/merge.html",
            self._merge_context(
                request,
                keep,
                "Merge with another record of the same person",
                search=search,
                choice=choice,
                candidates=candidates,
                searched=bool(search.is_valid() and search.cleaned_data.get("q", "").strip()),
            ),
        )

    def _merge_confirmation(self, request: HttpRequest, keep: Patient, other: Patient):
        return TemplateResponse(
            request,
            "admin/patients/patient/merge_confirmation.html",
            self._merge_context(
                request,
                keep,
                "Merge these records: are you sure?",
                other=other,
                moves=what_moves(other),
            ),
        )

    def _patient_url(self, patient: Patient) -> str:
        return patient.get_absolute_url()

    def _merge_context(self, request: HttpRequest, keep: Patient, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            "original": keep,
            "keep": keep,
            **extra,
        }
