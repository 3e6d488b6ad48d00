"""The patient's admin page (SPEC "Patients, consent and treatment records"): everything held
about them in time order for the viewer's role, the course, merging two records of one person,
and erasure of the whole patient."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from bookings.appointments import treatment_record
from bookings.models import (
    Appointment,
    BookingRequest,
    ErasureRecord,
    Message,
    Practitioner,
    RecheckSubmission,
)
from bookings.services import patient_data_erase
from patients.erasure import patient_erase
from patients.models import (
    Patient,
    PatientAddress,
    PatientMerge,
    PatientRecordView,
    TreatmentArea,
    TreatmentRecord,
)
from patients.selectors import course_for, patient_for_address, treated_appointments
from patients.services import MergeRefused, patient_for_email, patient_merge, patient_relations
from patients.timeline import SOURCES, timeline
from screener.eligibility import Concern
from screener.models import Screening
from tests.appointment_helpers import make_booking, treated_earlier
from tests.booking_helpers import answers
from tests.staff_helpers import verified_login
from tests.test_booking_admin import staff_in

pytestmark = pytest.mark.django_db


def patient_url(patient: Patient, suffix: str = "change") -> str:
    return reverse(f"admin:patients_patient_{suffix}", args=[patient.pk])


def appointment(booking: BookingRequest, starts_at: datetime, status: str = "scheduled"):
    return Appointment.objects.create(
        booking=booking,
        practitioner=Practitioner.objects.order_by("pk").first(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        status=status,
    )


@pytest.fixture
def desk(client, django_user_model):
    verified_login(client, staff_in("Front desk", django_user_model, "desk"))
    return client


@pytest.fixture
def clinician(client, django_user_model):
    verified_login(client, staff_in("Clinicians", django_user_model, "doctor"))
    return client


# --- The timeline -------------------------------------------------------------------------------


def test_the_timeline_lists_requests_appointments_and_messages_in_time_order():
    first = make_booking()
    later = make_booking(email="JANE@example.com")
    appointment(first, timezone.now() - timedelta(days=30), status="treated")
    appointment(later, timezone.now() + timedelta(days=3))
    entries = timeline(first.patient, clinical=False)
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    kinds = [entry.kind for entry in entries]
    assert kinds.count("request") == 2
    assert kinds.count("appointment") == 2
    assert kinds.count("message") == 4  # each request's "received" and the clinic's notice
    assert entries[0].kind == "appointment"  # a month ago: before either request
    assert entries[-1].kind == "appointment" and "Scheduled" in entries[-1].summary


def test_a_moved_appointment_says_so_and_a_message_shows_its_delivery_never_its_text():
    booking = make_booking()
    moved = appointment(booking, timezone.now() + timedelta(days=5))
    Appointment.objects.filter(pk=moved.pk).update(sequence=2)
    Email.objects.filter(clinic_message__booking=booking).update(status=1)  # failed
    entries = timeline(booking.patient, clinical=False)
    (entry,) = [e for e in entries if e.kind == "appointment"]
    assert "(moved 2 times)" in entry.summary
    messages = [e for e in entries if e.kind == "message"]
    assert messages and all("failed" in e.summary for e in messages)
    body = Email.objects.filter(clinic_message__booking=booking).first().message
    assert body and all(body not in e.summary for e in messages)


def test_rechecks_are_clinical_entries_only():
    booking = make_booking()
    RecheckSubmission.objects.create(
        booking=booking,
        appointment_at=timezone.now() + timedelta(days=2),
        answers={"pregnant": True},
        result=RecheckSubmission.Result.CHANGED,
    )
    for_desk = timeline(booking.patient, clinical=False)
    for_clinician = timeline(booking.patient, clinical=True)
    assert not any(entry.kind == "recheck" for entry in for_desk)
    (recheck,) = [entry for entry in for_clinician if entry.kind == "recheck"]
    assert recheck.clinical and "treatment may have to wait" in recheck.summary


def test_a_clinical_entry_from_any_source_never_reaches_the_front_desk(monkeypatch):
    """A source added later that forgets to ask `clinical` is filtered all the same."""
    from patients import timeline as module
    from patients.timeline import Entry

    def careless(patient, *, clinical):
        yield Entry(at=timezone.now(), kind="treatment", summary="Depth 1.5 mm", clinical=True)

    monkeypatch.setattr(module, "SOURCES", (*SOURCES, careless))
    booking = make_booking()
    assert not any(e.kind == "treatment" for e in module.timeline(booking.patient, clinical=False))
    assert any(e.kind == "treatment" for e in module.timeline(booking.patient, clinical=True))


def fill(patient_email: str, number: int) -> None:
    """`number` requests of one patient, each with an appointment, two e-mails and a re-check."""
    first = Appointment.objects.count()  # after those already made: the diary never overlaps
    for n in range(number):
        booking = make_booking(email=patient_email)
        starts_at = timezone.now() + timedelta(days=40 + first + n)
        made = appointment(booking, starts_at, status="treated" if n % 2 else "scheduled")
        if n % 2:  # each treated session has its record, with its depths
            record = TreatmentRecord.objects.create(
                patient=booking.patient,
                appointment=made,
                treated_at=starts_at,
                device="Dermapen 4",
                passes=3,
                skin_reaction="mild",
            )
            TreatmentArea.objects.create(record=record, area="cheeks", depth_mm=Decimal("1.0"))
        RecheckSubmission.objects.create(
            booking=booking,
            appointment_at=starts_at,
            answers={"pregnant": False},
            result=RecheckSubmission.Result.CLEAR,
        )


@pytest.mark.parametrize("group", ["Front desk", "Clinicians"])
def test_the_patient_page_takes_the_same_queries_with_5_and_50_appointments(
    client, django_user_model, group
):
    verified_login(client, staff_in(group, django_user_model, "staff"))
    fill("jane@example.com", 5)
    patient = Patient.objects.get()
    url = patient_url(patient)
    client.get(url)  # the session and permissions warm up as on any page
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    fill("jane@example.com", 45)
    assert Appointment.objects.filter(booking__patient=patient).count() == 50
    assert Message.objects.filter(booking__patient=patient).count() == 100
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-timeline-kind="appointment"') == 50
    treatments = response.content.decode().count('data-timeline-kind="treatment"')
    assert treatments == (2 + 22 if group == "Clinicians" else 0)  # the odd ones of 5 and 45
    assert len(fifty) == len(five), [q["sql"][:120] for q in fifty.captured_queries]


def test_the_page_shows_the_timeline_and_the_course(desk):
    booking = make_booking()
    treated_earlier(booking, timezone.now() - timedelta(days=40))
    appointment(make_booking(), timezone.now() + timedelta(days=10))
    page = desk.get(patient_url(booking.patient)).content.decode()
    assert "data-timeline" in page and 'data-timeline-kind="request"' in page
    assert "3 sessions, 4\u20136 weeks apart" in page
    assert "<td data-course-treated>1</td>" in page
    assert "<td data-course-booked>1</td>" in page
    assert "<td data-course-to-come>1</td>" in page


def test_every_clinicians_view_of_the_page_is_recorded_and_the_front_desks_is_not(
    client, django_user_model
):
    booking = make_booking()
    verified_login(client, staff_in("Front desk", django_user_model, "desk"))
    client.get(patient_url(booking.patient))
    assert not PatientRecordView.objects.exists()
    verified_login(client, staff_in("Clinicians", django_user_model, "doctor"))
    client.get(patient_url(booking.patient))
    client.get(patient_url(booking.patient))
    views = PatientRecordView.objects.all()
    assert [(v.username, v.patient_id) for v in views] == [("doctor", booking.patient_id)] * 2


def test_the_front_desk_changes_contact_details_with_errors_beside_the_field(desk):
    jane = make_booking().patient
    make_booking(email="john@example.com", full_name="John Example")
    data = {"full_name": "Jane Newname", "email": "JOHN@example.com", "phone": "1"}
    response = desk.post(patient_url(jane), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "merge the two records" in form.errors["email"][0]
    assert form["full_name"].value() == "Jane Newname"  # the rest kept
    data["email"] = "jane.new@example.com"
    assert desk.post(patient_url(jane), data).status_code == 302
    jane.refresh_from_db()
    assert (jane.full_name, jane.email, jane.phone) == ("Jane Newname", "jane.new@example.com", "1")


def test_the_request_page_links_to_its_patient(desk):
    booking = make_booking()
    page = desk.get(reverse("admin:bookings_bookingrequest_change", args=[booking.pk]))
    assert f'href="{patient_url(booking.patient)}"' in page.content.decode()


def test_the_list_shows_requests_and_the_next_appointment_and_finds_other_addresses(desk):
    booking = make_booking()
    make_booking(email="jane@example.com")
    appointment(booking, timezone.now() + timedelta(days=3))
    PatientAddress.objects.create(patient=booking.patient, email="old.jane@example.com")
    page = desk.get(reverse("admin:patients_patient_changelist")).content.decode()
    assert '<td class="field-requests">2</td>' in page
    assert "Jane Example" in page
    found = desk.get(reverse("admin:patients_patient_changelist"), {"q": "old.jane"})
    assert "Jane Example" in found.content.decode()
    booked = desk.get(reverse("admin:patients_patient_changelist"), {"booked": "no"})
    assert "Jane Example" not in booked.content.decode()


# --- The course -----------------------------------------------------------------------------------


def test_the_course_comes_from_the_first_screening_and_counts_treated_and_booked():
    intensive = answers(concerns=frozenset({Concern.ACNE_SCARS}))
    first = make_booking(intensive)
    second = make_booking()  # a later screening's plan does not replace the first's
    third = make_booking()
    treated_earlier(first, timezone.now() - timedelta(days=60))
    treated_earlier(second, timezone.now() - timedelta(days=20))
    appointment(third, timezone.now() + timedelta(days=20))
    appointment(make_booking(), timezone.now() + timedelta(days=50), status="cancelled")
    course = course_for(first.patient)
    assert (course.plan.sessions_min, course.plan.sessions_max) == (6, 8)
    assert (course.treated, course.booked, course.to_come) == (2, 1, (3, 5))
    assert not course.completed
    assert treated_appointments(first.patient).count() == 2


def test_the_next_session_window_counts_from_the_last_treatment_recorded(time_machine):
    """A session marked treated late (its own time earlier than the patient's last treatment)
    still opens the window from the last one."""
    time_machine.move_to(datetime(2026, 3, 2, 12, tzinfo=timezone.get_current_timezone()))
    later = make_booking()
    treated_earlier(later, datetime(2026, 3, 1, 15, tzinfo=timezone.get_current_timezone()))
    late = make_booking()
    treated_earlier(late, datetime(2026, 2, 1, 15, tzinfo=timezone.get_current_timezone()))
    late.refresh_from_db()
    treatment_record(booking=late)
    email = Message.objects.get(booking=late, kind=Message.Kind.NEXT_SESSION).email
    # Standard course: 4 to 6 weeks after 1 March.
    assert "March 29, 2026" in email.message and "April 12, 2026" in email.message


# --- Merging ------------------------------------------------------------------------------------


def two_records():
    jane = make_booking(full_name="Jane Example")
    appointment(jane, timezone.now() + timedelta(days=30))
    other = make_booking(email="jane.work@example.com", full_name="Jane Example", phone="")
    appointment(other, timezone.now() - timedelta(days=10), status="treated")
    return jane.patient, other.patient


def test_merge_moves_everything_that_points_at_the_patient_and_keeps_a_record(django_user_model):
    keep, other = two_records()
    desk = staff_in("Front desk", django_user_model, "desk")
    PatientRecordView.objects.create(patient=other, username="doctor")
    moving = {
        relation.related_model._meta.label_lower: set(
            relation.related_model._base_manager.filter(**{relation.field.name: other}).values_list(
                "pk", flat=True
            )
        )
        for relation in patient_relations()
    }
    other_pk = other.pk

    merge = patient_merge(keep=keep, other=other, by=desk)

    assert not Patient.objects.filter(pk=other_pk).exists()
    assert keep.booking_requests.count() == 2
    assert PatientRecordView.objects.get().patient == keep
    assert {label: set(ids) for label, ids in merge.moved.items()} == {
        label: ids for label, ids in moving.items() if ids
    }
    assert merge.patient == keep and merge.merged_patient_id == other_pk
    assert merge.merged_by_name == "desk"
    assert treated_appointments(keep).count() == 1
    # The merged-away address finds the kept patient from now on.
    assert list(keep.other_addresses.values_list("email", flat=True)) == ["jane.work@example.com"]
    assert patient_for_address("JANE.WORK@example.com") == keep
    again = patient_for_email(email="Jane.Work@example.com", full_name="Jane Example")
    assert again == keep and Patient.objects.count() == 1
    (merged,) = [e for e in timeline(keep, clinical=False) if e.kind == "merge"]
    assert "merged into this one" in merged.summary


def test_a_record_is_never_merged_with_itself():
    keep, _other = two_records()
    with pytest.raises(MergeRefused):
        patient_merge(keep=keep, other=keep, by=None)


def test_the_merge_pages_search_confirm_and_merge(desk):
    keep, other = two_records()
    url = patient_url(keep, "merge")
    page = desk.get(url, {"q": "jane.work"}).content.decode()
    assert f'value="{other.pk}"' in page and f'value="{keep.pk}"' not in page
    # Nothing chosen: the message beside the field, the search kept.
    missing = desk.post(url, {"q": "jane.work"})
    assert missing.status_code == 200
    assert "Choose the other record of this patient." in missing.content.decode()
    assert f'value="{other.pk}"' in missing.content.decode()
    nonsense = desk.post(url, {"q": "x", "other": "not-a-number"})
    assert nonsense.status_code == 200
    confirmation = desk.post(url, {"other": other.pk}).content.decode()
    assert "Booking requests" in confirmation and "jane.work@example.com" in confirmation
    assert Patient.objects.filter(pk=other.pk).exists()  # nothing moved yet
    done = desk.post(url, {"other": other.pk, "confirm": "yes"})
    assert done.status_code == 302 and done["Location"] == patient_url(keep)
    assert not Patient.objects.filter(pk=other.pk).exists()
    assert PatientMerge.objects.get().merged_by_name == "desk"
    # The merge's log entry is the kept patient's history.
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Patient), object_id=str(keep.pk)
    )
    assert history.exists()


def test_a_merge_of_a_record_merged_meanwhile_says_so_and_breaks_nothing(desk):
    keep, other = two_records()
    url = patient_url(keep, "merge")
    patient_merge(keep=keep, other=other, by=None)
    response = desk.post(url, {"other": other.pk, "confirm": "yes"})
    assert response.status_code == 200
    assert "That record no longer exists" in response.content.decode()


def test_content_editors_cannot_merge_or_erase(client, django_user_model):
    keep, _ = two_records()
    verified_login(client, staff_in("Content editors", django_user_model, "editor"))
    for suffix in ("merge", "erase"):
        assert client.get(patient_url(keep, suffix)).status_code == 403


# --- Erasure ------------------------------------------------------------------------------------


def test_erasing_a_patient_deletes_everything_that_belongs_to_them(desk, django_user_model):
    keep, other = two_records()
    patient_merge(keep=keep, other=other, by=None)
    PatientRecordView.objects.create(patient=keep, username="doctor")
    john = make_booking(email="john@example.com", full_name="John Example")
    screening_ids = list(keep.booking_requests.values_list("screening_id", flat=True))
    page = desk.get(patient_url(keep, "erase")).content.decode()
    assert "<td>2</td>" in page  # two requests, two appointments

    response = desk.post(patient_url(keep, "erase"), {"post": "yes"})

    assert response.status_code == 302
    assert list(Patient.objects.all()) == [john.patient]
    assert not PatientAddress.objects.exists()
    assert not PatientMerge.objects.exists()
    assert not PatientRecordView.objects.exists()
    assert not Appointment.objects.filter(booking__patient=keep.pk).exists()
    assert not Screening.objects.filter(pk__in=screening_ids).exists()
    assert not Email.objects.filter(to__icontains="jane").exists()
    record = ErasureRecord.objects.get()
    assert (record.patients, record.requests, record.appointments) == (1, 2, 2)
    assert record.other_records == 3  # the other address, the merge, the view
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Patient), object_id=str(keep.pk)
    ).exists()


def test_erasure_by_a_merged_away_address_erases_the_kept_patient():
    keep, other = two_records()
    patient_merge(keep=keep, other=other, by=None)
    record = patient_data_erase(email="Jane.Work@Example.com", by=None)
    assert record.patients == 1 and record.requests == 2
    assert not Patient.objects.exists()


def test_erasure_takes_any_model_pointing_at_the_patient(monkeypatch):
    """Generic: whatever relation to Patient exists is found through _meta, PROTECT or not."""
    booking = make_booking()
    patient = booking.patient
    PatientRecordView.objects.create(patient=patient, username="doctor")
    patient_erase(patients=[patient], by=None)
    assert not PatientRecordView.objects.exists()
    assert not BookingRequest.objects.exists()


def test_the_request_actions_erase_the_whole_patient(desk):
    first = make_booking()
    second = make_booking(email="JANE@example.com")
    response = desk.post(
        reverse("admin:bookings_bookingrequest_changelist"),
        {"action": "erase_patients", "_selected_action": [first.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not BookingRequest.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert not Patient.objects.exists()
