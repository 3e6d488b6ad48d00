"""Admin for the front desk: booking requests to work through, screening statistics to read.

Booking requests only ever come from patients (no "add"); their screening is shown read-only.
Screenings are anonymous statistics: nobody edits them here.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from screener.emails import send_pending_emails
from screener.labels import AREA_LABELS, OUTCOME_LABELS, QUESTION_LABELS, REASON_LABELS
from screener.models import BookingRequest, Screening

PROPHYLAXIS_REQUIRED = (
    "Tick this once antiviral prophylaxis has been arranged: a patient with a history of cold "
    "sores cannot be marked scheduled before then."
)


def _reasons_list(codes: list[str]) -> str:
    if not codes:
        return "None"
    return format_html(
        "<ul>{}</ul>",
        format_html_join("", "<li>{}</li>", ((REASON_LABELS.get(c, c),) for c in codes)),
    )


def _answer_value(name: str, value: object) -> str:
    if name == "area":
        return AREA_LABELS.get(str(value), str(value))
    if name == "concerns":
        return ", ".join(str(c).replace("_", " ") for c in value) or "None given"  # type: ignore[union-attr]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name.endswith("_date"):
        return f"Yes, {value}" if value else "No"
    return str(value)


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
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("status") == BookingRequest.Status.SCHEDULED
            and self.instance.needs_antiviral_prophylaxis
            and not cleaned.get("antiviral_prophylaxis_arranged")
        ):
            self.add_error("antiviral_prophylaxis_arranged", PROPHYLAXIS_REQUIRED)
        return cleaned


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    form = BookingRequestAdminForm
    list_display = (
        "reference",
        "created_at",
        "full_name",
        "preferred_date",
        "preferred_time",
        "status",
        "outcome_label",
        "emails_sent",
    )
    list_filter = ("status", "preferred_time", "created_at", "outcome")
    search_fields = ("reference", "full_name", "email")
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ("send_unsent_emails",)
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
        "patient_email_sent_at",
        "clinic_email_sent_at",
        "email_error",
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
        fieldsets += [
            (
                "Screening (health information: for the clinical team)",
                {
                    "fields": (
                        "area",
                        "outcome_label",
                        "reasons_in_words",
                        "earliest_booking_date",
                        "answers_table",
                    )
                },
            ),
            ("Consent", {"fields": ("consent_given_at", "consent_text_version")}),
            (
                "E-mails",
                {"fields": ("patient_email_sent_at", "clinic_email_sent_at", "email_error")},
            ),
        ]
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingRequest]:
        return super().get_queryset(request).select_related("screening")

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
        return _reasons_list([str(code) for code in obj.reason_codes])

    @admin.display(description="Answers")
    def answers_table(self, obj: BookingRequest) -> str:
        rows = (
            (label, _answer_value(name, obj.answers[name]))
            for name, label in QUESTION_LABELS.items()
            if name in obj.answers
        )
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description="E-mails sent", boolean=True)
    def emails_sent(self, obj: BookingRequest) -> bool:
        return not obj.emails_pending

    @admin.action(
        description="Send unsent e-mails for the selected requests", permissions=["change"]
    )
    def send_unsent_emails(self, request: HttpRequest, queryset: QuerySet[BookingRequest]) -> None:
        counts = send_pending_emails(queryset)
        level = messages.WARNING if counts.failed else messages.SUCCESS
        self.message_user(
            request, f"E-mails sent: {counts.sent}. Still failing: {counts.failed}.", level
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
        return _reasons_list([str(code) for code in obj.reason_codes])

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
