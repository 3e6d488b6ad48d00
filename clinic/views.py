"""Site pages that belong to no app: home, privacy notice, health check, error pages."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from clinic.context_processors import clinic_details
from clinic.middleware import public_page
from faq.models import HelpBlock, Question, RecoveryStage

logger = logging.getLogger(__name__)


@require_GET
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


@require_GET
@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "clinic/privacy.html",
        {
            "notice_version": settings.PRIVACY_NOTICE_VERSION,
            "retention_days": settings.BOOKING_RETENTION_DAYS,
        },
    )


@require_safe  # GET or HEAD: some load balancers check with HEAD
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 when the database and the cache answer, else 503.

    Says nothing of what failed or why: the details are in the logs.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.set("healthz", "ok", 10)
        healthy = cache.get("healthz") == "ok"
    except Exception:
        logger.exception("Health check failed")
        healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503
    )


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown by django-ratelimit (RATELIMIT_VIEW) when a client sends too many forms."""
    return render(request, "clinic/429.html", status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without a valid token, usually a page left open too long.

    Django's own page has inline styles (which the CSP blocks) and speaks to developers.
    """
    return render(request, "403_csrf.html", status=403)
