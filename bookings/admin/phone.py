"""Requests taken by the front desk on the phone: the screener's questions with the patient,
then the request, under the same rules (and with the same e-mails) as the patient's own."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from bookings.admin.base import URL_NAME, AdminPagesMixin, staff_user
from bookings.forms import BookingRequestForm
from bookings.services import ScreeningAlreadyBooked, booking_request_create
from clinic.selectors import clinic_details
from screener.eligibility import assess
from screener.forms import ScreenerForm
from screener.labels import AREA_LABELS, OUTCOME_LABELS, REASON_LABELS
from screener.services import screening_record
from screener.session import answers_from_dict, answers_to_dict

# The staff session's key for a phone screening between its two steps.
PHONE_SESSION_KEY = "phone_screening"


class PhoneBookingForm(BookingRequestForm):
    """The online booking form, for the front desk on the phone: no robot trap, the consent
    is the patient's, given by phone, and the language of the call is the e-mails'."""

    language = forms.ChoiceField(
        label="Language of the patient's e-mails",
        required=False,
        help_text="The language you spoke with the patient: every e-mail about this request is "
        "written in it.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        language.choices = settings.LANGUAGES  # type: ignore[attr-defined]  # a ChoiceField
        language.initial = settings.LANGUAGE_CODE
        del self.fields["website"]
        self.fields["consent"].label = (
            "The patient agreed on the phone to the privacy notice and to being contacted "
            "about this request"
        )
        self.fields["email"].help_text = "The booking reference is sent to this address."
        self.fields["phone"].help_text = ""


class PhoneBookingMixin(AdminPagesMixin):
    def has_phone_booking_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.add_bookingrequest")

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
        stored = request.session.get(PHONE_SESSION_KEY, {})
        try:
            answers = answers_from_dict(stored["answers"])
            screening_id = int(stored["id"])
        except (KeyError, TypeError, ValueError):
            messages.warning(request, "Answer the screening questions with the patient first.")
            return redirect(f"admin:{URL_NAME}_phone")
        today = timezone.localdate()
        result = assess(answers, today)
        form = PhoneBookingForm(
            request.POST or None,
            today=today,
            earliest=result.earliest_booking_date,
            opening_times=clinic_details().opening_times,
        )
        if request.method == "POST" and result.may_book and form.is_valid():
            try:
                booking = booking_request_create(
                    screening_id=screening_id,
                    answers=answers,
                    result=result,
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    preferred_date=form.cleaned_data["preferred_date"],
                    preferred_time=form.cleaned_data["preferred_time"],
                    notes=form.cleaned_data["notes"],
                    taken_by=staff_user(request),
                    language=form.cleaned_data["language"] or settings.LANGUAGE_CODE,
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
