"""Runs of `manage.py send_due_messages` that overlap, on the database DATABASE_URL names.

`race ROUNDS PER_ROUND`: each round queues PER_ROUND e-mails, then starts two runs at the same
instant. `kill COUNT`: queues COUNT e-mails, kills a run (SIGKILL) once it has sent two, then
runs again. Prints one JSON object: each run's exit code and output, and the e-mails queued.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
django.setup()

from post_office import mail  # noqa: E402
from post_office.models import STATUS, Email  # noqa: E402

COMMAND = [sys.executable, "manage.py", "send_due_messages"]


def queue(count: int, label: str) -> None:
    for number in range(count):
        mail.send("patient@example.com", "clinic@example.com", subject=f"{label} {number}")


def start() -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        COMMAND, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(run: subprocess.Popen) -> dict:
    out, err = run.communicate(timeout=120)
    return {"code": run.returncode, "out": out.strip(), "err": err.strip()}


def race(rounds: int, per_round: int) -> dict:
    runs = []
    for number in range(rounds):
        queue(per_round, f"round {number}")
        pair = [start(), start()]
        runs.extend(finish(run) for run in pair)
    return {"runs": runs}


def kill(count: int) -> dict:
    queue(count, "killed")
    victim = start()
    while Email.objects.filter(status=STATUS.sent).count() < 2:
        assert victim.poll() is None, finish(victim)
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    sent_before = Email.objects.filter(status=STATUS.sent).count()
    return {"sent_before_next_run": sent_before, "runs": [finish(start())]}


if __name__ == "__main__":
    mode, *numbers = sys.argv[1:]
    result = {"race": race, "kill": kill}[mode](*map(int, numbers))
    result["queued"] = Email.objects.count()
    result["unsent"] = Email.objects.exclude(status=STATUS.sent).count()
    print(json.dumps(result))
