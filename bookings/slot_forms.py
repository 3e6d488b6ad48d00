"""Booking a free time: the time chosen from the list, who the patient is, their consent."""

from collections.abc import Collection

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import NO_NOTES, PatientDetailsForm
from diary.booking import parse_slot

SLOT_REQUIRED = _("Choose a time from the list")
SLOT_GONE = _(
    "That time is no longer free: someone else has just booked it. Please choose another time."
)


class TimeBookingForm(PatientDetailsForm):
    """`slot` is a YYYY-MM-DDTHH:MM value from the times the view offers (`offered`); the list
    itself is drawn by the template, grouped by day, so only the value is checked here."""

    slot = forms.CharField(
        max_length=16,
        error_messages={"required": SLOT_REQUIRED},
        widget=forms.HiddenInput,
    )
    field_order = ("slot", "full_name", "email", "phone", "notes", "consent")

    def __init__(self, *args, offered: Collection[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        self.setup_details()
        self.fields["phone"].help_text = _("In case we need to reach you about your appointment.")
        self.fields["email"].help_text = _(
            "We will send your appointment's details and the link to manage it to this address."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(name for name in self.fields if name not in ("website", "slot"))
        )

    def clean_slot(self) -> str:
        value = self.cleaned_data["slot"].strip()
        if value not in self.offered:
            # A real time that is not offered (any more) was most likely just taken.
            if parse_slot(value) is not None:
                raise forms.ValidationError(SLOT_GONE, code="gone")
            raise forms.ValidationError(SLOT_REQUIRED, code="not_offered")
        return value

    def check_rows(self) -> list[tuple[str, str, str]]:
        """(name, label, what the patient entered) for "Check your details"."""
        data = self.cleaned_data
        return [
            (name, str(self[name].label), data.get(name) or str(NO_NOTES))
            for name in ("full_name", "email", "phone", "notes")
        ]

    def error_summary(self) -> list[tuple[str, str]]:
        # The times' first radio carries the anchor the summary links to.
        return [
            ("slot-list" if bound.name == "slot" else bound.auto_id, str(message))
            for bound in self
            if bound.name != "website"
            for message in bound.errors
        ]


class SlotForm(forms.Form):
    """Just the time: moving an appointment to another of the free times."""

    slot = forms.CharField(max_length=16, error_messages={"required": SLOT_REQUIRED})

    def __init__(self, *args, offered: Collection[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered

    clean_slot = TimeBookingForm.clean_slot

    def error_summary(self) -> list[tuple[str, str]]:
        return [("slot-list", str(message)) for message in self["slot"].errors]
