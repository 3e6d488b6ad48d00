"""Every e-mail writes its dates the US way the pages do: "Tuesday, December 15, 2026 at 2:30 PM".

Each template in templates/emails/ (its body and its subject) is rendered with a date or an
aware datetime in every date variable it uses; no British order ("15 December", "Tuesday 15")
may appear. Rendered for a patient with a condition to arrange, none names it.
"""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from clinic.selectors import clinic_details

pytestmark = pytest.mark.django_db

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
TEMPLATES = sorted(
    path.stem
    for path in EMAILS.glob("*.txt")
    if not path.stem.startswith("_") and not path.stem.endswith("_subject")
)

# 19:30 UTC is 2:30 PM in the clinic's zone (America/New_York, EST in December).
DATES = {
    "appointment": datetime(2026, 12, 15, 19, 30, tzinfo=UTC),
    "preferred_date": date(2026, 12, 15),
    "send_on": date(2026, 12, 15),
    "treated_on": date(2026, 12, 15),
    "sun_until": date(2026, 12, 29),
    "window_opens": date(2027, 1, 12),
    "window_closes": date(2027, 1, 26),
    "offered": datetime(2026, 12, 10, 14, tzinfo=UTC),
}

# What each dated e-mail must say, in the US order.
EXPECTED = {
    "appointment_confirmed": "When: Tuesday, December 15, 2026 at 2:30 PM",
    "recheck_reminder": "is on Tuesday, December 15, 2026 at 2:30 PM",
    "recheck_overdue": "is on Tuesday, December 15, 2026 at 2:30 PM",
    "aftercare_day_3": "until Tuesday, December 29.",
    "next_session": "between Tuesday, January 12, 2027 and Tuesday, January 26, 2027.",
    "booking_patient": "You asked for: December 15, 2026, afternoon.",
    "can_book": "From today, December 15, 2026, you can",
    "appointment_cancelled": "on Tuesday, December 15, 2026 at 2:30 PM is cancelled",
    "earlier_time": "free at Riverside Skin Clinic: Thursday, December 10, 2026 at 9:00 AM.",
}

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
SHORT_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
BRITISH = re.compile(rf"\b\d{{1,2}} ({MONTHS}|{SHORT_MONTHS})\b|\b({WEEKDAYS}) \d")

# A filtered variable: {{ name|date:"..." }} or {{ name|time:"..." }}.
DATE_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\|\s*(?:date|time)\s*:")


def context() -> dict:
    return {
        "clinic": clinic_details(),
        "site_url": "https://clinic.example",
        "reference": "MN-ABCD-1234",
        "preferred_time": "afternoon",
        "contact_days": 2,
        "maintenance_months": 3,
        "antiviral": True,
        "aftercare_url": "https://clinic.example/aftercare/",
        "admin_url": "https://clinic.example/admin/bookings/bookingrequest/1/change/",
        "screener_url": "https://clinic.example/screener/",
        "appointment_url": "https://clinic.example/appointment/t0ken/",
        "check_url": "https://clinic.example/appointment/t0ken/check/",
        "stop_url": "https://clinic.example/stop/t0ken/",
        "stop_words": "reminders before appointments",
        **DATES,
    }


def rendered(name: str) -> str:
    subject = render_to_string(f"emails/{name}_subject.txt", context())
    return f"{subject}\n{render_to_string(f'emails/{name}.txt', context())}"


def test_every_email_template_is_checked():
    assert len(TEMPLATES) >= 11
    for name in TEMPLATES:
        assert (EMAILS / f"{name}_subject.txt").exists(), name
        source = (EMAILS / f"{name}.txt").read_text() + (EMAILS / f"{name}_subject.txt").read_text()
        for variable in DATE_VARIABLE.findall(source):
            assert variable in DATES, f"{name}: give {variable} a date in DATES"
        if DATE_VARIABLE.search(source):
            assert name in EXPECTED, f"{name}: say in EXPECTED how its dates read"


@pytest.mark.parametrize("name", TEMPLATES)
def test_email_dates_are_in_us_order(name):
    text = rendered(name)
    if name in EXPECTED:
        assert EXPECTED[name] in text
    assert not BRITISH.search(text), BRITISH.search(text).group(0)


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_email_names_a_condition(name):
    text = rendered(name).lower()
    for word in ("antiviral", "cold sore", "herpes", "medicine", "prophylaxis"):
        assert word not in text, word


def test_the_agreed_preparation_is_only_for_those_who_have_one():
    line = "Follow the preparation the clinic agreed with you before your appointment."
    assert line in rendered("appointment_confirmed")
    without = render_to_string("emails/appointment_confirmed.txt", context() | {"antiviral": False})
    assert line not in without
    assert "- Only one area is treated per session.\n\nTwo days before" in without
