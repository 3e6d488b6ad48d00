"""The booking request form: who the patient is, when they would like to come, their consent.

The treatment area and any waiting period come from the screening, never from this form; the
view passes the dates the rules allow and the clinic's opening times, so the form itself reads
no database.
"""

import re
from collections.abc import Iterable
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from dateutil.relativedelta import relativedelta
from django import forms
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bookings.models import BookingRequest
from clinic.models import OpeningTimes
from clinic.validators import EMAIL_INVALID, EMAIL_MAX_LENGTH, validate_deliverable_email
from screener.forms import RadioGroup

NOTES_MAX_LENGTH = 1000
# As the notes' hint and error write it: "1,000".
NOTES_LIMIT = f"{NOTES_MAX_LENGTH:,}"
PHONE_CHARACTERS = re.compile(r"^[0-9 +().\-]+$")
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 20
BOOKING_HORIZON = relativedelta(years=1)

# The patient-facing sentences the form fills in per request (with the dates the rules allow
# and the clinic's opening hours), translated as whole sentences.
DATE_RANGE_HINT = _("Any day from %(first)s to %(last)s.")
OPEN_DAYS_HINT = _("We are open on %(days)s.")
DATE_TYPING_HINT = _(
    "If your browser shows a text box, type the year, month and day, for example %(example)s "
    "for %(first)s."
)
DATE_CONFIRM_HINT = _("We will confirm the exact date and time with you.")
DATE_INVALID = _("Enter your preferred date as a real date, for example %(example)s")
DATE_NOT_AFTER_TODAY = _("Preferred date must be after today")
DATE_BEFORE_EARLIEST = _(
    "Preferred date must be on or after %(earliest)s, the earliest date you can be treated"
)
DATE_TOO_LATE = _("Preferred date must be no later than %(last)s")
DAY_CLOSED = _("The clinic is closed on %(weekdays)s. Choose a day we are open")
TIME_CHOICE = _("Choose %(times)s")
TIME_CLOSED = _("The clinic is not open in the %(time)s on %(weekdays)s. Choose %(times)s")
PHONE_INVALID = _("Enter a phone number, like 207 555 0142 or +1 (207) 555-0142")
CONSENT_LABEL = _(
    'I agree to the <a href="{}">privacy notice</a> and to being contacted by the clinic '
    "about this request"
)
NO_NOTES = _("None")
NOTICE_CONSENT_LABEL = _(
    "Keep my email address until that date to send me this one email, as the "
    '<a href="{}">privacy notice</a> explains'
)
NOTICE_ASKED_TOO_OFTEN = _(
    "We cannot take more requests for this email address today. Try again tomorrow"
)
# Both forms' address fields (the phone booking form's too); the format is checked as our mail
# server will take it (clinic.validators), after Django's own check.
EMAIL_ERRORS = {
    "required": _("Enter your email address"),
    "invalid": EMAIL_INVALID,
    "max_length": _("Email address must be 254 characters or fewer"),
}
# "a and b", "a, b and c"; "a or b".
AND_LIST = _("%(items)s and %(last)s")
OR_LIST = _("%(items)s or %(last)s")
# By weekday number (Monday is 0), as in "We are open on Mondays and Tuesdays".
WEEKDAYS_PLURAL = (
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
)


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
    # The long date of the active language ("March 15, 2027"; "15 de marzo de 2027"), as
    # templates' date:"LONG_DATE_FORMAT" (clinic/formats/).
    return date_format(value, "LONG_DATE_FORMAT")


def _word_list(words: Iterable[object], joined: object = AND_LIST) -> str:
    """Join words as a sentence does: "a", "a and b", "a, b and c" (or OR_LIST's "or")."""
    items = [str(word) for word in words]
    if len(items) <= 1:
        return "".join(items)
    return str(joined) % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _times_of_day(choices: Iterable[tuple[str, object]], among: set[str] | None = None) -> str:
    """The choices' labels (those in `among`) as a sentence lists them: "morning or evening"."""
    return _word_list(
        (str(label).lower() for value, label in choices if among is None or value in among),
        OR_LIST,
    )


class PatientDetailsForm(forms.Form):
    """Who the patient is and their consent: the fields both ways of booking ask (a free time,
    bookings.slot_forms; or a request, below), with their checks."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Full name must be 200 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We will send your booking reference to this address."),
        validators=[validate_deliverable_email],
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("So we can call you to arrange your appointment."),
        error_messages={
            "required": _("Enter your phone number"),
            "max_length": _("Phone number must be 40 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    notes = forms.CharField(
        label=_("Anything else we should know (optional)"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        help_text=format_lazy(
            _("For example, days or times you cannot come. Up to {limit} characters."),
            limit=NOTES_LIMIT,
        ),
        error_messages={
            # %(show_value)d is filled in by Django's length check.
            "max_length": format_lazy(
                _("Notes must be {limit} characters or fewer (you entered %(show_value)d)"),
                limit=NOTES_LIMIT,
            ),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("Tick the box to agree to the privacy notice and to being contacted"),
        },
    )
    # A trap for bots: hidden from people (and from screen readers), filled in by form robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def setup_details(self) -> None:
        self.fields["consent"].label = format_html(str(CONSENT_LABEL), reverse("privacy"))

    @property
    def trapped(self) -> bool:
        """Whether the hidden honeypot field was filled in (by a robot, not a person)."""
        return bool(self.data.get("website", "").strip())

    def error_summary(self) -> list[tuple[str, str]]:
        """(element id, message) for each error, in the order of the page, for the summary."""
        return [
            (bound.auto_id, str(message))
            for bound in self
            if bound.name != "website"
            for message in bound.errors
        ]

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
            raise forms.ValidationError(PHONE_INVALID, code="invalid")
        return phone


class BookingRequestForm(PatientDetailsForm):
    """The request. The view passes what it depends on: `today`, the earliest booking date
    from the screening and the clinic's opening times (clinic.selectors.clinic_details)."""

    field_order = ("full_name", "email", "phone", "preferred_date", "preferred_time", "notes")

    preferred_date = forms.DateField(
        label=_("Preferred date"),
        input_formats=["%Y-%m-%d"],
        error_messages={"required": _("Enter your preferred date")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    preferred_time = forms.ChoiceField(
        label=_("Preferred time of day"),
        choices=BookingRequest.PreferredTime.choices,
        error_messages={"required": _("Choose a preferred time of day")},
        widget=FirstOptionRadioSelect,
    )

    def __init__(
        self,
        *args,
        today: date,
        opening_times: OpeningTimes,
        earliest: date | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.earliest = earliest
        # Where staff have set opening hours, only the days and times the clinic is open.
        self.opening = opening_times
        self.first_date, self.last_date = booking_window(today, earliest)
        self._describe_dates()
        self._describe_times()
        self.setup_details()
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

    def _describe_dates(self) -> None:
        """The date input's bounds, and its hint and error in words, with an example date."""
        field = self.fields["preferred_date"]
        field.widget.attrs.update(min=self.first_date.isoformat(), max=self.last_date.isoformat())
        first, example = _long_date(self.first_date), self.first_date.isoformat()
        hints = [DATE_RANGE_HINT % {"first": first, "last": _long_date(self.last_date)}]
        if self.opening.is_set:
            days = [WEEKDAYS_PLURAL[day] for day in self.opening.open_weekdays()]
            hints.append(OPEN_DAYS_HINT % {"days": _word_list(days)})
        hints.append(DATE_TYPING_HINT % {"example": example, "first": first})
        hints.append(str(DATE_CONFIRM_HINT))
        field.help_text = " ".join(str(hint) for hint in hints)
        field.error_messages["invalid"] = DATE_INVALID % {"example": example}

    def _describe_times(self) -> None:
        """The times of day the clinic is open for (all three until staff set hours)."""
        times = self.opening.times_of_day() if self.opening.is_set else None
        self.time_choices = [
            (value, label)
            for value, label in BookingRequest.PreferredTime.choices
            if times is None or value in times
        ]
        field = self.fields["preferred_time"]
        field.choices = self.time_choices  # type: ignore[attr-defined]  # a ChoiceField
        field.error_messages["invalid_choice"] = TIME_CHOICE % {
            "times": _times_of_day(self.time_choices)
        }

    def check_rows(self) -> list[tuple[forms.BoundField, str]]:
        """What the patient entered, in words, for "Check your details". Only after is_valid()."""
        data = self.cleaned_data
        shown = {
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data["phone"],
            "preferred_date": _long_date(data["preferred_date"]),
            "preferred_time": dict(BookingRequest.PreferredTime.choices)[data["preferred_time"]],
            "notes": data.get("notes") or NO_NOTES,
        }
        return [(self[name], text) for name, text in shown.items()]

    def clean_preferred_date(self) -> date:
        value = self.cleaned_data["preferred_date"]
        if value <= self.today:
            raise forms.ValidationError(DATE_NOT_AFTER_TODAY, code="not_after_today")
        if self.earliest is not None and value < self.earliest:
            raise forms.ValidationError(
                DATE_BEFORE_EARLIEST,
                code="before_earliest",
                params={"earliest": _long_date(self.earliest)},
            )
        if value > self.last_date:
            raise forms.ValidationError(
                DATE_TOO_LATE, code="too_late", params={"last": _long_date(self.last_date)}
            )
        if self.opening.is_set and not self.opening.is_open_on(value):
            raise forms.ValidationError(
                DAY_CLOSED, code="closed", params={"weekdays": WEEKDAYS_PLURAL[value.weekday()]}
            )
        return value

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        day, time_of_day = cleaned.get("preferred_date"), cleaned.get("preferred_time")
        if self.opening.is_set and day and time_of_day:
            open_then = self.opening.times_of_day_on(day.weekday())
            if time_of_day not in open_then:
                self.add_error(
                    "preferred_time",
                    forms.ValidationError(
                        TIME_CLOSED,
                        code="closed",
                        params={
                            "time": str(dict(self.time_choices)[time_of_day]).lower(),
                            "weekdays": WEEKDAYS_PLURAL[day.weekday()],
                            "times": _times_of_day(self.time_choices, among=open_then),
                        },
                    ),
                )
        return cleaned


class CanBookNoticeForm(forms.Form):
    """ "Email me when I can book", on the result page of a dated deferral."""

    notify_email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        validators=[validate_deliverable_email],
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("Tick the box to agree that we keep your email address until then"),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(str(NOTICE_CONSENT_LABEL), reverse("privacy"))

    def refuse_as_asked_too_often(self) -> None:
        """The address was asked for too often today (bookings.services.NOTICES_PER_ADDRESS)."""
        self.add_error(
            "notify_email", forms.ValidationError(NOTICE_ASKED_TOO_OFTEN, code="too_often")
        )

    def error_summary(self) -> list[tuple[str, str]]:
        return [(bound.auto_id, str(message)) for bound in self for message in bound.errors]
