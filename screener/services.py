"""Writes with side effects, one keyword-only function each."""

from django.utils import timezone

from screener.eligibility import Answers, Result
from screener.models import Screening


def screening_record(*, answers: Answers, result: Result) -> Screening:
    """Record a completed screening without personal data: area, outcome, reasons, date."""
    return Screening.objects.create(
        area=answers.area.value,
        outcome=result.outcome.value,
        reasons=",".join(reason.value for reason in result.reasons),
        completed_on=timezone.localdate(),
    )
