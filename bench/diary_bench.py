"""The free-times page with a full diary: `make bench` runs it after bench.py.

Three practitioners working weekdays 09:00 to 17:00, 2,000 appointments over the next 90 days
(every hour of every weekday, then some), and one screened patient: GET /booking/ (which works
out the whole 90 days to find the first free day, then lists seven) is timed in-process with
Django's test client, on a fresh SQLite file and, when DATABASE_URL points at PostgreSQL, on a
fresh PostgreSQL database. Prints the median, p95 and the number of queries; target: a median
under 50 ms. Exit status non-zero only when the run itself failed.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    ROOT,
    drop_postgres_database,
    is_postgres,
    recreate_postgres_database,
    say,
)

APPOINTMENTS = 2000
REQUESTS = 60
TARGET_MS = 50.0
BENCH_DATABASE = "clinic_diary_bench"


def run_one() -> None:
    """In the child process: migrate, fill the diary, time the page."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    from datetime import date, datetime, timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bookings.models import Appointment, BookingRequest, Practitioner
    from diary.models import WorkingHours
    from patients.models import Patient
    from screener.eligibility import Answers, Area, Concern
    from screener.models import Screening
    from screener.session import store_screening

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    practitioners = [Practitioner.objects.get()]
    for name in ("Ana", "Ben"):
        practitioner = Practitioner.objects.create(name=name)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, weekday=day, start="09:00", end="17:00")
            for day in range(5)
        )
        practitioners.append(practitioner)
    now = timezone.now()
    screenings = Screening.objects.bulk_create(
        Screening(area="face_neck", outcome="eligible") for _ in range(APPOINTMENTS)
    )
    patients = Patient.objects.bulk_create(
        Patient(email=f"bench{n}@example.com", full_name="Bench Patient")
        for n in range(APPOINTMENTS)
    )
    bookings = BookingRequest.objects.bulk_create(
        BookingRequest(
            screening=screening,
            patient=patients[n],
            reference=f"B{n:04d}-{n:04d}"[:9],
            full_name="Bench Patient",
            email=f"bench{n}@example.com",
            phone="207 555 0100",
            preferred_date=date.today(),
            preferred_time="morning",
            answers={},
            outcome="eligible",
            consent_given_at=now,
            consent_text_version="bench",
            status="scheduled",
            appointment_at=now,
        )
        for n, screening in enumerate(screenings)
    )
    # The diary as a busy clinic's looks: in the next 90 days each practitioner has three
    # appointments a weekday (9:00, 11:00, 13:00, leaving the afternoons free), as many again
    # cancelled, and the rest of the 2,000 are past treatments.
    rows: list = []
    today = timezone.localdate()
    for offset in range(1, 91):
        day = today + timedelta(days=offset)
        if day.weekday() < 5:
            for hour in (9, 11, 13):
                local = timezone.make_aware(datetime(day.year, day.month, day.day, hour))
                for practitioner in practitioners:
                    rows.append((practitioner, local, "scheduled"))
                    rows.append((practitioner, local, "cancelled"))
    offset = 0
    while len(rows) < APPOINTMENTS:
        offset += 1
        day = today - timedelta(days=offset)
        local = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
        rows += [(p, local, "treated") for p in practitioners]
    Appointment.objects.bulk_create(
        Appointment(
            booking=booking,
            practitioner=practitioner,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            status=status,
        )
        for booking, (practitioner, start, status) in zip(
            bookings, rows[:APPOINTMENTS], strict=True
        )
    )

    client = Client(secure=True)
    screening = Screening.objects.create(area="face_neck", outcome="eligible")
    session = client.session
    answers = Answers(
        area=Area.FACE_NECK,
        pregnant=False,
        keloid=False,
        infection=False,
        open_wounds=False,
        cold_sores=False,
        concerns=frozenset({Concern.FINE_LINES}),
    )
    store_screening(session, screening_id=screening.pk, answers=answers)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert client.get("/booking/").status_code == 200  # warm: the clinic's details cached
    with CaptureQueriesContext(connection):
        client.get("/booking/")
    count = len(connection.queries)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            client.get("/booking/")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/booking/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    median = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    slots = response.content.count(b"data-slot=")
    verdict = "PASS" if median < TARGET_MS else "MISS"
    say(
        f"   GET /booking/, {APPOINTMENTS} appointments, 3 practitioners: median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, {count} queries, {slots} times listed"
    )
    say(f"   {verdict}  free-times page median < {TARGET_MS:.0f} ms: {median:.1f} ms")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        run_one()
        return 0
    say("\n== The free-times page with a full diary (in-process, Django's test client)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECRET_KEY="bench-" * 8,
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        runs.append(
            (
                "SQLite",
                {
                    **env,
                    "DATABASE_URL": f"sqlite:///{folder}/diary.sqlite3",
                    "CACHE_DIR": f"{folder}/cache",
                    "SESSION_DIR": f"{folder}/s",
                },
            )
        )
        postgres = os.environ.get("DATABASE_URL", "")
        url = recreate_postgres_database(postgres, BENCH_DATABASE) if is_postgres(postgres) else ""
        if url:
            runs.append(
                (
                    "PostgreSQL",
                    {
                        **env,
                        "DATABASE_URL": url,
                        "CACHE_DIR": f"{folder}/pgcache",
                        "SESSION_DIR": f"{folder}/pgs",
                    },
                )
            )
        try:
            for label, run_env in runs:
                say(f"   {label}:")
                done = subprocess.run(
                    [sys.executable, __file__, "child"], cwd=ROOT, env=run_env, check=False
                )
                if done.returncode != 0:
                    say(f"   the {label} run failed (exit {done.returncode})")
                    return 1
        finally:
            if url:
                drop_postgres_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
