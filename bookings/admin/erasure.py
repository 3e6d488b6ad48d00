"""Erasure on request: of the selected requests' patients (an action), or by e-mail address
(a page of its own), each after a confirmation saying what will go. Either erases whole
patients (patients.erasure), as the patient's own page does."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from bookings.admin.base import URL_NAME, AdminPagesMixin, staff_user
from bookings.services import patient_data_counts, patient_data_erase
from patients.admin.erasure import erased_in_words


class ErasureForm(forms.Form):
    email = forms.EmailField(
        label="The patient's e-mail address",
        help_text=(
            "The patient with this address (in any capitals, or an address of a record merged "
            "into theirs) is erased whole, with every request made with it."
        ),
    )


class ErasureMixin(AdminPagesMixin):
    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.add_erasurerecord")

    @admin.action(
        description="Erase all data of the selected requests' patients", permissions=["erase"]
    )
    def erase_patients(self, request: HttpRequest, queryset: QuerySet):
        # Each selected request's patient, whole: by the patient's own address.
        patient_addresses = queryset.values_list("patient__email", flat=True)
        addresses = sorted({email.lower() for email in patient_addresses})
        if request.POST.get("post") == "yes":
            self._erase(request, addresses)
            return None
        return self._erasure_confirmation(
            request, addresses, selected=list(queryset.values_list("pk", flat=True))
        )

    def erase_view(self, request: HttpRequest) -> HttpResponse:
        """Erasure by e-mail address: the address, then a confirmation with what will go."""
        if not self.has_erase_permission(request):
            raise PermissionDenied
        form = ErasureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            address = form.cleaned_data["email"].lower()
            if request.POST.get("post") == "yes":
                self._erase(request, [address])
                return HttpResponseRedirect(reverse(f"admin:{URL_NAME}_changelist"))
            return self._erasure_confirmation(request, [address], selected=None)
        return TemplateResponse(
            request,
            "admin/bookings/bookingrequest/erase.html",
            self._context(request, "Erase a patient's data", form=form),
        )

    def _erasure_confirmation(
        self, request: HttpRequest, addresses: list[str], selected: list[int] | None
    ) -> HttpResponse:
        patients = [(address, patient_data_counts(email=address)) for address in addresses]
        return TemplateResponse(
            request,
            "admin/bookings/bookingrequest/erase_confirmation.html",
            self._context(
                request,
                "Erase a patient's data: are you sure?",
                patients=patients,
                selected=selected,
                action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            ),
        )

    def _erase(self, request: HttpRequest, addresses: list[str]) -> None:
        for address in addresses:
            record = patient_data_erase(email=address, by=staff_user(request))
            self.message_user(request, erased_in_words(record), messages.SUCCESS)
