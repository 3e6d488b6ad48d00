"""The clinic's details (one record) and the screener's links to FAQ answers, in the admin."""

from django.contrib import admin
from solo.admin import SingletonModelAdmin

from clinic.models import ClinicDetails, OpeningHours, ReasonLink


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ("weekday", "opens", "closes")


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(SingletonModelAdmin):
    inlines = (OpeningHoursInline,)
    fieldsets = (
        (None, {"fields": ("name", "address", "phone", "email")}),
        ("Booking requests", {"fields": ("reply_working_days",)}),
    )


@admin.register(ReasonLink)
class ReasonLinkAdmin(admin.ModelAdmin):
    list_display = ("reason", "question", "question_published")
    list_select_related = ("question", "question__category")
    fields = ("reason", "question")

    def get_readonly_fields(self, request, obj=None):
        # A reason's code is fixed; only the question it links to changes.
        return ("reason",) if obj is not None else ()

    @admin.display(description="Published", boolean=True)
    def question_published(self, obj: ReasonLink) -> bool:
        return obj.question.is_public
