"""The consent forms: the patient's online signature, and the paper one staff record."""

from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import ConsentSignature, ConsentVersion

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = ConsentSignature._meta.get_field("signed_name").max_length

SIGNATURE_REQUIRED = _("Type your full name to sign the consent form")
SIGNATURE_TOO_SHORT = _("Type your full name, at least 2 letters, to sign the consent form")
SIGNATURE_TOO_LONG = _("Your name must be 200 characters or fewer")
SIGNATURE_INVALID = _("Type your name using letters, spaces and punctuation only")
AGREE_REQUIRED = _("Tick the box to say you have read the consent form and agree to the treatment")
TEXT_CHANGED = _(
    "The consent form was updated while you were reading it. Please read the form below "
    "again, then sign it"
)


def clean_signed_name(value: str, *, too_short=SIGNATURE_TOO_SHORT, invalid=SIGNATURE_INVALID):
    """A typed name: spaces tidied; at least two characters that are letters; no control
    characters. A name spelled otherwise than the one we hold is the patient's to give."""
    name = " ".join(value.split())
    if any(not ch.isprintable() for ch in name):
        raise forms.ValidationError(invalid, code="invalid")
    if sum(ch.isalpha() for ch in name) < NAME_MIN_LENGTH:
        raise forms.ValidationError(too_short, code="min_length")
    return name


class ConsentForm(forms.Form):
    """The patient signs: their typed full name and a tick. `shown` carries the hash of the
    text on the page, so a version published meanwhile is never signed unread."""

    signature = forms.CharField(
        label=_("Your full name"),
        help_text=_("Typing your name here is your signature."),
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": SIGNATURE_REQUIRED,
            "max_length": SIGNATURE_TOO_LONG,
            "null_characters_not_allowed": SIGNATURE_INVALID,
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "words"}
        ),
    )
    agree = forms.BooleanField(
        label=_(
            "I have read this consent form, I understand it, and I agree to be treated with "
            "medical microneedling"
        ),
        error_messages={"required": AGREE_REQUIRED},
    )
    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, version: ConsentVersion, text_sha256: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.text_sha256 = text_sha256
        # The page writes `shown` itself: always the hash of the text it shows.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("signature", "agree")

    def clean_signature(self) -> str:
        return clean_signed_name(self.cleaned_data["signature"])

    def clean(self) -> dict | None:
        cleaned = super().clean()
        if self.data.get("shown") != self.text_sha256:
            self.add_error(None, forms.ValidationError(TEXT_CHANGED, code="text_changed"))
        return cleaned

    @property
    def text_changed(self) -> bool:
        return any(error.code == "text_changed" for error in self.non_field_errors().as_data())

    def error_summary(self) -> list[tuple[str, str]]:
        """(element id, message) for the error summary, in the order of the page: the text
        first (a changed version), then the name and the tick."""
        entries = [("consent-text", str(message)) for message in self.non_field_errors()]
        for name in ("signature", "agree"):
            entries += [(self[name].auto_id, str(message)) for message in self[name].errors]
        return entries


class PaperConsentForm(forms.ModelForm):
    """Staff record a consent signed on paper at the clinic: the version printed on it, the
    name as the patient wrote it, and the date on it. Who recorded it is the member of staff."""

    signed_on = forms.DateField(
        label="Date on the paper",
        help_text="Today, if the patient signed it just now.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = ConsentSignature
        fields = ("patient", "version", "signed_name")
        labels = {
            "version": "Version printed on the paper",
            "signed_name": "Name as the patient wrote it",
        }
        widgets = {"patient": forms.HiddenInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        version = cast(forms.ModelChoiceField, self.fields["version"])
        version.queryset = ConsentVersion.objects.published()
        version.initial = ConsentVersion.objects.current()
        self.fields["patient"].error_messages["required"] = (
            "Open this page from the patient's booking request (“Record paper consent”)."
        )
        self.fields["signed_on"].initial = timezone.localdate()

    def clean_signed_name(self) -> str:
        return clean_signed_name(
            self.cleaned_data["signed_name"],
            too_short="Type the name as written on the paper (at least 2 letters).",
            invalid="Type the name using letters, spaces and punctuation only.",
        )

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError("The date on the paper cannot be after today.")
        return signed_on
