"""Crafted query strings on every admin list, as each member of staff: never a server error.

A typo'd bookmark or a hand-edited URL gets the list (the admin's "?e=1" for a bad filter),
a 400, a 403 or a 404: a 5xx would page the clinic for nothing and hide real faults.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.booking_helpers import answers
from tests.staff_helpers import verified_login
from tests.test_booking_admin import make_booking, staff_in

pytestmark = pytest.mark.django_db

CRAFTED = [
    {"o": "garbage"},
    {"o": "99"},
    {"o": "-1.2.x"},
    {"status": "<junk>"},
    {"status__in": "a,b,<c>"},
    {"appointment_at__gte": "notadate"},
    {"created_at__gte": "2026-13-45"},
    {"viewed_at__day": "x"},
    {"erased_at__year": "99999999999999999999"},
    {"viewed_at__year": "9999"},
    {"viewed_at__year": "9998", "viewed_at__month": "12", "viewed_at__day": "31"},
    {"attempt_time__year": "2026", "attempt_time__month": "13"},
    {"p": "-1"},
    {"p": "999999"},
    {"p": "x"},
    {"q": "\x00"},
    {"q": "a" * 5000},
    {"no_such_filter": "1"},
    {"id__in": "1,x"},
    {"pk": "notanumber"},
    {"needs_attention__exact": "maybe"},
    {"show": "<script>"},
    {"outcome": "nonsense"},
    {"email_failed": "perhaps"},
    {"_changelist_filters": "status=%00&o=zz"},
    {"_changelist_filters": "\x00"},
    {"date": "garbage"},
    {"_to_field": "password"},
    {"_popup": "1", "_to_field": "answers"},
    {"all": "", "e": "1"},
]
ROLES = ["Front desk", "Clinicians", "Content editors", "superuser"]


def changelist_urls() -> list[str]:
    urls = []
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        try:
            urls.append(
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            )
        except NoReverseMatch:
            continue  # a singleton (the clinic's details) has no list
    return urls


def custom_urls() -> list[str]:
    """The admin's own pages that are not lists (phone booking, erasure)."""
    return [
        reverse("admin:bookings_bookingrequest_phone"),
        reverse("admin:bookings_bookingrequest_phone_details"),
        reverse("admin:bookings_bookingrequest_erase"),
        reverse("admin:index"),
    ]


@pytest.fixture
def staff_client(request, client, django_user_model):
    role = request.param
    if role == "superuser":
        user = django_user_model.objects.create_superuser("root", password="x-very-long-password-1")
    else:
        user = staff_in(role, django_user_model, role.split()[0].lower())
    verified_login(client, user)
    return client


@pytest.mark.parametrize("staff_client", ROLES, indirect=True)
def test_crafted_parameters_never_give_a_server_error(staff_client):
    make_booking(answers(cold_sores=True))
    failures = []
    for url in changelist_urls() + custom_urls():
        for params in CRAFTED:
            response = staff_client.get(url, params)
            if response.status_code >= 500:
                failures.append((url, params, response.status_code))
    assert failures == []
