"""The booking request, which only a screening that may book unlocks, and its confirmation.

The gate is the patient's screening in this browser session (screener.session). Without one
that may book, the patient is sent back, told why, and nothing is saved.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from clinic.ratelimit import booking_rate, client_ip_key
from screener import session as screening_session
from screener.booking_forms import BookingRequestForm
from screener.bookings import ScreeningAlreadyBooked, booking_request_create
from screener.eligibility import Result
from screener.emails import CONTACT_WITHIN_WORKING_DAYS
from screener.labels import AREA_LABELS
from screener.models import Screening
from screener.session import StoredScreening


def _gate(request: HttpRequest) -> tuple[StoredScreening, Result] | HttpResponse:
    """The screening that opens the booking form, or the redirect (with a message) if none."""
    session = request.session
    stored = screening_session.load_screening(session)
    if stored is None:
        reference = screening_session.booked_reference(session)
        if reference is not None:
            messages.info(
                request,
                f"You have already sent a booking request with this screening (reference "
                f"{reference}). To ask for another appointment, please answer the questions "
                "again.",
            )
        elif screening_session.SESSION_KEY in session:
            messages.warning(
                request,
                "Your screening answers have expired (they are kept for 24 hours) or could not "
                "be read. Please answer the questions again before requesting a booking.",
            )
        else:
            messages.info(
                request,
                "Please answer a few health questions first: they tell you whether you can book.",
            )
        return redirect("screener:start")

    if not Screening.objects.filter(pk=stored.screening_id).exists():
        messages.warning(
            request,
            "We could not find your screening. Please answer the questions again before "
            "requesting a booking.",
        )
        return redirect("screener:start")

    result = stored.result(timezone.localdate())
    if not result.may_book:
        messages.warning(
            request,
            "Your screening result does not allow a booking request online yet. Your result "
            "below says what to do instead.",
        )
        return redirect("screener:result")
    return stored, result


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@never_cache
@ratelimit(key=client_ip_key, rate=booking_rate, method="POST", group="booking", block=True)
def booking_request(request: HttpRequest) -> HttpResponse:
    gate = _gate(request)
    if isinstance(gate, HttpResponse):
        return gate
    stored, result = gate

    form = BookingRequestForm(
        request.POST if request.method == "POST" else None,
        today=timezone.localdate(),
        earliest=result.earliest_booking_date,
    )
    if request.method == "POST":
        if form.trapped:
            # A robot filled in the hidden field: save nothing, and do not tell it so.
            return render(request, "screener/booking/received.html")
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
            return redirect("screener:confirmation")

    return render(
        request,
        "screener/booking/request.html",
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
        "screener/booking/confirmation.html",
        {"reference": reference, "contact_days": CONTACT_WITHIN_WORKING_DAYS},
    )
