"""The forms of the request admin: the request itself and the contact log's entries."""

from django import forms
from django.contrib.admin import widgets

from bookings import scheduling
from bookings.appointments import unreviewed_changes
from bookings.models import BookingRequest, ContactLogEntry
from diary.booking import SlotTaken, placement_for

PROPHYLAXIS_REQUIRED = (
    "Tick this once antiviral prophylaxis has been arranged: a patient with a history of cold "
    "sores cannot be marked scheduled before then."
)


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time inputs, each named for screen readers (the admin's own
    split widget labels them with plain text only)."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = "Appointment date"
        self.widgets[1].attrs["aria-label"] = "Appointment time"


NO_PRACTITIONER_FREE = (
    "No practitioner is free then: another appointment (with its buffer) or time off "
    "overlaps it. The calendar shows the day."
)
RECHECK_NOT_REVIEWED = (
    "The re-check says treatment may have to wait: a clinician must mark it reviewed first."
)


class BookingRequestAdminForm(forms.ModelForm):
    # Clinicians only (set by BookingRequestAdmin.get_form); shown while a re-check is changed.
    may_review_rechecks = False
    recheck_reviewed = forms.BooleanField(
        label="Changed re-check reviewed",
        required=False,
        help_text="Tick once you have dealt with what the re-check says (for example by phone).",
    )

    class Meta:
        model = BookingRequest
        # The editable fields; ModelAdmin narrows them to those in the fieldsets.
        fields = (
            "status",
            "staff_notes",
            "antiviral_prophylaxis_arranged",
            "appointment_at",
            "needs_attention",
        )
        field_classes = {"appointment_at": forms.SplitDateTimeField}
        widgets = {"appointment_at": LabelledSplitDateTime}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.may_review_rechecks:
            del self.fields["recheck_reviewed"]
        reason = self.instance.get_attention_reason_display()
        if "needs_attention" in self.fields and reason:
            self.fields["needs_attention"].help_text = f"{reason}. Untick once it is dealt with."

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        self._clean_appointment(cleaned)
        if (
            "needs_attention" in self.fields
            and not cleaned.get("needs_attention")
            and self.instance.attention_reason == BookingRequest.AttentionReason.RECHECK_CHANGED
            and not cleaned.get("recheck_reviewed")
            and unreviewed_changes(self.instance).exists()
        ):
            self.add_error("needs_attention", RECHECK_NOT_REVIEWED)
        if (
            cleaned.get("status") == BookingRequest.Status.SCHEDULED
            and self.instance.needs_antiviral_prophylaxis
            and not cleaned.get("antiviral_prophylaxis_arranged")
        ):
            self.add_error("antiviral_prophylaxis_arranged", PROPHYLAXIS_REQUIRED)
        return cleaned

    def _clean_appointment(self, cleaned: dict) -> None:
        """bookings.scheduling's rules, for a new or moved appointment (a saved one may pass)."""
        if "appointment_at" not in self.fields or "appointment_at" in self.errors:
            return
        scheduled = cleaned.get("status") == BookingRequest.Status.SCHEDULED
        when = cleaned.get("appointment_at")
        missing = scheduling.missing_time_error(scheduled=scheduled, appointment_at=when)
        if missing:
            self.add_error("appointment_at", missing)
            return
        becomes_scheduled = scheduled and self.instance.status != BookingRequest.Status.SCHEDULED
        if when is None or not (becomes_scheduled or "appointment_at" in self.changed_data):
            return
        for message in scheduling.patient_appointment_errors(
            self.instance, when, email=cleaned.get("email", "")
        ):
            self.add_error("appointment_at", message)
        if "appointment_at" in self.errors:
            return
        try:
            placement_for(self.instance, when)
        except SlotTaken:
            self.add_error("appointment_at", NO_PRACTITIONER_FREE)


class ContactLogEntryForm(forms.ModelForm):
    class Meta:
        model = ContactLogEntry
        fields = ("what", "note")
        # A table's inputs have no <label>: their column heading names them for screen readers.
        widgets = {
            "what": forms.Select(attrs={"aria-label": "What was done"}),
            "note": forms.TextInput(attrs={"aria-label": "Note", "size": 40}),
        }
