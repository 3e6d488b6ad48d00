"""Reads of the patient record: their treated sessions, their course, the patient for an address.

A treated session is one with a treatment record, or marked treated and not yet recorded
(patients.treatments.treatment_times): the 28-day rule, the course and the next-session window
count through it; `treated_appointments` are the diary's treated appointments.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet
from django.utils import timezone

from bookings.models import Appointment, BookingRequest
from patients.models import Patient
from patients.treatments import treatment_times
from screener.eligibility import CoursePlan, recommended_course
from screener.session import answers_from_dict


def treated_appointments(patient: Patient | int | OuterRef) -> QuerySet[Appointment]:
    """The patient's sessions that were treated (a Patient, its pk, or an OuterRef to one)."""
    return Appointment.objects.filter(booking__patient=patient, status=Appointment.Status.TREATED)


def last_treated_at(patient: Patient | int) -> datetime | None:
    """When the patient was last treated, if ever (recorded, or marked treated)."""
    times = treatment_times(patient if isinstance(patient, int) else patient.pk)
    return times[-1] if times else None


def patient_for_address(email: str) -> Patient | None:
    """The patient with this address (any case), as their own or as one of a record merged
    into theirs; None if there is none."""
    address = email.strip()
    return (
        Patient.objects.filter(Q(email__iexact=address) | Q(other_addresses__email__iexact=address))
        .distinct()
        .first()
    )


def course_plan(patient: Patient | int) -> CoursePlan | None:
    """The course recommended by the patient's first screening (that of their first request).

    The answers are read here only to compute the plan: the plan may be shown to the front
    desk, the answers may not."""
    first = (
        BookingRequest.objects.filter(patient=patient)
        .order_by("created_at", "pk")
        .values_list("answers", flat=True)
        .first()
    )
    if first is None:
        return None
    return recommended_course(answers_from_dict(first))


@dataclass(frozen=True)
class Course:
    plan: CoursePlan | None
    treated: int  # sessions given
    booked: int  # scheduled sessions still ahead

    @property
    def to_come(self) -> tuple[int, int]:
        """Sessions of the plan still to book: (at least, at most)."""
        if self.plan is None:
            return (0, 0)
        done = self.treated + self.booked
        return (max(self.plan.sessions_min - done, 0), max(self.plan.sessions_max - done, 0))

    @property
    def completed(self) -> bool:
        return self.plan is not None and self.treated >= self.plan.sessions_min


def course_for(patient: Patient, *, now: datetime | None = None) -> Course:
    """The patient's course as the patient page shows it (three queries)."""
    now = now or timezone.now()
    booked = Appointment.objects.filter(
        booking__patient=patient, status=Appointment.Status.SCHEDULED, starts_at__gt=now
    ).count()
    return Course(
        plan=course_plan(patient), treated=len(treatment_times(patient.pk)), booked=booked
    )


def plan_in_words(plan: CoursePlan) -> str:
    """E.g. "3 sessions, 4 to 6 weeks apart, ...", written with an en dash between numbers."""
    sessions = (
        f"{plan.sessions_min}"
        if plan.sessions_min == plan.sessions_max
        else f"{plan.sessions_min}\u2013{plan.sessions_max}"
    )
    weeks = (
        f"{plan.weeks_apart_min}"
        if plan.weeks_apart_min == plan.weeks_apart_max
        else f"{plan.weeks_apart_min}\u2013{plan.weeks_apart_max}"
    )
    return (
        f"{sessions} sessions, {weeks} weeks apart, then maintenance every "
        f"{plan.maintenance_every_months} months"
    )
