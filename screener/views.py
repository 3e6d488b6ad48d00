"""The screener: the questions, then the result they lead to (POST, redirect, GET).

The answers travel only in the POST body and the server-side session: never in a URL, a log
line or an error report (sensitive_post_parameters / sensitive_variables).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from clinic.ratelimit import client_ip_key, screener_rate
from screener.eligibility import assess, dated_deferrals
from screener.forms import ScreenerForm
from screener.services import screening_record
from screener.session import load_screening, store_screening


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
        form = ScreenerForm(today=today)
    return render(request, "screener/screener.html", {"form": form, "today": today})


@sensitive_variables()
@never_cache
@require_GET
def result(request: HttpRequest) -> HttpResponse:
    stored = load_screening(request.session)
    if stored is None:
        messages.info(
            request,
            "We do not have your answers: they are kept for 24 hours, or until you request a "
            "booking. Please answer the questions to see your result.",
        )
        return redirect("screener:start")
    assessed = stored.result(timezone.localdate())
    # The day each dated reason ends, to tell the patient beside that reason.
    ends = dated_deferrals(stored.answers)
    reasons = [
        {"code": reason.value, "until": ends.get(reason), "template": reason_template(reason)}
        for reason in assessed.reasons
    ]
    return render(request, "screener/result.html", {"result": assessed, "reasons": reasons})


def reason_template(reason: str) -> str:
    """Each reason's words live in its own small template (the rules module has none)."""
    return f"screener/includes/reasons/{reason}.html"
