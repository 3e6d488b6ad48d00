"""Health answers in the admin are for Clinicians only, and each view of them is recorded.

SPEC.md, "Staff" and "Privacy and security": front desk see the outcome, reasons and
conditions; Clinicians (and superusers) also see the answers; who saw which request, and when,
is kept and shown read-only.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from bookings.appointments import recheck_record
from bookings.models import BookingRequest, HealthAnswersView
from tests.booking_helpers import answers
from tests.staff_helpers import verified_login
from tests.test_booking_admin import change_url, form_data, make_booking, staff_in

pytestmark = pytest.mark.django_db

ANSWER_ROW = "Ever had cold sores"  # a question of the answers table, in words
LOG_URL = "/admin/bookings/healthanswersview/"


@pytest.fixture
def front_desk(client, django_user_model):
    verified_login(client, staff_in("Front desk", django_user_model, "desk"))
    return client


@pytest.fixture
def clinician(client, django_user_model):
    verified_login(client, staff_in("Clinicians", django_user_model, "doctor"))
    return client


def test_clinicians_have_the_front_desks_permissions_and_the_health_answers():
    """Created by migration: Front desk's permissions, plus view_health_answers and the log,
    and the consent's versions and records."""
    front_desk = set(Group.objects.get(name="Front desk").permissions.all())
    clinicians = set(Group.objects.get(name="Clinicians").permissions.all())
    assert front_desk < clinicians
    extra = {(p.content_type.app_label, p.codename) for p in clinicians - front_desk}
    assert extra == {
        ("bookings", "view_health_answers"),
        ("bookings", "view_healthanswersview"),
        # The consent's versions and signed records (patients/migrations/0003).
        ("patients", "view_consentversion"),
        ("patients", "add_consentversion"),
        ("patients", "change_consentversion"),
        ("patients", "delete_consentversion"),
        ("patients", "publish_consentversion"),
        ("patients", "view_consentsignature"),
        # Treatment records are the clinicians' alone (patients/migrations/0003).
        ("patients", "view_treatmentrecord"),
        ("patients", "add_treatmentrecord"),
        ("patients", "change_treatmentrecord"),
        ("patients", "view_treatmentarea"),
        ("patients", "add_treatmentarea"),
        ("patients", "change_treatmentarea"),
        ("patients", "delete_treatmentarea"),
        ("patients", "view_treatmentaddendum"),
        ("patients", "add_treatmentaddendum"),
        ("patients", "view_treatmentrecordview"),
        # The log of views of patients' clinical records.
        ("patients", "view_patientrecordview"),
    }
    assert (
        not Group.objects.get(name="Front desk")
        .permissions.filter(codename="view_health_answers")
        .exists()
    )


def test_front_desk_see_outcome_reasons_and_conditions_but_not_the_answers(front_desk):
    booking = make_booking(answers(cold_sores=True))
    html = front_desk.get(change_url(booking)).content.decode()
    assert "Eligible with conditions" in html
    assert "History of cold sores" in html  # the reason
    assert "antiviral_prophylaxis_arranged" in html  # the condition's checklist
    assert ANSWER_ROW not in html
    assert not HealthAnswersView.objects.exists()


def test_front_desk_can_still_save_a_request(front_desk):
    booking = make_booking()
    response = front_desk.post(change_url(booking), form_data(booking, status="contacted"))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "contacted"


def test_front_desk_cannot_open_the_log_of_views(front_desk):
    assert front_desk.get(LOG_URL).status_code == 403


def test_clinicians_see_the_answers_and_each_view_is_recorded(clinician):
    """Every time the page shows the answers, one record: who, which request, when."""
    booking = make_booking(answers(cold_sores=True))
    html = clinician.get(change_url(booking)).content.decode()
    assert ANSWER_ROW in html
    clinician.get(change_url(booking))

    views = list(HealthAnswersView.objects.order_by("viewed_at", "id"))
    assert len(views) == 2
    assert {(v.username, v.booking_id, v.reference) for v in views} == {
        ("doctor", booking.pk, booking.reference)
    }
    assert all(v.viewed_at for v in views)


def test_saving_without_showing_the_answers_records_no_view(clinician):
    booking = make_booking()
    response = clinician.post(change_url(booking), form_data(booking, status="contacted"))
    assert response.status_code == 302
    assert not HealthAnswersView.objects.exists()


def test_superusers_see_the_answers_and_are_recorded(admin_client, admin_user):
    booking = make_booking(answers(cold_sores=True))
    assert ANSWER_ROW in admin_client.get(change_url(booking)).content.decode()
    assert HealthAnswersView.objects.get().viewed_by == admin_user


def test_the_log_is_read_only_for_clinicians(clinician):
    booking = make_booking()
    clinician.get(change_url(booking))
    record = HealthAnswersView.objects.get()

    listing = clinician.get(LOG_URL)
    assert listing.status_code == 200
    assert booking.reference in listing.content.decode()
    assert clinician.get(f"{LOG_URL}add/").status_code == 403
    detail = clinician.get(f"{LOG_URL}{record.pk}/change/").content.decode()
    assert 'name="username"' not in detail
    assert clinician.post(f"{LOG_URL}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert HealthAnswersView.objects.filter(pk=record.pk).exists()


def test_the_record_outlives_the_request():
    """Purging a request keeps the record of who saw it (the reference, no details); an erasure
    deletes it (tests/test_erasure_traces.py)."""
    booking = make_booking()
    HealthAnswersView.objects.create(booking=booking, reference=booking.reference, username="x")
    booking.delete()
    record = HealthAnswersView.objects.get()
    assert record.booking is None
    assert record.reference == booking.reference


def rechecked_booking(**changes):
    """A scheduled request whose patient answered the 48-hour re-check with `changes`."""
    booking = make_booking()
    BookingRequest.objects.filter(pk=booking.pk).update(
        status="scheduled",
        appointment_at=(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0),
    )
    booking.refresh_from_db()
    recheck_record(booking=booking, answers=answers(**changes))
    return booking


def test_clinicians_see_the_recheck_answers_with_the_screenings(clinician):
    booking = rechecked_booking(infection=True)
    html = clinician.get(change_url(booking)).content.decode()
    recheck = html[html.index("Changed: treatment may have to wait") :]
    recheck = recheck[: recheck.index("</table>")]
    assert re.search(r"A skin infection in or near the area now[^<]*</th><td>Yes</td>", recheck)
    assert "Ever had cold sores" not in recheck  # not a question the re-check asks
    assert HealthAnswersView.objects.filter(booking=booking).count() == 1


def test_clinicians_see_when_the_recheck_is_not_done(clinician):
    booking = make_booking()
    html = clinician.get(change_url(booking)).content.decode()
    assert "Re-check before treatment" in html and "Not done yet" in html


def test_front_desk_never_see_the_recheck_answers(front_desk):
    booking = rechecked_booking(infection=True)
    html = front_desk.get(change_url(booking)).content.decode()
    assert "Re-check before treatment" not in html
    assert "Changed: treatment may have to wait" not in html
    assert not HealthAnswersView.objects.exists()


# --- Every re-check is kept: a "changed" one stands until a clinician reviews it ------------


def test_a_clear_recheck_after_a_changed_one_does_not_undo_it(client):
    booking = rechecked_booking(pregnant=True)
    assert recheck_record(booking=booking, answers=answers()) == "changed"
    booking.refresh_from_db()
    assert booking.recheck_result == "changed"
    assert booking.needs_attention and booking.attention_reason == "recheck_changed"
    results = list(booking.recheck_submissions.values_list("result", flat=True))
    assert results == ["changed", "clear"]
    assert booking.recheck_submissions.first().answers["pregnant"] is True


def test_clinicians_see_every_recheck_and_which_is_not_reviewed(clinician):
    booking = rechecked_booking(pregnant=True)
    recheck_record(booking=booking, answers=answers())
    html = clinician.get(change_url(booking)).content.decode()
    changed = html.index("Changed: treatment may have to wait")
    clear = html.index("Clear: nothing stops the treatment")
    assert changed < clear  # oldest first
    assert "Not reviewed yet" in html
    assert "Changed re-check reviewed" in html


def test_front_desk_cannot_dismiss_a_changed_recheck(front_desk):
    booking = rechecked_booking(pregnant=True)
    data = form_data(booking)
    data.pop("needs_attention", None)
    data["recheck_reviewed"] = "on"  # not on their form: ignored even if posted
    response = front_desk.post(change_url(booking), data)
    assert response.status_code == 200
    assert "a clinician must mark it reviewed first" in response.content.decode()
    booking.refresh_from_db()
    assert booking.needs_attention and booking.recheck_result == "changed"
    assert not booking.recheck_submissions.filter(reviewed_at__isnull=False).exists()


def test_a_clinician_marks_the_changed_recheck_reviewed(clinician):
    booking = rechecked_booking(pregnant=True)
    recheck_record(booking=booking, answers=answers())
    data = form_data(booking)
    data.pop("needs_attention", None)
    data["recheck_reviewed"] = "on"
    response = clinician.post(change_url(booking), data)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.recheck_result == "clear"  # the latest submission's
    assert not booking.needs_attention and booking.attention_reason == ""
    reviewed = booking.recheck_submissions.get(result="changed")
    assert reviewed.reviewed_by.username == "doctor" and reviewed.reviewed_at is not None
    html = clinician.get(change_url(booking)).content.decode()
    assert "reviewed by doctor" in html and "Not reviewed yet" not in html
