"""The clinic's details are edited in the admin and show at once on every page and e-mail.

SPEC.md, "Staff": name, address, phone, e-mail, opening hours and how soon the front desk
replies are edited in the admin; the CLINIC_* settings only seed them. The booking form offers
only days and times the clinic is open, once staff have set opening hours.
"""

import dataclasses
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from bookings.forms import BookingRequestForm
from bookings.models import BookingRequest, Message
from bookings.scheduling import opening_hours_error
from clinic.models import ClinicDetails, OpeningHours, OpeningTimes
from clinic.selectors import DETAILS_CACHE_KEY, clinic_details
from tests.booking_helpers import booking_data, screen
from tests.test_booking_admin import make_booking

pytestmark = pytest.mark.django_db

ADMIN_URL = "/admin/clinic/clinicdetails/"
BOOKING_URL = "/booking/request/"
WEEKDAYS = range(5)  # Monday to Friday


def set_hours(days=WEEKDAYS, opens=time(9), closes=time(17)) -> ClinicDetails:
    details = ClinicDetails.get_solo()
    for day in days:
        OpeningHours.objects.create(clinic=details, weekday=day, opens=opens, closes=closes)
    return details


def next_weekday(weekday: int, after: date) -> date:
    """The first date after `after`, at least a week ahead, that falls on `weekday`."""
    day = after + timedelta(days=7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def admin_form(**changes) -> dict[str, str]:
    data = {
        "name": "Riverside Skin Clinic",
        "address": "12 Harbor Street, Suite 3, Portland, ME 04101",
        "phone": "(207) 555-0142",
        "email": "appointments@riverside-skin.example",
        "reply_working_days": "2",
        "buffer_minutes": "15",
        "slot_interval_minutes": "30",
        "minimum_notice_hours": "24",
        "maximum_advance_days": "90",
        "change_limit_hours": "24",
        "area_bookings-TOTAL_FORMS": "0",
        "area_bookings-INITIAL_FORMS": "0",
        "area_bookings-MIN_NUM_FORMS": "0",
        "area_bookings-MAX_NUM_FORMS": "1000",
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


# --- The record and its cache ----------------------------------------------------------------


def test_the_settings_only_seed_the_record(settings):
    """CLINIC_* apply until the record exists and are its defaults; after that the record wins."""
    settings.CLINIC_PHONE = "(555) 010-1111"
    assert clinic_details().phone == "(555) 010-1111"
    assert not ClinicDetails.objects.exists()  # reading a page writes nothing
    assert ClinicDetails.get_solo().phone == "(555) 010-1111"  # first opened in the admin
    settings.CLINIC_PHONE = "(555) 010-2222"
    cache.clear()
    assert clinic_details().phone == "(555) 010-1111"


def test_details_are_read_through_the_shared_cache(settings, django_assert_num_queries):
    """Two queries (the record with its hours; the areas' lengths and prices) when the cache
    is cold, none after."""
    ClinicDetails.get_solo()
    with django_assert_num_queries(2):
        clinic_details()
    assert cache.get(DETAILS_CACHE_KEY).name == settings.CLINIC_NAME
    with django_assert_num_queries(0):
        clinic_details()


def test_the_details_are_a_frozen_copy_for_every_reader(settings):
    """Domain code, templates and e-mails read the same plain values; none can change them."""
    details = clinic_details()
    with pytest.raises(dataclasses.FrozenInstanceError):
        details.phone = "(555) 010-9999"  # type: ignore[misc]
    assert details.phone == settings.CLINIC_PHONE
    assert details.phone_link == "".join(ch for ch in settings.CLINIC_PHONE if ch.isdigit())
    assert not details.opening_times.is_set


def test_saving_drops_the_cached_copy():
    clinic_details()
    details = ClinicDetails.get_solo()
    details.phone = "(555) 010-3333"
    details.save()
    assert clinic_details().phone == "(555) 010-3333"
    set_hours(days=[0])
    assert clinic_details().opening_times.on(0) == [(time(9), time(17))]


def test_an_admin_edit_shows_at_once_on_a_cached_page(admin_client, client):
    """The footer of /faq/ (a cached public page) shows the new phone number after saving."""
    assert "(207) 555-0142" in client.get("/faq/").content.decode()
    assert "(207) 555-0142" in client.get("/faq/").content.decode()  # now from the cache

    response = admin_client.post(
        ADMIN_URL,
        admin_form(
            phone="(207) 555-0999",
            **{
                "opening_hours-TOTAL_FORMS": "1",
                "opening_hours-0-weekday": "1",
                "opening_hours-0-opens": "10:00",
                "opening_hours-0-closes": "16:00",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    page = client.get("/faq/").content.decode()
    assert "(207) 555-0999" in page
    assert 'href="tel:2075550999"' in page
    assert ClinicDetails.get_solo().opening_times().on(1) == [(time(10), time(16))]


def test_opening_hours_must_close_after_they_open(admin_client):
    response = admin_client.post(
        ADMIN_URL,
        admin_form(
            **{
                "opening_hours-TOTAL_FORMS": "1",
                "opening_hours-0-weekday": "0",
                "opening_hours-0-opens": "17:00",
                "opening_hours-0-closes": "09:00",
            }
        ),
    )
    assert response.status_code == 200
    assert "The closing time must be after the opening time." in response.content.decode()
    assert not OpeningHours.objects.exists()


def test_e_mails_use_the_record(settings):
    """The clinic's notice goes to the record's e-mail; the patient is promised its reply time."""
    details = ClinicDetails.get_solo()
    details.email = "desk@riverside.example"
    details.reply_working_days = 5
    details.save()
    booking = make_booking()
    clinic_message = booking.messages.get(kind=Message.Kind.NEW_REQUEST)
    assert clinic_message.email.to == ["desk@riverside.example"]
    patient = booking.messages.get(kind=Message.Kind.BOOKING_RECEIVED).email
    assert "within 5 working days" in patient.message
    assert patient.headers["Reply-To"] == "desk@riverside.example"


# --- Opening hours ------------------------------------------------------------------------------

NEW_YORK = ZoneInfo("America/New_York")


def test_is_open_at_follows_the_hours_in_the_clinics_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    details = set_hours()
    monday = date(2027, 3, 15)
    assert details.is_open_at(datetime.combine(monday, time(9), NEW_YORK))
    assert details.is_open_at(datetime.combine(monday, time(16, 59), NEW_YORK))
    assert not details.is_open_at(datetime.combine(monday, time(17), NEW_YORK))
    assert not details.is_open_at(datetime.combine(monday, time(8, 59), NEW_YORK))
    assert not details.is_open_at(datetime.combine(monday + timedelta(days=5), time(10), NEW_YORK))
    # 14:00 UTC is 10:00 in New York.
    assert details.is_open_at(datetime(2027, 3, 15, 14, tzinfo=ZoneInfo("UTC")))


def test_without_opening_hours_nothing_is_refused():
    details = ClinicDetails.get_solo()
    sunday_night = datetime(2027, 3, 14, 23, tzinfo=NEW_YORK)
    assert details.is_open_at(sunday_night)
    assert opening_hours_error(sunday_night) is None


def test_the_scheduling_hook_explains_a_closed_time():
    set_hours()
    assert opening_hours_error(datetime(2027, 3, 15, 10, tzinfo=NEW_YORK)) is None
    error = opening_hours_error(datetime(2027, 3, 14, 10, tzinfo=NEW_YORK))
    assert error is not None
    assert "closed" in error
    assert "March 14, 2027" in error


# --- The booking form ----------------------------------------------------------------------------


def test_the_booking_form_refuses_a_closed_day(client):
    """A Saturday, when the clinic opens Monday to Friday: an error beside the date."""
    set_hours()
    screen(client)
    saturday = next_weekday(5, timezone.localdate())
    response = client.post(BOOKING_URL, booking_data(preferred_date=saturday.isoformat()))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["preferred_date"] == [
        "The clinic is closed on Saturdays. Choose a day we are open"
    ]
    assert not BookingRequest.objects.exists()

    monday = next_weekday(0, timezone.localdate())
    response = client.post(
        BOOKING_URL, booking_data(preferred_date=monday.isoformat(), confirm="yes")
    )
    assert response.status_code == 302
    assert BookingRequest.objects.get().preferred_date == monday


def test_the_booking_form_offers_only_the_times_of_day_the_clinic_is_open(client):
    """Open 9:00 to 12:00 only: morning is offered, afternoon and evening are not."""
    set_hours(opens=time(9), closes=time(12))
    screen(client)
    html = client.get(BOOKING_URL).content.decode()
    assert html.count('name="preferred_time"') == 1
    assert 'value="morning"' in html
    assert "We are open on Mondays, Tuesdays, Wednesdays, Thursdays and Fridays." in html

    response = client.post(BOOKING_URL, booking_data(preferred_time="afternoon"))
    assert response.context["form"].errors["preferred_time"] == ["Choose morning"]


def test_a_time_of_day_must_be_open_on_the_chosen_day(client):
    """Evenings only on Thursdays: an evening on a Monday is refused beside the time."""
    details = set_hours(days=[0], opens=time(9), closes=time(17))
    OpeningHours.objects.create(clinic=details, weekday=3, opens=time(13), closes=time(20))
    screen(client)
    monday = next_weekday(0, timezone.localdate())
    response = client.post(
        BOOKING_URL, booking_data(preferred_date=monday.isoformat(), preferred_time="evening")
    )
    assert response.context["form"].errors["preferred_time"] == [
        "The clinic is not open in the evening on Mondays. Choose morning or afternoon"
    ]
    thursday = next_weekday(3, timezone.localdate())
    response = client.post(
        BOOKING_URL,
        booking_data(preferred_date=thursday.isoformat(), preferred_time="evening", confirm="yes"),
    )
    assert response.status_code == 302


def test_without_opening_hours_every_day_and_time_is_offered(client):
    screen(client)
    html = client.get(BOOKING_URL).content.decode()
    assert html.count('name="preferred_time"') == 3
    assert "We are open on" not in html


def test_an_areas_length_and_price_are_read_with_the_details(admin_client):
    response = admin_client.post(
        ADMIN_URL,
        admin_form(
            **{
                "area_bookings-TOTAL_FORMS": "1",
                "area_bookings-0-area": "hands",
                "area_bookings-0-minutes": "45",
                "area_bookings-0-price": "250.00",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    details = clinic_details()
    assert details.appointment_length("hands") == timedelta(minutes=45)
    assert details.price("hands") == Decimal("250.00")
    assert details.appointment_length("face_neck") == timedelta(minutes=60)
    assert details.price("face_neck") is None


def test_the_booking_form_is_given_the_opening_times_and_reads_no_database(
    django_assert_num_queries,
):
    """The view passes the opening times in: building, checking and describing the form asks
    the database nothing."""
    today = timezone.localdate()
    monday = next_weekday(0, today)
    mornings = OpeningTimes.from_rows([(0, time(9), time(12)), (2, time(9), time(12))])
    with django_assert_num_queries(0):
        form = BookingRequestForm(
            booking_data(preferred_date=monday.isoformat()), today=today, opening_times=mornings
        )
        assert form.is_valid(), form.errors
        assert [value for value, _label in form.fields["preferred_time"].choices] == ["morning"]
        assert "We are open on Mondays and Wednesdays." in form.fields["preferred_date"].help_text
        assert 'name="preferred_time"' in str(form["preferred_time"])
