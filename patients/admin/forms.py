"""The patient admin's forms: the contact details, and choosing the record to merge."""

from typing import cast

from django import forms
from django.db.models import Q

from patients.models import Patient, PatientAddress

ADDRESS_TAKEN = (
    "Another patient record has this e-mail address. If it is the same person, merge the two "
    "records (“Merge with another record of the same person”) instead."
)


class PatientAdminForm(forms.ModelForm):
    """The front desk's change of a patient's contact details."""

    class Meta:
        model = Patient
        fields = ("full_name", "email", "phone")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        taken = Patient.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        merged = PatientAddress.objects.filter(email__iexact=email).exclude(
            patient_id=self.instance.pk
        )
        if taken.exists() or merged.exists():
            raise forms.ValidationError(ADDRESS_TAKEN)
        return email


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label="Find the other record (name, e-mail address or phone)",
        max_length=200,
        required=False,
    )

    def candidates(self, keep: Patient) -> list[Patient]:
        """Up to 20 other records matching the search (none for less than 2 characters)."""
        query = self.cleaned_data.get("q", "").strip() if self.is_valid() else ""
        if len(query) < 2:
            return []
        return list(
            Patient.objects.exclude(pk=keep.pk)
            .filter(
                Q(full_name__icontains=query)
                | Q(email__icontains=query)
                | Q(phone__icontains=query)
                | Q(other_addresses__email__icontains=query)
            )
            .distinct()
            .order_by("full_name", "pk")[:20]
        )


class MergeChoiceForm(forms.Form):
    """The record chosen for merging into the one whose page it is (radios drawn by the
    template from the search's results, so the field never lists every patient)."""

    other = forms.ModelChoiceField(
        queryset=Patient.objects.none(),
        error_messages={
            "required": "Choose the other record of this patient.",
            "invalid_choice": "That record no longer exists: search again and choose another.",
        },
    )

    def __init__(self, *args, keep: Patient, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        other = cast(forms.ModelChoiceField, self.fields["other"])
        other.queryset = Patient.objects.exclude(pk=keep.pk)
