"""Who may see patients' health answers in the admin."""

from django.http import HttpRequest

HEALTH_ANSWERS_PERMISSION = "bookings.view_health_answers"


def may_see_health_answers(request: HttpRequest) -> bool:
    """Clinicians (and superusers, who hold every permission); never the front desk."""
    return request.user.has_perm(HEALTH_ANSWERS_PERMISSION)
