"""Everything the clinic holds about a patient, in time order, for the patient's admin page.

Each source gives Entry rows for one patient in a fixed number of queries; `clinical` entries
(health answers, consent details, treatment records) are shown only to those whose role may
see them (bookings.admin.base may_see_health_answers).
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # "request", "appointment", "message", "consent", "treatment", "merge", ...
    summary: str  # what any member of staff who may open the patient may read
    url: str = ""  # the admin page it comes from, if any
    clinical: bool = False  # only for Clinicians
