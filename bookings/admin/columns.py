"""The worklist's columns and the request page's screening (read-only displays)."""

from datetime import date
from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from bookings.appointments import RECHECK_CHANGED
from bookings.exports import short_area
from bookings.models import BookingRequest
from bookings.worklist import waited_in_words

if TYPE_CHECKING:
    from bookings.worklist import WorklistRequest
from screener.admin import reasons_list
from screener.labels import AREA_LABELS
from screener.questions import RECHECK_QUESTIONS, answer_rows, question_rows
from screener.session import answers_from_dict


def _short_date(value: date) -> str:
    # Formatted directly (the site is in English): the localised formatter cost a third of
    # the worklist's rendering time, for 100 dates a page.
    return f"{value.day} {value:%b %Y}"


class WorklistColumnsMixin:
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

    @admin.display(description="Area")
    def area(self, obj: BookingRequest) -> str:
        return str(AREA_LABELS.get(obj.answers.get("area", ""), ""))

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
        """Every re-check the patient sent for this appointment, oldest first, for the
        clinician who treats: a changed one stays on the page after a later clear one."""
        if obj.appointment_at is None:
            return "Not done yet"
        submissions = obj.recheck_submissions.filter(appointment_at=obj.appointment_at)
        if not submissions:
            return "Not done yet"
        return format_html_join(
            "",
            "<p>{} ({}){}</p><table><tbody>{}</tbody></table>",
            (
                (
                    submission.get_result_display(),
                    _when(submission.submitted_at),
                    _reviewed(submission),
                    format_html_join(
                        "",
                        "<tr><th scope='row'>{}</th><td>{}</td></tr>",
                        question_rows(answers_from_dict(submission.answers), RECHECK_QUESTIONS),
                    ),
                )
                for submission in submissions
            ),
        )

    @admin.display(description="E-mail failed", boolean=True, ordering="email_failed")
    def email_failed(self, obj: "WorklistRequest") -> bool:
        return obj.email_failed


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _reviewed(submission) -> str:
    if submission.result != RECHECK_CHANGED:
        return ""
    if submission.reviewed_at is None:
        return format_html(" <strong>{}</strong>", "Not reviewed yet")
    who = submission.reviewed_by.get_username() if submission.reviewed_by else "staff"
    return format_html(" reviewed by {} ({})", who, _when(submission.reviewed_at))
