"""The clinician's treatment record (SPEC "Patients, consent and treatment records"):
Clinicians only, each view recorded, correctable for 24 hours then addenda only, and what
"treated" means for the 28-day rule, the course and the next session's window."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bookings import scheduling
from bookings.models import BookingRequest
from bookings.services import booking_requests_delete
from patients.models import (
    RecordLocked,
    TreatmentAddendum,
    TreatmentArea,
    TreatmentRecord,
    TreatmentRecordView,
)
from patients.services import patients_left_empty_delete
from patients.treatments import treatment_entries, treatment_times
from tests.appointment_helpers import (  # noqa: F401 (fixture)
    make_booking,
    outbox_keeps_the_test_transaction,
    schedule,
    set_status,
)
from tests.staff_helpers import verified_login
from tests.test_booking_admin import staff_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("outbox_keeps_the_test_transaction"),
]

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=NY)  # a Monday
ADD_URL = reverse("admin:patients_treatmentrecord_add")


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def clinician(client, django_user_model):
    verified_login(client, staff_in("Clinicians", django_user_model, "clin"))
    return client


def at(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


def treated_booking(admin_client, when: datetime, email: str = "jane@example.com"):
    booking = make_booking(email=email)
    schedule(admin_client, booking, when)
    booking.refresh_from_db()
    return booking


def record_for(booking, *, treated_at=None, notes="Tolerated well", **fields) -> TreatmentRecord:
    appointment = booking.appointments.first()
    record = TreatmentRecord.objects.create(
        patient=booking.patient,
        appointment=appointment,
        treated_at=treated_at or appointment.starts_at,
        practitioner=appointment.practitioner,
        device="Dermapen 4",
        passes=3,
        skin_reaction="mild",
        notes=notes,
        **fields,
    )
    TreatmentArea.objects.create(record=record, area="forehead", depth_mm=Decimal("0.5"))
    TreatmentArea.objects.create(record=record, area="cheeks", depth_mm=Decimal("1.0"))
    return record


def add_form(booking, **changes) -> dict:
    appointment = booking.appointments.first()
    local = timezone.localtime(appointment.starts_at)
    data = {
        "patient": booking.patient_id,
        "appointment": appointment.pk,
        "treated_at_0": f"{local:%Y-%m-%d}",
        "treated_at_1": f"{local:%H:%M}",
        "practitioner": appointment.practitioner_id,
        "device": "Dermapen 4",
        "passes": "3",
        "products": "Hyaluronic serum",
        "skin_reaction": "mild",
        "notes": "Pinpoint bleeding on the cheeks",
        "areas-TOTAL_FORMS": "2",
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "1",
        "areas-MAX_NUM_FORMS": "1000",
        "areas-0-area": "forehead",
        "areas-0-depth_mm": "0.5",
        "areas-1-area": "cheeks",
        "areas-1-depth_mm": "1.0",
        "addenda-TOTAL_FORMS": "0",
        "addenda-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Recording a session ----------------------------------------------------------------------


def test_a_clinician_records_a_session_from_the_appointment(admin_client, clinician):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    appointment = booking.appointments.get()

    page = clinician.get(f"{ADD_URL}?appointment={appointment.pk}").content.decode()
    assert f'value="{booking.patient_id}"' in page  # started from the appointment
    response = clinician.post(f"{ADD_URL}?appointment={appointment.pk}", add_form(booking))

    assert response.status_code == 302, response.content.decode()[:3000]
    record = TreatmentRecord.objects.get()
    assert record.patient == booking.patient and record.appointment == appointment
    assert record.created_by_name == "clin"
    assert [(a.area, a.depth_mm) for a in record.areas.all()] == [
        ("forehead", Decimal("0.5")),
        ("cheeks", Decimal("1.0")),
    ]


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"areas-0-depth_mm": "0"}, "Enter a needle depth from 0.1 to 3.0 mm."),
        ({"areas-0-depth_mm": "9"}, "Enter a needle depth from 0.1 to 3.0 mm."),
        ({"passes": "0"}, "Enter the number of passes, from 1 to 10."),
        ({"skin_reaction": None}, "This field is required."),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_the_rest_kept(
    admin_client, clinician, changes, field_message
):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    response = clinician.post(ADD_URL, add_form(booking, **changes))

    assert response.status_code == 200
    page = response.content.decode()
    assert field_message in page
    assert "Pinpoint bleeding on the cheeks" in page  # what was typed is kept
    assert not TreatmentRecord.objects.exists()


def test_a_record_is_correctable_for_24_hours_then_only_addenda(
    admin_client, clinician, time_machine
):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    record = record_for(booking)
    url = reverse("admin:patients_treatmentrecord_change", args=[record.pk])
    change = {
        **add_form(booking, notes="Corrected"),
        "areas-TOTAL_FORMS": "0",
        "areas-INITIAL_FORMS": "0",
        "addenda-TOTAL_FORMS": "1",
        "addenda-INITIAL_FORMS": "0",
        "addenda-0-text": "",
    }
    # Keep the two areas as they are.
    for n, area in enumerate(record.areas.all()):
        change.update(
            {
                f"areas-{n}-id": str(area.pk),
                f"areas-{n}-record": str(record.pk),
                f"areas-{n}-area": area.area,
                f"areas-{n}-depth_mm": str(area.depth_mm),
            }
        )
    change["areas-TOTAL_FORMS"] = change["areas-INITIAL_FORMS"] = "2"

    time_machine.move_to(NOW + timedelta(hours=23, minutes=59), tick=False)
    verified_login(clinician, record.created_by or _clin())
    assert clinician.post(url, change).status_code == 302
    record.refresh_from_db()
    assert record.notes == "Corrected"

    time_machine.move_to(NOW + timedelta(hours=24, minutes=1), tick=False)
    verified_login(clinician, _clin())
    page = clinician.get(url).content.decode()
    assert 'name="notes"' not in page  # read-only now
    late = {**change, "notes": "Changed too late", "addenda-0-text": "Mild redness at day 2."}
    assert clinician.post(url, late).status_code == 302
    record.refresh_from_db()
    assert record.notes == "Corrected"
    (addendum,) = record.addenda.all()
    assert addendum.text == "Mild redness at day 2." and addendum.added_by_name == "clin"
    with pytest.raises(RecordLocked):
        record.save()
    with pytest.raises(RecordLocked):
        addendum.save()


def _clin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="clin")


def test_the_window_is_24_real_hours_across_the_change_to_summer_time(admin_client, time_machine):
    # Recorded at noon on Saturday March 7, 2026; the clocks go forward that night.
    time_machine.move_to(at(2026, 3, 7, 12), tick=False)
    booking = treated_booking(admin_client, at(2026, 3, 9, 10))
    record = record_for(booking)
    assert record.is_editable(at(2026, 3, 8, 12, 59))  # 23 hours and 59 minutes later
    assert not record.is_editable(at(2026, 3, 8, 13, 0))  # 24 hours later: 13:00 on the wall


def test_the_model_refuses_out_of_range_depths():
    area = TreatmentArea(area="forehead", depth_mm=Decimal("3.5"))
    with pytest.raises(ValidationError) as raised:
        area.full_clean(exclude=["record"])
    assert "Enter a needle depth from 0.1 to 3.0 mm." in str(raised.value)


# --- Who sees it ------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["Front desk", "Content editors"])
def test_only_clinicians_reach_treatment_records_by_any_admin_path(
    admin_client, client, django_user_model, group
):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    record = record_for(booking, notes="SECRET-NOTE")
    verified_login(client, staff_in(group, django_user_model, "other"))
    paths = [
        reverse("admin:patients_treatmentrecord_changelist"),
        reverse("admin:patients_treatmentrecord_changelist") + "?q=SECRET",
        reverse("admin:patients_treatmentrecord_change", args=[record.pk]),
        reverse("admin:patients_treatmentrecord_history", args=[record.pk]),
        ADD_URL,
        reverse("admin:patients_treatmentrecordview_changelist"),
    ]
    for path in paths:
        assert client.get(path).status_code in (302, 403), path
    # The request's page and the admin's index never show it either.
    if group == "Front desk":
        page = client.get(reverse("admin:bookings_bookingrequest_change", args=[booking.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "SECRET-NOTE" not in text and "Last session" not in text
        assert "Dermapen" not in text
        # Nor can a filter on the request list reach it.
        found = client.get(
            "/admin/bookings/bookingrequest/?appointments__treatment_record__notes__icontains=S"
        )
        assert found.status_code == 400
    assert "Treatment records" not in client.get("/admin/").content.decode()


def test_a_clinician_opening_the_next_appointment_sees_the_last_session_first(
    admin_client, clinician
):
    first = treated_booking(admin_client, at(2026, 3, 4, 10))
    record_for(first)
    set_status(admin_client, first, "treated")
    second = treated_booking(admin_client, at(2026, 4, 8, 10))
    views = TreatmentRecordView.objects.count()

    page = clinician.get(reverse("admin:bookings_bookingrequest_change", args=[second.pk]))

    text = page.content.decode()
    assert "Last session" in text
    assert "March 4, 2026" in text and "Forehead 0.5 mm, Cheeks 1.0 mm" in text
    assert "reaction mild" in text
    # Above the patient's details and the screening.
    assert text.index("Last session") < text.index("Patient (as the patient gave it")
    assert TreatmentRecordView.objects.count() == views + 1
    assert TreatmentRecordView.objects.first().where == "request"


def test_each_view_of_a_record_is_recorded(admin_client, clinician):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    record = record_for(booking)
    clinician.get(reverse("admin:patients_treatmentrecord_change", args=[record.pk]))
    clinician.get(reverse("admin:patients_treatmentrecord_change", args=[record.pk]))
    views = TreatmentRecordView.objects.filter(record=record, where="record")
    assert [v.username for v in views] == ["clin", "clin"]
    assert views[0].patient_id == booking.patient_id


def test_nothing_of_a_record_reaches_the_logs(admin_client, clinician, caplog):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    with caplog.at_level(logging.DEBUG):
        clinician.post(ADD_URL, add_form(booking, notes="PRIVATE-NOTE", device="SECRETDEVICE"))
        record = TreatmentRecord.objects.get()
        clinician.get(reverse("admin:patients_treatmentrecord_change", args=[record.pk]))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "PRIVATE-NOTE" not in logged and "SECRETDEVICE" not in logged


# --- What "treated" means ---------------------------------------------------------------------


def test_a_recorded_treatment_holds_the_28_day_rule_after_its_request_is_gone(admin_client):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    record_for(booking)
    patient = booking.patient
    # The request (and its appointment) purged: the record stays, and still counts.
    booking_requests_delete(requests=BookingRequest.objects.filter(pk=booking.pk))
    patients_left_empty_delete()
    assert TreatmentRecord.objects.get().appointment is None
    assert treatment_times(patient.pk) == [at(2026, 3, 4, 10)]

    later = make_booking(email="JANE@example.com")
    assert later.patient == patient
    errors = scheduling.patient_appointment_errors(later, at(2026, 3, 20, 10))
    assert any("28 days" in e or "4 weeks" in e for e in errors), errors
    assert not scheduling.patient_appointment_errors(later, at(2026, 4, 6, 10))


def test_a_session_marked_treated_counts_until_its_record_is_written(admin_client):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    set_status(admin_client, booking, "treated")
    assert treatment_times(booking.patient_id) == [at(2026, 3, 4, 10)]
    record_for(booking)
    assert treatment_times(booking.patient_id) == [at(2026, 3, 4, 10)]  # once, not twice


def test_the_timeline_entries_are_clinical(admin_client):
    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    record = record_for(booking)
    TreatmentAddendum.objects.create(record=record, text="Day 2: settled.", added_by_name="clin")
    (entry,) = treatment_entries(booking.patient)
    assert entry.clinical and entry.kind == "treatment"
    assert entry.summary == (
        "Treatment record: Forehead 0.5 mm, Cheeks 1.0 mm; reaction mild; 1 addendum"
    )


def test_erasure_takes_the_records_and_leaves_only_the_erasure_record(admin_client, clinician):
    from bookings.services import patient_data_erase
    from patients.models import Patient

    booking = treated_booking(admin_client, at(2026, 3, 4, 10))
    record = record_for(booking)
    clinician.get(reverse("admin:patients_treatmentrecord_change", args=[record.pk]))

    patient_data_erase(email="jane@example.com", by=None)

    assert not TreatmentRecord.objects.exists() and not TreatmentArea.objects.exists()
    assert not TreatmentRecordView.objects.exists()
    assert not Patient.objects.exists()
