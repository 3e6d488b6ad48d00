"""Words for the codes of screener.eligibility, for the booking pages and for staff in admin.

(The patient-facing explanations of each reason, with what to do, are the screener's result
templates; these are the short labels.)
"""

from screener.eligibility import Area, Outcome, Reason

AREA_LABELS: dict[str, str] = {
    Area.FACE_NECK: "Face and neck",
    Area.DECOLLETAGE: "Décolletage (upper chest)",
    Area.HANDS: "Backs of the hands",
    Area.STRETCH_MARKS: "Stretch marks",
}

OUTCOME_LABELS: dict[str, str] = {
    Outcome.ELIGIBLE: "Eligible",
    Outcome.ELIGIBLE_WITH_CONDITIONS: "Eligible with conditions",
    Outcome.DEFERRED: "Deferred",
    Outcome.NOT_SUITABLE: "Not suitable online",
}

# For staff: what triggered, and what it means for the appointment.
REASON_LABELS: dict[str, str] = {
    Reason.KELOID: "History of keloid or hypertrophic scars, or poor wound healing",
    Reason.PREGNANT: "Pregnant or breastfeeding",
    Reason.INFECTION: "Current skin infection (including an active cold sore) in or near the area",
    Reason.OPEN_WOUNDS: "Open wounds, cuts or abrasions in the area",
    Reason.ISOTRETINOIN: "Isotretinoin (Accutane) in the last 3 months",
    Reason.RADIATION: "Radiation therapy to the skin in the last 12 months",
    Reason.RECENT_TREATMENT: "Microneedling less than 28 days ago",
    Reason.COLD_SORES: "History of cold sores: antiviral prophylaxis must be arranged",
}

QUESTION_LABELS: dict[str, str] = {
    "area": "Area",
    "concerns": "Concerns",
    "isotretinoin_date": "Isotretinoin (Accutane) in the last 3 months: last dose",
    "radiation_date": "Radiation therapy to the skin in the last 12 months: last one",
    "pregnant": "Pregnant or breastfeeding",
    "keloid": "Keloid or hypertrophic scars, or poor wound healing",
    "infection": "Current skin infection, including an active cold sore",
    "open_wounds": "Open wounds, cuts or abrasions in the area",
    "cold_sores": "Ever had cold sores",
    "previous_treatment_date": "Microneedling before: last session",
}


def as_choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    """Model field choices with plain string values (so migrations do not import the enums)."""
    return [(str(code), label) for code, label in labels.items()]
