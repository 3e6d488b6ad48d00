"""Front desk cannot find patients by their health answers through the admin's query string.

Django's admin filters on any lookup of a model's own fields, so without a guard
`?answers__radiation_date__icontains=20` would list exactly the patients with that answer.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from bookings.models import RecheckSubmission
from tests.booking_helpers import answers
from tests.staff_helpers import verified_login
from tests.test_booking_admin import change_url, form_data, make_booking, staff_in

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/bookings/bookingrequest/"
HEALTH_LOOKUPS = [
    {"answers__radiation_date__icontains": "20"},
    {"answers__radiation_date__isnull": "False"},
    {"recheck_submissions__answers__pregnant": "true"},
    {"recheck_submissions__answers__icontains": "pregnant"},
    {"recheck_submissions__result": "changed"},
]


@pytest.fixture
def bookings():
    """Two patients; only the first had radiotherapy and said "pregnant" at the re-check."""
    radiation = timezone.localdate() - timedelta(days=100)
    treated = make_booking(answers(radiation_date=radiation), full_name="Rita Radiation")
    RecheckSubmission.objects.create(
        booking=treated,
        appointment_at=timezone.now(),
        answers={"pregnant": True},
        result=RecheckSubmission.Result.CHANGED,
    )
    other = make_booking(full_name="Olive Other", email="olive@example.com")
    return treated, other


def login(client, django_user_model, group: str):
    verified_login(client, staff_in(group, django_user_model, group.split()[0].lower()))
    return client


@pytest.mark.parametrize("lookup", HEALTH_LOOKUPS)
def test_front_desk_cannot_filter_on_health_answers(client, django_user_model, bookings, lookup):
    login(client, django_user_model, "Front desk")
    response = client.get(LIST_URL, {"show": "all", **lookup})
    assert response.status_code == 400
    assert b"Rita Radiation" not in response.content


@pytest.mark.parametrize("lookup", HEALTH_LOOKUPS)
def test_front_desk_cannot_export_a_health_filtered_list(
    client, django_user_model, bookings, lookup
):
    login(client, django_user_model, "Front desk")
    response = client.post(
        f"{LIST_URL}?{urlencode({'show': 'all', **lookup})}",
        {"action": "export_csv", "_selected_action": [b.pk for b in bookings]},
    )
    assert response.status_code == 400
    assert response.get("Content-Type", "").startswith("text/html")


def test_the_filters_kept_by_a_request_page_cannot_carry_a_health_lookup(
    client, django_user_model, bookings
):
    """Saving a request goes back to the list with its filters (_changelist_filters)."""
    login(client, django_user_model, "Front desk")
    treated, _ = bookings
    kept = urlencode({"_changelist_filters": "answers__radiation_date__icontains=20"})
    response = client.post(f"{change_url(treated)}?{kept}", form_data(treated), follow=True)
    assert response.redirect_chain[-1][0].startswith(LIST_URL)
    assert response.status_code == 400
    assert b"Rita Radiation" not in response.content


def test_search_and_ordering_never_reach_the_answers(client, django_user_model, bookings):
    login(client, django_user_model, "Front desk")
    radiation_year = str(bookings[0].answers["radiation_date"])[:4]
    searched = client.get(LIST_URL, {"show": "all", "q": radiation_year})
    assert b"Rita Radiation" not in searched.content
    for order in ("answers", "-answers", "answers__radiation_date"):
        ordered = client.get(LIST_URL, {"show": "all", "o": order})
        assert ordered.status_code == 200
        assert b"Rita Radiation" in ordered.content and b"Olive Other" in ordered.content


def test_front_desk_may_still_use_the_worklists_own_filters(client, django_user_model, bookings):
    login(client, django_user_model, "Front desk")
    response = client.get(LIST_URL, {"show": "all", "outcome": "deferred"})
    assert response.status_code == 200
    assert b"Rita Radiation" in response.content and b"Olive Other" not in response.content


def test_clinicians_may_filter_on_the_answers(client, django_user_model, bookings):
    login(client, django_user_model, "Clinicians")
    response = client.get(LIST_URL, {"show": "all", "answers__radiation_date__icontains": "20"})
    assert response.status_code == 200
    assert b"Rita Radiation" in response.content and b"Olive Other" not in response.content
