"""Site pages that belong to no app: home, privacy notice, health check, error pages."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.middleware import public_page

logger = logging.getLogger(__name__)


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Coming soon")  # placeholder: replaced by the FAQ work


@require_GET
@public_page
def aftercare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Coming soon")  # placeholder: replaced by the FAQ work


@require_GET
@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "clinic/privacy.html")


@require_GET
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
    return JsonResponse({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown by django-ratelimit (RATELIMIT_VIEW) when a client sends too many forms."""
    return render(request, "clinic/429.html", status=429)
