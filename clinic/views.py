"""Site pages that belong to no app: home, privacy notice, health check, error pages."""

import logging
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clinic.languages import page_languages, path_in_language, remember_language, safe_next
from clinic.page_cache import public_page
from clinic.selectors import clinic_details
from faq.models import HelpBlock, Question, RecoveryStage

logger = logging.getLogger(__name__)


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    # What microneedling is and what it treats come from the FAQ, so staff edit them once.
    questions = Question.objects.published().featured_on(Question.Feature.HOME)
    return render(request, "clinic/home.html", {"questions": questions})


@require_safe
@public_page
def aftercare(request: HttpRequest) -> HttpResponse:
    """The aftercare instructions, the recovery timeline, and when to get help (all edited by
    staff in the FAQ admin; the clinic's phone number in the advice comes from settings)."""
    questions = Question.objects.published().featured_on(Question.Feature.AFTERCARE)
    stages = RecoveryStage.objects.published()
    clinic = clinic_details()
    help_blocks = [
        {"block": block, "body_html": block.body_html(clinic)}
        for block in HelpBlock.objects.published()
    ]
    return render(
        request,
        "clinic/aftercare.html",
        {"questions": questions, "stages": stages, "help_blocks": help_blocks},
    )


@require_safe
@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "clinic/privacy.html",
        {
            "notice_version": settings.PRIVACY_NOTICE_VERSION,
            "retention_days": settings.BOOKING_RETENTION_DAYS,
            "medical_retention_years": settings.MEDICAL_RECORDS_RETENTION_YEARS,
        },
    )


@require_safe
@never_cache
def choose_language(request: HttpRequest, language: str) -> HttpResponse:
    """The language switch's link: keep the choice (clinic.languages), then show the page the
    patient was on (`next`) in that language.

    A plain link rather than Django's set_language form, which needs a POST with a CSRF token:
    a token would make every cached public page personal. What a GET changes here is only
    which language "/" opens in.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    path, _, query = safe_next(request, request.GET.get("next")).partition("?")
    target = path_in_language(path, language) + (f"?{query}" if query else "")
    response = HttpResponseRedirect(target)
    remember_language(response, language)
    return response


@require_safe  # GET or HEAD: some load balancers check with HEAD
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 503 when this instance cannot serve patients (the database or the
    session store fails), 200 otherwise; "degraded" when only the cache (Redis) fails, because
    every page still works without it, more slowly.

    Says nothing of what failed or why: the details are in the logs.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        probe = import_module(settings.SESSION_ENGINE).SessionStore()
        probe["healthz"] = True
        probe.create()
        probe.delete()
    except Exception:
        logger.exception("Health check failed")
        return JsonResponse({"status": "unavailable"}, status=503)
    try:
        cache.set("healthz", "ok", 10)
        cache_answers = cache.get("healthz") == "ok"
    except Exception:
        logger.exception("Health check: the cache fails")
        cache_answers = False
    else:
        if not cache_answers:
            logger.error("Health check: the cache does not keep what it is given")
    return JsonResponse({"status": "ok" if cache_answers else "degraded"})


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown by django-ratelimit (RATELIMIT_VIEW) when a client sends too many forms."""
    response = render(request, "clinic/429.html", status=429)
    # django-ratelimit does not say when its window ends: the period is the longest wait.
    response["Retry-After"] = str(retry_after_seconds())
    return response


PERIOD_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def retry_after_seconds() -> int:
    """The longest period of the site's rate limits ("20/m": 60, "5/2h": 7200)."""
    periods = []
    for rate in (settings.SCREENER_RATE_LIMIT, settings.BOOKING_RATE_LIMIT):
        period = rate.partition("/")[2].strip()
        if period:
            periods.append(int(period[:-1] or 1) * PERIOD_SECONDS[period[-1]])
    return max(periods, default=60)


# handler400 and handler500 (clinic/urls.py): never touch the request's body, which may be what
# failed (an unknown charset), and need no context processor. The page's language is already
# active (clinic.languages.LanguageMiddleware, from the path).
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    page = render_to_string("400.html", _error_page_context(request))
    return with_security_headers(HttpResponseBadRequest(page))


def server_error(request: HttpRequest) -> HttpResponse:
    page = render_to_string("500.html", _error_page_context(request))
    return with_security_headers(HttpResponseServerError(page))


def _error_page_context(request: HttpRequest) -> dict:
    return {"page_languages": page_languages(request.path_info)}


def with_security_headers(response: HttpResponse) -> HttpResponse:
    """The site's CSP and framing refusal on an error page. A request refused early (a Host not
    allowed) never passes back through the middleware that sets them on every other page."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    response.headers.setdefault(
        "Content-Security-Policy",
        "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items()),
    )
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without a valid token, usually a page left open too long.

    Django's own page has inline styles (which the CSP blocks) and speaks to developers.
    """
    return render(request, "403_csrf.html", status=403)
