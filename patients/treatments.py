"""What "treated" means for the 28-day rule and the course: a session with its treatment
record, or (until the clinician has written it) an appointment marked treated."""

from datetime import datetime

from django.db.models import Q

from patients.models import TreatmentRecord


def treatment_times(patient_id: int, *, excluding_booking: int | None = None) -> list[datetime]:
    """When the patient was treated, oldest first: each recorded session, and each session
    marked treated whose record is not written yet (so the rule never counts fewer sessions
    than the front desk have marked). `excluding_booking`: a request being rescheduled."""
    from bookings.models import Appointment, BookingRequest

    records = TreatmentRecord.objects.filter(patient_id=patient_id)
    marked = Appointment.objects.filter(
        booking__patient_id=patient_id,
        status=Appointment.Status.TREATED,
        treatment_record__isnull=True,
    )
    # A request treated before the diary existed has no appointment row.
    undiaried = BookingRequest.objects.filter(
        patient_id=patient_id,
        status=BookingRequest.Status.TREATED,
        appointment_at__isnull=False,
        appointments__isnull=True,
    )
    if excluding_booking is not None:
        records = records.exclude(Q(appointment__booking_id=excluding_booking))
        marked = marked.exclude(booking_id=excluding_booking)
        undiaried = undiaried.exclude(pk=excluding_booking)
    times = [
        *records.values_list("treated_at", flat=True),
        *marked.values_list("starts_at", flat=True),
        *undiaried.values_list("appointment_at", flat=True),
    ]
    return sorted(time for time in times if time is not None)


def last_record(patient_id: int) -> TreatmentRecord | None:
    """The patient's latest treatment record, with its areas and addenda."""
    return (
        TreatmentRecord.objects.filter(patient_id=patient_id)
        .prefetch_related("areas", "addenda")
        .order_by("-treated_at", "-pk")
        .first()
    )


def treatment_entries(patient) -> list:
    """The patient's recorded sessions for their timeline (clinical: Clinicians only)."""
    from patients.timeline import Entry

    records = TreatmentRecord.objects.filter(patient=patient).prefetch_related("areas", "addenda")
    return [
        Entry(
            at=record.treated_at,
            kind="treatment",
            summary="Treatment record: "
            + ", ".join(f"{a.get_area_display()} {a.depth_mm} mm" for a in record.areas.all())
            + f"; reaction {record.get_skin_reaction_display().lower()}"
            + _addenda(len(record.addenda.all())),
            url=record.get_absolute_url(),
            clinical=True,
        )
        for record in records
    ]


def _addenda(count: int) -> str:
    if not count:
        return ""
    return f"; {count} addend{'um' if count == 1 else 'a'}"
