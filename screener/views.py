"""The screener: the questions, then the result they lead to (POST, redirect, GET).

The answers travel only in the POST body and the server-side session: never in a URL, a log
line or an error report (sensitive_post_parameters / sensitive_variables).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from clinic.ratelimit import client_ip_key, screener_rate
from screener.eligibility import Outcome, assess
from screener.forms import ScreenerForm, initial_from_answers
from screener.questions import answer_rows
from screener.services import screening_record
from screener.session import (
    StoredScreening,
    load_booked_result,
    load_screening,
    store_screening,
)

# The result page's title and heading: the outcome, in words.
HEADINGS = {
    "eligible": _("You can request a booking"),
    "eligible_with_conditions": _("You can request a booking, with a condition"),
    "deferred_dated": _("You need to wait before your treatment"),
    "deferred": _("You cannot be treated just now"),
    "not_suitable": _("Please talk to a clinician before booking"),
}

# The session remembers that a "can book" email was asked for (the date only, no address).
NOTICE_SESSION_KEY = "can_book_notice_on"


@sensitive_variables()
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key=client_ip_key, rate=screener_rate, method="POST", group="screener", block=True)
def screener(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST":
        form = ScreenerForm(request.POST, today=today)
        if form.is_valid():
            answers = form.answers()
            screening = screening_record(answers=answers, result=assess(answers, today))
            store_screening(request.session, screening_id=screening.pk, answers=answers)
            return redirect("screener:result")
    else:
        stored = load_screening(request.session) if request.GET.get("change") else None
        # "Change your answers": the form filled in with the answers this session gave.
        initial = initial_from_answers(stored.answers) if stored else None
        form = ScreenerForm(initial=initial, today=today)
    return render(request, "screener/screener.html", {"form": form, "today": today})


@sensitive_variables()
@never_cache
@require_GET
def result(request: HttpRequest) -> HttpResponse:
    stored = load_screening(request.session)
    if stored is None:
        booked = load_booked_result(request.session)
        if booked is not None:
            # After the booking the answers are gone; the outcome and its conditions remain.
            return render(
                request,
                "screener/booked_result.html",
                {"booked": booked, "reasons": reason_entries(booked.conditions)},
            )
        messages.info(
            request,
            gettext(
                "We do not have your answers: they are kept for 24 hours, or until you request "
                "a booking. Please answer the questions to see your result."
            ),
        )
        return redirect("screener:start")
    return render_result(request, stored)


@sensitive_variables()
def render_result(
    request: HttpRequest, stored: StoredScreening, *, notify_form=None, status: int = 200
) -> HttpResponse:
    """The result page for a stored screening; the notify view shows it again with errors."""
    today = timezone.localdate()
    assessed = stored.result(today)
    earliest = assessed.earliest_booking_date
    dated_deferral = assessed.outcome is Outcome.DEFERRED and earliest is not None
    context = {
        "heading": HEADINGS["deferred_dated" if dated_deferral else assessed.outcome.value],
        "result": assessed,
        "reasons": reason_entries(assessed.reasons),
        "answers": answer_rows(stored.answers),
        "screened_on": timezone.localdate(stored.completed_at),
        # The course helps only a patient who can be treated, now or from a known date.
        "show_course": assessed.may_book,
        "dated_deferral": dated_deferral,
        "notice_asked": earliest is not None
        and dated_deferral
        and request.session.get(NOTICE_SESSION_KEY) == earliest.isoformat(),
    }
    if dated_deferral and notify_form is None:
        from bookings.forms import CanBookNoticeForm  # bookings depends on screener, not back

        notify_form = CanBookNoticeForm()
    context["notify_form"] = notify_form
    return render(request, "screener/result.html", context, status=status)


def reason_entries(reasons) -> list[dict]:
    return [{"code": reason.value, "template": reason_template(reason)} for reason in reasons]


def reason_template(reason: str) -> str:
    """Each reason's words live in its own small template (the rules module has none)."""
    return f"screener/includes/reasons/{reason}.html"
