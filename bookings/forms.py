"""The booking request form: who the patient is, when they would like to come, their consent.

The treatment area and any waiting period come from the screening, never from this form; the
view passes the dates the rules allow.
"""

import re
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from dateutil.relativedelta import relativedelta
from django import forms
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from bookings.models import BookingRequest
from clinic.models import OpeningHours
from clinic.selectors import clinic_details
from screener.forms import RadioGroup

NOTES_MAX_LENGTH = 1000
PHONE_CHARACTERS = re.compile(r"^[0-9 +().\-]+$")
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 20
BOOKING_HORIZON = relativedelta(years=1)


class FirstOptionRadioSelect(forms.RadioSelect):
    """Radios whose first option carries the field's own id (`id_<name>`).

    So the error summary can link to `#id_<name>` for every field, radios included, and the
    link moves focus to the first choice (as in the GOV.UK design system).
    """

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if index is None:
            return ""
        return id_ if str(index) == "0" else super().id_for_label(id_, index)


def booking_window(today: date, earliest: date | None) -> tuple[date, date]:
    """The first and last preferred date a patient may ask for.

    After today, not before the earliest booking date, and at most a year after the later of
    the two.
    """
    start = today + relativedelta(days=1)
    if earliest is not None and earliest > start:
        start = earliest
    last = max(today, earliest or today) + BOOKING_HORIZON
    return start, last


def _long_date(value: date) -> str:
    # The site's one date format (US long: "March 15, 2027"), as templates' date:"F j, Y".
    return date_format(value, "F j, Y")


def _word_list(words: list[str], conjunction: str = "and") -> str:
    """Join words as a sentence does: "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


class BookingRequestForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter your full name",
            "max_length": "Full name must be 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send your booking reference to this address.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        help_text="So we can call you to arrange your appointment.",
        error_messages={
            "required": "Enter your phone number",
            "max_length": "Phone number must be 40 characters or fewer",
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_date = forms.DateField(
        label="Preferred date",
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": "Enter your preferred date",
            "invalid": "Enter your preferred date as a real date, for example 2027-03-15",
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    preferred_time = forms.ChoiceField(
        label="Preferred time of day",
        choices=BookingRequest.PreferredTime.choices,
        error_messages={
            "required": "Choose a preferred time of day",
            "invalid_choice": "Choose morning, afternoon or evening",
        },
        widget=FirstOptionRadioSelect,
    )
    notes = forms.CharField(
        label="Anything else we should know (optional)",
        required=False,
        max_length=NOTES_MAX_LENGTH,
        help_text=(
            f"For example, days or times you cannot come. Up to {NOTES_MAX_LENGTH:,} characters."
        ),
        error_messages={
            "max_length": (
                f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer "
                "(you entered %(show_value)d)"
            ),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": "Tick the box to agree to the privacy notice and to being contacted",
        },
    )
    # A trap for bots: hidden from people (and from screen readers), filled in by form robots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, today: date, earliest: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.earliest = earliest
        self.first_date, self.last_date = booking_window(today, earliest)
        date_widget = self.fields["preferred_date"].widget
        date_widget.attrs.update(min=self.first_date.isoformat(), max=self.last_date.isoformat())
        # Where staff have set opening hours, only the days and times the clinic is open.
        self.opening = clinic_details().opening_times
        open_days = (
            " We are open on "
            + _word_list(
                [OpeningHours.Weekday(day).label + "s" for day in self.opening.open_weekdays()]
            )
            + "."
            if self.opening.is_set
            else ""
        )
        example = self.first_date.isoformat()
        self.fields["preferred_date"].help_text = (
            f"Any day from {_long_date(self.first_date)} to {_long_date(self.last_date)}."
            f"{open_days} If your browser shows a text box, type the year, month and day, for "
            f"example {example} for {_long_date(self.first_date)}. "
            "We will confirm the exact date and time with you."
        )
        self.fields["preferred_date"].error_messages["invalid"] = (
            f"Enter your preferred date as a real date, for example {example}"
        )
        if self.opening.is_set:
            times = self.opening.times_of_day()
            field = self.fields["preferred_time"]
            field.choices = [(value, label) for value, label in field.choices if value in times]
            field.error_messages["invalid_choice"] = (
                f"Choose {_word_list([label.lower() for _value, label in field.choices], 'or')}"
            )
        self.fields["consent"].label = format_html(
            'I agree to the <a href="{}">privacy notice</a> and to being contacted by the clinic '
            "about this request",
            reverse("privacy"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The honeypot is left out: the template puts it in a container hidden from everyone.
        self.helper.layout = Layout(
            *(
                RadioGroup(name) if name == "preferred_time" else name
                for name in self.fields
                if name != "website"
            )
        )

    @property
    def trapped(self) -> bool:
        """Whether the hidden honeypot field was filled in (by a robot, not a person)."""
        return bool(self.data.get("website", "").strip())

    def error_summary(self) -> list[tuple[str, str]]:
        """(element id, message) for each error, in the order of the page, for the summary."""
        return [
            (bound.auto_id, message)
            for bound in self
            if bound.name != "website"
            for message in bound.errors
        ]

    def check_rows(self) -> list[tuple[forms.BoundField, str]]:
        """What the patient entered, in words, for "Check your details". Only after is_valid()."""
        data = self.cleaned_data
        shown = {
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data["phone"],
            "preferred_date": _long_date(data["preferred_date"]),
            "preferred_time": dict(BookingRequest.PreferredTime.choices)[data["preferred_time"]],
            "notes": data.get("notes") or "None",
        }
        return [(self[name], text) for name, text in shown.items()]

    def focus(self, name: str) -> None:
        """Put the cursor in one field (after "Change" on the check page)."""
        if name in self.fields and name not in ("website", "consent"):
            self.fields[name].widget.attrs["autofocus"] = True

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = sum(ch.isdigit() for ch in phone)
        if not PHONE_CHARACTERS.match(phone) or not (
            PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS
        ):
            raise forms.ValidationError(
                "Enter a phone number, like 207 555 0142 or +1 (207) 555-0142",
                code="invalid",
            )
        return phone

    def clean_preferred_date(self) -> date:
        value = self.cleaned_data["preferred_date"]
        if value <= self.today:
            raise forms.ValidationError(
                "Preferred date must be after today", code="not_after_today"
            )
        if self.earliest is not None and value < self.earliest:
            raise forms.ValidationError(
                f"Preferred date must be on or after {_long_date(self.earliest)}, the earliest "
                "date you can be treated",
                code="before_earliest",
            )
        if value > self.last_date:
            raise forms.ValidationError(
                f"Preferred date must be no later than {_long_date(self.last_date)}",
                code="too_late",
            )
        if self.opening.is_set and not self.opening.is_open_on(value):
            raise forms.ValidationError(
                f"The clinic is closed on {date_format(value, 'l')}s. Choose a day we are open",
                code="closed",
            )
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        day, time_of_day = cleaned.get("preferred_date"), cleaned.get("preferred_time")
        if self.opening.is_set and day and time_of_day:
            open_then = self.opening.times_of_day_on(day.weekday())
            if time_of_day not in open_then:
                choices = [
                    label.lower()
                    for value, label in self.fields["preferred_time"].choices
                    if value in open_then
                ]
                self.add_error(
                    "preferred_time",
                    forms.ValidationError(
                        f"The clinic is not open in the {time_of_day} on "
                        f"{date_format(day, 'l')}s. Choose {_word_list(choices, 'or')}",
                        code="closed",
                    ),
                )
        return cleaned


class CanBookNoticeForm(forms.Form):
    """ "Email me when I can book", on the result page of a dated deferral."""

    notify_email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": "Tick the box to agree that we keep your email address until then",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            "Keep my email address until that date to send me this one email, as the "
            '<a href="{}">privacy notice</a> explains',
            reverse("privacy"),
        )

    def error_summary(self) -> list[tuple[str, str]]:
        return [(bound.auto_id, message) for bound in self for message in bound.errors]
