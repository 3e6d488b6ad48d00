"""The booking request (/booking/): the gate, the form, saving once, the confirmation page.

SPEC.md, "Booking request". A screening in the browser session that may book opens the form;
everyone else is sent back with an explanation and nothing is saved.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import BookingRequest
from bookings.services import ScreeningAlreadyBooked, booking_request_create
from screener.eligibility import assess
from screener.session import SESSION_KEY, answers_to_dict, load_screening
from tests.booking_helpers import ELIGIBLE, answers, booking_data, only_request, screen

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Local noon, so "today" is the same date in every time zone the code might use by mistake.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=NEW_YORK)
TODAY = date(2026, 3, 10)
BOOKING_URL = "/booking/request/"
CONFIRMATION_URL = "/booking/confirmation/"


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_booking(client, **changes):
    return client.post(BOOKING_URL, booking_data(**changes))


# --- The happy path ---------------------------------------------------------------------------


def test_eligible_patient_sees_the_form_with_the_area_from_the_screening(client):
    """An eligible screening opens the form; the area is shown, not asked."""
    screen(client)
    response = client.get(BOOKING_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Face and neck" in html
    assert 'name="area"' not in html
    for name in ("full_name", "email", "phone", "preferred_date", "notes", "consent"):
        assert f'name="{name}"' in html
    assert html.count('name="preferred_time"') == 3
    assert 'type="date"' in html
    assert 'href="/privacy/"' in html  # the consent links to the privacy notice
    assert "Up to 1,000 characters" in html  # the notes' limit is visible


def test_valid_request_is_saved_with_the_screening_and_confirmed(
    client, django_capture_on_commit_callbacks
):
    """A valid request stores the answers, outcome, reasons and consent, then confirms."""
    screening = screen(client, answers(cold_sores=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_booking(client, notes="Not on Fridays, please.")
    assert response.status_code == 302
    assert response["Location"] == CONFIRMATION_URL

    booking = only_request()
    assert booking.screening == screening
    assert booking.answers == answers_to_dict(answers(cold_sores=True))
    assert booking.outcome == "eligible_with_conditions"
    assert booking.reasons == "cold_sores"
    assert booking.needs_antiviral_prophylaxis is True
    assert booking.status == BookingRequest.Status.NEW
    assert booking.full_name == "Jane Example"
    assert booking.phone == "+1 (207) 555-0199"
    assert booking.preferred_date == TODAY + timedelta(days=14)
    assert booking.notes == "Not on Fridays, please."
    assert booking.consent_given_at == timezone.now()
    assert booking.consent_text_version == "2026-12-07"
    assert re.fullmatch(r"[A-HJ-NP-TV-Z2-9]{4}-[A-HJ-NP-TV-Z2-9]{4}", booking.reference)

    page = client.get(CONFIRMATION_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-reference="{booking.reference}"' in html
    assert "working days" in html
    assert "20\u201330 minutes" in html
    # It repeats what was asked for, so the patient can check it (SPEC.md), but not the name.
    requested = re.search(r"<dl[^>]*data-requested>(.*?)</dl>", html, re.S).group(1)
    for shown in ("March 24, 2026", "Morning", "Face and neck", "jane@example.com", "555-0199"):
        assert shown in requested
    assert "Jane" not in html
    # The condition to arrange before treatment, and what happens next.
    assert 'data-condition="cold_sores"' in html
    assert "antiviral" in html
    assert "What happens next" in html


def test_eligible_patient_without_conditions_has_no_checklist_item(client):
    screen(client)
    post_booking(client)
    assert only_request().needs_antiviral_prophylaxis is False


def test_booking_uses_up_the_screening_and_its_answers_leave_the_session(client):
    """After the request, the session keeps only the reference, not the health answers."""
    screen(client)
    post_booking(client)
    session = client.session
    assert SESSION_KEY not in session
    assert load_screening(session) is None


def test_booking_and_confirmation_pages_are_never_cached(client):
    screen(client)
    assert "no-store" in client.get(BOOKING_URL)["Cache-Control"]
    post_booking(client)
    assert "no-store" in client.get(CONFIRMATION_URL)["Cache-Control"]


# --- The gate ------------------------------------------------------------------------------------


def assert_sent_to(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == url
    assert messages_of(response), "the patient is told why"


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_screening_is_sent_to_the_screener(client, method):
    """Without a screening (including a direct POST), nothing is saved."""
    response = getattr(client, method)(BOOKING_URL, booking_data())
    assert_sent_to(response, "/screener/")
    assert BookingRequest.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "patient_answers",
    [
        pytest.param(answers(keloid=True), id="not_suitable"),
        pytest.param(answers(pregnant=True), id="deferred_without_date"),
        pytest.param(
            answers(infection=True, isotretinoin_date=TODAY - timedelta(days=10)),
            id="deferred_with_an_undated_reason",
        ),
    ],
)
def test_screening_that_may_not_book_is_sent_to_its_result(client, method, patient_answers):
    screen(client, patient_answers)
    response = getattr(client, method)(BOOKING_URL, booking_data())
    assert_sent_to(response, "/screener/result/")
    assert BookingRequest.objects.count() == 0


def test_the_explanation_is_shown_on_the_page_the_patient_lands_on(client):
    """Sent back to the result page, or to the screener, the patient reads why."""
    screen(client, answers(keloid=True))
    page = client.get(BOOKING_URL, follow=True)
    assert page.request["PATH_INFO"] == "/screener/result/"
    assert "does not allow a booking request online yet" in page.content.decode()

    client.session.flush()
    client.cookies.clear()
    page = client.post(BOOKING_URL, booking_data(), follow=True)
    assert page.request["PATH_INFO"] == "/screener/"
    assert "Please answer a few health questions first" in page.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_expired_screening_is_sent_to_the_screener(client, time_machine, method):
    """A screening is usable for 24 hours."""
    screen(client)
    time_machine.move_to(NOW + timedelta(hours=24, minutes=1), tick=False)
    response = getattr(client, method)(BOOKING_URL, booking_data())
    assert_sent_to(response, "/screener/")
    assert BookingRequest.objects.count() == 0


def test_screening_is_still_usable_just_before_24_hours(client, time_machine):
    screen(client)
    time_machine.move_to(NOW + timedelta(hours=23, minutes=59), tick=False)
    assert client.get(BOOKING_URL).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda data: data.update(id="not-a-number"), id="id"),
        pytest.param(lambda data: data.update(id=987654321), id="unknown_screening"),
        pytest.param(lambda data: data["answers"].update(keloid="no"), id="answer_type"),
        pytest.param(lambda data: data["answers"].update(area="feet"), id="answer_value"),
        pytest.param(lambda data: data["answers"].pop("pregnant"), id="missing_answer"),
        pytest.param(lambda data: data.update(completed_at="yesterday"), id="timestamp"),
    ],
)
def test_tampered_session_is_sent_to_the_screener(client, method, tamper):
    screen(client)
    session = client.session
    data = session[SESSION_KEY]
    tamper(data)
    session[SESSION_KEY] = data
    session.save()
    response = getattr(client, method)(BOOKING_URL, booking_data())
    assert_sent_to(response, "/screener/")
    assert BookingRequest.objects.count() == 0


def test_session_holding_something_else_entirely_is_sent_to_the_screener(client):
    screen(client)
    session = client.session
    session[SESSION_KEY] = ["eligible"]
    session.save()
    assert_sent_to(client.post(BOOKING_URL, booking_data()), "/screener/")
    assert BookingRequest.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_used_screening_is_sent_to_the_screener_with_its_reference(client, method):
    """A screening is good for one booking request; the message names the one made."""
    screen(client)
    post_booking(client)
    reference = only_request().reference
    response = getattr(client, method)(BOOKING_URL, booking_data(full_name="Someone Else"))
    assert_sent_to(response, "/screener/")
    assert any(reference in message for message in messages_of(response))
    assert BookingRequest.objects.count() == 1


def test_extra_fields_in_the_post_are_ignored(client):
    """A patient cannot set the status, outcome, reference or answers of their request."""
    screen(client)
    response = post_booking(
        client,
        status="scheduled",
        outcome="eligible",
        reasons="",
        reference="AAAA-BBBB",
        answers='{"keloid": false}',
        needs_antiviral_prophylaxis="",
        antiviral_prophylaxis_arranged="on",
        area="hands",
    )
    assert response.status_code == 302
    booking = only_request()
    assert booking.status == "new"
    assert booking.reference != "AAAA-BBBB"
    assert booking.answers == answers_to_dict(ELIGIBLE)
    assert booking.antiviral_prophylaxis_arranged is False


def test_other_methods_are_refused(client):
    screen(client)
    assert client.put(BOOKING_URL).status_code == 405
    assert client.post(CONFIRMATION_URL).status_code == 405


# --- Field errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter your full name"),
        ("full_name", "   ", "Enter your full name"),
        ("full_name", "x" * 201, "200 characters or fewer"),
        ("email", "", "Enter your email address"),
        ("email", "jane@", "correct format"),
        ("email", "not an email", "correct format"),
        # Django's own check passes these; our mail would never deliver them (clinic.validators).
        ("email", '"jane,doe"@example.com', "correct format"),
        ("email", "jane@localhost", "correct format"),
        ("phone", "", "Enter your phone number"),
        ("phone", "12345", "Enter a phone number"),
        ("phone", "call me maybe", "Enter a phone number"),
        ("phone", "207-555-0199 ext", "Enter a phone number"),
        ("phone", "1" * 21, "Enter a phone number"),
        ("preferred_date", "", "Enter your preferred date"),
        ("preferred_date", "2026-02-30", "real date"),
        ("preferred_date", "10/03/2026", "real date"),
        ("preferred_date", "tomorrow", "real date"),
        ("preferred_time", "", "Choose a preferred time of day"),
        ("preferred_time", "night", "Choose morning, afternoon or evening"),
        ("notes", "x" * 1001, "1,000 characters or fewer"),
        ("consent", None, "Tick the box"),
        ("consent", "", "Tick the box"),
    ],
)
def test_bad_value_is_shown_beside_the_field_and_the_rest_is_kept(client, field, value, message):
    """Status 200, an error summary linking to the field, the message beside it, values kept."""
    screen(client)
    changes = {field: value}
    if field != "full_name":
        changes["full_name"] = "Jane Q. Example"
    response = post_booking(client, **changes)
    assert response.status_code == 200
    assert BookingRequest.objects.count() == 0
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "an error summary at the top"
    assert 'tabindex="-1"' in summary.group(0)
    assert f'href="#id_{field}"' in summary.group(0)
    assert message in summary.group(0)
    assert f'id="id_{field}"' in html  # the link has a target
    beside = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    assert beside, "the message is beside the field"
    assert message in beside.group(1)
    if field != "full_name":
        assert 'value="Jane Q. Example"' in html
    assert "<title>Error: " in html


def test_notes_kept_when_another_field_is_wrong(client):
    screen(client)
    html = post_booking(client, notes="Mornings only", email="nope").content.decode()
    assert "Mornings only</textarea>" in html
    assert 'value="morning" checked' in html or re.search(r'value="morning"[^>]*checked', html)


def test_phone_is_validated_loosely(client):
    """Spaces, +, brackets, dots and dashes are all fine, with 7 to 20 digits."""
    screen(client)
    response = post_booking(client, phone="+44 (0)20.7946-0958")
    assert response.status_code == 302
    assert only_request().phone == "+44 (0)20.7946-0958"


# --- The date window --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preferred", "accepted"),
    [
        pytest.param(TODAY - timedelta(days=1), False, id="yesterday"),
        pytest.param(TODAY, False, id="today"),
        pytest.param(TODAY + timedelta(days=1), True, id="tomorrow"),
        pytest.param(TODAY + relativedelta(years=1), True, id="a_year_from_today"),
        pytest.param(TODAY + relativedelta(years=1, days=1), False, id="over_a_year"),
    ],
)
def test_eligible_patient_date_window(client, preferred, accepted):
    screen(client)
    response = post_booking(client, preferred_date=preferred.isoformat())
    assert (response.status_code == 302) is accepted
    assert BookingRequest.objects.count() == (1 if accepted else 0)
    if not accepted:
        assert response.status_code == 200
        assert 'href="#id_preferred_date"' in response.content.decode()


# Last isotretinoin dose 20 days before "today": may book from that date + 3 months.
ISOTRETINOIN_LAST_DOSE = TODAY - timedelta(days=20)
EARLIEST = ISOTRETINOIN_LAST_DOSE + relativedelta(months=3)


@pytest.mark.parametrize(
    ("preferred", "accepted"),
    [
        pytest.param(TODAY + timedelta(days=1), False, id="tomorrow"),
        pytest.param(EARLIEST - timedelta(days=1), False, id="the_day_before_the_earliest"),
        pytest.param(EARLIEST, True, id="on_the_earliest_date"),
        pytest.param(EARLIEST + relativedelta(years=1), True, id="a_year_after_the_earliest"),
        pytest.param(EARLIEST + relativedelta(years=1, days=1), False, id="over_a_year_after"),
    ],
)
def test_deferred_patient_date_window(client, preferred, accepted):
    """A deferred patient with an earliest date may book on that date, not before."""
    patient = answers(isotretinoin_date=ISOTRETINOIN_LAST_DOSE)
    assert assess(patient, TODAY).earliest_booking_date == EARLIEST
    screen(client, patient)
    response = post_booking(client, preferred_date=preferred.isoformat())
    assert BookingRequest.objects.count() == (1 if accepted else 0)
    if accepted:
        booking = only_request()
        assert booking.outcome == "deferred"
        assert booking.earliest_booking_date == EARLIEST
    else:
        assert response.status_code == 200
        assert "Preferred date must" in response.content.decode()


def test_deferred_patient_sees_the_earliest_date(client):
    screen(client, answers(isotretinoin_date=ISOTRETINOIN_LAST_DOSE))
    html = client.get(BOOKING_URL).content.decode()
    assert f'datetime="{EARLIEST.isoformat()}"' in html
    assert f'min="{EARLIEST.isoformat()}"' in html


# --- Once only ------------------------------------------------------------------------------------


def test_same_form_sent_twice_creates_one_request(client):
    screen(client)
    data = booking_data()
    first = client.post(BOOKING_URL, data)
    second = client.post(BOOKING_URL, data)
    assert first["Location"] == CONFIRMATION_URL
    assert second.status_code == 302
    assert BookingRequest.objects.count() == 1


def test_concurrent_second_request_shows_the_first_one(client):
    """Two tabs: the other tab's request won the race; this one confirms it, saving nothing."""
    screening = screen(client)
    stored = load_screening(client.session)
    other_tab = booking_request_create(
        screening_id=screening.pk,
        answers=stored.answers,
        result=stored.result(),
        full_name="Jane Example",
        email="jane@example.com",
        phone="207 555 0199",
        preferred_date=TODAY + timedelta(days=3),
        preferred_time="evening",
    )
    # This tab's session still holds the screening: the database's unique index stops it.
    response = post_booking(client)
    assert response.status_code == 302
    assert response["Location"] == CONFIRMATION_URL
    assert BookingRequest.objects.count() == 1
    assert (
        f'data-reference="{other_tab.reference}"' in client.get(CONFIRMATION_URL).content.decode()
    )


def test_service_refuses_a_second_request_for_the_same_screening():
    from tests.booking_helpers import record_screening

    screening = record_screening(ELIGIBLE)
    kwargs = {
        "screening_id": screening.pk,
        "answers": ELIGIBLE,
        "result": assess(ELIGIBLE, TODAY),
        "full_name": "A",
        "email": "a@example.com",
        "phone": "2075550199",
        "preferred_date": TODAY + timedelta(days=2),
        "preferred_time": "morning",
    }
    first = booking_request_create(**kwargs)
    with pytest.raises(ScreeningAlreadyBooked) as raised:
        booking_request_create(**kwargs)
    assert raised.value.booking_request == first
    assert BookingRequest.objects.count() == 1


# --- Confirmation ------------------------------------------------------------------------------


def test_confirmation_is_shown_only_to_the_session_that_booked(client, django_user_model):
    from django.test import Client

    screen(client)
    post_booking(client)
    reference = only_request().reference

    stranger = Client()
    response = stranger.get(CONFIRMATION_URL)
    assert_sent_to(response, "/screener/")
    assert reference not in response.content.decode()
    assert f'data-reference="{reference}"' in client.get(CONFIRMATION_URL).content.decode()


def test_confirmation_without_a_booking_is_sent_to_the_screener(client):
    screen(client)
    assert_sent_to(client.get(CONFIRMATION_URL), "/screener/")


# --- Abuse ---------------------------------------------------------------------------------------


def test_honeypot_filled_saves_nothing_and_answers_neutrally(client):
    screen(client)
    response = post_booking(client, website="http://spam.example")
    assert response.status_code == 200
    assert BookingRequest.objects.count() == 0
    assert "data-reference" not in response.content.decode()


def test_honeypot_is_hidden_from_people_and_assistive_technology(client):
    screen(client)
    html = client.get(BOOKING_URL).content.decode()
    container = re.search(r'<div class="honeypot" aria-hidden="true">(.*?)</div>', html, re.S)
    assert container
    assert 'name="website"' in container.group(1)
    assert 'tabindex="-1"' in container.group(1)
    assert 'autocomplete="off"' in container.group(1)


def test_too_many_booking_posts_are_refused(client, settings):
    settings.BOOKING_RATE_LIMIT = "3/m"
    screen(client)
    statuses = [client.post(BOOKING_URL, booking_data(email="bad")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert BookingRequest.objects.count() == 0


def test_rate_limit_does_not_count_page_views(client, settings):
    settings.BOOKING_RATE_LIMIT = "1/m"
    screen(client)
    for _ in range(3):
        assert client.get(BOOKING_URL).status_code == 200
    assert client.post(BOOKING_URL, booking_data()).status_code == 302


def test_patient_screened_through_the_screener_can_book(client):
    """The whole way: the screener's form (SPEC field names) unlocks the booking form."""
    answers_posted = {
        "area": "hands",
        "isotretinoin": "no",
        "radiation": "no",
        "pregnant": "no",
        "keloid": "no",
        "infection": "no",
        "open_wounds": "no",
        "cold_sores": "yes",
        "previous_treatment": "no",
    }
    assert client.post("/screener/", answers_posted).status_code == 302
    assert "Backs of the hands" in client.get(BOOKING_URL).content.decode()
    assert post_booking(client)["Location"] == CONFIRMATION_URL
    booking = only_request()
    assert booking.answers["area"] == "hands"
    assert booking.needs_antiviral_prophylaxis
    assert booking.screening.outcome == "eligible_with_conditions"
