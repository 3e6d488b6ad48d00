"""The re-check before treatment: the screener's quick-changing questions, asked again.

The screener's own form with only RECHECK_QUESTIONS kept: the same field names, widgets,
messages and date rules; no second copy of any of them.
"""

from dataclasses import replace
from datetime import date

from django.utils.translation import gettext_lazy as _

from screener.eligibility import Answers
from screener.forms import ScreenerForm
from screener.questions import RECHECK_QUESTIONS

RECHECK_FIELDS = frozenset(
    name for q in RECHECK_QUESTIONS for name in (q.name, q.date_name) if name
)


class RecheckForm(ScreenerForm):
    submit_label = _("Send my answers")

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, today=today, **kwargs)
        for name in list(self.fields):
            if name not in RECHECK_FIELDS:
                del self.fields[name]

    def combined_answers(self, stored: Answers) -> Answers:
        """The stored answers with the re-checked ones replaced. Only after is_valid()."""
        return replace(stored, **self.question_values(RECHECK_QUESTIONS))
