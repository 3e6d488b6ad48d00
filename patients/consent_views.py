"""The patient's consent, from their appointment link: read and sign it, then a printable
copy of what they signed. No sign-in: the link's signed token is the key (as for the
appointment's other pages, bookings.appointment_views).

The name typed is only ever POSTed (never in a URL), and kept out of error reports.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from bookings.appointment_views import with_appointment
from bookings.models import BookingRequest
from clinic.ratelimit import booking_rate, client_ip_key
from patients.consent import (
    appointment_day,
    consent_sign,
    current_signature,
    latest_signature,
    valid_until,
)
from patients.consent_forms import ConsentForm
from patients.models import ConsentVersion, consent_text_hash


@sensitive_variables("form")
@sensitive_post_parameters("signature")
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@ratelimit(key=client_ip_key, rate=booking_rate, method="POST", group="consent", block=True)
@with_appointment
def consent(request: HttpRequest, booking: BookingRequest, token: str) -> HttpResponse:
    """The whole current text and the form; once signed (for this appointment's day), says so
    with a link to the copy (`data-consent="signed"`)."""
    day = appointment_day(booking)
    context: dict = {"booking": booking, "token": token}
    version = ConsentVersion.objects.current()
    signed = current_signature(booking.patient, day)
    if version is None or signed is not None:
        context.update(signature=signed, valid_until=signed and valid_until(signed))
        return render(request, "patients/consent.html", context)
    text_sha256 = consent_text_hash(version.text_html)
    data = request.POST if request.method == "POST" else None
    form = ConsentForm(data, version=version, text_sha256=text_sha256)
    if data is not None and form.is_valid():
        consent_sign(booking=booking, version=version, signed_name=form.cleaned_data["signature"])
        return redirect("bookings:consent", token=token)
    context.update(
        version=version,
        text_sha256=text_sha256,
        form=form,
        # Why they sign again, if they signed before: a new version, or 12 months.
        previous=latest_signature(booking.patient),
    )
    return render(request, "patients/consent.html", context)


@require_http_methods(["GET", "HEAD"])
@never_cache
@with_appointment
def consent_copy(request: HttpRequest, booking: BookingRequest, token: str) -> HttpResponse:
    """A printable copy of the patient's latest signature: the text exactly as they signed
    it, their name, when, how, and the version."""
    signature = booking.patient.consent_signatures.select_related("version").first()
    if signature is None:
        return redirect("bookings:consent", token=token)
    return render(
        request,
        "patients/consent_copy.html",
        {"booking": booking, "token": token, "signature": signature},
    )
