"""Admin for the front desk: booking requests to work through, and the messages sent.

Booking requests only ever come from patients (no "add"); their screening is shown read-only.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from post_office.models import STATUS

from bookings import scheduling
from bookings.appointments import booking_staff_change_apply
from bookings.models import BookingRequest, HealthAnswersView, Message
from screener.admin import reasons_list
from screener.labels import AREA_LABELS
from screener.questions import answer_rows
from screener.session import answers_from_dict

HEALTH_ANSWERS_PERMISSION = "bookings.view_health_answers"


def may_see_health_answers(request: HttpRequest) -> bool:
    """Clinicians (and superusers, who hold every permission); never the front desk."""
    return request.user.has_perm(HEALTH_ANSWERS_PERMISSION)


PROPHYLAXIS_REQUIRED = (
    "Tick this once antiviral prophylaxis has been arranged: a patient with a history of cold "
    "sores cannot be marked scheduled before then."
)


class BookingRequestAdminForm(forms.ModelForm):
    class Meta:
        model = BookingRequest
        # The editable fields; ModelAdmin narrows them to those in the fieldsets.
        fields = (
            "status",
            "full_name",
            "email",
            "phone",
            "preferred_date",
            "preferred_time",
            "notes",
            "antiviral_prophylaxis_arranged",
            "appointment_at",
            "needs_attention",
        )
        field_classes = {"appointment_at": forms.SplitDateTimeField}
        widgets = {"appointment_at": widgets.AdminSplitDateTime}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        reason = self.instance.get_attention_reason_display()
        if "needs_attention" in self.fields and reason:
            self.fields["needs_attention"].help_text = f"{reason}. Untick once it is dealt with."

    def clean(self) -> dict:
        cleaned = super().clean()
        self._clean_appointment(cleaned)
        if (
            cleaned.get("status") == BookingRequest.Status.SCHEDULED
            and self.instance.needs_antiviral_prophylaxis
            and not cleaned.get("antiviral_prophylaxis_arranged")
        ):
            self.add_error("antiviral_prophylaxis_arranged", PROPHYLAXIS_REQUIRED)
        return cleaned

    def _clean_appointment(self, cleaned: dict) -> None:
        """bookings.scheduling's rules, for a new or moved appointment (a saved one may pass)."""
        if "appointment_at" not in self.fields or "appointment_at" in self.errors:
            return
        scheduled = cleaned.get("status") == BookingRequest.Status.SCHEDULED
        when = cleaned.get("appointment_at")
        missing = scheduling.missing_time_error(scheduled=scheduled, appointment_at=when)
        if missing:
            self.add_error("appointment_at", missing)
            return
        becomes_scheduled = scheduled and self.instance.status != BookingRequest.Status.SCHEDULED
        if when is None or not (becomes_scheduled or "appointment_at" in self.changed_data):
            return
        treatments = (
            BookingRequest.objects.filter(
                email__iexact=cleaned.get("email") or self.instance.email,
                status=BookingRequest.Status.TREATED,
                appointment_at__isnull=False,
            )
            .exclude(pk=self.instance.pk)
            .values_list("appointment_at", flat=True)
        )
        for message in scheduling.appointment_errors(
            appointment_at=when,
            now=timezone.now(),
            earliest=self.instance.earliest_booking_date,
            treated_at=treatments,
        ):
            self.add_error("appointment_at", message)


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


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    form = BookingRequestAdminForm
    inlines = (MessageInline,)
    list_display = (
        "reference",
        "created_at",
        "full_name",
        "preferred_date",
        "preferred_time",
        "status",
        "outcome_label",
        "email_failed",
    )
    list_filter = ("status", "preferred_time", "created_at", "outcome")
    search_fields = ("reference", "full_name", "email")
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = (
        "reference",
        "created_at",
        "area",
        "outcome_label",
        "reasons_in_words",
        "earliest_booking_date",
        "answers_table",
        "consent_given_at",
        "consent_text_version",
    )

    def get_fieldsets(self, request: HttpRequest, obj: BookingRequest | None = None) -> list:
        fieldsets: list = [
            (None, {"fields": ("reference", "created_at", "status")}),
            (
                "Patient",
                {
                    "fields": (
                        "full_name",
                        "email",
                        "phone",
                        "preferred_date",
                        "preferred_time",
                        "notes",
                    )
                },
            ),
        ]
        # The checklist appears only for the requests it concerns.
        if obj is not None and obj.needs_antiviral_prophylaxis:
            fieldsets.append(("Before scheduling", {"fields": ("antiviral_prophylaxis_arranged",)}))
        fieldsets.append(("Appointment", {"fields": ("appointment_at", "needs_attention")}))
        fieldsets += [
            (
                "Screening (health information: for the clinical team)",
                {
                    "fields": (
                        "area",
                        "outcome_label",
                        "reasons_in_words",
                        "earliest_booking_date",
                        *(("answers_table",) if may_see_health_answers(request) else ()),
                    )
                },
            ),
            ("Consent", {"fields": ("consent_given_at", "consent_text_version")}),
        ]
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: BookingRequest | None = None):
        fields = super().get_readonly_fields(request, obj)
        if may_see_health_answers(request):
            return fields
        return tuple(name for name in fields if name != "answers_table")

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A page that was shown (not a redirect after saving) showed the answers: record it.
        if response.status_code == 200 and may_see_health_answers(request):
            booking = self.get_object(request, object_id)
            if booking is not None:
                HealthAnswersView.objects.create(
                    booking=booking,
                    reference=booking.reference,
                    viewed_by=request.user,
                    username=request.user.get_username(),
                )
        return response

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Scheduling, moving, unscheduling or "treated" queue (or cancel) the patient's messages.
        booking_staff_change_apply(
            booking=obj,
            previous_status=form.initial.get("status"),
            previous_appointment_at=form.initial.get("appointment_at"),
            by=request.user,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingRequest]:
        failing = Message.objects.filter(booking=OuterRef("pk"), email__status__in=Message.FAILING)
        return super().get_queryset(request).annotate(email_failed=Exists(failing))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from patients only

    @admin.display(description="Area")
    def area(self, obj: BookingRequest) -> str:
        return AREA_LABELS.get(obj.answers.get("area", ""), "")

    @admin.display(description="Outcome", ordering="outcome")
    def outcome_label(self, obj: BookingRequest) -> str:
        return obj.get_outcome_display()

    @admin.display(description="Reasons")
    def reasons_in_words(self, obj: BookingRequest) -> str:
        return reasons_list([str(code) for code in obj.reason_codes])

    @admin.display(description="Answers")
    def answers_table(self, obj: BookingRequest) -> str:
        rows = answer_rows(answers_from_dict(obj.answers))
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description="E-mail failed", boolean=True, ordering="email_failed")
    def email_failed(self, obj: BookingRequest) -> bool:
        return obj.email_failed


@admin.register(HealthAnswersView)
class HealthAnswersViewAdmin(admin.ModelAdmin):
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
