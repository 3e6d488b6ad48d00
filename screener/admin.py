"""Screenings in the admin: anonymous statistics, read-only."""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from screener.labels import OUTCOME_LABELS, REASON_LABELS
from screener.models import Screening


def reasons_list(codes: list[str]) -> str:
    if not codes:
        return "None"
    return format_html(
        "<ul>{}</ul>",
        format_html_join("", "<li>{}</li>", ((REASON_LABELS.get(c, c),) for c in codes)),
    )


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    """Anonymous statistics: read-only, with counts for whatever the filters select."""

    change_list_template = "admin/screener/screening/change_list.html"
    list_display = ("completed_on", "area", "outcome", "reasons_in_words", "booked")
    list_filter = ("outcome", "area", "completed_on")
    date_hierarchy = "completed_on"
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Screening]:
        return super().get_queryset(request).select_related("booking_request")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Screening | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Screening | None = None) -> bool:
        return False  # screenings go with their booking request (purge_old_bookings)

    @admin.display(description="Reasons")
    def reasons_in_words(self, obj: Screening) -> str:
        return reasons_list([str(code) for code in obj.reason_codes])

    @admin.display(description="Led to a booking request", boolean=True)
    def booked(self, obj: Screening) -> bool:
        return hasattr(obj, "booking_request")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is None or "cl" not in context:  # a redirect, e.g. after a bad filter
            return response
        queryset = context["cl"].queryset
        by_outcome = dict(queryset.order_by().values_list("outcome").annotate(count=Count("id")))
        # Reason codes are comma-separated and none is part of another, so `contains` is exact.
        by_reason = queryset.aggregate(
            **{code: Count("id", filter=Q(reasons__contains=code)) for code in REASON_LABELS}
        )
        context["screening_total"] = sum(by_outcome.values())
        context["outcome_counts"] = [
            (label, by_outcome.get(code, 0)) for code, label in OUTCOME_LABELS.items()
        ]
        context["reason_counts"] = [
            (label, by_reason[code]) for code, label in REASON_LABELS.items()
        ]
        return response
