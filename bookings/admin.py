"""Admin for the front desk: the worklist of booking requests, the messages sent, the contact
log, requests taken by phone, and erasure on request.

Requests come from patients: online, or through the front desk on the phone (the same screener
and rules, in the admin's phone-booking view). The patient's own entries are read-only here.
"""

import csv
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.debug import sensitive_post_parameters
from post_office.models import STATUS

from bookings import scheduling
from bookings.appointments import RECHECK_CHANGED, booking_staff_change_apply
from bookings.forms import BookingRequestForm
from bookings.models import (
    BookingRequest,
    ContactLogEntry,
    ErasureRecord,
    HealthAnswersView,
    Message,
)
from bookings.services import (
    ScreeningAlreadyBooked,
    booking_request_create,
    booking_requests_set_status,
    patient_data_counts,
    patient_data_erase,
)
from bookings.worklist import failing_email, reply_days, waited_in_words
from screener.admin import reasons_list
from screener.eligibility import Outcome, assess
from screener.forms import ScreenerForm
from screener.labels import AREA_LABELS, OUTCOME_LABELS, REASON_LABELS
from screener.questions import RECHECK_QUESTIONS, answer_rows, question_rows
from screener.services import screening_record
from screener.session import answers_from_dict, answers_to_dict

HEALTH_ANSWERS_PERMISSION = "bookings.view_health_answers"


def may_see_health_answers(request: HttpRequest) -> bool:
    """Clinicians (and superusers, who hold every permission); never the front desk."""
    return request.user.has_perm(HEALTH_ANSWERS_PERMISSION)


PROPHYLAXIS_REQUIRED = (
    "Tick this once antiviral prophylaxis has been arranged: a patient with a history of cold "
    "sores cannot be marked scheduled before then."
)


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time inputs, each named for screen readers (the admin's own
    split widget labels them with plain text only)."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = "Appointment date"
        self.widgets[1].attrs["aria-label"] = "Appointment time"


class BookingRequestAdminForm(forms.ModelForm):
    class Meta:
        model = BookingRequest
        # The editable fields; ModelAdmin narrows them to those in the fieldsets.
        fields = (
            "status",
            "staff_notes",
            "antiviral_prophylaxis_arranged",
            "appointment_at",
            "needs_attention",
        )
        field_classes = {"appointment_at": forms.SplitDateTimeField}
        widgets = {"appointment_at": LabelledSplitDateTime}

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
        patients_sessions = BookingRequest.objects.filter(
            email__iexact=cleaned.get("email") or self.instance.email,
            appointment_at__isnull=False,
        ).exclude(pk=self.instance.pk)

        def times(status: str):
            return patients_sessions.filter(status=status).values_list("appointment_at", flat=True)

        for message in scheduling.appointment_errors(
            appointment_at=when,
            now=timezone.now(),
            earliest=self.instance.earliest_booking_date,
            treated_at=times(BookingRequest.Status.TREATED),
            booked_at=times(BookingRequest.Status.SCHEDULED),
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


# The patient's own entries: staff read them, never change them.
PATIENT_FIELDS = ("full_name", "email", "phone", "preferred_date", "preferred_time", "notes")
# A request can only come from a screening that may book (Result.may_book): "not suitable"
# never reaches a request, so the outcome filter does not offer it.
REQUEST_OUTCOMES = (Outcome.ELIGIBLE, Outcome.ELIGIBLE_WITH_CONDITIONS, Outcome.DEFERRED)
# The staff session's key for a phone screening between its two steps.
PHONE_SESSION_KEY = "phone_screening"
URL_NAME = "bookings_bookingrequest"


class ContactLogEntryForm(forms.ModelForm):
    class Meta:
        model = ContactLogEntry
        fields = ("what", "note")
        # A table's inputs have no <label>: their column heading names them for screen readers.
        widgets = {
            "what": forms.Select(attrs={"aria-label": "What was done"}),
            "note": forms.TextInput(attrs={"aria-label": "Note", "size": 40}),
        }


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


class WorklistFilter(admin.SimpleListFilter):
    """Opens on what needs doing (new, or needing attention). Another filter or a search
    looks through every request, unless "To do" is chosen with it."""

    title = "worklist"
    parameter_name = "show"

    def __init__(self, request, params, model, model_admin) -> None:
        others = any(name != self.parameter_name for name in params)
        self.default = "all" if others or request.GET.get(SEARCH_VAR) else "todo"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("todo", "To do: new or needing attention"), ("all", "All requests")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if (self.value() or self.default) == "todo":
            return queryset.filter(Q(status=BookingRequest.Status.NEW) | Q(needs_attention=True))
        return queryset

    def choices(self, changelist):
        current = self.value() or self.default
        for value, title in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }


class EmailFailedFilter(admin.SimpleListFilter):
    title = "e-mail failed"
    parameter_name = "email_failed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(email_failed=self.value() == "yes")
        return queryset


class ConditionFilter(admin.SimpleListFilter):
    title = "condition"
    parameter_name = "condition"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("needed", "Needed (not arranged)"), ("arranged", "Arranged"), ("none", "None")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        needed = Q(needs_antiviral_prophylaxis=True)
        return {
            "needed": lambda: queryset.filter(needed, antiviral_prophylaxis_arranged=False),
            "arranged": lambda: queryset.filter(needed, antiviral_prophylaxis_arranged=True),
            "none": lambda: queryset.exclude(needed),
        }.get(self.value(), lambda: queryset)()


class OutcomeFilter(admin.SimpleListFilter):
    title = "screening outcome"
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [(str(outcome), OUTCOME_LABELS[outcome]) for outcome in REQUEST_OUTCOMES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(outcome=self.value())
        return queryset


class PhoneBookingForm(BookingRequestForm):
    """The online booking form, for the front desk on the phone: no robot trap, and the
    consent is the patient's, given by phone."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["consent"].label = (
            "The patient agreed on the phone to the privacy notice and to being contacted "
            "about this request"
        )
        self.fields["email"].help_text = "The booking reference is sent to this address."
        self.fields["phone"].help_text = ""


class ErasureForm(forms.Form):
    email = forms.EmailField(
        label="The patient's e-mail address",
        help_text="Every request made with this address (in any capitals) is erased.",
    )


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    form = BookingRequestAdminForm
    inlines = (ContactLogInline, MessageInline)
    change_list_template = "admin/bookings/bookingrequest/change_list.html"
    list_display = (
        "reference",
        "full_name",
        "phone",
        "area_short",
        "earliest",
        "preferred",
        "condition",
        "status_and_attention",
        "waited",
        "email_failed",
    )
    list_select_related = ("screening",)
    list_filter = (
        WorklistFilter,
        "status",
        "needs_attention",
        EmailFailedFilter,
        ConditionFilter,
        OutcomeFilter,
        "taken_by_phone",
    )
    search_fields = ("reference", "full_name", "email", "phone")
    ordering = ("created_at", "pk")  # oldest first: the longest wait at the top
    list_per_page = 50
    actions = ("mark_contacted", "mark_declined", "mark_cancelled", "export_csv", "erase_patients")
    readonly_fields = (
        "reference",
        "created_at",
        *PATIENT_FIELDS,
        "taken_by_phone",
        "taken_by",
        "area",
        "outcome_label",
        "reasons_in_words",
        "earliest_booking_date",
        "answers_table",
        "recheck_table",
        "consent_given_at",
        "consent_text_version",
    )

    class Media:
        css = {"all": ("css/admin.css",)}

    def get_fieldsets(self, request: HttpRequest, obj: BookingRequest | None = None) -> list:
        patient = PATIENT_FIELDS
        if obj is not None and obj.taken_by_phone:
            patient = (*patient, "taken_by_phone", "taken_by")
        fieldsets: list = [
            (None, {"fields": ("reference", "created_at", "status")}),
            ("Patient (as the patient gave it: read-only)", {"fields": patient}),
        ]
        # The checklist appears only for the requests it concerns.
        if obj is not None and obj.needs_antiviral_prophylaxis:
            fieldsets.append(("Before scheduling", {"fields": ("antiviral_prophylaxis_arranged",)}))
        fieldsets.append(("Appointment", {"fields": ("appointment_at", "needs_attention")}))
        fieldsets += [
            ("Front desk", {"fields": ("staff_notes",)}),
            (
                "Screening (health information: for the clinical team)",
                {
                    "fields": (
                        "area",
                        "outcome_label",
                        "reasons_in_words",
                        "earliest_booking_date",
                        *(
                            ("answers_table", "recheck_table")
                            if may_see_health_answers(request)
                            else ()
                        ),
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
        return tuple(name for name in fields if name not in {"answers_table", "recheck_table"})

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
        return super().get_queryset(request).annotate(email_failed=failing_email())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # from patients online, or by phone through phone_screener_view

    def has_phone_booking_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.add_bookingrequest")

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.add_erasurerecord")

    def save_formset(self, request, form, formset, change) -> None:
        # The contact log's who and when are never typed in: who is the member of staff.
        for entry in formset.save(commit=False):
            if isinstance(entry, ContactLogEntry) and entry.who_id is None:
                entry.who = request.user
            entry.save()
        formset.save_m2m()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "reply_days": reply_days(),
            "can_phone_book": self.has_phone_booking_permission(request),
            "can_erase": self.has_erase_permission(request),
        }
        return super().changelist_view(request, extra_context)

    # --- Worklist columns ----------------------------------------------------------------------

    @admin.display(description="Area", ordering="screening__area")
    def area_short(self, obj: BookingRequest) -> str:
        return short_area(obj.screening.area)

    @admin.display(description="Earliest date", ordering="earliest_booking_date")
    def earliest(self, obj: BookingRequest) -> str:
        return _short_date(obj.earliest_booking_date) if obj.earliest_booking_date else "—"

    @admin.display(description="Preferred", ordering="preferred_date")
    def preferred(self, obj: BookingRequest) -> str:
        when = obj.get_preferred_time_display().lower()
        return f"{obj.preferred_date:%a} {_short_date(obj.preferred_date)}, {when}"

    @admin.display(description="Condition")
    def condition(self, obj: BookingRequest) -> str:
        if not obj.needs_antiviral_prophylaxis:
            return "—"
        return "Antiviral: arranged" if obj.antiviral_prophylaxis_arranged else "Antiviral: needed"

    @admin.display(description="Status", ordering="status")
    def status_and_attention(self, obj: BookingRequest) -> str:
        label = obj.get_status_display()
        if obj.needs_attention:
            return format_html("{}<br><strong>Needs attention</strong>", label)
        return label

    @admin.display(description="Waited (working days)")
    def waited(self, obj: BookingRequest) -> str:
        if obj.status != BookingRequest.Status.NEW:
            return "—"
        return waited_in_words(obj.created_at, timezone.localdate())

    # --- Actions -------------------------------------------------------------------------------

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        changed = list(queryset.exclude(status=status).select_related(None).only("reference"))
        booking_requests_set_status(
            requests=BookingRequest.objects.filter(pk__in=[b.pk for b in changed]), status=status
        )
        label = BookingRequest.Status(status).label
        for booking in changed:
            self.log_change(request, booking, f"Status changed to {label} from the worklist.")
        self.message_user(request, f"{len(changed)} request(s) marked {label.lower()}.")

    @admin.action(description="Mark selected requests contacted", permissions=["change"])
    def mark_contacted(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, BookingRequest.Status.CONTACTED)

    @admin.action(description="Mark selected requests declined", permissions=["change"])
    def mark_declined(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, BookingRequest.Status.DECLINED)

    @admin.action(description="Mark selected requests cancelled", permissions=["change"])
    def mark_cancelled(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, BookingRequest.Status.CANCELLED)

    @admin.action(
        description="Export selected requests as CSV (no health answers)", permissions=["view"]
    )
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        today = timezone.localdate()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="booking-requests-{today.isoformat()}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for booking in queryset.select_related("screening").order_by("created_at", "pk"):
            writer.writerow([_csv_cell(value) for value in csv_row(booking, today)])
        return response

    @admin.action(
        description="Erase all data of the selected requests' patients", permissions=["erase"]
    )
    def erase_patients(self, request: HttpRequest, queryset: QuerySet):
        addresses = sorted({email.lower() for email in queryset.values_list("email", flat=True)})
        if request.POST.get("post") == "yes":
            self._erase(request, addresses)
            return None
        return self._erasure_confirmation(
            request, addresses, selected=list(queryset.values_list("pk", flat=True))
        )

    # --- Phone bookings and erasure by address: views of their own -------------------------

    def get_urls(self) -> list:
        def view(function):
            return self.admin_site.admin_view(sensitive_post_parameters()(function))

        return [
            path("phone/", view(self.phone_screener_view), name=f"{URL_NAME}_phone"),
            path("phone/details/", view(self.phone_details_view), name=f"{URL_NAME}_phone_details"),
            path("erase/", view(self.erase_view), name=f"{URL_NAME}_erase"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            **extra,
        }

    def phone_screener_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1: the screener's questions, answered with the patient, under the same rules."""
        if not self.has_phone_booking_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = ScreenerForm(request.POST or None, today=today)
        refused = None
        if request.method == "POST" and form.is_valid():
            answers = form.answers()
            result = assess(answers, today)
            # Recorded like any screening on the site: anonymous, for the statistics.
            screening = screening_record(answers=answers, result=result)
            if result.may_book:
                request.session[PHONE_SESSION_KEY] = {
                    "id": screening.pk,
                    "answers": answers_to_dict(answers),
                }
                return redirect(f"admin:{URL_NAME}_phone_details")
            refused = {
                "outcome": OUTCOME_LABELS[result.outcome],
                "reasons": [REASON_LABELS[reason] for reason in result.reasons],
            }
        return TemplateResponse(
            request,
            "admin/bookings/bookingrequest/phone_screener.html",
            self._context(
                request, "Take a booking request by phone: screening", form=form, refused=refused
            ),
        )

    def phone_details_view(self, request: HttpRequest) -> HttpResponse:
        """Step 2: the request itself, saved as the patient's own would be (same e-mails)."""
        if not self.has_phone_booking_permission(request):
            raise PermissionDenied
        stored = request.session.get(PHONE_SESSION_KEY)
        try:
            answers = answers_from_dict(stored["answers"])
            screening_id = int(stored["id"])
        except (KeyError, TypeError, ValueError):
            messages.warning(request, "Answer the screening questions with the patient first.")
            return redirect(f"admin:{URL_NAME}_phone")
        today = timezone.localdate()
        result = assess(answers, today)
        form = PhoneBookingForm(
            request.POST or None, today=today, earliest=result.earliest_booking_date
        )
        if request.method == "POST" and result.may_book and form.is_valid():
            try:
                booking = booking_request_create(
                    screening_id=screening_id,
                    answers=answers,
                    result=result,
                    cleaned_data=form.cleaned_data,
                    taken_by=request.user,
                )
            except ScreeningAlreadyBooked as already:
                booking = already.booking_request
            request.session.pop(PHONE_SESSION_KEY, None)
            self.log_addition(request, booking, "Taken by phone.")
            messages.success(request, f"Booking request {booking.reference} saved.")
            return redirect(booking.get_absolute_url())
        return TemplateResponse(
            request,
            "admin/bookings/bookingrequest/phone_details.html",
            self._context(
                request,
                "Take a booking request by phone: the request",
                form=form,
                result_label=OUTCOME_LABELS[result.outcome],
                conditions=[REASON_LABELS[reason] for reason in result.conditions],
                area=AREA_LABELS[answers.area],
            ),
        )

    def erase_view(self, request: HttpRequest) -> HttpResponse:
        """Erasure by e-mail address: the address, then a confirmation with what will go."""
        if not self.has_erase_permission(request):
            raise PermissionDenied
        form = ErasureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            address = form.cleaned_data["email"].lower()
            if request.POST.get("post") == "yes":
                self._erase(request, [address])
                return HttpResponseRedirect(reverse(f"admin:{URL_NAME}_changelist"))
            return self._erasure_confirmation(request, [address], selected=None)
        return TemplateResponse(
            request,
            "admin/bookings/bookingrequest/erase.html",
            self._context(request, "Erase a patient's data", form=form),
        )

    def _erasure_confirmation(
        self, request: HttpRequest, addresses: list[str], selected: list[int] | None
    ) -> HttpResponse:
        patients = [(address, patient_data_counts(email=address)) for address in addresses]
        return TemplateResponse(
            request,
            "admin/bookings/bookingrequest/erase_confirmation.html",
            self._context(
                request,
                "Erase a patient's data: are you sure?",
                patients=patients,
                selected=selected,
                action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
            ),
        )

    def _erase(self, request: HttpRequest, addresses: list[str]) -> None:
        for address in addresses:
            record = patient_data_erase(email=address, by=request.user)
            self.message_user(
                request,
                f"Erased {record.requests} request(s), {record.screenings} screening(s), "
                f"{record.messages} e-mail(s) and {record.contact_log_entries} contact log "
                f"entr{'y' if record.contact_log_entries == 1 else 'ies'}.",
                messages.SUCCESS,
            )

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

    @admin.display(description="Re-check before treatment")
    def recheck_table(self, obj: BookingRequest) -> str:
        """The answers the patient gave again 48 hours before, for the clinician who treats."""
        if obj.recheck_done_at is None:
            return "Not done yet"
        changed = obj.recheck_result == RECHECK_CHANGED
        rows = question_rows(answers_from_dict(obj.recheck_answers), RECHECK_QUESTIONS)
        return format_html(
            "<p>{} ({})</p><table><tbody>{}</tbody></table>",
            "Changed: treatment may have to wait" if changed else "Clear: nothing has changed",
            formats.date_format(timezone.localtime(obj.recheck_done_at), "DATETIME_FORMAT"),
            format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description="E-mail failed", boolean=True, ordering="email_failed")
    def email_failed(self, obj: BookingRequest) -> bool:
        return obj.email_failed


# Columns of the CSV export: what the front desk works with, and nothing from the screening
# (no answers, outcome, reasons, condition or earliest date: all of them say something of health).
CSV_COLUMNS = (
    "reference",
    "received",
    "full_name",
    "email",
    "phone",
    "area",
    "preferred_date",
    "preferred_time",
    "status",
    "needs_attention",
    "waited",
    "email_failed",
    "taken_by_phone",
    "appointment_at",
)


def csv_row(booking: BookingRequest, today: date) -> list:
    waited = (
        waited_in_words(booking.created_at, today)
        if booking.status == BookingRequest.Status.NEW
        else ""
    )
    appointment = booking.appointment_at and timezone.localtime(booking.appointment_at)
    return [
        booking.reference,
        timezone.localtime(booking.created_at).strftime("%Y-%m-%d %H:%M"),
        booking.full_name,
        booking.email,
        booking.phone,
        short_area(booking.screening.area),
        booking.preferred_date.isoformat(),
        booking.get_preferred_time_display(),
        booking.get_status_display(),
        "yes" if booking.needs_attention else "no",
        waited,
        "yes" if booking.email_failed else "no",
        "yes" if booking.taken_by_phone else "no",
        appointment.strftime("%Y-%m-%d %H:%M") if appointment else "",
    ]


def _csv_cell(value: object) -> str:
    # A cell a spreadsheet would run as a formula (patients type their own names) is quoted.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def short_area(code: str) -> str:
    """ "Face and neck", without the label's explanation in brackets (for narrow columns)."""
    return AREA_LABELS.get(code, "").split(" (")[0]


def _short_date(value: date) -> str:
    # Formatted directly (the site is in English): the localised formatter cost a third of
    # the worklist's rendering time, for 100 dates a page.
    return f"{value.day} {value:%b %Y}"


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
