"""The clinic's details (one record), the screener's links to FAQ answers, and the outbox
(post_office's e-mails, read-only, resent by requeueing), in the admin."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from post_office.admin import EmailAdmin
from post_office.models import STATUS, Email
from solo.admin import SingletonModelAdmin

from clinic.models import AreaBooking, ClinicDetails, OpeningHours, ReasonLink


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ("weekday", "opens", "closes")


class AreaBookingInline(admin.TabularInline):
    model = AreaBooking
    extra = 0
    fields = ("area", "minutes", "price")


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(SingletonModelAdmin):
    inlines = (OpeningHoursInline, AreaBookingInline)
    fieldsets = (
        (None, {"fields": ("name", "address", "phone", "email")}),
        ("Booking requests", {"fields": ("reply_working_days",)}),
        (
            "Booking a time",
            {
                "fields": (
                    "buffer_minutes",
                    "slot_interval_minutes",
                    "minimum_notice_hours",
                    "maximum_advance_days",
                    "change_limit_hours",
                )
            },
        ),
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


# post_office's own admin lets anyone with change_email edit a queued e-mail's recipients and
# body, and its "Resend" is a GET that sends inside the request. Here every field is read-only
# and resending puts the e-mail back in the queue for send_due_messages.
admin.site.unregister(Email)


@admin.action(
    description="Resend selected e-mails (queued for the next run)", permissions=["change"]
)
def requeue(modeladmin, request: HttpRequest, queryset) -> None:
    count = queryset.update(status=STATUS.queued)
    modeladmin.message_user(request, f"{count} e-mail(s) queued to be sent again.")


@admin.register(Email)
class OutboxEmailAdmin(EmailAdmin):
    actions = [requeue]

    def get_readonly_fields(self, request: HttpRequest, obj: Email | None = None) -> list:
        fields = [
            name
            for _title, options in self.get_fieldsets(request, obj)
            for entry in options["fields"]
            for name in (entry if isinstance(entry, tuple | list) else (entry,))
        ]
        return [*super().get_readonly_fields(request, obj), *fields]

    def get_urls(self) -> list:
        # The resend route keeps post_office's URL name (its templates link to it).
        resend = path(
            "<int:pk>/resend/", self.admin_site.admin_view(require_POST(self.resend)), name="resend"
        )
        return [resend, *(url for url in super().get_urls() if url.name != "resend")]

    def resend(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        email = get_object_or_404(Email, pk=pk)
        if not self.has_change_permission(request, email):
            raise PermissionDenied
        Email.objects.filter(pk=email.pk).update(status=STATUS.queued)
        messages.info(request, "The e-mail is queued: it is sent again within a few minutes.")
        return HttpResponseRedirect(reverse("admin:post_office_email_change", args=[email.pk]))
