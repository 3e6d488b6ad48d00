"""A session folder that is full or read-only (the one-machine configuration keeps sessions in
files, often on a small tmpfs): the patient is told, the log says so, /healthz answers 503.
Before, a full folder lost every screening silently and a read-only one gave a 500."""

import errno
import logging
import os
from pathlib import Path

import pytest
from django.contrib.sessions.backends import file as file_backend

from tests.screener_answers import ELIGIBLE_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_sessions(settings):
    # The suite's own folder (tests/conftest.py): Django's file engine remembers its first one.
    settings.SESSION_ENGINE = "clinic.file_sessions"
    return Path(settings.SESSION_FILE_PATH)


@pytest.fixture
def full_folder(file_sessions, monkeypatch):
    """Creating a file still works on a full tmpfs (inodes are left); writing its data does not."""

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(file_backend.tempfile, "mkstemp", no_space)


@pytest.fixture
def read_only_folder(file_sessions, monkeypatch):
    real_open = os.open

    def refuse_in_sessions(path, *args, **kwargs):
        if str(path).startswith(str(file_sessions)):
            raise PermissionError(errno.EROFS, "Read-only file system")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(file_backend.os, "open", refuse_in_sessions)


def test_a_working_folder_keeps_the_screening(client, file_sessions):
    response = client.post("/screener/", ELIGIBLE_ANSWERS)
    assert response.status_code == 302
    assert client.get("/screener/result/").status_code == 200
    assert any(file_sessions.iterdir())


@pytest.mark.parametrize("failure", ["full_folder", "read_only_folder"])
def test_a_screening_that_cannot_be_kept_is_a_clear_503_and_an_error_in_the_log(
    client, caplog, failure, request
):
    request.getfixturevalue(failure)
    with caplog.at_level(logging.ERROR):
        response = client.post("/screener/", ELIGIBLE_ANSWERS)
    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "cannot keep your answers" in page
    assert "pregnant" not in page
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "Session store unavailable: a session could not be saved" in errors


def test_healthz_says_503_while_the_folder_is_full(client, full_folder):
    assert client.get("/healthz").status_code == 503
