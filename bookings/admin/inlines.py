"""The request's e-mails and contact log, shown on its page."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils import formats, timezone
from post_office.models import STATUS

from bookings.admin.forms import ContactLogEntryForm
from bookings.models import ContactLogEntry, Message


class MessageInline(admin.TabularInline):
    """The e-mails about this request and whether they went out (resend from "Outbox")."""

    model = Message
    fields = ("kind", "created_at", "delivery")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Delivery")
    def delivery(self, obj: Message) -> str:
        email = obj.email
        when = email.scheduled_time and formats.localize(timezone.localtime(email.scheduled_time))
        if email.status == STATUS.sent:
            return "Sent"
        if email.status == STATUS.failed:
            return 'Failed: select it in Post Office, Emails and use "Requeue" to resend'
        if email.status == STATUS.requeued:
            return f"Failed; will be tried again after {when}"
        return f"Waiting to be sent after {when}" if when else "Waiting to be sent"


class ContactLogInline(admin.TabularInline):
    """Append-only: staff add an entry (who and when are filled in), nobody edits or deletes."""

    model = ContactLogEntry
    form = ContactLogEntryForm
    fields = ("when", "who", "what", "note")
    readonly_fields = ("when", "who")
    extra = 1
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("bookings.add_contactlogentry")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("bookings.view_contactlogentry")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
