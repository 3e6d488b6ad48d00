"""Writes with side effects, one keyword-only function each."""

from contextlib import nullcontext

from django.db import connection, transaction
from django.utils import timezone

from screener.eligibility import Answers, Result
from screener.models import Screening


def screening_record(*, answers: Answers, result: Result) -> Screening:
    """Record a completed screening without personal data: area, outcome, reasons, date."""
    on_postgresql = connection.vendor == "postgresql"
    with transaction.atomic() if on_postgresql else nullcontext():
        if on_postgresql:
            # An anonymous statistic need not wait for the disk (a crash may lose the last
            # fraction of a second of them); booking requests stay fully durable. README,
            # "Performance", has the figure.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return Screening.objects.create(
            area=answers.area.value,
            outcome=result.outcome.value,
            reasons=",".join(reason.value for reason in result.reasons),
            completed_on=timezone.localdate(),
        )
