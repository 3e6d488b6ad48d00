"""Admin for the front desk: the worklist of booking requests (bookings.admin.requests), the
contact log, requests taken by phone, erasure on request, and the traces they leave."""

from django.contrib import admin
from django.http import HttpRequest

from bookings.admin.requests import BookingRequestAdmin
from bookings.models import BookingRequest, ErasureRecord, HealthAnswersView
from clinic.admin_health import HealthLookupsRefused

admin.site.register(BookingRequest, BookingRequestAdmin)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """The trace an erasure leaves: when, by whom, how many rows. Read-only."""

    list_display = (
        "erased_at",
        "erased_by",
        "requests",
        "screenings",
        "messages",
        "contact_log_entries",
    )
    date_hierarchy = "erased_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by the erasure itself


@admin.register(HealthAnswersView)
class HealthAnswersViewAdmin(HealthLookupsRefused, admin.ModelAdmin):
    """Who saw which request's health answers, and when: read-only, for clinicians."""

    list_display = ("viewed_at", "username", "reference")
    list_filter = ("viewed_at",)
    search_fields = ("reference", "username")
    date_hierarchy = "viewed_at"
    fields = ("viewed_at", "username", "reference", "booking")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
