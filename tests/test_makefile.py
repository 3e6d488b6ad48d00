"""`make run` listens on 127.0.0.1:8000 unless told otherwise (README, Quick start)."""

import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def run_command(*variables: str) -> str:
    """The command `make run` would start the server with (make -n: nothing is run)."""
    if shutil.which("make") is None:
        pytest.skip("no make on this machine")
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        ["make", "-n", "run", *variables],  # noqa: S607 (make from PATH, as a developer runs it)
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin"},  # no HOST or PORT from the caller's environment
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return next(line for line in result.stdout.splitlines() if "runserver" in line)


def test_make_run_listens_on_localhost_port_8000_by_default():
    assert run_command().endswith("manage.py runserver 127.0.0.1:8000")


def test_make_run_takes_a_port_and_a_host():
    assert run_command("PORT=8200").endswith("manage.py runserver 127.0.0.1:8200")
    assert run_command("PORT=8200", "HOST=0.0.0.0").endswith("manage.py runserver 0.0.0.0:8200")
