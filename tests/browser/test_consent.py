"""The consent pages in a real browser, with axe-core (WCAG 2.2 A/AA): signing at 390 pixels
with errors first, by keyboard alone, and without JavaScript; the printable copy; and the
staff's pages (a version, the paper consent, a signed record)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.appointments import appointment_schedule, appointment_token
from bookings.models import BookingRequest
from patients.models import ConsentSignature, ConsentVersion
from tests.appointment_helpers import make_booking
from tests.browser.axe import assert_accessible
from tests.browser.helpers import submit
from tests.browser.test_accessibility import assert_focus_visible, focus_style
from tests.browser.test_booking_time import tab_until
from tests.browser.test_journeys import log_in, staff_member
from tests.browser.test_worklist import assert_accessible_without_css_preload

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def scheduled_booking() -> BookingRequest:
    booking = make_booking()
    when = timezone.localtime().replace(hour=14, minute=30, second=0, microsecond=0)
    return appointment_schedule(booking=booking, appointment_at=when + timedelta(days=5))


def consent_path(booking: BookingRequest) -> str:
    return f"/appointment/{appointment_token(booking)}/consent/"


def test_signing_at_390_pixels_with_errors_then_the_copy(new_context):
    _context, page = new_context(viewport=PHONE)
    booking = scheduled_booking()
    page.goto(f"/appointment/{appointment_token(booking)}/")
    page.get_by_role("link", name="Read and sign the consent form").click()
    page.wait_for_url("**/consent/")
    assert page.locator("#consent-text h3").count() >= 6
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "consent")

    submit(page, "Sign the consent form")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")
    assert "Type your full name" in summary.inner_text()
    assert "Tick the box" in summary.inner_text()
    assert_accessible(page, "consent with every field in error")

    page.get_by_label("Your full name").fill("Jane Example")
    submit(page, "Sign the consent form")
    assert page.get_by_label("Your full name").input_value() == "Jane Example"  # kept
    assert_accessible(page, "consent with the tick missing")

    page.get_by_label("I have read this consent form").check()
    submit(page, "Sign the consent form")
    assert page.locator('[data-consent="signed"]').is_visible()
    assert_accessible(page, "consent signed")

    page.get_by_role("link", name="See or print a copy of what you signed").click()
    page.wait_for_url("**/consent/signed/")
    assert page.locator("[data-signed-name]").inner_text() == "Jane Example"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "consent copy")
    page.emulate_media(media="print")
    assert not page.locator(".site-header nav").is_visible()
    assert page.locator("#consent-text-title").is_visible()
    assert ConsentSignature.objects.get().method == "online"


def test_signing_by_keyboard_alone(new_context):
    """Tab from the top of the page to the name, type it, Tab to the tick, Space, Tab to the
    button, Enter. Focus is visible at each step."""
    _context, page = new_context(viewport=PHONE)
    booking = scheduled_booking()
    page.goto(consent_path(booking))
    tab_until(page, lambda el: el["name"] == "signature", "the name")
    assert_focus_visible(focus_style(page))
    page.keyboard.type("Jane Example")
    tab_until(page, lambda el: el["name"] == "agree", "the tick")
    assert_focus_visible(focus_style(page))
    page.keyboard.press("Space")
    assert page.locator('input[name="agree"]').is_checked()
    tab_until(
        page, lambda el: el["tag"] == "button" and el["text"] == "Sign the consent form", "sign"
    )
    assert_focus_visible(focus_style(page))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator('[data-consent="signed"]').is_visible()
    # The copy's link is reached by keyboard too.
    link = tab_until(
        page, lambda el: el["text"] == "See or print a copy of what you signed", "copy"
    )
    assert link["tag"] == "a"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[data-signed-name]").count() == 1


def test_signing_works_without_javascript(new_context):
    _context, page = new_context(viewport=PHONE, java_script_enabled=False)
    booking = scheduled_booking()
    page.goto(consent_path(booking))
    submit(page, "Sign the consent form")
    assert page.locator("[data-error-summary]").is_visible()
    page.get_by_role("link", name="Type your full name to sign the consent form").click()
    assert page.evaluate("document.activeElement.name") == "signature"
    page.keyboard.type("Jane Example")
    page.get_by_label("I have read this consent form").check()
    submit(page, "Sign the consent form")
    assert page.locator('[data-consent="signed"]').is_visible()


def test_the_staff_consent_pages_have_no_wcag_violations(new_context):
    booking = scheduled_booking()
    staff_member("desk", "Front desk")
    staff_member("doctor", "Clinicians")

    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "desk")
    page.goto(f"/admin/bookings/bookingrequest/{booking.pk}/change/")
    assert "Not signed" in page.locator("[data-consent-state]").inner_text()
    page.get_by_role("link", name="Record paper consent").click()
    page.wait_for_url("**/consentsignature/paper/**")
    assert_accessible_without_css_preload(page, "paper consent")
    page.get_by_role("button", name="Record the paper consent").click()
    page.wait_for_load_state()
    assert page.locator(".errornote").count() >= 1
    assert_accessible_without_css_preload(page, "paper consent with errors")
    page.get_by_label("Name as the patient wrote it").fill("Jane Example")
    page.get_by_role("button", name="Record the paper consent").click()
    page.wait_for_url("**/bookingrequest/*/change/")
    assert "Signed on" in page.locator("[data-consent-state]").inner_text()

    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "doctor")
    signature = ConsentSignature.objects.get()
    page.goto(f"/admin/patients/consentsignature/{signature.pk}/change/")
    assert "Jane Example" in page.locator("#content").inner_text()
    assert_accessible_without_css_preload(page, "signed consent record")
    page.goto("/admin/patients/consentversion/")
    assert_accessible(page, "consent versions")
    page.goto("/admin/patients/consentversion/add/")
    assert_accessible_without_css_preload(page, "new consent draft")
    version = ConsentVersion.objects.current()
    page.goto(f"/admin/patients/consentversion/{version.pk}/change/")
    assert_accessible_without_css_preload(page, "published consent version")


def test_publishing_asks_first_and_has_no_wcag_violations(new_context):
    draft = ConsentVersion.objects.create(label="Spring", text="## What microneedling is\n\nNew.")
    staff_member("doctor", "Clinicians")
    _context, page = new_context(viewport=DESKTOP)
    log_in(page, "doctor")
    page.goto("/admin/patients/consentversion/")
    page.check(f'input[name="_selected_action"][value="{draft.pk}"]')
    page.select_option('select[name="action"]', "publish")
    page.locator('button[name="index"]').click()
    page.wait_for_load_state()
    assert page.locator("[data-publish-confirmation]").is_visible()
    assert_accessible_without_css_preload(page, "publish confirmation")
    page.get_by_role("button", name=f"Yes, publish version {draft.number}").click()
    page.wait_for_url("**/consentversion/")
    assert ConsentVersion.objects.current() == draft
