"""`send_due_messages` runs that overlap, as cron on several machines would start them.

Each test runs the real command in subprocesses against a database of its own (a SQLite file,
or a PostgreSQL database when the suite runs on PostgreSQL), with a mail backend that takes a
moment per message and records what it delivered.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def outbox_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SQLITE_PATH"))
    }
    env.update(
        EMAIL_BACKEND="tests.outbox.backend.SlowRecordingBackend",
        OUTBOX_DELIVERED=str(tmp_path / "delivered"),
        OUTBOX_LOCK_FILE=str(tmp_path / "outbox.lock"),
        MEDIA_ROOT=str(tmp_path / "media"),
        CACHE_DIR=str(tmp_path / "cache"),
        SESSION_DIR=str(tmp_path / "sessions"),
    )
    name = None
    if ON_POSTGRES:
        server = dj_database_url.parse(os.environ["DATABASE_URL"])
        name = f"outbox_overlap_{os.getpid()}"
        admin_url = f"postgresql://{server['USER']}@{server['HOST']}:{server['PORT']}/postgres"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + f"/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    run([sys.executable, "manage.py", "migrate", "--noinput"], env)
    yield env
    if name:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run(command: list[str], env: dict) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and scripts)
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def race(env: dict, *args: str) -> dict:
    output = run([sys.executable, "tests/outbox/race.py", *args], env)
    return json.loads(output.splitlines()[-1])


def delivered(env: dict) -> Counter:
    return Counter(Path(env["OUTBOX_DELIVERED"]).read_text().split())


def test_two_runs_started_together_send_each_email_once_and_both_exit_0(outbox_env, tmp_path):
    rounds, per_round = 25, 4
    result = race(outbox_env, "race", str(rounds), str(per_round))

    assert [r["code"] for r in result["runs"]] == [0] * (2 * rounds), result["runs"]
    assert not any(r["err"] and "Traceback" in r["err"] for r in result["runs"])
    copies = delivered(outbox_env)
    assert len(copies) == result["queued"] == rounds * per_round
    assert set(copies.values()) == {1}
    assert result["unsent"] == 0
    # In each round one run sent everything or both shared it; a run that found the other
    # sending said so in one line.
    for run_output in (r["out"] for r in result["runs"]):
        assert run_output.startswith(("Sent ", "Another run is sending: nothing to do."))
        assert len(run_output.splitlines()) == 1
    # Nothing is left beside the lock file.
    assert sorted(p.name for p in tmp_path.iterdir() if "lock" in p.name) == (
        [] if ON_POSTGRES else ["outbox.lock"]
    )


def test_a_run_killed_mid_send_leaves_its_emails_to_the_next_run(outbox_env):
    outbox_env["OUTBOX_SEND_SECONDS"] = "0.3"
    result = race(outbox_env, "kill", "6")

    assert 2 <= result["sent_before_next_run"] < 6
    assert result["runs"][0]["code"] == 0
    assert result["runs"][0]["out"].startswith(f"Sent {6 - result['sent_before_next_run']}.")
    copies = delivered(outbox_env)
    assert len(copies) == 6
    assert set(copies.values()) == {1}
    assert result["unsent"] == 0
