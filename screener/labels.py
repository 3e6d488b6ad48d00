"""Words for the codes of screener.eligibility, for staff in the admin and for the booking pages.

(The patient-facing explanation of each reason, with what to do, is a template of its own.)
"""

from django.utils.translation import gettext_lazy as _

from screener.eligibility import Outcome, Reason
from screener.questions import AREAS, Text

AREA_LABELS: dict[str, Text] = AREAS

OUTCOME_LABELS: dict[str, Text] = {
    Outcome.ELIGIBLE: _("Eligible"),
    Outcome.ELIGIBLE_WITH_CONDITIONS: _("Eligible with conditions"),
    Outcome.DEFERRED: _("Deferred"),
    Outcome.NOT_SUITABLE: _("Not suitable online"),
}

# For staff: what triggered, and what it means for the appointment.
REASON_LABELS: dict[str, Text] = {
    Reason.KELOID: _("History of keloid or hypertrophic scars, or poor wound healing"),
    Reason.PREGNANT: _("Pregnant or breastfeeding"),
    Reason.INFECTION: _(
        "Current skin infection (including an active cold sore) in or near the area"
    ),
    Reason.OPEN_WOUNDS: _("Open wounds, cuts or abrasions in the area"),
    Reason.ISOTRETINOIN: _("Isotretinoin (Accutane) in the last 3 months"),
    Reason.RADIATION: _("Radiation therapy to the skin in the last 12 months"),
    Reason.RECENT_TREATMENT: _("Microneedling less than 28 days ago"),
    Reason.COLD_SORES: _("History of cold sores: antiviral prophylaxis must be arranged"),
}


def as_choices(labels: dict[str, Text]) -> list[tuple[str, Text]]:
    """Model field choices with plain string values (so migrations do not import the enums)."""
    return [(str(code), label) for code, label in labels.items()]
