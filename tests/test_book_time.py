"""Booking a free time at /booking/: the list, check your answers (which holds the time), the
appointment made at once, and every refusal. SPEC.md, "Booking a time".

The clock is frozen on Monday 9 March 2026, 10:00 in New York; the seeded practitioner,
"Clinician", works Monday to Friday, 09:00 to 17:00; appointments last 60 minutes with a
15-minute buffer, offered every 30 minutes, from 24 hours ahead.
"""

import re
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from bookings.models import Appointment, BookingRequest, Practitioner
from diary.models import SlotHold, TimeOff
from patients.models import Patient
from tests.appointment_helpers import (  # noqa: F401 (fixture)
    outbox_keeps_the_test_transaction,
    send_due,
)
from tests.booking_helpers import answers, screen

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("outbox_keeps_the_test_transaction"),
]

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 9, 10, tzinfo=NY)
URL = "/booking/"


@pytest.fixture(autouse=True)
def _clock(time_machine, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BOOKING_RATE_LIMIT = ""  # many patients, one test address
    time_machine.move_to(NOW, tick=False)


def screened(patient_answers=None) -> Client:
    client = Client()
    screen(client, patient_answers or answers())
    return client


def slots_on(html: str) -> list[str]:
    return re.findall(r'data-slot="([0-9T:-]+)"', html)


def details(slot: str, **changes) -> dict:
    data = {
        "slot": slot,
        "full_name": "Jane Example",
        "email": "jane@example.com",
        "phone": "207 555 0199",
        "notes": "",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_lists_seven_days_of_free_times_from_the_first_free_day():
    html = screened().get(URL).content.decode()
    slots = slots_on(html)
    # 24 hours' notice: Tuesday from 10:00; the weekend has none; 7 days to Monday 16 March.
    assert slots[0] == "2026-03-10T10:00"
    assert slots[-1] == "2026-03-16T15:30"
    assert not any(s.startswith(("2026-03-14", "2026-03-15")) for s in slots)
    assert html.count('name="slot"') == len(slots)
    assert "No free times on this day." in html
    assert "Saturday, March 14" in html
    assert "60 minutes" in html and "Clinician" in html
    assert "until 24 hours before" in html
    assert 'href="/booking/request/"' in html  # none of these times suits me


def test_from_shows_the_seven_days_from_that_date_with_links_either_side():
    html = screened().get(URL, {"from": "2026-03-23"}).content.decode()
    slots = slots_on(html)
    assert slots[0] == "2026-03-23T09:00" and slots[-1] == "2026-03-27T15:30"
    assert 'href="?from=2026-03-16"' in html and 'href="?from=2026-03-30"' in html


@pytest.mark.parametrize("garbage", ["yesterday", "2026-02-30", "<script>", "9999-99-99"])
def test_a_from_that_is_not_a_date_shows_the_first_week(garbage):
    response = screened().get(URL, {"from": garbage})
    assert response.status_code == 200
    assert slots_on(response.content.decode())[0] == "2026-03-10T10:00"


def test_a_deferred_patient_sees_times_from_their_earliest_date_only():
    html = screened(answers(isotretinoin_date=date(2026, 1, 1))).get(URL).content.decode()
    # Isotretinoin on 1 January: not before 1 April (three months).
    assert slots_on(html)[0] == "2026-04-01T09:00"


def test_a_patient_who_may_not_book_is_sent_back_and_nothing_is_held():
    client = Client()
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == "/screener/"
    response = screened(answers(pregnant=True)).post(URL, details("2026-03-10T10:00"))
    assert response.status_code == 302
    assert not SlotHold.objects.exists() and not BookingRequest.objects.exists()


def test_check_your_answers_holds_the_time_from_other_patients():
    jane = screened()
    response = jane.post(URL, details("2026-03-10T10:00"))
    html = response.content.decode()
    assert response.status_code == 200 and "data-check-answers" in html
    assert 'datetime="2026-03-10T10:00"' in html
    assert "Tuesday, March 10, 2026 at 10:00 AM" in html
    assert 'name="confirm" value="yes"' in html
    assert SlotHold.objects.count() == 1
    other = slots_on(screened().get(URL).content.decode())
    assert "2026-03-10T10:00" not in other
    # With its buffer, 9:30 would run into the held 10:00 too; 11:30 is free.
    assert "2026-03-10T11:00" not in other and "2026-03-10T11:30" in other
    # Jane herself is still offered her held time.
    assert "2026-03-10T10:00" in slots_on(jane.get(URL).content.decode())


def test_a_hold_expires(settings, time_machine):
    screened().post(URL, details("2026-03-10T12:00"))
    assert "2026-03-10T12:00" not in slots_on(screened().get(URL).content.decode())
    time_machine.move_to(NOW + timedelta(minutes=settings.SLOT_HOLD_MINUTES, seconds=1))
    assert "2026-03-10T12:00" in slots_on(screened().get(URL).content.decode())


def test_changing_the_time_releases_the_hold():
    jane = screened()
    jane.post(URL, details("2026-03-10T10:00"))
    response = jane.post(URL, details("2026-03-10T10:00", change="slot"))
    assert 'name="full_name"' in response.content.decode()
    assert 'value="Jane Example"' in response.content.decode()
    assert not SlotHold.objects.exists()


def test_confirming_makes_the_appointment_at_once_with_its_confirmation():
    jane = screened()
    response = jane.post(URL, details("2026-03-10T14:30", confirm="yes"))
    assert response.status_code == 302 and response["Location"] == "/booking/confirmation/"
    booking = BookingRequest.objects.get()
    assert booking.status == "scheduled"
    (appointment,) = Appointment.objects.all()
    assert appointment.booking == booking and appointment.status == "scheduled"
    assert appointment.starts_at == datetime(2026, 3, 10, 14, 30, tzinfo=NY)
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)
    assert appointment.practitioner.name == "Clinician"
    assert not SlotHold.objects.exists()

    page = jane.get("/booking/confirmation/").content.decode()
    assert f'data-reference="{booking.reference}"' in page
    assert '<time datetime="2026-03-10T14:30" data-appointment>' in page
    assert "/appointment/" in page

    send_due()
    subjects = sorted(message.subject for message in mail.outbox)
    assert len(subjects) == 2  # the patient's confirmation, the clinic's notice
    (confirmation,) = [m for m in mail.outbox if m.to == ["jane@example.com"]]
    assert "Your appointment" in confirmation.subject
    assert confirmation.attachments[0][0] == "appointment.ics"


def test_a_time_taken_meanwhile_comes_back_with_a_message_and_every_field_kept():
    jane, other = screened(), screened()
    jane.post(URL, details("2026-03-10T10:00"))  # held by Jane
    response = other.post(URL, details("2026-03-10T10:00", email="o@example.com", confirm="yes"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "no longer free" in html
    assert 'value="o@example.com"' in html
    assert slots_on(html)  # the other times
    assert BookingRequest.objects.count() == 0 and Appointment.objects.count() == 0


def test_twenty_eight_days_from_the_patients_other_session_is_refused_naming_the_days():
    screened().post(URL, details("2026-03-10T10:00", confirm="yes"))
    response = screened().post(URL, details("2026-03-16T10:00"))
    html = response.content.decode()
    assert response.status_code == 200 and "data-check-answers" not in html
    assert "at least 28 days apart" in html
    assert "February 10, 2026" in html and "April 7, 2026" in html
    assert not SlotHold.objects.exists()


@pytest.mark.parametrize(
    "slot",
    ["", "not-a-time", "2026-03-10T10:07", "2026-03-14T10:00", "2026-03-09T09:00", "2026-13-40"],
    ids=["empty", "garbage", "off-step", "weekend", "past", "impossible"],
)
def test_a_slot_not_offered_gets_a_clear_message_and_nothing_saved(slot):
    response = screened().post(URL, details(slot, confirm="yes"))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not BookingRequest.objects.exists() and not SlotHold.objects.exists()


def test_time_off_is_never_offered():
    clinician = Practitioner.objects.get()
    TimeOff.objects.create(
        practitioner=clinician,
        starts_at=datetime(2026, 3, 10, 0, tzinfo=NY),
        ends_at=datetime(2026, 3, 11, 0, tzinfo=NY),
    )
    slots = slots_on(screened().get(URL).content.decode())
    assert slots[0] == "2026-03-11T09:00"


def test_with_no_practitioner_working_the_request_is_the_way():
    Practitioner.objects.update(active=False)
    response = screened().get(URL)
    assert response.status_code == 302 and response["Location"] == "/booking/request/"


def test_a_cold_sore_patient_books_and_the_front_desk_is_asked_to_arrange_cover():
    screened(answers(cold_sores=True)).post(URL, details("2026-03-10T10:00", confirm="yes"))
    booking = BookingRequest.objects.get()
    assert booking.status == "scheduled"
    assert booking.needs_attention and booking.attention_reason == "prophylaxis"


def test_the_same_form_sent_twice_makes_one_appointment():
    jane = screened()
    first = jane.post(URL, details("2026-03-10T10:00", confirm="yes"))
    again = jane.post(URL, details("2026-03-10T10:00", confirm="yes"))
    assert first.status_code == 302 and again.status_code == 302
    assert Appointment.objects.count() == 1


# --- Moving and cancelling from the appointment's link ------------------------------------------


def booked(slot="2026-03-12T10:00") -> tuple[BookingRequest, str]:
    from bookings.appointments import appointment_token

    screened().post(URL, details(slot, confirm="yes"))
    booking = BookingRequest.objects.get()
    return booking, f"/appointment/{appointment_token(booking)}/"


def test_the_patient_moves_their_appointment_and_the_old_time_is_freed():
    booking, link = booked()
    send_due()
    mail.outbox.clear()
    page = Client().get(link + "move/").content.decode()
    assert "2026-03-12T10:00" in slots_on(page)  # their own time is not busy for them
    check = Client().post(link + "move/", {"slot": "2026-03-17T11:00"})
    assert b"data-check-answers" in check.content
    moved = Client().post(link + "move/", {"slot": "2026-03-17T11:00", "confirm": "yes"})
    assert moved.status_code == 302
    (appointment,) = Appointment.objects.filter(status="scheduled")
    assert appointment.starts_at == datetime(2026, 3, 17, 11, tzinfo=NY)
    assert appointment.sequence == 1
    assert Client().get(link).status_code == 410  # the old link is dead
    assert "2026-03-12T10:00" in slots_on(screened().get(URL).content.decode())
    send_due()
    (confirmation,) = [m for m in mail.outbox if m.to == ["jane@example.com"]]
    assert "Tuesday, March 17, 2026 at 11:00 AM" in confirmation.body
    ics = confirmation.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "SEQUENCE:1" in ics and f"UID:{booking.reference}@clinic" in ics


def test_moving_to_a_time_taken_meanwhile_is_refused_and_nothing_changes():
    _booking, link = booked()
    screened().post(URL, details("2026-03-17T11:00", email="o@example.com", confirm="yes"))
    response = Client().post(link + "move/", {"slot": "2026-03-17T11:00", "confirm": "yes"})
    assert response.status_code == 200 and b"no longer free" in response.content
    mine = Appointment.objects.get(booking__email="jane@example.com")
    assert mine.starts_at == datetime(2026, 3, 12, 10, tzinfo=NY) and mine.sequence == 0


def test_cancelling_asks_first_then_frees_the_time_with_a_cancelling_calendar_file():
    _booking, link = booked()
    send_due()
    mail.outbox.clear()
    asked = Client().get(link + "cancel/")
    assert asked.status_code == 200 and Appointment.objects.get().status == "scheduled"
    Client().post(link + "cancel/")
    assert Appointment.objects.get().status == "cancelled"
    assert "2026-03-12T10:00" in slots_on(screened().get(URL).content.decode())
    send_due()
    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled: appointment")
    ics = message.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics


def test_later_than_the_change_limit_the_page_gives_the_phone_number(time_machine):
    booking, link = booked("2026-03-11T10:00")
    time_machine.move_to(datetime(2026, 3, 10, 10, 30, tzinfo=NY), tick=False)
    for path in ("", "move/", "cancel/"):
        page = Client().get(link + path).content.decode()
        assert "data-too-late" in page and "(207) 555-0142" in page
    Client().post(link + "cancel/")
    Client().post(link + "move/", {"slot": "2026-03-17T11:00", "confirm": "yes"})
    booking.refresh_from_db()
    assert booking.status == "scheduled"
    assert Appointment.objects.get().starts_at == datetime(2026, 3, 11, 10, tzinfo=NY)


# --- Cost: the queries do not grow with the diary -----------------------------------------------


def fill_diary(count: int, practitioners_exist: bool = False) -> None:
    """Three practitioners working weekdays 9 to 17, `count` appointments over 90 days."""
    from diary.models import WorkingHours
    from screener.models import Screening

    if practitioners_exist:
        practitioners = list(Practitioner.objects.all())
    else:
        practitioners = [Practitioner.objects.get()]
        others = [Practitioner.objects.create(name=name) for name in ("Ana", "Ben")]
        practitioners += others
    for practitioner in [] if practitioners_exist else others:
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, weekday=d, start="09:00", end="17:00")
            for d in range(5)
        )
    screenings = Screening.objects.bulk_create(
        Screening(area="face_neck", outcome="eligible") for _ in range(count)
    )
    first = Patient.objects.count()
    patients = Patient.objects.bulk_create(
        Patient(email=f"bulk{first + n}@example.com", full_name="Bulk Patient")
        for n in range(count)
    )
    bookings = BookingRequest.objects.bulk_create(
        BookingRequest(
            screening=screening,
            patient=patients[n],
            reference=f"T{n:03d}-{n:04d}"[:9],
            full_name="Bulk Patient",
            email=patients[n].email,
            phone="207 555 0100",
            preferred_date=date(2026, 3, 20),
            preferred_time="morning",
            answers={},
            outcome="eligible",
            consent_given_at=NOW,
            consent_text_version="test",
            status="scheduled",
            appointment_at=NOW,
        )
        for n, screening in enumerate(screenings)
    )
    # As a busy clinic's diary looks (bench/diary_bench.py): three appointments a weekday for
    # each practitioner over the next 90 days, as many cancelled, the rest past treatments.
    rows = []
    for offset in range(1, 91):
        day = NOW.date() + timedelta(days=offset)
        if day.weekday() < 5:
            for hour in (9, 11, 13):
                start = datetime(day.year, day.month, day.day, hour, tzinfo=NY)
                for practitioner in practitioners:
                    rows += [(practitioner, start, "scheduled"), (practitioner, start, "cancelled")]
    offset = 0
    while len(rows) < count:
        offset += 1
        start = NOW - timedelta(days=offset)
        rows += [(practitioner, start, "treated") for practitioner in practitioners]
    Appointment.objects.bulk_create(
        Appointment(
            booking=booking,
            practitioner=practitioner,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            status=status,
        )
        for booking, (practitioner, start, status) in zip(bookings, rows, strict=False)
    )


def page_queries() -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = screened()
    client.get(URL)  # the clinic's details into the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return [q["sql"] for q in queries]


def test_the_free_times_page_runs_the_same_queries_however_full_the_diary():
    fill_diary(20)
    few = page_queries()
    Appointment.objects.all().delete()
    BookingRequest.objects.all().delete()
    fill_diary(2000, practitioners_exist=True)
    many = page_queries()
    assert len(few) == len(many), [q[:90] for q in many]


# --- An earlier time ----------------------------------------------------------------------------


def patient_books(email: str, slot: str, patient_answers=None) -> tuple[BookingRequest, str]:
    from bookings.appointments import appointment_token

    screened(patient_answers).post(URL, details(slot, email=email, confirm="yes"))
    booking = BookingRequest.objects.get(email=email)
    return booking, f"/appointment/{appointment_token(booking)}/"


def test_a_freed_time_is_offered_to_those_who_asked_earliest_booked_first():
    _early, early_link = patient_books("early@example.com", "2026-03-11T10:00")
    amy, amy_link = patient_books("amy@example.com", "2026-03-20T10:00")
    _bob, bob_link = patient_books("bob@example.com", "2026-03-19T10:00")
    _cat, _cat_link = patient_books("cat@example.com", "2026-03-24T10:00")  # did not ask
    for link in (amy_link, bob_link):
        page = Client().post(link + "earlier/", follow=True).content.decode()
        assert 'data-earlier-time="asked"' in page
    send_due()
    mail.outbox.clear()

    Client().post(early_link + "cancel/")
    send_due()
    offers = [m for m in mail.outbox if "earlier time" in m.subject.lower()]
    assert [m.to[0] for m in offers] == ["amy@example.com", "bob@example.com"]
    assert "Wednesday, March 11, 2026 at 10:00 AM" in offers[0].body
    assert "/stop/" in offers[0].body
    for word in ("pregnan", "isotretinoin", "cold sore", "antiviral"):
        assert word not in offers[0].body.lower()

    # Bob confirms first and gets it; Amy finds it gone, her appointment as it was.
    (bob_offer,) = re.findall(r"https?://\S+/move/\?slot=\S+", offers[1].body)
    path = bob_offer.split("testserver", 1)[-1].split("://", 1)[-1]
    path = path[path.index("/appointment/") :]
    shown = Client().get(path).content.decode()
    assert 'value="2026-03-11T10:00" checked' in shown
    moved = Client().post(path.split("?")[0], {"slot": "2026-03-11T10:00", "confirm": "yes"})
    assert moved.status_code == 302
    (amy_offer,) = re.findall(r"https?://\S+/move/\?slot=\S+", offers[0].body)
    amy_path = amy_offer[amy_offer.index("/appointment/") :]
    late = Client().post(amy_path.split("?")[0], {"slot": "2026-03-11T10:00", "confirm": "yes"})
    assert late.status_code == 200 and b"no longer free" in late.content
    amy.refresh_from_db()
    assert amy.appointment_at == datetime(2026, 3, 20, 10, tzinfo=NY)


def test_an_earlier_time_is_not_offered_before_the_patients_earliest_date():
    _early, early_link = patient_books("early@example.com", "2026-03-11T10:00")
    _deferred, link = patient_books(
        "dee@example.com", "2026-04-06T10:00", answers(isotretinoin_date=date(2026, 1, 1))
    )
    Client().post(link + "earlier/")
    send_due()
    mail.outbox.clear()
    Client().post(early_link + "cancel/")
    send_due()
    assert not [m for m in mail.outbox if m.to == ["dee@example.com"]]


def test_the_nightly_purge_tidies_expired_holds(settings, time_machine):
    from django.core.management import call_command

    screened().post(URL, details("2026-03-10T12:00"))
    screened().post(URL, details("2026-03-10T14:00"))
    time_machine.move_to(NOW + timedelta(minutes=settings.SLOT_HOLD_MINUTES + 1))
    screened().post(URL, details("2026-03-11T14:00"))  # still held
    call_command("purge_old_bookings", stdout=StringIO())
    assert list(SlotHold.objects.values_list("starts_at", flat=True)) == [
        datetime(2026, 3, 11, 14, tzinfo=NY)
    ]


def test_a_screening_that_allows_treatment_beyond_the_diary_is_sent_to_the_request():
    late = answers(radiation_date=date(2025, 12, 1))  # not before December 1, 2026
    html = screened(late).get(URL).content.decode()
    assert "data-no-times" in html and 'href="/booking/request/"' in html
    assert "open only 90 days ahead" in html and "December 1, 2026" in html
    assert slots_on(html) == []


def test_cancelling_from_the_worklist_frees_the_time_for_those_waiting_and_drops_the_reminder(
    admin_client,
):
    from post_office.models import STATUS, Email

    early, _early_link = patient_books("early@example.com", "2026-03-16T10:00")
    _amy, amy_link = patient_books("amy@example.com", "2026-03-20T10:00")
    Client().post(amy_link + "earlier/")
    send_due()
    mail.outbox.clear()
    assert Email.objects.filter(clinic_message__booking=early, status=STATUS.queued).exists()

    admin_client.post(
        "/admin/bookings/bookingrequest/?show=all",
        {"action": "mark_cancelled", "_selected_action": [early.pk]},
    )
    send_due()

    early.refresh_from_db()
    assert early.status == "cancelled"
    assert early.appointments.get().status == "cancelled"
    # Its 48-hour reminder is never sent; the freed time goes to Amy, who asked.
    assert not Email.objects.filter(clinic_message__booking=early, status=STATUS.queued).exists()
    offers = [m for m in mail.outbox if "earlier time" in m.subject.lower()]
    assert [m.to[0] for m in offers] == ["amy@example.com"]
    assert not [m for m in mail.outbox if m.to == ["early@example.com"]]


def test_a_cold_sore_patient_booked_online_is_flagged_until_the_front_desk_tick_the_cover(
    admin_client,
):
    from tests.test_booking_admin import form_data

    booking, _link = patient_books("cs@example.com", "2026-03-16T10:00", answers(cold_sores=True))
    booking.refresh_from_db()
    assert booking.needs_attention
    assert booking.get_attention_reason_display() == (
        "Antiviral prophylaxis to arrange before the day"
    )
    send_due()
    mail.outbox.clear()

    response = admin_client.post(
        f"/admin/bookings/bookingrequest/{booking.pk}/change/",
        form_data(booking, antiviral_prophylaxis_arranged="on", needs_attention="on"),
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.antiviral_prophylaxis_arranged
    assert not booking.needs_attention and booking.attention_reason == ""
    # Still booked as it was, and the patient is not sent a second confirmation.
    assert booking.status == "scheduled"
    assert booking.appointment_at == datetime(2026, 3, 16, 10, tzinfo=NY)
    send_due()
    assert not mail.outbox
