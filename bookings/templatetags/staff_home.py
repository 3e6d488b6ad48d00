"""The staff home page (the admin index): what needs doing and how the screener is used.

Each member of staff sees the figures their permissions allow: booking figures need
view_bookingrequest, screening charts view_screening; content editors see neither.
"""

from django import template
from django.utils import timezone

from bookings import worklist
from screener.labels import OUTCOME_LABELS

register = template.Library()


@register.inclusion_tag("admin/bookings/staff_home.html", takes_context=True)
def staff_home(context: template.Context) -> dict:
    user = context["request"].user
    today = timezone.localdate()
    sees_requests = user.has_perm("bookings.view_bookingrequest")
    sees_screenings = user.has_perm("screener.view_screening")
    return {
        "sees_requests": sees_requests,
        "sees_screenings": sees_screenings,
        "counts": worklist.request_counts(today) if sees_requests else None,
        "weeks": worklist.screenings_by_week(today) if sees_screenings else None,
        "outcomes": OUTCOME_LABELS,
        "deferrals": worklist.deferral_reasons(today) if sees_screenings else None,
        "conversion": worklist.conversion(today) if sees_requests and sees_screenings else None,
        "chart_weeks": worklist.CHART_WEEKS,
        "overdue_after": worklist.reply_days(),
    }
