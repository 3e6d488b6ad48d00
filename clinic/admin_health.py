"""Who may see patients' health answers in the admin."""

from django.http import HttpRequest

HEALTH_ANSWERS_PERMISSION = "bookings.view_health_answers"


def may_see_health_answers(request: HttpRequest) -> bool:
    """Clinicians (and superusers, who hold every permission); never the front desk."""
    return request.user.has_perm(HEALTH_ANSWERS_PERMISSION)


# Fields that hold health answers, by name, wherever a lookup reaches them (a request's own
# answers, or through a relation such as booking__answers): Django's admin would filter on any.
HEALTH_LOOKUP_FIELDS = frozenset(
    {"answers", "recheck_submissions", "treatment_record", "treatment_records"}
)


def is_health_lookup(lookup: str) -> bool:
    return any(part in HEALTH_LOOKUP_FIELDS for part in lookup.split("__"))


class HealthLookupsRefused:
    """For every ModelAdmin listing bookings: a query-string lookup on a health field is
    refused (a 400) to staff who may not see the answers, so a filter cannot reveal them."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if is_health_lookup(lookup) and not may_see_health_answers(request):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc]
