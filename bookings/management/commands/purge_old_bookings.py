"""Delete booking requests (with their screening, answers and messages) past the retention period.

A request whose preferred date or appointment is still ahead is kept, however old. Then the
patients nothing keeps any more go whole (patients.retention): those without a request left,
unless they hold medical records (consent, treatment records) still inside
MEDICAL_RECORDS_RETENTION_YEARS after their last treatment. Anonymous screenings that never
became a booking hold no personal data and are kept as statistics. Expired sessions (which may
hold screening answers) are cleared too, and calendar files whose e-mails are gone.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bookings.emails import orphaned_attachments_delete
from bookings.models import BookingRequest
from bookings.services import booking_requests_delete
from bookings.stop import stops_rekey
from diary.booking import expired_holds_delete
from patients.retention import patients_past_retention_delete, retention_years


class Command(BaseCommand):
    help = "Delete booking requests and their screenings older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep requests made in the last DAYS days (default: BOOKING_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is None:
            days = settings.BOOKING_RETENTION_DAYS
        if days < 0:
            raise CommandError("--days must be zero or more.")
        cutoff = timezone.now() - timedelta(days=days)
        old = BookingRequest.objects.past_retention(cutoff, timezone.localdate())
        requests_deleted, screenings_deleted = booking_requests_delete(requests=old)
        patients_deleted = patients_past_retention_delete()
        attachments_deleted = orphaned_attachments_delete()
        call_command("clearsessions")
        # Holds stop counting the moment they expire; this only tidies their rows.
        expired_holds_delete()
        # After a SECRET_KEY rotation: stops recorded under the old key are kept under the new.
        stops_rekey(BookingRequest.objects.values_list("email", flat=True))
        self.stdout.write(
            f"Deleted {requests_deleted} booking requests and {screenings_deleted} screenings "
            f"older than {days} days, {patients_deleted} patients with no request left and no "
            f"medical record inside {retention_years()} years of their last treatment, and "
            f"{attachments_deleted} calendar files no e-mail refers to. Cleared expired sessions."
        )
