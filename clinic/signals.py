"""Audit log of staff sign-ins, and the clinic's details' cached copy dropped on every edit.

Sign-ins: who, from where, and whether it worked. Never the password.

Django sends these signals from `authenticate()`, `login()` and `logout()`. The failed-login
signal's credentials are already cleansed by Django, but only the username is read from them
anyway, so nothing else a person typed can reach the logs.
"""

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from clinic.client_ip import client_ip

logger = logging.getLogger("clinic.auth")


def _address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else "unknown"


@receiver(user_logged_in, dispatch_uid="clinic.auth.logged_in")
def log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("Login succeeded for %r from %s", user.get_username(), _address(request))


@receiver(user_login_failed, dispatch_uid="clinic.auth.login_failed")
def log_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    logger.warning("Login failed for %r from %s", username, _address(request))


@receiver(user_logged_out, dispatch_uid="clinic.auth.logged_out")
def log_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # user is None when the session had already expired.
    username = user.get_username() if user is not None else ""
    logger.info("Logout for %r from %s", username, _address(request))


def clinic_details_changed(sender: Any, **kwargs: Any) -> None:
    """The clinic's details are in every e-mail and page: every process shows the edit at once.
    (The cached pages are made stale by clinic.page_cache, connected after this.)"""
    from clinic.selectors import forget_clinic_details

    forget_clinic_details()


def connect_clinic_details() -> None:
    from django.db.models.signals import post_delete, post_save

    from clinic.models import AreaBooking, ClinicDetails, OpeningHours

    for model in (ClinicDetails, OpeningHours, AreaBooking):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                clinic_details_changed, sender=model, dispatch_uid=f"clinic:{model.__name__}:{name}"
            )
