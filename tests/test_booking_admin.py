"""The front desk's work in admin: booking requests, the checklist, screening statistics.

SPEC.md, "Staff": "Front desk" sees booking requests and (read-only) screenings; content
editors see no booking request; a condition must be ticked before a request is scheduled.
"""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from bookings.models import BookingRequest
from screener.models import Screening
from tests.appointment_helpers import change_url, make_booking
from tests.booking_helpers import ELIGIBLE, answers, record_screening
from tests.staff_helpers import verified_login

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
CHANGELIST = "/admin/bookings/bookingrequest/"
# Scheduling takes an appointment time (admin split date/time inputs), a day ahead.
SCHEDULED = {
    "status": "scheduled",
    "appointment_at_0": (timezone.localdate() + timedelta(days=12)).isoformat(),
    "appointment_at_1": "10:30",
}


def staff_in(group_name: str, django_user_model, username: str):
    user = django_user_model.objects.create_user(username, password="x-very-long-password-1")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def front_desk(client, django_user_model):
    verified_login(client, staff_in("Front desk", django_user_model, "desk"))
    return client


@pytest.fixture
def content_editor(client, django_user_model):
    verified_login(client, staff_in("Content editors", django_user_model, "editor"))
    return client


def form_data(booking: BookingRequest, **changes) -> dict:
    data = {
        "status": booking.status,
        "full_name": booking.full_name,
        "email": booking.email,
        "phone": booking.phone,
        "preferred_date": booking.preferred_date.isoformat(),
        "preferred_time": booking.preferred_time,
        "notes": booking.notes,
        # The messages inline (read-only rows) and the contact log (nothing added).
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
        "contact_log-TOTAL_FORMS": "0",
        "contact_log-INITIAL_FORMS": "0",
    }
    if booking.antiviral_prophylaxis_arranged:
        data["antiviral_prophylaxis_arranged"] = "on"
    if booking.appointment_at:
        local = timezone.localtime(booking.appointment_at)
        data["appointment_at_0"], data["appointment_at_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Groups and permissions -----------------------------------------------------------------


def test_front_desk_group_has_exactly_its_permissions():
    """Created by migration: booking requests (view, change, add by phone), their messages, the
    contact log (view, add), erasures (view, add), the outbox (to resend), screenings (view),
    the diary: practitioners, working hours and time off (all four), appointments (view),
    patients (view, change their contact details, merge two records), and recording a paper
    consent; no more."""
    permissions = Group.objects.get(name="Front desk").permissions
    codenames = set(permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("bookings", "view_bookingrequest"),
        ("bookings", "change_bookingrequest"),
        ("bookings", "view_message"),
        ("bookings", "add_bookingrequest"),
        ("bookings", "view_contactlogentry"),
        ("bookings", "add_contactlogentry"),
        ("bookings", "view_erasurerecord"),
        ("bookings", "add_erasurerecord"),
        ("screener", "view_screening"),
        ("post_office", "view_email"),
        ("post_office", "change_email"),
        ("post_office", "view_log"),
        ("bookings", "view_practitioner"),
        ("bookings", "add_practitioner"),
        ("bookings", "change_practitioner"),
        ("bookings", "delete_practitioner"),
        ("bookings", "view_appointment"),
        ("diary", "view_workinghours"),
        ("diary", "add_workinghours"),
        ("diary", "change_workinghours"),
        ("diary", "delete_workinghours"),
        ("diary", "view_timeoff"),
        ("diary", "add_timeoff"),
        ("diary", "change_timeoff"),
        ("diary", "delete_timeoff"),
        # Record a consent signed on paper (not read one: tests/test_consent.py).
        ("patients", "add_consentsignature"),
        ("patients", "view_patient"),
        ("patients", "change_patient"),
        ("patients", "merge_patient"),
    }


def test_content_editors_have_no_booking_permission():
    editors = Group.objects.get(name="Content editors")
    assert not editors.permissions.filter(
        content_type__app_label__in=["screener", "bookings", "post_office", "patients"]
    ).exists()


def test_front_desk_works_through_booking_requests(front_desk):
    booking = make_booking()
    assert front_desk.get(CHANGELIST).status_code == 200
    assert front_desk.get(change_url(booking)).status_code == 200
    response = front_desk.post(change_url(booking), form_data(booking, status="contacted"))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "contacted"


def test_nobody_adds_booking_requests_in_admin(front_desk, admin_client):
    """Requests only come from patients."""
    assert front_desk.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_front_desk_reads_screenings_but_cannot_change_them(front_desk):
    screening = record_screening(answers(keloid=True))
    url = reverse("admin:screener_screening_change", args=[screening.pk])
    assert front_desk.get("/admin/screener/screening/").status_code == 200
    assert front_desk.get(url).status_code == 200
    response = front_desk.post(url, {"outcome": "eligible", "area": "hands", "reasons": ""})
    assert response.status_code == 403
    screening.refresh_from_db()
    assert screening.outcome == "not_suitable"
    assert front_desk.get("/admin/screener/screening/add/").status_code == 403


def test_screenings_are_read_only_even_for_superusers(admin_client):
    screening = record_screening(ELIGIBLE)
    url = reverse("admin:screener_screening_change", args=[screening.pk])
    assert admin_client.post(url, {"outcome": "not_suitable"}).status_code == 403
    delete_url = reverse("admin:screener_screening_delete", args=[screening.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Screening.objects.filter(pk=screening.pk, outcome="eligible").exists()


def test_front_desk_sees_nothing_of_the_faq_or_the_users(front_desk):
    faq_models = [model for model in admin.site._registry if model._meta.app_label == "faq"]
    assert faq_models, "the FAQ is in admin"
    for model in faq_models:
        url = reverse(f"admin:faq_{model._meta.model_name}_changelist")
        assert front_desk.get(url).status_code == 403, url
    assert front_desk.get("/admin/auth/user/").status_code == 403
    assert front_desk.get("/admin/auth/group/").status_code == 403
    index = front_desk.get("/admin/").content.decode()
    assert "/admin/bookings/bookingrequest/" in index
    assert "/admin/faq/" not in index


def test_content_editor_sees_no_booking_request(content_editor):
    booking = make_booking()
    assert content_editor.get(CHANGELIST).status_code == 403
    assert content_editor.get(change_url(booking)).status_code == 403
    assert content_editor.get("/admin/screener/screening/").status_code == 403
    assert "/admin/screener/" not in content_editor.get("/admin/").content.decode()


# --- The list ------------------------------------------------------------------------------------


def test_list_shows_requests_with_status_outcome_and_email_state(admin_client):
    booking = make_booking(answers(cold_sores=True))
    html = admin_client.get(CHANGELIST).content.decode()
    for text in (booking.reference, "Jane Example", "afternoon", "New", "Antiviral: needed"):
        assert text in html
    # The e-mails have not been sent (no commit in this test): the column says so.
    assert "icon-no.svg" in html


@pytest.mark.parametrize("query", ["reference", "Jane", "example.com"])
def test_search_by_reference_name_and_email(admin_client, query):
    wanted = make_booking(full_name="Jane Example", email="jane@example.com")
    other = make_booking(full_name="Bob Other", email="bob@other.test")
    term = wanted.reference if query == "reference" else query
    html = admin_client.get(CHANGELIST, {"q": term}).content.decode()
    assert wanted.reference in html
    assert other.reference not in html


def test_filters_by_status_and_outcome(admin_client):
    contacted = make_booking()
    BookingRequest.objects.filter(pk=contacted.pk).update(status="contacted")
    conditional = make_booking(answers(cold_sores=True))
    html = admin_client.get(CHANGELIST, {"status__exact": "contacted"}).content.decode()
    assert contacted.reference in html
    assert conditional.reference not in html
    html = admin_client.get(CHANGELIST, {"outcome": "eligible_with_conditions"}).content.decode()
    assert conditional.reference in html
    assert contacted.reference not in html


def test_change_page_shows_the_screening_in_words_read_only(admin_client):
    booking = make_booking(
        answers(cold_sores=True, isotretinoin_date=timezone.localdate() - timedelta(days=400))
    )
    html = admin_client.get(change_url(booking)).content.decode()
    assert "Eligible with conditions" in html
    assert "History of cold sores" in html
    assert "Ever had cold sores" in html
    assert "Face and neck" in html
    assert 'name="answers"' not in html
    assert 'name="outcome"' not in html
    assert 'name="reference"' not in html


# --- The checklist -------------------------------------------------------------------------------


def test_cold_sores_request_needs_the_checklist_ticked_before_scheduling(admin_client):
    booking = make_booking(answers(cold_sores=True))
    assert booking.needs_antiviral_prophylaxis
    response = admin_client.post(change_url(booking), form_data(booking, **SCHEDULED))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "antiviral_prophylaxis_arranged" in errors
    assert "cold sores" in errors["antiviral_prophylaxis_arranged"][0]
    booking.refresh_from_db()
    assert booking.status == "new"

    response = admin_client.post(
        change_url(booking),
        form_data(booking, **SCHEDULED, antiviral_prophylaxis_arranged="on"),
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "scheduled"
    assert booking.antiviral_prophylaxis_arranged


def test_request_without_conditions_can_be_scheduled_and_shows_no_checklist(admin_client):
    booking = make_booking()
    assert not booking.needs_antiviral_prophylaxis
    assert (
        "antiviral_prophylaxis_arranged"
        not in admin_client.get(change_url(booking)).content.decode()
    )
    response = admin_client.post(change_url(booking), form_data(booking, **SCHEDULED))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "scheduled"


def test_checklist_need_is_not_editable(admin_client):
    """Staff cannot clear the condition to get round the checklist."""
    booking = make_booking(answers(cold_sores=True))
    admin_client.post(
        change_url(booking),
        form_data(booking, **SCHEDULED, needs_antiviral_prophylaxis=""),
    )
    booking.refresh_from_db()
    assert booking.needs_antiviral_prophylaxis
    assert booking.status == "new"


# --- Screening statistics ---------------------------------------------------------------------


def test_screening_list_counts_outcomes_and_reasons_for_the_filtered_list(admin_client):
    record_screening(ELIGIBLE)
    record_screening(answers(cold_sores=True))
    record_screening(answers(cold_sores=True, pregnant=True))
    record_screening(answers(keloid=True), today=TODAY)
    Screening.objects.filter(outcome="not_suitable").update(area="hands")

    response = admin_client.get("/admin/screener/screening/")
    assert response.status_code == 200
    assert response.context["screening_total"] == 4
    assert dict(response.context["outcome_counts"]) == {
        "Eligible": 1,
        "Eligible with conditions": 1,
        "Deferred": 1,
        "Not suitable online": 1,
    }
    by_reason = dict(response.context["reason_counts"])
    assert by_reason["History of cold sores: antiviral prophylaxis must be arranged"] == 2
    assert by_reason["Pregnant or breastfeeding"] == 1

    filtered = admin_client.get("/admin/screener/screening/", {"area__exact": "face_neck"})
    assert filtered.context["screening_total"] == 3
    assert dict(filtered.context["outcome_counts"])["Not suitable online"] == 0
