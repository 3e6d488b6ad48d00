"""Twenty patients confirm the same time at the same instant, each in a thread with its own
database connection: prints how many appointments were made and how many were refused.

Run by tests/test_diary_race.py against a migrated database of its own (DATABASE_URL).
"""

import json
import os
import sys
import threading
from datetime import timedelta

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.models import Appointment, BookingRequest  # noqa: E402
from diary import booking as diary_booking  # noqa: E402
from diary.selectors import free_times_between  # noqa: E402
from patients.services import patient_for_email  # noqa: E402
from screener.models import Screening  # noqa: E402

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 1


def make_request(n: int) -> BookingRequest:
    screening = Screening.objects.create(area="face_neck", outcome="eligible")
    return BookingRequest.objects.create(
        screening=screening,
        patient=patient_for_email(email=f"patient{n}@example.com", full_name=f"Patient {n}"),
        full_name=f"Patient {n}",
        email=f"patient{n}@example.com",
        phone="207 555 0100",
        preferred_date=timezone.localdate() + timedelta(days=7),
        preferred_time="morning",
        answers={},
        outcome="eligible",
        consent_given_at=timezone.now(),
        consent_text_version="test",
    )


def race_once(round_number: int) -> dict:
    today = timezone.localdate()
    free = free_times_between(first=today, last=today + timedelta(days=14), area="face_neck")
    slot = next(slot for day in sorted(free) for slot in free[day])
    requests = [make_request(round_number * THREADS + n) for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def confirm(request: BookingRequest) -> None:
        barrier.wait()
        try:
            with transaction.atomic():
                diary_booking.appointment_book(
                    booking=request, starts_at=slot.starts_at, area="face_neck"
                )
            outcomes.append("booked")
        except diary_booking.SlotTaken:
            outcomes.append("taken")
        except Exception as error:  # anything else is a failure the test reports
            outcomes.append(f"error: {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    active = Appointment.objects.filter(status__in=Appointment.ACTIVE, starts_at=slot.starts_at)
    return {"outcomes": sorted(outcomes), "appointments": active.count()}


def main() -> None:
    print(json.dumps([race_once(n) for n in range(ROUNDS)]))


if __name__ == "__main__":
    main()
