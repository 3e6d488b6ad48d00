"""The booking request, which only a screening that may book unlocks, its check and its
confirmation; and the "email me when I can book" notice a dated deferral may ask for."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from bookings.appointments import appointment_token
from bookings.decorators import ScreenedRequest, screening_required
from bookings.forms import BookingRequestForm, CanBookNoticeForm
from bookings.models import BookingRequest
from bookings.services import (
    NoticeLimitReached,
    ScreeningAlreadyBooked,
    booking_request_create,
    can_book_notice_queue,
)
from clinic.ratelimit import booking_rate, client_ip_key
from clinic.selectors import clinic_details
from screener import session as screening_session
from screener.eligibility import Outcome
from screener.labels import AREA_LABELS
from screener.views import NOTICE_SESSION_KEY, render_result


def notify_rate(group: str, request: HttpRequest) -> str | None:
    """NOTIFY_RATE_LIMIT if set (empty turns it off), else the booking form's limit."""
    return getattr(settings, "NOTIFY_RATE_LIMIT", settings.BOOKING_RATE_LIMIT) or None


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@never_cache
@ratelimit(key=client_ip_key, rate=booking_rate, method="POST", group="booking", block=True)
@screening_required
def booking_request(request: ScreenedRequest) -> HttpResponse:
    stored, result = request.screening, request.screening_result

    form = BookingRequestForm(
        request.POST if request.method == "POST" else None,
        today=timezone.localdate(),
        earliest=result.earliest_booking_date,
        opening_times=clinic_details().opening_times,
    )
    context: dict[str, Any] = {
        "form": form,
        "area_label": AREA_LABELS[stored.answers.area],
        "result": result,
    }
    if request.method == "POST":
        if form.trapped:
            # A robot filled in the hidden field: save nothing, and do not tell it so.
            return render(request, "bookings/received.html")
        # "Change" on the check page posts the details back: show them in the form to edit.
        if form.is_valid() and "change" not in request.POST:
            if request.POST.get("confirm") != "yes":
                context["rows"] = form.check_rows()
                return render(request, "bookings/check.html", context)
            try:
                booking = booking_request_create(
                    screening_id=stored.screening_id,
                    answers=stored.answers,
                    result=result,
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    preferred_date=form.cleaned_data["preferred_date"],
                    preferred_time=form.cleaned_data["preferred_time"],
                    notes=form.cleaned_data["notes"],
                    language=get_language(),
                )
            except ScreeningAlreadyBooked as already:
                # The same form sent twice (or from two tabs): show the request that was made.
                booking = already.booking_request
            screening_session.mark_booked(request.session, booking.reference, result)
            return redirect("bookings:confirmation")
        form.focus(request.POST.get("change", ""))

    return render(request, "bookings/request.html", context)


@require_GET
@never_cache
def confirmation(request: HttpRequest) -> HttpResponse:
    reference = screening_session.booked_reference(request.session)
    booking = BookingRequest.objects.filter(reference=reference).first() if reference else None
    if booking is None:
        messages.info(
            request,
            gettext(
                "There is no booking request from this browser to show. To request a booking, "
                "please answer the questions first."
            ),
        )
        return redirect("screener:start")
    appointment = booking.appointments.filter(status="scheduled").first()
    if appointment is not None and booking.status == BookingRequest.Status.SCHEDULED:
        return render(
            request,
            "bookings/booked.html",
            {
                "booking": booking,
                "appointment": appointment,
                "reference": booking.reference,
                "area_label": AREA_LABELS.get(booking.screening.area, ""),
                "appointment_url": reverse(
                    "bookings:appointment", args=[appointment_token(booking)]
                ),
                "earlier_url": reverse("bookings:earlier_time", args=[appointment_token(booking)]),
            },
        )
    return render(
        request,
        "bookings/confirmation.html",
        {
            "booking": booking,
            "reference": booking.reference,
            "area_label": AREA_LABELS.get(booking.screening.area, ""),
            "booked": screening_session.load_booked_result(request.session),
            "contact_days": clinic_details().reply_working_days,
        },
    )


@require_POST
@sensitive_post_parameters()
@never_cache
@ratelimit(key=client_ip_key, rate=notify_rate, method="POST", group="notify", block=True)
def can_book_notice(request: HttpRequest) -> HttpResponse:
    """Keep an address until the earliest booking date, to send one e-mail on that day."""
    stored = screening_session.load_screening(request.session)
    if stored is None:
        messages.info(
            request,
            gettext(
                "We do not have your answers any more, so we cannot tell when you can book. "
                "Please answer the questions again."
            ),
        )
        return redirect("screener:start")
    result = stored.result(timezone.localdate())
    earliest = result.earliest_booking_date
    if result.outcome is not Outcome.DEFERRED or earliest is None:
        messages.info(
            request, gettext("There is no date to tell you about: your result says what to do.")
        )
        return redirect("screener:result")

    form = CanBookNoticeForm(request.POST)
    if not form.is_valid():
        return render_result(request, stored, notify_form=form)
    try:
        can_book_notice_queue(
            address=form.cleaned_data["notify_email"], send_on=earliest, language=get_language()
        )
    except NoticeLimitReached:
        form.refuse_as_asked_too_often()
        return render_result(request, stored, notify_form=form)
    request.session[NOTICE_SESSION_KEY] = earliest.isoformat()
    return redirect("screener:result")
