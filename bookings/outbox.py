"""One `send_due_messages` run at a time, on every machine that shares the database.

PostgreSQL: a session advisory lock, so any machine's cron may run the command. SQLite (one
machine): an flock on OUTBOX_LOCK_FILE. Both are released by the operating system or the
database when a run dies, so a killed run never leaves a stale lock behind, and the lock file
is never deleted, so two runs can never both see it free.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

# pg_advisory_lock takes a bigint chosen by the application: "outbox" in ASCII.
ADVISORY_LOCK_KEY = 0x6F7574626F78


@contextmanager
def outbox_lock() -> Iterator[bool]:
    """Yield True while this process holds the outbox's lock, False if another run holds it."""
    if connection.vendor == "postgresql":
        with _advisory_lock() as held:
            yield held
    else:
        with _file_lock(settings.OUTBOX_LOCK_FILE) as held:
            yield held


@contextmanager
def _advisory_lock() -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


@contextmanager
def _file_lock(path: str) -> Iterator[bool]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # closing the file releases the lock
