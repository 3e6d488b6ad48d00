"""The patient's appointment link: the appointment, cancel or ask to change it, the re-check;
and the stop link of the messages. No sign-in: the signed token is the key.

A token that is not ours is a 404; one of ours that leads nowhere now (moved, cancelled, past)
is a 410 that says so. Re-check answers are only ever POSTed, never put in a URL or a log.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from bookings.appointment_forms import RecheckForm
from bookings.appointments import (
    RECHECK_CHANGED,
    AppointmentGone,
    appointment_cancel,
    appointment_change_request,
    appointment_schedule,
    appointment_token,
    booking_from_token,
    change_too_late,
    offer_freed_time,
    recheck_record,
)
from bookings.earlier import earlier_time_ask
from bookings.models import Appointment
from bookings.slot_forms import SLOT_GONE, SlotForm
from bookings.slot_views import free_week, session_gap_error, week_start
from bookings.stop import STOP_GROUPS, messages_stop, read_stop_token
from clinic.ratelimit import booking_rate, client_ip_key, screener_rate
from clinic.selectors import clinic_details
from diary import booking as diary_booking
from patients.consent import appointment_day, consent_needed, current_signature
from screener.session import answers_from_dict


def with_appointment(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give the view the request's booking from the token, or answer 404/410 for a bad one."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            booking = booking_from_token(token)
        except LookupError:
            raise Http404("Not an appointment link") from None
        except AppointmentGone as gone:
            return render(
                request, "bookings/appointment_gone.html", {"reason": gone.reason}, status=410
            )
        return view(request, booking, token, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "HEAD"])
@never_cache
@with_appointment
def appointment(request: HttpRequest, booking, token: str) -> HttpResponse:
    context = {
        "booking": booking,
        "token": token,
        "too_late": change_too_late(booking),
        "change_limit_hours": clinic_details().change_limit_hours,
        # None: signed for this day, or no form to sign (then the section says nothing).
        "consent_signature": current_signature(booking.patient, appointment_day(booking)),
        "consent_needed": consent_needed(booking.patient, appointment_day(booking)),
    }
    return render(request, "bookings/appointment.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@with_appointment
def appointment_cancel_view(request: HttpRequest, booking, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners open links); POST cancels, up to the change limit."""
    if change_too_late(booking):
        return render(request, "bookings/appointment_too_late.html", {"booking": booking})
    if request.method != "POST":
        return render(
            request, "bookings/appointment_cancel.html", {"booking": booking, "token": token}
        )
    appointment_cancel(booking=booking)
    messages.success(request, _("Your appointment is cancelled. We have let the front desk know."))
    # The link is dead now: its page says the appointment was cancelled (410).
    return redirect("bookings:appointment", token=token)


@require_POST
@never_cache
@with_appointment
def earlier_time_view(request: HttpRequest, booking, token: str) -> HttpResponse:
    earlier_time_ask(booking=booking)
    messages.success(
        request,
        _(
            "We will email you if an earlier time frees up. Your appointment stays as it is "
            "unless you choose the new time."
        ),
    )
    return redirect("bookings:appointment", token=token)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
@never_cache
@ratelimit(key=client_ip_key, rate=booking_rate, method="POST", group="booking", block=True)
@with_appointment
def appointment_move(request: HttpRequest, booking, token: str) -> HttpResponse:
    """The same free times and rules as booking; confirm=yes moves it at once."""
    if change_too_late(booking):
        return render(request, "bookings/appointment_too_late.html", {"booking": booking})
    appointment = booking.appointments.filter(status=Appointment.Status.SCHEDULED).first()
    moving = appointment.pk if appointment else None
    area = booking.screening.area
    data = request.POST if request.method == "POST" else None
    week = free_week(
        area=area,
        earliest=booking.earliest_booking_date,
        holder="",
        start=week_start(data or request.GET),
        ignore_appointment=moving,
    )
    form = SlotForm(data, offered=week.offered)
    chosen = (data or request.GET).get("slot", "")
    if data is not None and form.is_valid():
        slot = week.offered[form.cleaned_data["slot"]]
        gap = session_gap_error(booking.patient.email, slot.starts_at, moving=moving)
        if gap:
            form.add_error("slot", gap)
        elif data.get("confirm") != "yes":
            return render(
                request,
                "bookings/appointment_move_check.html",
                {"booking": booking, "token": token, "slot": slot, "week": week},
            )
        else:
            try:
                with transaction.atomic():
                    moved = diary_booking.appointment_book(
                        booking=booking,
                        starts_at=slot.starts_at,
                        area=area,
                        earliest=booking.earliest_booking_date,
                        moving=appointment,
                    )
                    freed = booking.appointment_at
                    appointment_schedule(
                        booking=booking, appointment_at=slot.starts_at, appointment=moved
                    )
                    offer_freed_time(freed)
            except diary_booking.SlotTaken:
                form.add_error("slot", SLOT_GONE)
            else:
                messages.success(
                    request, _("Your appointment is moved. We are emailing you the new time.")
                )
                return redirect("bookings:appointment", token=appointment_token(booking))
    return render(
        request,
        "bookings/appointment_move.html",
        {"booking": booking, "token": token, "form": form, "week": week, "chosen": chosen},
    )


@require_POST
@never_cache
@with_appointment
def appointment_change_view(request: HttpRequest, booking, token: str) -> HttpResponse:
    appointment_change_request(booking=booking)
    messages.success(
        request,
        _(
            "Thank you: we will call or e-mail you within one working day to agree a new time. "
            "Until then your appointment stays as it is."
        ),
    )
    return redirect("bookings:appointment", token=token)


@sensitive_variables()
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@never_cache
@ratelimit(key=client_ip_key, rate=screener_rate, method="POST", group="recheck", block=True)
@with_appointment
def recheck(request: HttpRequest, booking, token: str) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST":
        form = RecheckForm(request.POST, today=today)
        if form.is_valid():
            answers = form.combined_answers(answers_from_dict(booking.answers))
            recheck_record(booking=booking, answers=answers)
            return redirect("bookings:recheck_result", token=token)
    else:
        form = RecheckForm(today=today)
    return render(request, "bookings/appointment_check.html", {"form": form, "booking": booking})


@require_http_methods(["GET", "HEAD"])
@never_cache
@with_appointment
def recheck_result(request: HttpRequest, booking, token: str) -> HttpResponse:
    if not booking.recheck_result:
        return redirect("bookings:recheck", token=token)
    return render(
        request,
        "bookings/appointment_check_result.html",
        {"booking": booking, "token": token, "changed": booking.recheck_result == RECHECK_CHANGED},
    )


# Mail programs' one-click "unsubscribe" (RFC 8058) POSTs without a CSRF token; the signed
# token is what authorises the stop, and stopping is all it can do.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def stop_messages(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners open links), POST stops."""
    parsed = read_stop_token(token)
    if parsed is None:
        raise Http404("Not a stop link")
    group, hashed = parsed
    stopped = request.method == "POST"
    if stopped:
        messages_stop(group=group, hashed_address=hashed)
    return render(
        request,
        "bookings/messages_stop.html",
        {"words": STOP_GROUPS[group][0], "stopped": stopped, "token": token},
    )
