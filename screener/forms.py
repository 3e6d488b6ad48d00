"""The screener's form: it checks the shape of the answers; screener.eligibility decides policy.

Field names and values are SPEC.md's public contract (outside tests post them). Every bad input
(a missing answer, an unknown or repeated value, a malformed, future or pre-1900 date) becomes
a message beside its field, never an exception.
"""

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Self, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, LayoutObject, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from screener.eligibility import Answers, Area, Concern
from screener.questions import AREAS, CONCERNS, DATED_QUESTIONS, QUESTIONS, Question, Text

AREA_CHOICES = [(str(code), label) for code, label in AREAS.items()]
CONCERN_CHOICES = [(str(code), label) for code, label in CONCERNS.items()]

YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]

GIVE_ONE_ANSWER = _("Give one answer only")
SELECT_EACH_ONCE = _("Select each option only once")

EARLIEST_DATE = date(1900, 1, 1)
# Exactly what a type="date" input sends. date.fromisoformat() alone would also take
# "20240315" or "2024-W11", which nobody means.
PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class ScreenerDateInput(forms.DateInput):
    input_type = "date"


class PlainDateField(forms.Field):
    """A date written as YYYY-MM-DD, between `min_value` and `max_value` (both allowed).

    `ignored` is set by the form when the question the date belongs to was not answered "yes":
    the date is then dropped unread, whatever was sent.
    """

    widget = ScreenerDateInput

    def __init__(self, *, noun: Text, min_value: date = EARLIEST_DATE, **kwargs) -> None:
        # `noun` names the date in messages, e.g. "the date of your last dose". The messages
        # stay lazy: they are put together in the language of the page that shows them.
        sentence = capfirst(noun)
        kwargs.setdefault("required", False)
        kwargs["error_messages"] = {
            "required": format_lazy(_("Enter {noun}"), noun=noun),
            "invalid": format_lazy(
                _("Enter {noun} as a real date, for example 2024-03-15"), noun=noun
            ),
            "future": format_lazy(_("{sentence} must be today or in the past"), sentence=sentence),
            "too_early": format_lazy(_("{sentence} must be in 1900 or later"), sentence=sentence),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)
        self.min_value = min_value
        self.max_value: date | None = None
        self.ignored = False

    def clean(self, value: object) -> date | None:
        if self.ignored:
            return None
        return super().clean(value)

    def to_python(self, value: object) -> date | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        if not PLAIN_DATE.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date.fromisoformat(text)
        except ValueError:  # e.g. 2024-02-30
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is None:
            return
        if value < self.min_value:
            raise ValidationError(self.error_messages["too_early"], code="too_early")
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(self.error_messages["future"], code="future")


# Django deep-copies every field's choices for each form; these are module constants that no
# form changes, so the copies share them (README, "Performance", has the figure).
# For mypy the mixins are the widget and the field they go with; at run time plain mixins.
if TYPE_CHECKING:
    _WidgetBase = forms.Widget
    _FieldBase = forms.Field
else:
    _WidgetBase = _FieldBase = object


class ConstantChoicesWidgetMixin(_WidgetBase):
    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return forms.Widget.__deepcopy__(self, memo)  # skip ChoiceWidget's copy of the choices


class ConstantChoicesFieldMixin(_FieldBase):
    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return forms.Field.__deepcopy__(self, memo)  # skip ChoiceField's copy of the choices


class ConstantRadioSelect(ConstantChoicesWidgetMixin, forms.RadioSelect):
    pass


class ConstantCheckboxSelectMultiple(ConstantChoicesWidgetMixin, forms.CheckboxSelectMultiple):
    pass


class ConstantChoiceField(ConstantChoicesFieldMixin, forms.ChoiceField):
    pass


class ConstantTypedChoiceField(ConstantChoicesFieldMixin, forms.TypedChoiceField):
    pass


class ConstantMultipleChoiceField(ConstantChoicesFieldMixin, forms.MultipleChoiceField):
    pass


def yes_no_field(label: Text, *, answer: Text) -> ConstantTypedChoiceField:
    """A required yes/no question as radios; cleaned to True (yes) or False (no)."""
    message = format_lazy(_("Select yes or no: {answer}"), answer=answer)
    return ConstantTypedChoiceField(
        label=label,
        choices=YES_NO_CHOICES,
        coerce=lambda value: value == "yes",
        widget=ConstantRadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class RadioGroup(LayoutObject):
    """A group of radios or checkboxes in the GOV.UK order: legend, hint, error, options.

    crispy-bootstrap5 puts the error inside the last option and the hint after the options.
    With `date_name`, the question's date field follows the options inside the same fieldset.
    """

    template = "screener/includes/radios.html"

    def __init__(self, name: str, *, date_name: str | None = None) -> None:
        self.name = name
        self.date_name = date_name
        self.fields = [name, date_name] if date_name else [name]

    def render(self, form, context, template_pack=None, **kwargs) -> str:
        bound = form[self.name]
        date_field = form[self.date_name] if self.date_name else None
        return render_to_string(
            self.template,
            {
                "field": bound,
                "date_field": date_field,
                "question": self.name,
                "described_by": described_by(bound),
            },
        )


def described_by(bound: forms.BoundField) -> str:
    """The ids of a field's hint and error message, for aria-describedby."""
    ids = []
    if bound.help_text:
        ids.append(f"{bound.auto_id}_helptext")
    if bound.errors:
        ids.append(f"{bound.auto_id}_error")
    return " ".join(ids)


def initial_from_answers(answers: Answers) -> dict:
    """The form's initial values for answers already given ("Change your answers")."""
    initial: dict = {"area": answers.area.value, "concerns": sorted(answers.concerns)}
    for question in QUESTIONS:
        if question.date_name:
            when = getattr(answers, question.date_name)
            initial[question.name] = "yes" if when else "no"
            if when:
                initial[question.date_name] = when.isoformat()
        else:
            initial[question.name] = "yes" if getattr(answers, question.name) else "no"
    return initial


# Fields that take exactly one value (everything but `concerns`).
SINGLE_VALUE_FIELDS = ("area", *(q.name for q in QUESTIONS))


def question_fields(questions: tuple[Question, ...] = QUESTIONS) -> dict[str, forms.Field]:
    """The yes/no field of each question, followed by its date field if it has one."""
    fields: dict[str, forms.Field] = {}
    for question in questions:
        fields[question.name] = yes_no_field(question.text, answer=question.answer)
        if question.date_name:
            fields[question.date_name] = PlainDateField(
                label=question.date_label, noun=question.date_noun
            )
    return fields


class ScreenerAreaFields(forms.Form):
    area = ConstantChoiceField(
        label=_("Which area would you like treated?"),
        help_text=_("We treat one area per session. Face and neck count as one area."),
        choices=AREA_CHOICES,
        widget=ConstantRadioSelect,
        error_messages={
            "required": _("Select the area you would like treated"),
            "invalid_choice": _("Select one of the areas listed"),
        },
    )
    concerns = ConstantMultipleChoiceField(
        label=_("What would you like to improve? (optional)"),
        help_text=_("Select all that apply. This helps us suggest how many sessions you may need."),
        choices=CONCERN_CHOICES,
        required=False,
        widget=ConstantCheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select only from the options listed")},
    )


# The question fields come from screener.questions; the metaclass collects them as if declared.
# mypy cannot follow a class made at run time: it sees the area fields' class, whose subclass
# this is (the question fields are reached by name, through self.fields).
if TYPE_CHECKING:
    ScreenerFields = ScreenerAreaFields
else:
    ScreenerFields = type(forms.Form)("ScreenerFields", (ScreenerAreaFields,), question_fields())


class ScreenerForm(ScreenerFields):
    submit_label = _("See my result")

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question, date_name in DATED_QUESTIONS.items():
            field = self._date_field(date_name)
            field.max_value = today
            # Date pickers offer only dates the form accepts (validation stays on the server).
            field.widget.attrs.update({"min": EARLIEST_DATE.isoformat(), "max": today.isoformat()})
            if self.is_bound:
                # A date belongs to its "yes": needed with it, ignored (even if malformed) without.
                answered_yes = self.data.get(question) == "yes"
                field.required = answered_yes
                field.ignored = not answered_yes

    @cached_property
    def helper(self) -> FormHelper:
        # Built when the template first asks for it: a valid POST redirects without rendering,
        # and building it cost a tenth of that request (bench/bench.py, profiled).
        return self._helper()

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        # A browser sends one value per radio group and date input; more means a forged or
        # broken request. QueryDict.get would silently take the last one, so refuse it instead.
        single = [*SINGLE_VALUE_FIELDS]
        single += [name for name in DATED_QUESTIONS.values() if not self._date_field(name).ignored]
        for name in single:
            if len(self._values(name)) > 1 and name not in self.errors:
                self.add_error(name, str(GIVE_ONE_ANSWER))
        concerns = self._values("concerns")
        if len(concerns) != len(set(concerns)) and "concerns" not in self.errors:
            self.add_error("concerns", str(SELECT_EACH_ONCE))
        return cleaned

    def answers(self) -> Answers:
        """The valid answers as the rules take them. Only after is_valid()."""
        data = self.cleaned_data
        return Answers(
            area=Area(data["area"]),
            concerns=frozenset(Concern(c) for c in data["concerns"]),
            **self.question_values(QUESTIONS),
        )

    def question_values(self, questions: tuple[Question, ...]) -> dict:
        """These questions' valid answers as Answers fields: a dated "yes" is its date."""
        data = self.cleaned_data
        values = {}
        for question in questions:
            if question.date_name:
                answered_yes = data[question.name]
                values[question.date_name] = data[question.date_name] if answered_yes else None
            else:
                values[question.name] = data[question.name]
        return values

    def error_summary(self) -> list[tuple[str, str]]:
        """(element id, message) for each error, in the order of the page, for the summary.

        A group of radios or checkboxes is linked through its first option, the element that
        exists with that id.
        """
        entries = []
        for bound in self:
            for message in bound.errors:
                target = bound.auto_id
                if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                    target = f"{target}_0"
                entries.append((target, str(message)))
        return entries

    def _date_field(self, name: str) -> PlainDateField:
        # question_fields() makes the date of each dated question a PlainDateField.
        return cast(PlainDateField, self.fields[name])

    def _values(self, name: str) -> list:
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            return getlist(name)
        value = self.data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        # The <form> tag and its CSRF token are in templates/screener/screener.html, so that
        # the fields, the same for every patient, can be cached without anyone's token.
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            *(RadioGroup(name) for name in ("area", "concerns") if name in self.fields),
            *(
                RadioGroup(q.name, date_name=q.date_name)
                for q in QUESTIONS
                if q.name in self.fields
            ),
            Submit("submit", self.submit_label),
        )
        return helper
