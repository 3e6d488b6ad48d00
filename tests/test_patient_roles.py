"""Who sees what of the patient record (SPEC "Staff", "Privacy and security"): the front desk
and content editors never see the health parts of a patient's timeline, by any admin path:
the patient's page, its history, the list's search and filters, an export, the request page.
Content editors see no patient at all; clinicians see the clinical entries, each view recorded.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import RecheckSubmission
from patients.models import Patient, PatientRecordView
from tests.appointment_helpers import make_booking
from tests.booking_helpers import answers
from tests.staff_helpers import verified_login
from tests.test_booking_admin import staff_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/patients/patient/"
# Words that only the health answers and the re-check (clinical) would put on a page.
HEALTH_WORDS = ("isotretinoin", "Radiation therapy", "radiation_date", "treatment may have to wait")
HEALTH_LOOKUPS = [
    {"booking_requests__answers__icontains": "radiation"},
    {"booking_requests__answers__radiation_date__isnull": "False"},
    {"booking_requests__recheck_submissions__result": "changed"},
    {"booking_requests__recheck_submissions__answers__icontains": "pregnant"},
]


@pytest.fixture
def patient() -> Patient:
    """Rita had radiotherapy 100 days ago and took isotretinoin; her re-check changed."""
    radiation = timezone.localdate() - timedelta(days=100)
    booking = make_booking(
        answers(radiation_date=radiation, isotretinoin_date=radiation),
        full_name="Rita Example",
        email="rita@example.com",
    )
    RecheckSubmission.objects.create(
        booking=booking,
        appointment_at=timezone.now() + timedelta(days=2),
        answers={"pregnant": True, "isotretinoin": True},
        result=RecheckSubmission.Result.CHANGED,
    )
    return booking.patient


def signed_in(client, django_user_model, group: str):
    verified_login(client, staff_in(group, django_user_model, group.split()[0].lower()))
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_no_health(html: str) -> None:
    for word in HEALTH_WORDS:
        assert word.lower() not in html.lower(), word
    assert "data-clinical" not in html
    assert 'data-timeline-kind="recheck"' not in html


def test_front_desk_sees_the_patient_page_without_its_health_parts(
    client, django_user_model, patient
):
    desk = signed_in(client, django_user_model, "Front desk")
    html = page(desk.get(reverse("admin:patients_patient_change", args=[patient.pk])))
    assert "data-timeline" in html and "Rita Example" in html
    assert "data-course-plan" in html  # the plan: not health data
    assert_no_health(html)
    assert not PatientRecordView.objects.exists()


def test_front_desk_sees_a_history_without_health_parts(client, django_user_model, patient):
    doctor = signed_in(client, django_user_model, "Clinicians")
    doctor.post(
        reverse("admin:patients_patient_change", args=[patient.pk]),
        {"full_name": "Rita Example", "email": "rita@example.com", "phone": "207 555 0100"},
    )
    desk = signed_in(client, django_user_model, "Front desk")
    html = page(desk.get(reverse("admin:patients_patient_history", args=[patient.pk])))
    assert "Changed" in html or "changed" in html
    assert_no_health(html)


@pytest.mark.parametrize("word", ["isotretinoin", "radiation", "pregnant", "changed", "2026"])
def test_searching_patients_by_a_health_word_finds_nothing(
    client, django_user_model, patient, word
):
    desk = signed_in(client, django_user_model, "Front desk")
    html = page(desk.get(CHANGELIST, {"q": word}))
    assert "Rita Example" not in html


@pytest.mark.parametrize("group", ["Front desk", "Clinicians"])
@pytest.mark.parametrize("lookup", HEALTH_LOOKUPS)
def test_no_filter_reaches_the_health_answers(client, django_user_model, patient, group, lookup):
    """Django refuses a lookup through a relation that is not a list filter (400), for
    clinicians too; for the front desk the health guard refuses it besides."""
    staff = signed_in(client, django_user_model, group)
    response = staff.get(f"{CHANGELIST}?{urlencode(lookup)}")
    assert response.status_code == 400
    assert b"Rita Example" not in response.content


def test_the_patient_list_offers_no_export_and_no_health_column(client, django_user_model, patient):
    desk = signed_in(client, django_user_model, "Front desk")
    response = desk.get(CHANGELIST)
    html = page(response)
    assert_no_health(html)
    action_form = response.context["action_form"]  # None: no action at all
    actions = action_form.fields["action"].choices if action_form else []
    assert not any("export" in str(value).lower() for value, _label in actions)


def test_front_desk_sees_the_request_page_without_answers_and_with_the_patient_link(
    client, django_user_model, patient
):
    desk = signed_in(client, django_user_model, "Front desk")
    booking = patient.booking_requests.get()
    html = page(desk.get(reverse("admin:bookings_bookingrequest_change", args=[booking.pk])))
    assert reverse("admin:patients_patient_change", args=[patient.pk]) in html
    # The reasons are the front desk's (what the screening means for booking); the answers,
    # with their dates, and the re-checks are not.
    assert "field-answers_table" not in html and "field-recheck_table" not in html
    assert "Yes, on " not in html  # how an answer with its date reads
    assert "treatment may have to wait" not in html.replace(
        "Re-check: treatment may have to wait", ""
    )


def test_the_merge_and_erase_pages_show_no_health_parts(client, django_user_model, patient):
    other = make_booking(email="rita.r@example.com", full_name="Rita Example").patient
    desk = signed_in(client, django_user_model, "Front desk")
    merge = reverse("admin:patients_patient_merge", args=[patient.pk])
    assert_no_health(page(desk.get(merge, {"q": "rita"})))
    assert_no_health(page(desk.post(merge, {"other": other.pk})))
    assert_no_health(page(desk.get(reverse("admin:patients_patient_erase", args=[patient.pk]))))


def test_content_editors_see_no_patient_by_any_path(client, django_user_model, patient):
    editor = signed_in(client, django_user_model, "Content editors")
    for name, args in [
        ("admin:patients_patient_changelist", []),
        ("admin:patients_patient_change", [patient.pk]),
        ("admin:patients_patient_history", [patient.pk]),
        ("admin:patients_patient_merge", [patient.pk]),
        ("admin:patients_patient_erase", [patient.pk]),
        ("admin:patients_patientrecordview_changelist", []),
    ]:
        response = editor.get(reverse(name, args=args))
        assert response.status_code in (403, 302), (name, response.status_code)
        assert b"Rita" not in response.content
    assert b"/admin/patients/" not in editor.get("/admin/").content


def test_front_desk_cannot_read_who_viewed_the_clinical_record(client, django_user_model, patient):
    desk = signed_in(client, django_user_model, "Front desk")
    response = desk.get(reverse("admin:patients_patientrecordview_changelist"))
    assert response.status_code == 403


def test_clinicians_see_the_clinical_entries_and_each_view_is_recorded(
    client, django_user_model, patient
):
    doctor = signed_in(client, django_user_model, "Clinicians")
    html = page(doctor.get(reverse("admin:patients_patient_change", args=[patient.pk])))
    assert 'data-timeline-kind="recheck"' in html
    assert "treatment may have to wait" in html
    view = PatientRecordView.objects.get()
    assert (view.username, view.patient_id) == ("clinicians", patient.pk)
    assert "clinicians" in page(doctor.get(reverse("admin:patients_patientrecordview_changelist")))
