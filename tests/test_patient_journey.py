"""The patient's journey after the screener (issue 10): a result they can trust and keep, the
"email me when I can book" notice and its stop link, checking a booking before sending it, a
confirmation that says what was asked for, and the result still there after booking.

"Today" is March 10, 2026 at noon in the clinic's time zone (America/New_York).
"""

import re
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from post_office.models import STATUS, Email

from bookings.models import BookingRequest, Message, MessageStop
from bookings.stop import address_hash, stop_token
from screener.session import BOOKED_RESULT_KEY, SESSION_KEY
from tests.booking_helpers import answers, booking_data, only_request, screen

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=NEW_YORK)
TODAY = date(2026, 3, 10)
RESULT = "/screener/result/"
NOTIFY = "/screener/notify/"

# Last isotretinoin dose on January 20: may book from April 20, 2026.
DATED = answers(isotretinoin_date=date(2026, 1, 20))
DATED_EARLIEST = date(2026, 4, 20)
# Infection (no date) + isotretinoin + a recent session + cold sores: deferred, no date.
MIXED = answers(
    infection=True,
    cold_sores=True,
    isotretinoin_date=date(2026, 1, 20),
    previous_treatment_date=date(2026, 3, 1),
)
STATIC = Path(django_settings.BASE_DIR) / "static"


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def html_of(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    html = html_of(response)
    return html[html.index("<main") : html.index("</main>")]


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def section(html: str, marker: str) -> str:
    """The element carrying `marker` (a data- attribute), up to its closing tag."""
    match = re.search(rf"<(\w+)[^>]*\s{re.escape(marker)}(?=[\s>=])[^>]*>", html)
    assert match, marker
    tag = match.group(1)
    return html[match.start() : html.index(f"</{tag}>", match.end())]


# --- A result that agrees with itself ----------------------------------------------------------


def test_several_reasons_read_as_one_outcome_with_one_next_step(client):
    """Infection + isotretinoin + a recent session + cold sores: the heading says "cannot be
    treated just now", and no reason says the patient can book or gives a date of its own."""
    screen(client, MIXED)
    response = client.get(RESULT)
    main = main_of(response)
    text = text_of(main)

    assert 'data-outcome="deferred"' in main
    assert re.search(r"<h1>You cannot be treated just now</h1>", main)
    assert "<title>Your result: You cannot be treated just now" in html_of(response)
    assert [m for m in re.findall(r'data-reason="(\w+)"', main)] == [
        "infection",
        "isotretinoin",
        "recent_treatment",
        "cold_sores",
    ]
    assert "you can still request a booking" not in text.lower()
    assert "you can request a booking" not in text.lower()
    assert "data-eligible-from" not in main
    # No "from" date at all: April 20 (isotretinoin) and March 29 (28 days) are not given.
    assert "April 20" not in text and "March 29" not in text
    assert 'href="/booking/"' not in main
    assert main.count("data-next-step=") == 1
    contact = section(main, "data-contact")
    assert f'href="tel:{re.sub(r"[^0-9+]", "", django_settings.CLINIC_PHONE)}"' in contact
    assert f'href="mailto:{django_settings.CLINIC_EMAIL}"' in contact
    # Each reason still links to the FAQ answer that explains it.
    for reason in re.findall(r"<li data-reason=.*?</li>", main, re.S):
        assert 'href="/faq/' in reason


def test_a_dated_deferral_gives_one_date_and_its_cold_sores_card_agrees(client):
    screen(client, answers(cold_sores=True, isotretinoin_date=date(2026, 1, 20)))
    main = main_of(client.get(RESULT))
    assert re.findall(r'<time datetime="([\d-]+)" data-eligible-from>', main) == ["2026-04-20"]
    assert text_of(main).count("April 20, 2026") == 1
    cold_sores = section(main, 'data-reason="cold_sores"')
    assert "when you request a booking for that date" in text_of(cold_sores)
    assert main.count('href="/booking/"') == 1


@pytest.mark.parametrize(
    ("patient", "heading"),
    [
        (answers(), "You can request a booking"),
        (answers(cold_sores=True), "You can request a booking, with a condition"),
        (DATED, "You need to wait before your treatment"),
        (answers(pregnant=True), "You cannot be treated just now"),
        (answers(keloid=True), "Please talk to a clinician before booking"),
    ],
)
def test_title_and_heading_say_the_outcome(client, patient, heading):
    screen(client, patient)
    html = html_of(client.get(RESULT))
    assert f"<title>Your result: {heading} \u2013" in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(
    ("patient", "shown"),
    [
        (answers(), True),
        (answers(cold_sores=True), True),
        (DATED, True),
        (answers(pregnant=True), False),
        (answers(keloid=True), False),
    ],
)
def test_the_course_is_recommended_only_where_it_helps(client, patient, shown):
    screen(client, patient)
    assert ("Your recommended course" in html_of(client.get(RESULT))) is shown


def test_the_answers_are_shown_with_a_way_to_change_them(client):
    screen(client, answers(cold_sores=True, previous_treatment_date=date(2026, 1, 2)))
    answers_html = section(main_of(client.get(RESULT)), "data-answers")
    text = text_of(answers_html)
    assert "Face and neck" in text
    assert "Ever had cold sores Yes" in text
    assert "Microneedling before Yes, on January 2, 2026" in text
    assert 'href="/screener/?change=1"' in answers_html

    form = html_of(client.get("/screener/?change=1"))
    for name, value in [("area", "face_neck"), ("cold_sores", "yes"), ("pregnant", "no")]:
        assert re.search(rf'name="{name}" value="{value}" id="[^"]+" checked', form), name
    assert re.search(r'name="concerns" value="fine_lines" id="[^"]+" checked', form)
    assert 'name="previous_treatment_date" id="id_previous_treatment_date" ' in form
    assert 'value="2026-01-02"' in form


def test_change_without_a_screening_shows_the_blank_form(client):
    form = html_of(client.get("/screener/?change=1"))
    assert " checked" not in form


def test_the_result_shows_the_screening_date_and_how_to_print_it(client):
    screen(client)
    main = main_of(client.get(RESULT))
    assert '<time datetime="2026-03-10">March 10, 2026</time>' in main
    assert re.search(r'<a [^>]*href="#print-help"[^>]*data-print>Print or save this page</a>', main)
    assert 'id="print-help"' in main  # instructions for a browser without JavaScript
    assert "js/result.js" in html_of(client.get(RESULT))


def test_the_stylesheet_prints_without_navigation(client):
    css = (STATIC / "css" / "site.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert ".site-header nav" in print_rules and "display: none" in print_rules
    assert ".site-footer p" in print_rules  # the address (not a <p>) stays on paper


# --- "Email me when I can book" ----------------------------------------------------------------


def notify(client, **data):
    return client.post(NOTIFY, {"notify_email": "ada@example.com", "consent": "on", **data})


def test_only_a_dated_deferral_is_offered_the_notice(client):
    for patient, offered in [(DATED, True), (answers(), False), (answers(pregnant=True), False)]:
        screen(client, patient)
        html = html_of(client.get(RESULT))
        assert (f'action="{NOTIFY}"' in html) is offered
        if offered:
            form = section(html, f'action="{NOTIFY}"')
            assert 'name="notify_email"' in form and 'name="consent"' in form


def test_the_notice_queues_one_message_for_the_morning_of_the_earliest_date(client):
    """Only the address and the date are kept (in the outbox); the message carries no health
    answer and a link that stops such messages."""
    screen(client, DATED)
    response = notify(client)
    assert response.status_code == 302
    assert response["Location"] == RESULT

    message = Message.objects.get()
    assert message.kind == Message.Kind.CAN_BOOK
    assert message.booking is None
    email = message.email
    assert email.to == ["ada@example.com"]
    assert email.status == STATUS.queued
    assert email.scheduled_time == datetime(2026, 4, 20, 9, 0, tzinfo=NEW_YORK)
    body = f"{email.subject}\n{email.message}".lower()
    for word in ("isotretinoin", "accutane", "deferred", "face and neck", "3 months"):
        assert word not in body
    assert "april 20, 2026" in body
    assert re.search(r"/messages/[^/\s]+/stop/", body)

    page = html_of(client.get(RESULT))
    assert "data-notice-asked" in page
    assert f'action="{NOTIFY}"' not in page


def test_the_same_notice_sent_twice_queues_one_message(client):
    screen(client, DATED)
    notify(client)
    notify(client, notify_email="ADA@example.com ")
    assert Message.objects.filter(kind=Message.Kind.CAN_BOOK).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"notify_email": ""}, "notify_email", "Enter your email address"),
        ({"notify_email": "ada@"}, "notify_email", "correct format"),
        ({"notify_email": '"ada,bob"@example.com'}, "notify_email", "correct format"),
        ({"consent": ""}, "consent", "Tick the box"),
    ],
)
def test_notice_errors_are_shown_on_the_result_page_with_nothing_lost(client, data, field, message):
    screen(client, DATED)
    response = notify(client, **{"notify_email": "ada@example.com", **data})
    assert response.status_code == 200
    html = html_of(response)
    assert "<title>Error: Your result:" in html
    summary = section(html, "data-error-summary")
    assert f'href="#id_{field}"' in summary and message in summary
    assert f'id="id_{field}"' in html
    assert message in section(html, f'id="id_{field}_error"')
    assert 'data-outcome="deferred"' in html  # still the whole result
    if field != "notify_email":
        assert 'value="ada@example.com"' in html
    if field != "consent":
        assert re.search(r'name="consent" id="id_consent"[^>]* checked', html)
    assert Email.objects.count() == 0


def test_the_notice_is_refused_without_a_dated_deferral(client):
    assert notify(client)["Location"] == "/screener/"
    screen(client, answers(pregnant=True))
    assert notify(client)["Location"] == RESULT
    assert Email.objects.count() == 0


def test_the_notice_is_rate_limited(client, settings):
    settings.NOTIFY_RATE_LIMIT = "2/m"
    screen(client, DATED)
    statuses = [notify(client, notify_email="bad").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_address_is_forgotten_once_the_message_is_sent(client, time_machine):
    screen(client, DATED)
    notify(client)
    call_command("send_due_messages", stdout=StringIO())
    assert mail.outbox == [], "not before its day"
    assert Email.objects.count() == 1

    time_machine.move_to(datetime(2026, 4, 20, 9, 1, tzinfo=NEW_YORK), tick=False)
    call_command("send_due_messages", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert Email.objects.count() == 0
    assert Message.objects.count() == 0


def stop_url_for(address: str) -> str:
    return f"/messages/{stop_token(group='can_book', address=address)}/stop/"


def test_the_stop_link_asks_then_stops_and_drops_what_is_queued(client):
    screen(client, DATED)
    notify(client)
    url = stop_url_for("ada@example.com")

    page = client.get(url)
    assert page.status_code == 200
    assert Email.objects.count() == 1, "following the link alone changes nothing"
    assert 'method="post"' in html_of(page)

    assert client.post(url).status_code == 200
    assert Email.objects.count() == 0
    stop = MessageStop.objects.get()
    assert stop.address_hash == address_hash("ada@example.com")
    assert "ada" not in stop.address_hash

    # Asked again for that address: nothing is queued, and the page does not tell.
    screen(client, DATED)
    assert notify(client)["Location"] == RESULT
    assert Email.objects.count() == 0


def test_a_forged_stop_link_is_not_found(client):
    assert client.get("/messages/not-a-token/stop/").status_code == 404
    assert client.post("/messages/not-a-token/stop/").status_code == 404
    assert MessageStop.objects.count() == 0


# --- Check your details before sending -----------------------------------------------------------


def test_a_valid_booking_without_confirm_shows_the_details_to_check(client):
    screen(client)
    response = client.post("/booking/request/", booking_data(confirm=None, notes="Not Fridays"))
    assert response.status_code == 200
    assert BookingRequest.objects.count() == 0
    html = html_of(response)
    check = text_of(section(html, "data-check-answers"))
    for shown in ("Jane Example", "jane@example.com", "555-0199", "March 24, 2026", "Morning"):
        assert shown in check
    assert "Not Fridays" in check
    assert re.search(r'<button[^>]*name="change" value="email"', html)
    final = html[html.index("Now send your request") :]
    assert '<input type="hidden" name="confirm" value="yes">' in final
    for name in ("full_name", "email", "phone", "preferred_date", "preferred_time", "consent"):
        assert f'type="hidden" name="{name}"' in final

    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', final))
    hidden.pop("csrfmiddlewaretoken", None)
    assert client.post("/booking/request/", hidden)["Location"] == "/booking/confirmation/"
    assert only_request().notes == "Not Fridays"


def test_change_on_the_check_page_shows_the_form_filled_in(client):
    screen(client)
    response = client.post("/booking/request/", booking_data(confirm=None, change="phone"))
    assert response.status_code == 200
    html = html_of(response)
    assert "data-check-answers" not in html
    assert 'value="Jane Example"' in html
    assert re.search(r'<input[^>]*name="phone"[^>]*autofocus', html)
    assert BookingRequest.objects.count() == 0


# --- After booking: the confirmation and the result --------------------------------------------


def test_after_booking_the_result_still_explains_the_condition(client):
    screen(client, answers(cold_sores=True))
    client.post("/booking/request/", booking_data())
    reference = only_request().reference
    session = client.session
    assert SESSION_KEY not in session
    kept = session[BOOKED_RESULT_KEY]
    assert set(kept) == {"outcome", "conditions", "earliest", "screened_on"}

    response = client.get(RESULT)
    assert response.status_code == 200
    main = main_of(response)
    assert 'data-outcome="eligible_with_conditions"' in main
    assert reference in main
    cold_sores = text_of(section(main, 'data-reason="cold_sores"'))
    assert "antiviral" in cold_sores
    assert "you can request a booking" not in cold_sores.lower()
    assert 'href="/booking/"' not in main


def test_after_a_dated_booking_the_result_keeps_the_date(client):
    screen(client, DATED)
    client.post("/booking/request/", booking_data(preferred_date="2026-05-01"))
    main = main_of(client.get(RESULT))
    assert re.findall(r'<time datetime="([\d-]+)" data-eligible-from>', main) == ["2026-04-20"]


# --- Dates, words, favicon, form order --------------------------------------------------------


def test_dates_use_one_long_format(client):
    screen(client, DATED)
    booking = html_of(client.get("/booking/request/"))
    assert "Any day from April 20, 2026 to April 20, 2027" in booking
    assert "for example 2026-04-20 for April 20, 2026" in booking
    assert '<time datetime="2026-04-20">April 20, 2026</time>' in booking
    errors = html_of(client.post("/booking/request/", booking_data(preferred_date="2026-04-01")))
    assert "on or after April 20, 2026" in errors
    privacy = html_of(client.get("/privacy/"))
    assert '<time datetime="2026-12-07">December 7, 2026</time>' in privacy
    assert "deleted 1 year after" in privacy


def test_the_privacy_period_filter_names_other_periods_in_days():
    template = Template("{% load patient_dates %}{{ 730|days_as_period }}/{{ 90|days_as_period }}")
    assert template.render(Context()) == "2 years/90 days"


def test_every_page_links_a_favicon_that_exists(client):
    html = html_of(client.get("/privacy/"))
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert href.endswith("favicon.svg")
    assert (STATIC / "favicon.svg").read_text().startswith("<svg")


def test_patient_pages_say_email_not_e_mail(client):
    screen(client, answers(keloid=True))
    pages = [client.get(url) for url in ("/", "/privacy/", "/screener/", RESULT)]
    for page in pages:
        assert "E-mail" not in text_of(main_of(page) + html_of(page)), page.wsgi_request.path
        assert "e-mail" not in text_of(html_of(page))


def test_radios_follow_the_gov_uk_order(client):
    """Legend, hint, error message, then the options; the fieldset is described by both."""
    response = client.post("/screener/", {"concerns": "nope"})
    html = html_of(response)
    area = section(html, 'id="fieldset_id_area"')
    positions = [
        area.index("<legend>"),
        area.index('id="id_area_helptext"'),
        area.index('id="id_area_error"'),
        area.index('class="options"'),
    ]
    assert positions == sorted(positions)
    assert 'aria-describedby="id_area_helptext id_area_error"' in area
    # A dated question's date field follows its options, inside the same fieldset.
    iso = section(html, 'id="fieldset_id_isotretinoin"')
    assert iso.index('class="options"') < iso.index('id="group_isotretinoin_date"')


def test_the_booking_time_radios_follow_the_gov_uk_order(client):
    screen(client)
    html = html_of(client.post("/booking/request/", booking_data(preferred_time="")))
    group = section(html, 'id="fieldset_id_preferred_time"')
    assert group.index("<legend>") < group.index('id="id_preferred_time_error"')
    assert group.index('id="id_preferred_time_error"') < group.index('class="options"')


def test_screening_answers_never_reach_the_notice_url_or_page(client):
    """The notice form posts only an address and consent; nothing of the answers."""
    screen(client, DATED)
    form = section(html_of(client.get(RESULT)), f'action="{NOTIFY}"')
    names = set(re.findall(r'name="(\w+)"', form))
    assert names == {"csrfmiddlewaretoken", "notify_email", "consent"}
