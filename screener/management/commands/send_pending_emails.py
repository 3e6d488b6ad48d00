"""Retry the booking e-mails a mail server failed to take. Safe to run at any time (cron)."""

from django.core.management.base import BaseCommand

from screener.emails import send_pending_emails


class Command(BaseCommand):
    help = "Send the booking request e-mails that have not gone out yet, and report counts."

    def handle(self, *args, **options) -> None:
        counts = send_pending_emails()
        self.stdout.write(f"E-mails sent: {counts.sent}. Still failing: {counts.failed}.")
