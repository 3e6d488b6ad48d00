"""The site's own pages: home, aftercare, privacy notice and the not-found page."""

import re

import pytest
from django.urls import reverse

from faq.models import Question
from tests.faq_helpers import assert_one_h1_and_headings_in_order, main_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic_settings(settings):
    """Contact details that appear nowhere in the templates: they must come from settings."""
    settings.CLINIC_NAME = "Harbourside Test Clinic"
    settings.CLINIC_PHONE = "(555) 010-9999"
    settings.CLINIC_EMAIL = "desk@harbourside.example"
    settings.CLINIC_ADDRESS = "1 Test Quay, Testville"
    return settings


@pytest.mark.parametrize("url", ["/", "/aftercare/", "/privacy/", "/faq/no-such-page/"])
def test_pages_have_one_h1_and_headings_in_order(client, url):
    assert_one_h1_and_headings_in_order(client.get(url))


@pytest.mark.parametrize("url", ["/", "/aftercare/", "/privacy/"])
def test_public_pages_set_no_cookies_and_need_no_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    assert "<script" not in response.content.decode()
    assert 'style="' not in response.content.decode()


# --- Home ---------------------------------------------------------------------------------------


def test_home_says_what_microneedling_is_and_what_it_treats(client):
    content = main_html(client.get(reverse("home")))
    assert "What is Medical Microneedling?" in content
    assert "controlled micro-injuries to the skin" in content
    for condition in ("Fine lines and wrinkles", "Mild to moderate acne scars", "Stretch marks"):
        assert f"<li>{condition}</li>" in content


def test_home_invites_patients_to_check_their_eligibility(client):
    content = main_html(client.get(reverse("home")))
    assert f'<a class="button" href="{reverse("screener:start")}">Check if you can book</a>' in (
        content
    )


def test_home_shows_the_clinics_contact_details_from_settings(client, clinic_settings):
    content = main_html(client.get(reverse("home")))
    assert "Harbourside Test Clinic" in content
    assert 'href="tel:5550109999">(555) 010-9999</a>' in content
    assert 'href="mailto:desk@harbourside.example"' in content


def test_home_draws_its_text_from_the_faq_questions(client):
    question = Question.objects.get(slug="conditions-treated")
    question.answer = "- Only this condition, edited by staff"
    question.save()
    content = main_html(client.get(reverse("home")))
    assert "<li>Only this condition, edited by staff</li>" in content
    assert "Mild to moderate acne scars" not in content

    question.published = False
    question.save()
    assert "What conditions can be treated" not in main_html(client.get(reverse("home")))


def test_any_question_can_be_featured_on_the_home_page(client):
    question = Question.objects.get(slug="what-it-feels-like")
    assert "sandpaper" not in main_html(client.get(reverse("home")))
    question.feature = Question.Feature.HOME
    question.save()
    assert "sandpaper" in main_html(client.get(reverse("home")))


# --- Aftercare ----------------------------------------------------------------------------------


def test_aftercare_lists_the_instructions_and_the_recovery_timeline(client):
    content = main_html(client.get(reverse("aftercare")))
    assert "What should I do to my skin after Medical Microneedling?" in content
    assert "<li>Avoid applying makeup until the day following the treatment.</li>" in content
    assert "Avoid direct sun exposure for at least 14 days." in content
    assert "<h2" in content and "Recovery timeline</h2>" in content
    stages = re.findall(r"<h3>([^<]+)</h3>", content)
    assert stages == ["Day 1", "Day 2", "Days 3\N{EN DASH}4"]
    assert content.index("Pinpoint bleeding") < content.index("Red/pink hue persists")
    assert content.index("Red/pink hue persists") < content.index("Some flaking may occur")


def test_aftercare_page_tells_patients_whom_to_call(client, clinic_settings):
    content = main_html(client.get(reverse("aftercare")))
    assert "(555) 010-9999" in content
    assert "desk@harbourside.example" in content


# --- Privacy notice -----------------------------------------------------------------------------


def test_privacy_notice_covers_what_why_how_long_who_and_how_to_ask(client, clinic_settings):
    clinic_settings.BOOKING_RETENTION_DAYS = 180
    clinic_settings.PRIVACY_NOTICE_VERSION = "2031-02-03"
    content = main_html(client.get(reverse("privacy")))
    for heading in (
        "What we collect",
        "Why we collect it",
        "How long we keep it",
        "Who sees it",
        "Your rights: access and deletion",
    ):
        assert f"{heading}</h2>" in content
    # What: the anonymous screening record, and the booking request.
    for item in ("outcome", "reason codes", "area", "date of the screening"):
        assert item in content
    for item in ("name, email address and phone number", "preferred date and time", "notes"):
        assert item in content
    assert "answers to the screening questions" in content
    # How long.
    assert "at most 24 hours" in content
    assert "deleted 180 days after" in content
    # Who: staff only, nobody else, no tracking.
    assert "front desk see your contact details" in content
    assert "clinicians also see your health answers" in content
    assert "third party" in content
    assert "no analytics" in content
    assert "session cookie" in content and "CSRF" in content
    # How to ask.
    assert 'href="mailto:desk@harbourside.example"' in content
    assert "(555) 010-9999" in content
    # One date format on the site: "February 3, 2031", machine-readable in datetime.
    assert 'Version/last updated: <time datetime="2031-02-03">February 3, 2031</time>' in content


def test_privacy_notice_shows_the_version_from_settings_by_default(client, settings):
    content = client.get(reverse("privacy")).content.decode()
    assert f'Version/last updated: <time datetime="{settings.PRIVACY_NOTICE_VERSION}">' in content


# --- Not found ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/no-such-page/", "/faq/no-such-question/"])
def test_not_found_page_helps_the_visitor_on(client, clinic_settings, url):
    response = client.get(url)
    assert response.status_code == 404
    content = main_html(response)
    assert "<h1>Page not found</h1>" in content
    assert 'href="/faq/"' in content
    assert 'href="/"' in content
    assert "(555) 010-9999" in content


@pytest.mark.django_db
def test_the_clinics_phone_number_is_a_working_tel_link(client, settings):
    """A patient on a phone can tap the number: the link holds its digits only."""
    settings.CLINIC_PHONE = "+1 (207) 555-0142"
    page = client.get("/").content.decode()
    assert 'href="tel:+12075550142"' in page
    assert "+1 (207) 555-0142" in page
