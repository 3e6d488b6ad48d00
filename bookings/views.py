"""The booking request, which only a screening that may book unlocks, and its confirmation."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from bookings.decorators import screening_required
from bookings.forms import BookingRequestForm
from bookings.services import ScreeningAlreadyBooked, booking_request_create
from clinic.context_processors import clinic_details
from clinic.ratelimit import booking_rate, client_ip_key
from screener import session as screening_session
from screener.labels import AREA_LABELS


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@never_cache
@ratelimit(key=client_ip_key, rate=booking_rate, method="POST", group="booking", block=True)
@screening_required
def booking_request(request: HttpRequest) -> HttpResponse:
    stored, result = request.screening, request.screening_result

    form = BookingRequestForm(
        request.POST if request.method == "POST" else None,
        today=timezone.localdate(),
        earliest=result.earliest_booking_date,
    )
    if request.method == "POST":
        if form.trapped:
            # A robot filled in the hidden field: save nothing, and do not tell it so.
            return render(request, "bookings/received.html")
        if form.is_valid():
            try:
                booking = booking_request_create(
                    screening_id=stored.screening_id,
                    answers=stored.answers,
                    result=result,
                    cleaned_data=form.cleaned_data,
                )
            except ScreeningAlreadyBooked as already:
                # The same form sent twice (or from two tabs): show the request that was made.
                booking = already.booking_request
            screening_session.mark_booked(request.session, booking.reference)
            return redirect("bookings:confirmation")

    return render(
        request,
        "bookings/request.html",
        {
            "form": form,
            "area_label": AREA_LABELS[stored.answers.area],
            "result": result,
        },
    )


@require_GET
@never_cache
def confirmation(request: HttpRequest) -> HttpResponse:
    reference = screening_session.booked_reference(request.session)
    if reference is None:
        messages.info(
            request,
            "There is no booking request from this browser to show. To request a booking, "
            "please answer the questions first.",
        )
        return redirect("screener:start")
    return render(
        request,
        "bookings/confirmation.html",
        {"reference": reference, "contact_days": clinic_details()["reply_working_days"]},
    )
