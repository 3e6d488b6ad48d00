"""Send every message that is due as of now from the outbox (cron: every 5 minutes).

Two runs at once are safe, on one machine or many: the whole run holds the outbox's lock
(bookings.outbox) and a run that finds it taken says so and exits. E-mails go one at a time
(post-office's BATCH_SIZE is 1), each marked sent as soon as the mail server took it, so a run
killed mid-send leaves the rest to the next run. A message the mail server refuses is tried
again later, each time waiting twice as long.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from post_office.mail import get_queued, send_queued
from post_office.models import STATUS, Email

from bookings.appointments import overdue_rechecks_flag
from bookings.outbox import outbox_lock
from bookings.services import sent_notices_forget
from patients.consent import unsigned_consents_flag


class Command(BaseCommand):
    help = "Send the e-mails that are due, retrying failures with back-off."

    def handle(self, *args, **options) -> None:
        with outbox_lock() as held:
            if not held:
                self.stdout.write("Another run is sending: nothing to do.")
                return
            self.stdout.write(send_due())


def send_due() -> str:
    started = timezone.now()
    # Appointments whose re-check is overdue are flagged, and their patients told, first.
    overdue_rechecks_flag(now=started)
    # Then those whose consent is unsigned (after: a flag already raised is never replaced).
    unsigned_consents_flag(now=started)
    sent, failed = _count(STATUS.sent), _count(STATUS.failed)
    while get_queued().exists():
        send_queued()
    backed_off = back_off_retries(since=started)
    sent, failed = _count(STATUS.sent) - sent, _count(STATUS.failed) - failed
    # A "can book" e-mail keeps its address only until it is sent (or given up).
    sent_notices_forget()
    return f"Sent {sent}. To retry later: {backed_off}. Given up: {failed}."


def _count(status: int) -> int:
    return Email.objects.filter(status=status).count()


def back_off_retries(*, since) -> int:
    """post-office retries after a fixed interval; wait interval * 2**(tries - 1) instead."""
    interval = settings.POST_OFFICE["RETRY_INTERVAL"]
    requeued = Email.objects.filter(status=STATUS.requeued, last_updated__gte=since)
    count = 0
    for tries in set(requeued.values_list("number_of_retries", flat=True)):
        delay = interval * 2 ** max((tries or 1) - 1, 0)
        count += requeued.filter(number_of_retries=tries).update(
            scheduled_time=timezone.now() + delay
        )
    return count
