"""A second factor for every member of staff (SPEC.md, "Staff"; django-otp).

No admin page opens on a password alone; the sign-in page takes `otp_token` (an app's TOTP
code or a static backup code); a member of staff without a device sets one up alone on the
enrolment page; django-axes still locks out repeated wrong passwords.
"""

import base64
from datetime import timedelta
from io import StringIO
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff_helpers import backup_token, current_token, totp_device, verified_login

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"
LOGIN_URL = "/admin/login/?next=/admin/"
ENROL_URL = "/admin/enrol/"


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("nurse", password=PASSWORD, is_staff=True, is_superuser=True)


def sign_in(client: Client, token: str = "", *, password: str = PASSWORD, address="192.0.2.1"):
    return client.post(
        LOGIN_URL,
        {"username": "nurse", "password": password, "otp_token": token, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def is_verified(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


# --- No admin page without the second factor -----------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/bookings/bookingrequest/", "/admin/auth/user/", "/admin/faq/"]
)
def test_a_password_only_session_opens_no_admin_page(client, staff, url):
    """Signed in (password) but not verified by a device: every admin page sends to sign-in."""
    totp_device(staff)
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    page = client.get(response["Location"]).content.decode()
    assert 'name="otp_token"' in page
    assert "data-otp-required" in page


def test_a_password_only_session_without_a_device_is_sent_to_enrolment(client, staff):
    """First sign-in (no device yet): the admin's pages lead to enrolment and nowhere else."""
    client.force_login(staff)
    response = client.get("/admin/bookings/bookingrequest/", follow=True)
    assert response.redirect_chain[-1][0] == ENROL_URL
    assert "data-otp-enrolment" in response.content.decode()


def test_the_sign_in_page_has_the_otp_token_field(client):
    html = client.get(LOGIN_URL).content.decode()
    assert 'name="otp_token"' in html
    assert 'autocomplete="one-time-code"' in html


# --- Signing in with a second factor ---------------------------------------------------------


def test_sign_in_with_password_and_the_apps_code(client, staff):
    """The right password and the app's current code open the admin."""
    device = totp_device(staff)
    response = sign_in(client, current_token(device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert is_verified(client)


def test_a_wrong_code_keeps_the_admin_shut(client, staff):
    device = totp_device(staff)
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
    response = sign_in(client, wrong)
    assert response.status_code == 200
    assert "Invalid token" in response.content.decode()
    assert not is_verified(client)


def test_a_missing_code_keeps_the_admin_shut_once_a_device_exists(client, staff):
    totp_device(staff)
    response = sign_in(client, "")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not is_verified(client)


def test_sign_in_with_a_static_backup_code_which_works_once(client, staff):
    """A backup code opens the admin once; it is used up after that."""
    totp_device(staff)
    token = backup_token(staff, "rescue77")
    assert sign_in(client, token).status_code == 302
    assert is_verified(client)
    assert not StaticToken.objects.filter(token=token).exists()

    again = Client()
    assert sign_in(again, token).status_code == 200
    assert not is_verified(again)


def test_addstatictoken_gives_a_backup_code_that_signs_in(client, staff):
    """`manage.py addstatictoken USERNAME` prints a code the sign-in page accepts."""
    out = StringIO()
    call_command("addstatictoken", "nurse", stdout=out)
    token = out.getvalue().strip()
    assert token
    assert sign_in(client, token).status_code == 302
    assert is_verified(client)


def test_django_axes_still_locks_out_wrong_passwords(client, staff):
    """After AXES_FAILURE_LIMIT wrong passwords, even the right password and code are refused."""
    device = totp_device(staff)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, current_token(device), password="wrong password")
    locked = sign_in(Client(), current_token(device))
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.wsgi_request.session


def test_staff_without_the_second_factor_can_still_sign_out(client, staff):
    client.force_login(staff)
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Enrolment ---------------------------------------------------------------------------------


def test_enrolment_end_to_end(client, staff):
    """Password first; the enrolment page shows a QR code drawn by the site (an SVG data URI)
    and the key; the app's first code confirms the device and opens the admin."""
    response = sign_in(client)  # no device yet: the password alone
    assert response.status_code == 302
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0] == ENROL_URL
    html = page.content.decode()

    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    prefix = 'src="data:image/svg+xml;base64,'
    assert prefix in html
    encoded = html.split(prefix, 1)[1].split('"', 1)[0]
    assert base64.b64decode(encoded).startswith(b"<svg")
    assert "data-otp-secret" in html
    assert "<script" not in html.split('id="content-main"', 1)[1]
    # The same device (and QR code) on a second visit: nothing piles up.
    client.get(ENROL_URL)
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert not is_verified(client)

    wrong_code = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
    wrong = client.post(ENROL_URL, {"otp_token": wrong_code})
    assert wrong.status_code == 200
    assert "does not match" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    # django-otp makes a device wait a moment after a wrong code.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        confirmed = client.post(ENROL_URL, {"otp_token": current_token(device)})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert is_verified(client)


def test_the_qr_code_holds_the_devices_otpauth_address(client, staff):
    """What the app scans is django-otp's own provisioning URL for this device."""
    client.force_login(staff)
    html = client.get(ENROL_URL).content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert device.config_url.startswith("otpauth://totp/")
    assert f"issuer={quote(settings.OTP_TOTP_ISSUER)}" in device.config_url
    assert "data:image/svg+xml;base64," in html


def test_enrolment_is_refused_to_an_account_that_already_has_a_device(client, staff):
    """A password alone must not add a device to an account that has one."""
    totp_device(staff)
    client.force_login(staff)
    response = client.get(ENROL_URL)
    assert response.status_code == 302
    assert client.post(ENROL_URL, {"otp_token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_enrolment_needs_a_signed_in_member_of_staff(client, staff):
    response = client.get(ENROL_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    patient = User.objects.create_user("patient", password=PASSWORD)
    client.force_login(patient)
    assert client.get(ENROL_URL).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_a_verified_member_of_staff_opens_the_admin(client, staff):
    verified_login(client, staff)
    assert client.get("/admin/").status_code == 200


def test_after_a_lost_phone_a_backup_code_leads_to_a_new_app(client, staff):
    """The app's device was deleted; signed in with a backup code, staff set up a new phone."""
    token = backup_token(staff, "lostphone1")
    assert sign_in(client, token).status_code == 302
    assert client.get(ENROL_URL).status_code == 200
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert client.post(ENROL_URL, {"otp_token": current_token(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # Now that the account has an app, the page adds no other.
    assert client.get(ENROL_URL).status_code == 302
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_a_password_alone_cannot_add_an_app_to_an_account_with_backup_codes(client, staff):
    backup_token(staff, "keepsafe22")
    client.force_login(staff)
    assert client.get(ENROL_URL).status_code == 302
    assert not TOTPDevice.objects.exists()
