"""The staff calendar: /admin/bookings/calendar/, by day and by week.

SPEC.md, "The diary (admin)": every practitioner's appointments by day (`?date=YYYY-MM-DD&
view=day`) and by week (`view=week`), with holds and time off, each appointment linking to its
page; a real table; printable as the day sheet. "Privacy and security": no health answer, and
no input gets a 500. "Performance": queries do not grow with the appointments.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment, BookingRequest, Practitioner
from diary.calendar import Entry, first_name
from diary.models import SlotHold, TimeOff, WorkingHours
from patients.services import patient_for_email
from screener.models import Screening
from tests.staff_helpers import verified_login
from tests.test_booking_admin import staff_in

pytestmark = pytest.mark.django_db

URL = reverse("admin:bookings_calendar")
MONDAY = date(2027, 3, 1)
# What a patient told the screener and the booking form: none of it reaches the calendar.
SECRETS = ("Example-Surname", "jane.private@example.com", "207 555 0199", "isotretinoin")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_request(
    full_name: str = "Jane Example-Surname",
    area: str = "face_neck",
    appointment_at: datetime | None = None,
):
    screening = Screening.objects.create(area=area, outcome="eligible")
    return BookingRequest.objects.create(
        screening=screening,
        patient=patient_for_email(email="jane.private@example.com", full_name=full_name),
        full_name=full_name,
        email="jane.private@example.com",
        phone="207 555 0199",
        preferred_date=MONDAY,
        preferred_time="morning",
        answers={"cold_sores": True, "medications": "isotretinoin"},
        outcome="eligible",
        consent_given_at=timezone.now(),
        consent_text_version="test",
        status="scheduled",
        appointment_at=appointment_at or timezone.now(),
    )


def make_appointment(
    starts_at: datetime,
    practitioner: Practitioner | None = None,
    minutes: int = 60,
    status: str = "scheduled",
    **request,
) -> Appointment:
    return Appointment.objects.create(
        booking=make_request(appointment_at=starts_at, **request),
        practitioner=practitioner or Practitioner.objects.get(name="Clinician"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
    )


def practitioner(name: str, hours=((9, 17),), weekdays=range(5)) -> Practitioner:
    made = Practitioner.objects.create(name=name)
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=made, weekday=day, start=time(start), end=time(end))
        for day in weekdays
        for start, end in hours
    )
    return made


@pytest.fixture
def front_desk(client, django_user_model):
    verified_login(client, staff_in("Front desk", django_user_model, "desk"))
    return client


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_first_name_is_the_first_word():
    assert first_name("  Jane   Example ") == "Jane"
    assert first_name("") == ""


def test_entry_times_on_a_day():
    day = MONDAY
    local = timezone.get_current_timezone()
    entry = Entry(
        "time_off",
        1,
        datetime(2027, 2, 26, 12, tzinfo=local),
        datetime(2027, 3, 1, 13, tzinfo=local),
    )
    assert entry.span_on(day) == "until 13:00"
    assert entry.span_on(day - timedelta(days=1)) == "all day"
    assert entry.span_on(date(2027, 2, 26)) == "from 12:00"


def test_the_day_is_a_table_of_practitioners_by_time(front_desk):
    """Columns are the practitioners, rows every slot interval (30 minutes) from the earliest
    working start to the latest end; each appointment shows its time, reference and first
    name, and links to its request."""
    rivera = practitioner("Dr. Rivera", hours=((8, 12), (13, 18)))
    appointment = make_appointment(at(MONDAY, 10), practitioner=rivera)
    html = page(front_desk, date="2027-03-01", view="day")
    assert "<caption>" in html
    assert '<th scope="col">Clinician</th>' in html
    assert '<th scope="col">Dr. Rivera</th>' in html
    rows = html.count('<th scope="row" class="calendar-time">')
    assert rows == 20  # 08:00 to 18:00
    assert '<time datetime="2027-03-01T08:00">08:00</time>' in html
    assert '<time datetime="2027-03-01T17:30">17:30</time>' in html
    booking = appointment.booking
    assert reverse("admin:bookings_bookingrequest_change", args=[booking.pk]) in html
    assert booking.reference in html
    assert "10:00 to 11:00" in html
    assert "Jane" in html
    assert "Face and neck" in html
    assert "Monday, March 1, 2027" in html


def test_the_calendar_shows_no_surname_contact_or_health_answers(front_desk):
    make_appointment(at(MONDAY, 10))
    for view in ("day", "week"):
        html = page(front_desk, date="2027-03-01", view=view)
        assert "Jane" in html
        for secret in SECRETS:
            assert secret not in html, (view, secret)


def test_holds_and_time_off_are_shown_cancelled_and_expired_are_not(front_desk):
    clinician = Practitioner.objects.get(name="Clinician")
    now = timezone.now()
    SlotHold.objects.create(
        practitioner=clinician,
        starts_at=at(MONDAY, 9),
        ends_at=at(MONDAY, 10),
        holder="a" * 64,
        expires_at=now + timedelta(minutes=10),
    )
    SlotHold.objects.create(
        practitioner=clinician,
        starts_at=at(MONDAY, 15),
        ends_at=at(MONDAY, 16),
        holder="b" * 64,
        expires_at=now - timedelta(minutes=1),
    )
    TimeOff.objects.create(
        practitioner=clinician, starts_at=at(MONDAY, 13), ends_at=at(MONDAY, 14), reason="Dentist"
    )
    cancelled = make_appointment(at(MONDAY, 11), status="cancelled", full_name="Cancelled Person")
    treated = make_appointment(at(MONDAY, 16), status="treated", full_name="Treated Person")
    for view in ("day", "week"):
        html = page(front_desk, date="2027-03-01", view=view)
        assert html.count("data-hold") == 1, view
        assert "Held" in html
        time_off = '<strong>Time off</strong> <span class="entry-time">13:00 to 14:00</span>'
        assert f"{time_off}: Dentist" in html
        assert cancelled.booking.reference not in html
        assert "Cancelled" not in html
        assert treated.booking.reference in html
        assert "Treated" in html


def test_time_off_over_several_days_shows_on_each(front_desk):
    TimeOff.objects.create(
        practitioner=Practitioner.objects.get(name="Clinician"),
        starts_at=at(MONDAY, 12),
        ends_at=at(MONDAY + timedelta(days=2), 12),
        reason="Course",
    )
    html = page(front_desk, date="2027-03-01", view="week")
    assert html.count("data-time-off") == 3
    assert "from 12:00" in html and "all day" in html and "until 12:00" in html
    day = page(front_desk, date="2027-03-02", view="day")
    assert "all day" in day


def test_an_appointment_outside_the_hours_widens_the_day(front_desk):
    appointment = make_appointment(at(MONDAY, 18))
    html = page(front_desk, date="2027-03-01")
    assert '<time datetime="2027-03-01T18:30">18:30</time>' in html
    assert appointment.booking.reference in html


def test_a_day_no_one_works_says_so(front_desk):
    html = page(front_desk, date="2027-03-06")  # a Saturday
    assert "No one works on this day and nothing is booked." in html


def test_the_week_runs_monday_to_sunday_around_the_date(front_desk):
    wednesday = make_appointment(at(MONDAY + timedelta(days=2), 9))
    sunday = make_appointment(at(MONDAY + timedelta(days=6), 10))
    next_monday = make_appointment(at(MONDAY + timedelta(days=7), 10))
    html = page(front_desk, date="2027-03-04", view="week")
    assert html.count('<th scope="row" class="calendar-date">') == 7
    assert '<time datetime="2027-03-01">Monday, Mar 1</time>' in html
    assert '<time datetime="2027-03-07">Sunday, Mar 7</time>' in html
    assert wednesday.booking.reference in html
    assert sunday.booking.reference in html
    assert next_monday.booking.reference not in html
    assert f"{URL}?date=2027-03-03&amp;view=day" in html


def test_previous_next_and_today_links(front_desk):
    day = page(front_desk, date="2027-03-01", view="day")
    assert f"{URL}?date=2027-02-28&amp;view=day" in day
    assert f"{URL}?date=2027-03-02&amp;view=day" in day
    assert f"{URL}?date={timezone.localdate():%Y-%m-%d}&amp;view=day" in day
    week = page(front_desk, date="2027-03-03", view="week")
    assert f"{URL}?date=2027-02-22&amp;view=week" in week
    assert f"{URL}?date=2027-03-08&amp;view=week" in week
    assert "Week of March 1, 2027" in week


def test_without_a_date_the_calendar_shows_today(front_desk):
    html = page(front_desk)
    assert f"{timezone.localdate():%B} {timezone.localdate().day}, " in html
    assert 'data-calendar="day"' in html


@pytest.mark.parametrize(
    "value",
    ["tomorrow", "2027-02-30", "0001-01-01", "9999-12-31", "99999-01-01", "2027-3-1x", "é", "%"],
)
@pytest.mark.parametrize("view", ["day", "week", "month", ""])
def test_a_date_that_is_not_one_falls_back_to_today_with_a_message(front_desk, value, view):
    response = front_desk.get(URL, {"date": value, "view": view})
    assert response.status_code == 200
    html = response.content.decode()
    assert "not a date the calendar can show" in html
    assert f"{timezone.localdate():%B} {timezone.localdate().day}, " in html


def test_a_nul_byte_gets_the_sites_400_not_a_500(front_desk):
    assert front_desk.get(URL, {"date": "\x00"}).status_code == 400


def test_the_last_and_first_days_shown_do_not_overflow(front_desk):
    for value in ("2999-12-31", "1900-01-01"):
        for view in ("day", "week"):
            assert front_desk.get(URL, {"date": value, "view": view}).status_code == 200


def test_staff_without_the_appointments_permission_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user("plain", password="x-very-long-password-1")
    user.is_staff = True
    user.save()
    verified_login(client, user)
    assert client.get(URL).status_code == 403


def test_clinicians_see_the_calendar(client, django_user_model):
    verified_login(client, staff_in("Clinicians", django_user_model, "doctor"))
    assert client.get(URL).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_stylesheet_prints_the_day_sheet_without_the_admin_around_it():
    css = Path(finders.find("css/admin.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    printed = css.split("@media print", 1)[1]
    for chrome in ("#header", ".breadcrumbs", ".calendar-nav", "#footer"):
        assert chrome in printed


def fill(count: int, practitioners: list[Practitioner], day: date) -> None:
    """`count` 15-minute appointments on `day`, spread over the practitioners, none overlapping."""
    made = Appointment.objects.filter(starts_at__date=day).count()
    for n in range(made, made + count):
        who = practitioners[n % len(practitioners)]
        make_appointment(
            at(day, 9) + timedelta(minutes=15 * (n // len(practitioners))),
            practitioner=who,
            minutes=15,
            full_name=f"Patient{n} Surname",
        )


@pytest.mark.parametrize("view", ["day", "week"])
def test_queries_do_not_grow_with_the_appointments(front_desk, view):
    """Five or fifty appointments (three practitioners, with holds and time off): the same
    number of queries."""
    team = [Practitioner.objects.get(name="Clinician"), practitioner("B"), practitioner("C")]
    TimeOff.objects.create(practitioner=team[1], starts_at=at(MONDAY, 16), ends_at=at(MONDAY, 17))
    SlotHold.objects.create(
        practitioner=team[2],
        starts_at=at(MONDAY, 16),
        ends_at=at(MONDAY, 17),
        holder="c" * 64,
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    params = {"date": "2027-03-01", "view": view}
    fill(5, team, MONDAY)
    page(front_desk, **params)  # the clinic's details reach the cache
    with CaptureQueriesContext(connection) as few:
        assert page(front_desk, **params).count("data-appointment") == 5
    fill(45, team, MONDAY)
    with CaptureQueriesContext(connection) as many:
        assert page(front_desk, **params).count("data-appointment") == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    print(f"calendar {view} view: {len(few)} queries for 5 and for 50 appointments")


# --- Booking and moving from the calendar -------------------------------------------------------

# A Monday two to three weeks ahead of the real clock (file sessions go by the real clock).
_ahead = timezone.localdate() + timedelta(days=14)
BOOK_DAY = _ahead + timedelta(days=(7 - _ahead.weekday()) % 7)


def new_request(email="new.patient@example.com") -> BookingRequest:
    screening = Screening.objects.create(area="face_neck", outcome="eligible")
    return BookingRequest.objects.create(
        screening=screening,
        patient=patient_for_email(email=email, full_name="New Patient"),
        full_name="New Patient",
        email=email,
        phone="207 555 0100",
        preferred_date=BOOK_DAY,
        preferred_time="morning",
        answers={},
        outcome="eligible",
        consent_given_at=timezone.now(),
        consent_text_version="test",
    )


def book(client, booking, day=BOOK_DAY, at_time="10:00", who="Clinician"):
    return client.post(
        f"{URL}?date={day:%Y-%m-%d}&view=day",
        {
            "reference": booking.reference.lower(),
            "day": f"{day:%Y-%m-%d}",
            "time": at_time,
            "practitioner": Practitioner.objects.get(name=who).pk,
        },
    )


def test_front_desk_book_a_request_from_the_calendar(front_desk):
    booking = new_request()
    response = book(front_desk, booking)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.appointment_at == at(BOOK_DAY, 10)
    (appointment,) = booking.appointments.all()
    assert appointment.practitioner.name == "Clinician"
    assert "New" in page(front_desk, date=f"{BOOK_DAY:%Y-%m-%d}")  # the first name, on the day


def test_a_clash_from_the_calendar_is_refused_and_nothing_saved(front_desk):
    make_appointment(at(BOOK_DAY, 10))
    booking = new_request()
    response = book(front_desk, booking, at_time="10:30")
    assert response.status_code == 200
    assert "Clinician is not free then" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "new" and not booking.appointments.exists()


def test_moving_from_the_calendar_keeps_the_appointment_and_frees_the_old_time(front_desk):
    ana = practitioner("Ana")
    booking = new_request()
    book(front_desk, booking)
    assert book(front_desk, booking, at_time="14:00", who="Ana").status_code == 302
    (appointment,) = booking.appointments.all()
    assert appointment.practitioner == ana and appointment.sequence == 1
    assert appointment.starts_at == at(BOOK_DAY, 14)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reference": "NOPE-NOPE"}, "No booking request has that reference."),
        ({"time": "25:00"}, "Enter a valid time."),
        ({"day": "2020-02-03"}, "The appointment must be in the future."),
    ],
)
def test_bad_input_from_the_calendar_is_explained_beside_the_field(front_desk, change, message):
    booking = new_request()
    data = {
        "reference": booking.reference,
        "day": f"{BOOK_DAY:%Y-%m-%d}",
        "time": "10:00",
        "practitioner": Practitioner.objects.get(name="Clinician").pk,
        **change,
    }
    response = front_desk.post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_content_editors_cannot_book_from_the_calendar(client, django_user_model):
    verified_login(client, staff_in("Content editors", django_user_model, "editor"))
    booking = new_request()
    assert book(client, booking).status_code == 403
    assert not Appointment.objects.exists()
