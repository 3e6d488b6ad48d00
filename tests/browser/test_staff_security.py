"""Staff sign-in with a second factor, in a real browser: the sign-in and enrolment pages work
under the site's CSP (no inline script or style, no third-party request; the conftest fails a
test on any of these) and have no WCAG 2.2 A/AA violation (axe-core)."""

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.axe import assert_accessible
from tests.browser.helpers import submit
from tests.staff_helpers import current_token, totp_device

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data; serialized_rollback restores the seed data.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "kingfisher 73 over the weir"


def member_of_staff(username: str) -> User:
    return User.objects.create_user(username, password=PASSWORD, is_staff=True, is_superuser=True)


def enter_password(page, username: str, token: str = "") -> None:
    page.goto("/admin/")
    page.wait_for_url("**/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    if token:
        page.get_by_label("Authentication code").fill(token)
    submit(page, "Log in")


def test_sign_in_with_the_apps_code(page):
    """The sign-in page asks for the code; with it the admin opens; the page is accessible."""
    device = totp_device(member_of_staff("nurse"))
    page.goto("/admin/login/?next=/admin/")
    assert page.locator('input[name="otp_token"]').is_visible()
    assert_accessible(page, "admin sign-in")

    enter_password(page, "nurse", current_token(device))
    page.wait_for_url("**/admin/")
    assert page.locator("#user-tools").is_visible()


def test_a_missing_code_is_refused_with_an_accessible_error(page):
    totp_device(member_of_staff("nurse"))
    enter_password(page, "nurse")
    assert "/admin/login/" in page.url
    assert page.locator(".errornote").first.is_visible()
    assert_accessible(page, "admin sign-in with an error")


def test_enrolment_in_the_browser(page):
    """First sign-in: the password leads to enrolment; the QR code shows (drawn by the site);
    the app's first code confirms the device and opens the admin."""
    user = member_of_staff("newcomer")
    enter_password(page, "newcomer")
    page.wait_for_url("**/admin/enrol/")
    qr = page.locator("img[data-otp-qr]")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("[data-otp-secret]").inner_text().strip()
    assert_accessible(page, "second factor enrolment")

    # A wrong code first: the error is beside the field, and the page stays accessible.
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code from your app").fill(wrong)
    submit(page, "Confirm and continue")
    assert "does not match" in page.locator("#content-main").inner_text()
    assert_accessible(page, "second factor enrolment with an error")

    # django-otp makes a device wait a second or two after a wrong code.
    page.wait_for_timeout(2_500)
    page.get_by_label("Code from your app").fill(current_token(device))
    submit(page, "Confirm and continue")
    page.wait_for_url("**/admin/")
    assert page.locator(".messagelist .success").is_visible()
    device.refresh_from_db()
    assert device.confirmed
