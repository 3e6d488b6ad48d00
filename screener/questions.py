"""The screener's questions: the one list from which the form, the labels, the answers shown back
and the session's keys are derived. Names are SPEC.md's public field names.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screener.eligibility import Answers, Area, Concern

# Patient-facing words are translated when shown (gettext_lazy), in the page's language: a str
# or a lazy one.
if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text
else:
    Text = str


@dataclass(frozen=True)
class Question:
    name: str  # the yes/no field, and the Answers attribute (or its date's, for dated questions)
    text: Text  # as the patient is asked
    short: Text  # for the answers shown back, and for staff
    answer: Text  # completes "Select yes or no: ..."
    date_label: Text = ""  # dated questions: the date field's label ...
    date_noun: Text = ""  # ... and how messages name it
    changes_quickly: bool = False  # asked again before the appointment

    @property
    def date_name(self) -> str | None:
        return f"{self.name}_date" if self.date_label else None


AREAS: dict[str, Text] = {
    Area.FACE_NECK: _("Face and neck (treated together as one area)"),
    Area.DECOLLETAGE: _("Décolletage (upper chest)"),
    Area.HANDS: _("Backs of the hands"),
    Area.STRETCH_MARKS: _("Stretch marks"),
}

CONCERNS: dict[str, Text] = {
    Concern.FINE_LINES: _("Fine lines and wrinkles"),
    Concern.DEEP_WRINKLES: _("Deep wrinkles"),
    Concern.PHOTOAGING: _("Sun damage (photo-ageing)"),
    Concern.ACNE_SCARS: _("Acne scars"),
    Concern.TRAUMATIC_SCARS: _("Scars from an injury or surgery"),
    Concern.STRETCH_MARKS: _("Stretch marks"),
    Concern.TEXTURE_PORES: _("Skin texture and pore size"),
    Concern.PIGMENTATION: _("Uneven skin tone or dark patches (hyperpigmentation)"),
}

# In the order of the page.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "isotretinoin",
        _("Have you taken isotretinoin (Accutane) in the last 3 months?"),
        _("Isotretinoin (Accutane) in the last 3 months"),
        _("have you taken isotretinoin (Accutane) in the last 3 months?"),
        date_label=_("Date of your last dose"),
        date_noun=_("the date of your last isotretinoin dose"),
        changes_quickly=True,
    ),
    Question(
        "radiation",
        _("Have you had radiation therapy to the skin in the last 12 months?"),
        _("Radiation therapy to the skin in the last 12 months"),
        _("have you had radiation therapy to the skin in the last 12 months?"),
        date_label=_("Date of your last radiation treatment"),
        date_noun=_("the date of your last radiation treatment"),
        changes_quickly=True,
    ),
    Question(
        "pregnant",
        _("Are you pregnant or breastfeeding?"),
        _("Pregnant or breastfeeding"),
        _("are you pregnant or breastfeeding?"),
        changes_quickly=True,
    ),
    Question(
        "keloid",
        _("Have you ever had keloid or hypertrophic (raised) scars, or wounds that heal poorly?"),
        _("Keloid or raised scars, or wounds that heal poorly"),
        _("have you had keloid or raised scars, or wounds that heal poorly?"),
    ),
    Question(
        "infection",
        _(
            "Do you have a skin infection in or near the area right now, including an active "
            "cold sore?"
        ),
        _("A skin infection in or near the area now, including an active cold sore"),
        _("do you have a skin infection in or near the area right now?"),
        changes_quickly=True,
    ),
    Question(
        "open_wounds",
        _("Do you have any open wounds, cuts or abrasions in the area?"),
        _("Open wounds, cuts or abrasions in the area"),
        _("do you have any open wounds, cuts or abrasions in the area?"),
        changes_quickly=True,
    ),
    Question(
        "cold_sores",
        _("Have you ever had cold sores?"),
        _("Ever had cold sores"),
        _("have you ever had cold sores?"),
    ),
    Question(
        "previous_treatment",
        _("Have you had microneedling before?"),
        _("Microneedling before"),
        _("have you had microneedling before?"),
        date_label=_("Date of your last microneedling session"),
        date_noun=_("the date of your last microneedling session"),
        changes_quickly=True,
    ),
)

QUESTIONS_BY_NAME: dict[str, Question] = {q.name: q for q in QUESTIONS}
# The questions that need a date when answered "yes": question -> its date field (and the
# Answers attribute holding the date).
DATED_QUESTIONS: dict[str, str] = {q.name: q.date_name for q in QUESTIONS if q.date_name}
RECHECK_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.changes_quickly)


def answer_rows(answers: Answers) -> list[tuple[str, str]]:
    """Each answer in words, in the order of the page: (question, answer)."""
    concerns = ", ".join(str(CONCERNS[c]) for c in sorted(answers.concerns))
    rows = [(gettext("Area to be treated"), str(AREAS[answers.area]))]
    rows.append((gettext("What you would like to improve"), concerns or gettext("None given")))
    return rows + question_rows(answers, QUESTIONS)


def question_rows(answers: Answers, questions: tuple[Question, ...]) -> list[tuple[str, str]]:
    """The yes/no questions' answers in words (with the date where one was asked), in the
    active language."""
    rows = []
    for question in questions:
        if question.date_name:
            when = getattr(answers, question.date_name)
            text = (
                gettext("Yes, on %(date)s") % {"date": date_format(when, "LONG_DATE_FORMAT")}
                if when
                else gettext("No")
            )
        else:
            text = gettext("Yes") if getattr(answers, question.name) else gettext("No")
        rows.append((str(question.short), text))
    return rows
