"""The screener's questions: the one list from which the form, the labels, the answers shown back
and the session's keys are derived. Names are SPEC.md's public field names.
"""

from dataclasses import dataclass

from screener.eligibility import Answers, Area, Concern


@dataclass(frozen=True)
class Question:
    name: str  # the yes/no field, and the Answers attribute (or its date's, for dated questions)
    text: str  # as the patient is asked
    short: str  # for the answers shown back, and for staff
    answer: str  # completes "Select yes or no: ..."
    date_label: str = ""  # dated questions: the date field's label ...
    date_noun: str = ""  # ... and how messages name it
    changes_quickly: bool = False  # asked again before the appointment

    @property
    def date_name(self) -> str | None:
        return f"{self.name}_date" if self.date_label else None


AREAS: dict[str, str] = {
    Area.FACE_NECK: "Face and neck (treated together as one area)",
    Area.DECOLLETAGE: "Décolletage (upper chest)",
    Area.HANDS: "Backs of the hands",
    Area.STRETCH_MARKS: "Stretch marks",
}

CONCERNS: dict[str, str] = {
    Concern.FINE_LINES: "Fine lines and wrinkles",
    Concern.DEEP_WRINKLES: "Deep wrinkles",
    Concern.PHOTOAGING: "Sun damage (photo-ageing)",
    Concern.ACNE_SCARS: "Acne scars",
    Concern.TRAUMATIC_SCARS: "Scars from an injury or surgery",
    Concern.STRETCH_MARKS: "Stretch marks",
    Concern.TEXTURE_PORES: "Skin texture and pore size",
    Concern.PIGMENTATION: "Uneven skin tone or dark patches (hyperpigmentation)",
}

# In the order of the page.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "isotretinoin",
        "Have you taken isotretinoin (Accutane) in the last 3 months?",
        "Isotretinoin (Accutane) in the last 3 months",
        "have you taken isotretinoin (Accutane) in the last 3 months?",
        date_label="Date of your last dose",
        date_noun="the date of your last isotretinoin dose",
        changes_quickly=True,
    ),
    Question(
        "radiation",
        "Have you had radiation therapy to the skin in the last 12 months?",
        "Radiation therapy to the skin in the last 12 months",
        "have you had radiation therapy to the skin in the last 12 months?",
        date_label="Date of your last radiation treatment",
        date_noun="the date of your last radiation treatment",
        changes_quickly=True,
    ),
    Question(
        "pregnant",
        "Are you pregnant or breastfeeding?",
        "Pregnant or breastfeeding",
        "are you pregnant or breastfeeding?",
        changes_quickly=True,
    ),
    Question(
        "keloid",
        "Have you ever had keloid or hypertrophic (raised) scars, or wounds that heal poorly?",
        "Keloid or raised scars, or wounds that heal poorly",
        "have you had keloid or raised scars, or wounds that heal poorly?",
    ),
    Question(
        "infection",
        "Do you have a skin infection in or near the area right now, including an active "
        "cold sore?",
        "A skin infection in or near the area now, including an active cold sore",
        "do you have a skin infection in or near the area right now?",
        changes_quickly=True,
    ),
    Question(
        "open_wounds",
        "Do you have any open wounds, cuts or abrasions in the area?",
        "Open wounds, cuts or abrasions in the area",
        "do you have any open wounds, cuts or abrasions in the area?",
        changes_quickly=True,
    ),
    Question(
        "cold_sores",
        "Have you ever had cold sores?",
        "Ever had cold sores",
        "have you ever had cold sores?",
    ),
    Question(
        "previous_treatment",
        "Have you had microneedling before?",
        "Microneedling before",
        "have you had microneedling before?",
        date_label="Date of your last microneedling session",
        date_noun="the date of your last microneedling session",
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
    concerns = ", ".join(CONCERNS[c] for c in sorted(answers.concerns)) or "None given"
    rows = [("Area to be treated", AREAS[answers.area])]
    rows.append(("What you would like to improve", concerns))
    return rows + question_rows(answers, QUESTIONS)


def question_rows(answers: Answers, questions: tuple[Question, ...]) -> list[tuple[str, str]]:
    """The yes/no questions' answers in words (with the date where one was asked)."""
    rows = []
    for question in questions:
        if question.date_name:
            when = getattr(answers, question.date_name)
            text = f"Yes, on {when:%B} {when.day}, {when.year}" if when else "No"
            rows.append((question.short, text))
        else:
            rows.append((question.short, "Yes" if getattr(answers, question.name) else "No"))
    return rows
