"""Words for the codes of screener.eligibility, for staff in the admin and for the booking pages.

(The patient-facing explanation of each reason, with what to do, is a template of its own.)
"""

from screener.eligibility import Outcome, Reason
from screener.questions import AREAS

AREA_LABELS: dict[str, str] = AREAS

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


def as_choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    """Model field choices with plain string values (so migrations do not import the enums)."""
    return [(str(code), label) for code, label in labels.items()]
