"""Logs: one JSON object per line on stderr, and never personal or health data.

Health answers arrive in POST bodies; search terms in the FAQ's query string. Neither may reach
a log line, whether through a request Django attaches to a record, an exception's message, or
gunicorn's access log.
"""

import io
import json
import logging
import os
import runpy
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client, RequestFactory

from clinic.logging import JsonFormatter, ScrubRequestFilter

REPO = Path(__file__).resolve().parents[1]


def formatted(record: logging.LogRecord) -> dict:
    ScrubRequestFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def make_record(message: str = "Something happened", *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("clinic.test", logging.WARNING, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(record, name, value)
    return record


def test_a_record_is_one_line_of_json_with_time_level_logger_and_message():
    entry = formatted(make_record("Booking %s received", "K7QM-2XPA"))
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "clinic.test"
    assert entry["message"] == "Booking K7QM-2XPA received"
    assert entry["time"].endswith("+00:00")


def test_an_exception_keeps_its_type_and_frames_but_not_its_message():
    """An exception's text can quote what a patient typed."""
    try:
        raise ValueError("Invalid answer: pregnant=yes, keloid=yes")
    except ValueError:
        record = make_record("Could not save")
        record.exc_info = sys.exc_info()
    entry = formatted(record)
    assert entry["exception"] == "ValueError"
    assert any("test_logging.py" in frame for frame in entry["stack"])
    assert "pregnant" not in json.dumps(entry)


def test_a_request_on_a_record_is_reduced_to_its_method_and_path():
    request = RequestFactory().post(
        "/screener/?q=accutane", {"pregnant": "yes", "full_name": "Ada Patient"}
    )
    entry = formatted(make_record("Forbidden", request=request))
    assert entry["method"] == "POST"
    assert entry["path"] == "/screener/"
    text = json.dumps(entry)
    for private in ("accutane", "pregnant", "Ada Patient"):
        assert private not in text


def test_only_the_known_safe_extra_fields_are_kept():
    entry = formatted(
        make_record(
            "E-mail failed",
            reference="K7QM-2XPA",
            event="booking_email_failed",
            email="ada@example.com",
            answers={"pregnant": True},
        )
    )
    assert entry["reference"] == "K7QM-2XPA"
    assert entry["event"] == "booking_email_failed"
    assert "email" not in entry
    assert "answers" not in entry
    assert "ada@example.com" not in json.dumps(entry)


# --- The site's configured logging, end to end ----------------------------------------------------


@pytest.fixture
def site_log():
    """What the site's configured stderr handler writes, as parsed JSON lines."""
    handler = next(
        h for h in logging.getLogger("django").handlers if isinstance(h.formatter, JsonFormatter)
    )
    assert any(isinstance(f, ScrubRequestFilter) for f in handler.filters)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    handler.setStream(previous)


ANSWERS = {
    "area": "face_neck",
    "isotretinoin": "no",
    "radiation": "no",
    "pregnant": "yes",
    "keloid": "no",
    "infection": "no",
    "open_wounds": "no",
    "cold_sores": "yes",
    "previous_treatment": "no",
}


@pytest.mark.django_db
def test_a_crash_while_saving_a_screening_logs_no_answer(site_log, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError(f"cannot save {kwargs['answers']}")

    monkeypatch.setattr("screener.views.screening_record", crash)
    response = Client(raise_request_exception=False).post("/screener/", ANSWERS)
    assert response.status_code == 500

    entries = site_log()
    error = next(e for e in entries if e["logger"] == "django.request")
    assert error["message"] == "Internal Server Error: /screener/"
    assert error["exception"] == "RuntimeError"
    assert error["status_code"] == 500
    text = "\n".join(json.dumps(e) for e in entries)
    for private in ("pregnant", "cold_sores", "face_neck", "cannot save"):
        assert private not in text


@pytest.mark.django_db
def test_a_missing_page_is_logged_without_its_search_terms(site_log):
    Client().get("/faq/no-such-question/?q=pregnant+accutane")
    entries = site_log()
    assert any(e["message"] == "Not Found: /faq/no-such-question/" for e in entries)
    assert "pregnant" not in "\n".join(json.dumps(e) for e in entries)


# --- gunicorn's access log (gunicorn.conf.py) -----------------------------------------------------


def test_the_access_log_is_json_without_query_string_address_agent_or_referrer():
    from gunicorn.config import Config

    config_module = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")
    logger = config_module["JsonLogger"](config)
    buffer = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(buffer)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/faq/",
        "QUERY_STRING": "q=pregnant",
        "RAW_URI": "/faq/?q=pregnant",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Patient's phone)",
        "HTTP_REFERER": "https://clinic.example/faq/?q=keloid",
    }
    response = SimpleNamespace(status="200 OK", sent=4321, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))

    entry = json.loads(buffer.getvalue().strip())
    assert entry["logger"] == "gunicorn.access"
    assert entry["method"] == "GET"
    assert entry["path"] == "/faq/"
    assert entry["status_code"] == 200
    assert entry["message"] == "GET /faq/ 200 3.0 ms"
    text = json.dumps(entry)
    for private in ("pregnant", "keloid", "203.0.113.9", "Mozilla"):
        assert private not in text


def test_logs_go_to_stderr_so_a_commands_output_stays_clean(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), LOG_LEVEL="DEBUG")
    command = [sys.executable, "manage.py", "shell", "-c", "import logging; "
               "logging.getLogger('django').info('hello'); print(1)"]  # fmt: skip
    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines()[-1] == "1"
    assert "{" not in done.stdout  # no log line (Django's shell may say what it imported)
    assert json.loads(done.stderr.strip().splitlines()[-1])["message"] == "hello"


def test_gunicorn_logs_to_stderr_too():
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert config["errorlog"] == "-"  # stderr, in gunicorn's terms
    assert config["accesslog"] == "/dev/stderr"  # "-" would be stdout


# --- Patients' link tokens (a token copied from a log opens the appointment) -------------------


@pytest.mark.django_db
def test_a_link_token_never_reaches_the_log_only_its_route(site_log):
    token = "Zq8-secret-link-token_5xY"
    for path in (
        f"/appointment/{token}/",
        f"/appointment/{token}/check/",
        f"/appointment/{token}/cancel/",
        f"/messages/{token}/stop/",
        f"/diary/feed/{token}.ics",
    ):
        Client().get(path)
    entries = site_log()
    assert any(e["message"] == "Not Found: /appointment/<token>/check/" for e in entries)
    assert any(e.get("path") == "/messages/<token>/stop/" for e in entries)
    assert any(e.get("path") == "/diary/feed/<token>" for e in entries)
    assert token not in "\n".join(json.dumps(e) for e in entries)


def test_the_access_log_keeps_the_route_of_a_patients_link_not_its_token():
    from gunicorn.config import Config

    config_module = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")
    logger = config_module["JsonLogger"](config)
    buffer = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(buffer)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/appointment/Zq8-secret/check/"}
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=2))

    entry = json.loads(buffer.getvalue().strip().splitlines()[-1])
    assert entry["path"] == "/appointment/<token>/check/"
    assert "Zq8-secret" not in buffer.getvalue()
