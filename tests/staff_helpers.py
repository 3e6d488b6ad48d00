"""Signing staff in for tests, second factor included.

The admin admits only users verified by a django-otp device. django-otp keeps the device that
verified the session under `django_otp.DEVICE_ID_SESSION_KEY` (what `django_otp.login()`
stores), so a test client is signed in with force_login() and that session key.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    """The user's authenticator app."""
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=confirmed)


def current_token(device: TOTPDevice) -> str:
    """The code the app shows now, computed as django-otp verifies it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def backup_token(user, token: str) -> str:
    """A static backup code, as `manage.py addstatictoken USERNAME` adds one."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Backup Code"})
    device.token_set.create(token=token)
    return token


def verified_login(client: Client, user, *, backend: str | None = None) -> TOTPDevice:
    """Sign `user` in on `client` with a password and a verified TOTP device (theirs, if any)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    client.force_login(user, backend=backend)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
