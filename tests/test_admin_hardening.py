"""Admin hardening: login throttling (axes), password rules, staff idle timeout, audit log."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.staff_helpers import verified_login

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple 42"
ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user(db) -> User:
    return User.objects.create_user(
        "editor", "editor@clinic.example", PASSWORD, is_staff=True, is_superuser=True
    )


def attempt(client: Client, address: str, password: str, username: str = "editor"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_a_correct_password_signs_in(client, staff_user):
    """Control: with no failed attempts the admin login works and leads to the admin index."""
    response = attempt(client, ATTACKER, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_failed_logins_lock_that_username_from_that_address(client, staff_user):
    """After 5 wrong passwords, even the right password from the same address is refused (429)."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, ATTACKER, "wrong password")
        assert response.status_code == 200  # the login form again, with its error

    locked = attempt(client, ATTACKER, "wrong password")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    # When to try again: the cool-off (AXES_COOLOFF_TIME, one hour), in seconds.
    assert locked["Retry-After"] == "3600"

    again = attempt(Client(), ATTACKER, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in again.wsgi_request.session


def test_the_lock_does_not_shut_out_the_same_user_elsewhere(client, staff_user):
    """Locking is per username *and* address: the real user at another address still signs in."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, ATTACKER, "wrong password")
    assert attempt(Client(), ATTACKER, PASSWORD).status_code == 429

    response = attempt(Client(), COLLEAGUE, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_lock_does_not_shut_out_other_usernames_from_the_same_address(client, staff_user):
    """A colleague at the same office address is not locked out by someone else's failures."""
    User.objects.create_user("frontdesk", password=PASSWORD, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, ATTACKER, "wrong password")

    response = attempt(Client(), ATTACKER, PASSWORD, username="frontdesk")
    assert response.status_code == 302


def test_failed_attempts_are_counted_in_the_database(client, staff_user):
    """Attempts live in AccessAttempt (shared by every process), keyed by username and address."""
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    for _ in range(3):
        attempt(client, ATTACKER, "wrong password")

    record = AccessAttempt.objects.get(username="editor", ip_address=ATTACKER)
    assert record.failures_since_start == 3
    # The stored request data is the form's field names, never the password typed.
    assert "wrong password" not in record.post_data

    # Another process sees the same count: a row written directly counts towards the lock.
    record.failures_since_start = settings.AXES_FAILURE_LIMIT
    record.save()
    assert attempt(Client(), ATTACKER, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count(client, staff_user):
    """AXES_RESET_ON_SUCCESS: a member of staff who mistypes twice then signs in starts afresh."""
    attempt(client, ATTACKER, "wrong password")
    attempt(client, ATTACKER, "wrong password")
    assert attempt(Client(), ATTACKER, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="editor", ip_address=ATTACKER).exists()


def test_the_lock_expires_after_the_cool_off(client, staff_user):
    """After AXES_COOLOFF_TIME (one hour) the locked user may try again."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, ATTACKER, "wrong password")
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1), tick=False):
        assert attempt(Client(), ATTACKER, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password",
    ["password", "short1!", "123456789012345", "editor@clinic.example", "qwertyuiop123"],
)
def test_weak_passwords_are_rejected(staff_user, password):
    """Django's validators refuse short, common, numeric or username-like passwords."""
    with pytest.raises(ValidationError):
        validate_password(password, user=staff_user)


def test_a_long_unusual_passphrase_is_accepted(staff_user):
    validate_password("lantern orchard minnow 7 quietly", user=staff_user)


def test_staff_admin_session_expires_after_the_idle_timeout(client, staff_user):
    """An admin request sets the session to expire STAFF_SESSION_IDLE_SECONDS after it."""
    verified_login(client, staff_user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS
    assert settings.STAFF_SESSION_IDLE_SECONDS < settings.SESSION_COOKIE_AGE


def test_an_idle_staff_member_is_signed_out_but_an_active_one_is_not(client, staff_user, settings):
    """The timeout slides: activity keeps the session; a longer silence ends it."""
    # Database sessions, whose expiry Django checks against its own clock, which the test can
    # move (file sessions also look at the file's age on the disk).
    settings.SESSION_ENGINE = "clinic.sessions"
    idle = settings.STAFF_SESSION_IDLE_SECONDS
    start = timezone.now()
    verified_login(client, staff_user, backend="django.contrib.auth.backends.ModelBackend")
    with time_machine.travel(start, tick=False) as clock:
        assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(seconds=idle - 60))
        assert client.get("/admin/").status_code == 200  # still signed in; the clock restarts
        clock.shift(timedelta(seconds=idle - 60))
        assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(seconds=idle + 60))
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_patients_sessions_keep_the_fixed_24_hours(client):
    """The staff timeout does not shorten a patient's (anonymous) session."""
    session = client.session
    session["marker"] = "x"
    session.save()
    client.get("/admin/login/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_failed_and_successful_logins_are_logged_without_the_password(client, staff_user, caplog):
    """clinic.auth logs username and address of each login, failure and logout; never a password."""
    caplog.set_level(logging.INFO, logger="clinic.auth")
    typo = "Tr0ub4dor&3-not-my-password"

    attempt(client, ATTACKER, typo)
    attempt(client, ATTACKER, PASSWORD)
    client.post("/admin/logout/", REMOTE_ADDR=ATTACKER)

    records = [r for r in caplog.records if r.name == "clinic.auth"]
    messages = [(r.levelno, r.getMessage()) for r in records]
    assert (logging.WARNING, f"Login failed for 'editor' from {ATTACKER}") in messages
    assert (logging.INFO, f"Login succeeded for 'editor' from {ATTACKER}") in messages
    assert (logging.INFO, f"Logout for 'editor' from {ATTACKER}") in messages
    everything = caplog.text + repr([vars(r) for r in caplog.records])
    assert typo not in everything
    assert PASSWORD not in everything


def test_the_audit_log_uses_the_proxy_aware_client_address(client, staff_user, caplog, settings):
    """Behind one trusted proxy, the logged address is the one that proxy saw, not REMOTE_ADDR."""
    settings.TRUSTED_PROXY_COUNT = 1
    caplog.set_level(logging.INFO, logger="clinic.auth")
    client.post(
        LOGIN_URL,
        {"username": "editor", "password": "nope"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=f"1.2.3.4, {COLLEAGUE}",
    )
    assert f"Login failed for 'editor' from {COLLEAGUE}" in caplog.text
    assert AccessAttempt.objects.filter(ip_address=COLLEAGUE).exists()
