"""The admin site: every member of staff signs in with a password and a second factor.

django-otp's OTPAdminSite admits only users verified by an OTP device. This adds what a
member of staff needs to do it alone: one "authentication code" field on the sign-in page
(no device to pick), and, for an account with no device yet, an enrolment page reached after
the password that shows a QR code for an authenticator app and confirms it with a first code.
"""

import base64
from functools import update_wrapper
from typing import Protocol, cast

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class OTPUser(Protocol):
    """What django-otp's OTPMiddleware adds to request.user."""

    def is_verified(self) -> bool: ...


CODE_HELP = (
    "The 6-digit code your authenticator app shows now, or one of your backup codes. "
    "Leave it empty the first time you sign in, before you have set up an app."
)


def code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=16,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )


def device_for_token(user, token: str):
    """The device a code is meant for: digits are an app's code, anything else a backup code.

    django-otp wants the device named; staff should not have to pick one from a list.
    """
    kinds = (TOTPDevice, StaticDevice) if token.strip().isdigit() else (StaticDevice,)
    for kind in kinds:
        device = kind.objects.devices_for_user(user, confirmed=True).first()
        if device is not None:
            return device
    return None


def needs_enrolment(user) -> bool:
    """Signed in with a password, allowed in the admin, but with no second factor set up yet."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not user.is_verified()
        and not user_has_device(user)
    )


class StaffSignInForm(OTPAdminAuthenticationForm):
    """Username, password and `otp_token`. The password is checked first, through
    authenticate(), so django-axes still counts and locks out failed sign-ins."""

    otp_token = code_field("Authentication code", CODE_HELP)

    def clean_otp(self, user) -> None:
        if user is None or not user_has_device(user):
            # First sign-in: the password alone opens only the enrolment page.
            return
        if not self.cleaned_data.get("otp_device"):
            device = device_for_token(user, self.cleaned_data.get("otp_token") or "")
            if device is not None:
                self.cleaned_data["otp_device"] = device.persistent_id
        super().clean_otp(user)


class EnrolmentForm(forms.Form):
    otp_token = code_field(
        "Code from your app", "Type the 6-digit code the app shows for this account."
    )

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].strip().replace(" ", "")
        if not token:
            raise forms.ValidationError("Enter the code your app shows", code="required")
        return token


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI, drawn here (no third-party service, no inline script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def readable_secret(device: TOTPDevice) -> str:
    """The device's key in base32 (what apps accept when typed in), in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def warn_about_reason_links(request: HttpRequest) -> None:
    """Tell FAQ and link editors when a screener reason would link to no published answer.

    Deleting a linked question is refused (PROTECT); unpublishing it is allowed, so the admin
    says, on every page until it is fixed, which reason lost its answer.
    """
    from clinic.models import ReasonLink
    from screener.labels import REASON_LABELS

    user = request.user
    may_relink = user.has_perm("clinic.change_reasonlink")
    if not (may_relink or user.has_perm("faq.change_question")):
        return

    def fix(url: str, words: str):
        # Content editors may not change the links (FAQ only): they are told whom to ask.
        if may_relink:
            return format_html('<a href="{}">{}</a>', url, words)
        return "ask an administrator to " + words

    links = ReasonLink.objects.select_related("question")
    unpublished = links.exclude(question__published=True, question__category__published=True)
    for link in unpublished:
        messages.warning(
            request,
            format_html(
                "The screener's result for “{}” links to the FAQ question “{}”, which is not "
                "published. Publish it again, or {}.",
                link.get_reason_display(),
                link.question.question,
                fix(
                    reverse("admin:clinic_reasonlink_change", args=[link.pk]),
                    "choose another question",
                ),
            ),
        )
    missing = set(REASON_LABELS) - set(links.values_list("reason", flat=True))
    for reason in sorted(missing):
        messages.warning(
            request,
            format_html(
                "The screener's result for “{}” links to no FAQ question: {}.",
                REASON_LABELS[reason],
                fix(reverse("admin:clinic_reasonlink_add"), "choose one"),
            ),
        )


# A date hierarchy's year, month and day, as Django's ChangeList turns them into a range: a
# year of 9999 or one too large for C overflows there (a 500), so they are refused first.
DATE_PART_RANGES = {"__year": range(1, 9999), "__month": range(1, 13), "__day": range(1, 32)}


def refuse_out_of_range_dates(request: HttpRequest) -> None:
    for name, values in request.GET.lists():
        for suffix, allowed in DATE_PART_RANGES.items():
            if name.endswith(suffix) and not all(
                value.isascii() and value.isdigit() and int(value) in allowed for value in values
            ):
                raise BadRequest(f"Not a date: {name}")


class ClinicAdminSite(OTPAdminSite):
    login_form = StaffSignInForm
    login_template = "admin/clinic_login.html"
    enrolment_template = "admin/otp_enrol.html"

    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite defaults to "otpadmin"; the site keeps the "admin" URL namespace.
        super().__init__(name)

    def get_urls(self) -> list:
        enrol = csrf_protect(never_cache(self.enrol))
        # Signing out needs no second factor (the admin's own logout URL does): a password-only
        # session, such as one half-way through enrolment, can end itself.
        logout = csrf_protect(never_cache(self.logout))
        return [
            path("enrol/", enrol, name="otp_enrol"),
            path("logout/", logout, name="logout"),
            path("bookings/calendar/", self.admin_view(self.calendar), name="bookings_calendar"),
            *super().get_urls(),
        ]

    def admin_view(self, view, cacheable: bool = False):
        def view_with_warnings(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            refuse_out_of_range_dates(request)
            if request.method == "GET":
                warn_about_reason_links(request)
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(view_with_warnings, view), cacheable)

    def calendar(self, request: HttpRequest) -> HttpResponse:
        """The staff calendar (diary.calendar): appointments, holds and time off by day or week."""
        from diary.calendar import calendar_page

        return calendar_page(request, site=self)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "GET" and needs_enrolment(request.user):
            return HttpResponseRedirect(reverse("admin:otp_enrol", current_app=self.name))
        return super().login(request, extra_context)

    def enrol(self, request: HttpRequest) -> HttpResponse:
        """Set up an authenticator app: on first sign-in, or after signing in with a backup code
        when the account has no app (a lost phone)."""
        request.current_app = self.name
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(
                request.get_full_path(), reverse("admin:login", current_app=self.name)
            )
        has_app = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        if has_app or (user_has_device(user) and not cast(OTPUser, user).is_verified()):
            # Adding a device to an account that has one needs its second factor (e.g. a
            # backup code after a lost phone): the password alone must not.
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))

        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        form = EnrolmentForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                form.add_error(
                    "otp_token", "Too many wrong codes. Wait a minute, then try the new code."
                )
            elif device.verify_token(form.cleaned_data["otp_token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(
                    request, "Your authenticator app is set up. Use it each time you sign in."
                )
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            else:
                form.add_error(
                    "otp_token",
                    "That code does not match. Check the app's clock and type the code it "
                    "shows now.",
                )

        context = {
            **self.each_context(request),
            "title": "Set up your second factor",
            "form": form,
            "qr_code": qr_code_data_uri(device.config_url),
            "secret": readable_secret(device),
        }
        return TemplateResponse(request, self.enrolment_template, context)


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE), with Retry-After: the cool-off in
    seconds, so a client (or a script) knows when to try again rather than hammering."""
    from axes.helpers import get_cool_off
    from django.conf import settings
    from django.shortcuts import render

    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
