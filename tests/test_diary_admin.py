"""The diary in the admin: practitioners, their working hours and time off, their feed address.

SPEC.md, "The diary (admin)" and "Staff": the front desk keeps the practitioners' hours (several
stretches a day) and time off (from, to, a reason staff only see); content editors see none of
it; a practitioner's private feed address is revocable.
"""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from bookings.models import Practitioner
from diary.admin import TIME_OFF_BACKWARDS, feed_url
from diary.models import TimeOff, WorkingHours
from tests.staff_helpers import verified_login
from tests.test_booking_admin import staff_in

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:bookings_practitioner_add")
CHANGELIST = reverse("admin:bookings_practitioner_changelist")
DIARY_PERMISSIONS = {
    ("bookings", "view_practitioner"),
    ("bookings", "add_practitioner"),
    ("bookings", "change_practitioner"),
    ("bookings", "delete_practitioner"),
    ("bookings", "view_appointment"),
    *{
        ("diary", f"{action}_{model}")
        for model in ("workinghours", "timeoff")
        for action in ("view", "add", "change", "delete")
    },
}


@pytest.fixture
def front_desk(client, django_user_model):
    verified_login(client, staff_in("Front desk", django_user_model, "desk"))
    return client


@pytest.fixture
def content_editor(client, django_user_model):
    verified_login(client, staff_in("Content editors", django_user_model, "editor"))
    return client


def practitioner_form(
    name: str = "Dr. Rivera",
    hours: list[tuple[int, str, str]] = (),
    time_off: list[tuple[str, str, str, str, str]] = (),
) -> dict[str, str]:
    """The practitioner's add page as posted: hours as (weekday, start, end), time off as
    (from date, from time, to date, to time, reason)."""
    data = {
        "name": name,
        "active": "on",
        "user": "",
        "working_hours-TOTAL_FORMS": str(len(hours)),
        "working_hours-INITIAL_FORMS": "0",
        "time_off-TOTAL_FORMS": str(len(time_off)),
        "time_off-INITIAL_FORMS": "0",
    }
    for n, (weekday, start, end) in enumerate(hours):
        data |= {
            f"working_hours-{n}-weekday": str(weekday),
            f"working_hours-{n}-start": start,
            f"working_hours-{n}-end": end,
        }
    for n, (from_day, from_time, to_day, to_time, reason) in enumerate(time_off):
        data |= {
            f"time_off-{n}-starts_at_0": from_day,
            f"time_off-{n}-starts_at_1": from_time,
            f"time_off-{n}-ends_at_0": to_day,
            f"time_off-{n}-ends_at_1": to_time,
            f"time_off-{n}-reason": reason,
        }
    return data


def next_week(days: int = 7) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_front_desk_and_clinicians_have_the_same_diary_permissions():
    """Made by migration; clinicians keep every permission the front desk has."""
    for name in ("Front desk", "Clinicians"):
        held = {
            (p.content_type.app_label, p.codename)
            for p in Group.objects.get(name=name).permissions.select_related("content_type")
        }
        assert held >= DIARY_PERMISSIONS, name
    editors = Group.objects.get(name="Content editors").permissions
    assert not editors.filter(content_type__app_label="diary").exists()
    assert not editors.filter(codename__in=[c for _, c in DIARY_PERMISSIONS]).exists()


def test_front_desk_add_a_practitioner_with_a_break_and_time_off(front_desk):
    """Two stretches on Monday (a lunch break) and a day off next week."""
    data = practitioner_form(
        hours=[(0, "09:00", "12:30"), (0, "13:30", "17:00"), (2, "10:00", "16:00")],
        time_off=[(next_week(), "09:00", next_week(), "17:00", "Training day")],
    )
    response = front_desk.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    practitioner = Practitioner.objects.get(name="Dr. Rivera")
    assert list(
        WorkingHours.objects.filter(practitioner=practitioner).values_list(
            "weekday", "start", "end"
        )
    ) == [(0, time(9), time(12, 30)), (0, time(13, 30), time(17)), (2, time(10), time(16))]
    time_off = TimeOff.objects.get(practitioner=practitioner)
    assert timezone.localtime(time_off.starts_at).time() == time(9)
    assert time_off.reason == "Training day"


def test_front_desk_add_time_off_on_its_own_page(front_desk):
    clinician = Practitioner.objects.get(name="Clinician")
    response = front_desk.post(
        reverse("admin:diary_timeoff_add"),
        {
            "practitioner": str(clinician.pk),
            "starts_at_0": next_week(),
            "starts_at_1": "13:00",
            "ends_at_0": next_week(9),
            "ends_at_1": "17:00",
            "reason": "Conference",
        },
    )
    assert response.status_code == 302
    assert TimeOff.objects.get().practitioner == clinician


def test_time_off_that_ends_before_it_starts_is_refused_clearly(front_desk):
    """On the practitioner's page and on the time-off page: the error names the end, and
    nothing is saved."""
    data = practitioner_form(time_off=[(next_week(), "17:00", next_week(), "09:00", "")])
    response = front_desk.post(ADD_URL, data)
    assert response.status_code == 200
    assert TIME_OFF_BACKWARDS in response.content.decode()
    assert not Practitioner.objects.filter(name="Dr. Rivera").exists()

    response = front_desk.post(
        reverse("admin:diary_timeoff_add"),
        {
            "practitioner": str(Practitioner.objects.get().pk),
            "starts_at_0": next_week(),
            "starts_at_1": "13:00",
            "ends_at_0": next_week(-1),
            "ends_at_1": "13:00",
        },
    )
    assert response.status_code == 200
    assert TIME_OFF_BACKWARDS in response.content.decode()
    assert not TimeOff.objects.exists()


def test_working_hours_that_overlap_on_one_day_are_refused(front_desk):
    data = practitioner_form(hours=[(1, "09:00", "13:00"), (1, "12:00", "17:00")])
    response = front_desk.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Tuesday: 09:00 to 13:00 and 12:00 to 17:00 overlap" in response.content.decode()
    assert not Practitioner.objects.filter(name="Dr. Rivera").exists()


def test_working_hours_ending_before_they_start_are_refused(front_desk):
    response = front_desk.post(ADD_URL, practitioner_form(hours=[(1, "17:00", "09:00")]))
    assert response.status_code == 200
    assert "The end must be after the start." in response.content.decode()


def test_the_list_shows_name_active_and_staff_account(front_desk, django_user_model):
    doctor = staff_in("Clinicians", django_user_model, "doctor")
    Practitioner.objects.create(name="Dr. Rivera", user=doctor, active=False)
    html = front_desk.get(CHANGELIST).content.decode()
    assert "Dr. Rivera" in html and "Clinician" in html
    assert "doctor" in html
    assert "Staff account" in html


def test_the_practitioners_page_shows_their_feed_address(front_desk):
    clinician = Practitioner.objects.get(name="Clinician")
    html = front_desk.get(reverse("admin:bookings_practitioner_change", args=[clinician.pk]))
    html = html.content.decode()
    assert feed_url(clinician) in html
    assert feed_url(clinician).endswith(f"/diary/feed/{clinician.feed_token}.ics")


def test_a_new_feed_address_replaces_the_old_one(front_desk):
    clinician = Practitioner.objects.get(name="Clinician")
    old = clinician.feed_token
    response = front_desk.post(
        CHANGELIST,
        {"action": "new_feed_address", "_selected_action": [str(clinician.pk)]},
        follow=True,
    )
    assert "The old address no longer works" in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.feed_token != old
    assert len(clinician.feed_token) >= 40


def test_time_off_past_is_not_in_the_practitioners_page_but_in_the_list(front_desk):
    clinician = Practitioner.objects.get(name="Clinician")
    long_ago = timezone.now() - timedelta(days=60)
    TimeOff.objects.create(
        practitioner=clinician,
        starts_at=long_ago,
        ends_at=long_ago + timedelta(hours=4),
        reason="Old dentist visit",
    )
    page = front_desk.get(reverse("admin:bookings_practitioner_change", args=[clinician.pk]))
    assert "Old dentist visit" not in page.content.decode()
    listing = front_desk.get(reverse("admin:diary_timeoff_changelist"))
    assert "Old dentist visit" in listing.content.decode()


def test_content_editors_cannot_see_the_diary(content_editor):
    assert content_editor.get(CHANGELIST).status_code == 403
    assert content_editor.get(ADD_URL).status_code == 403
    assert content_editor.get(reverse("admin:diary_timeoff_changelist")).status_code == 403
    assert content_editor.get(reverse("admin:bookings_calendar")).status_code == 403
    index = content_editor.get(reverse("admin:index")).content.decode()
    assert "Practitioners" not in index
    assert "Time off" not in index
    assert "Calendar" not in index


def test_the_admin_index_links_the_calendar_for_the_front_desk(front_desk):
    index = front_desk.get(reverse("admin:index")).content.decode()
    assert reverse("admin:bookings_calendar") in index
    assert "Practitioners" in index


def test_a_staff_account_can_only_be_a_staff_user(front_desk, django_user_model):
    django_user_model.objects.create_user("patientuser", password="x-very-long-password-1")
    html = front_desk.get(ADD_URL).content.decode()
    assert "patientuser" not in html


def test_seeded_clinician_has_its_hours_in_the_inline(front_desk):
    clinician = Practitioner.objects.get(name="Clinician")
    html = front_desk.get(reverse("admin:bookings_practitioner_change", args=[clinician.pk]))
    assert 'name="working_hours-4-start" value="09:00"' in html.content.decode()
