"""Settings come from the environment: SQLite and local memory by default, PostgreSQL and Redis
when configured. Each case imports the settings afresh in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "session": settings.SESSION_ENGINE,
    "time_zone": settings.TIME_ZONE,
    "clinic_phone": settings.CLINIC_PHONE,
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "secret_key_fallbacks": settings.SECRET_KEY_FALLBACKS,
}))
"""


def settings_with(**environ: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CLINIC_"))
    }
    env.update(environ, DJANGO_SETTINGS_MODULE="clinic.settings")
    completed = subprocess.run(  # noqa: S603 (fixed arguments, our own interpreter)
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_with_nothing_set_the_site_runs_in_debug_on_sqlite_in_the_clinics_time_zone():
    found = settings_with()
    assert found["debug"] is True
    assert found["engine"] == "django.db.backends.sqlite3"
    # Shared by every process on the machine: files, for the cache and for sessions.
    assert found["cache"] == "clinic.cache.FileBasedCache"
    assert found["session"] == "clinic.file_sessions"
    assert found["time_zone"] == "America/New_York"


def test_earlier_secret_keys_come_from_django_secret_key_fallbacks():
    assert settings_with()["secret_key_fallbacks"] == []
    found = settings_with(DJANGO_SECRET_KEY_FALLBACKS=" key-of-june,x  key-of-march ")
    assert found["secret_key_fallbacks"] == ["key-of-june,x", "key-of-march"]


@pytest.mark.parametrize("debug", ["1", "0"])
def test_database_url_selects_postgresql(debug):
    found = settings_with(
        DJANGO_DEBUG=debug,
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="clinic.example",
        DATABASE_URL="postgres://clinic:secret@db.internal:5432/clinic",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["db_name"] == "clinic"


def test_redis_url_selects_the_redis_cache_but_never_redis_sessions():
    found = settings_with(REDIS_URL="redis://127.0.0.1:6379/4")
    assert found["cache"] == "clinic.cache.RedisCache"
    assert found["session"] == "clinic.file_sessions"  # SQLite: one machine
    found = settings_with(
        REDIS_URL="redis://127.0.0.1:6379/4", DATABASE_URL="postgres://clinic@db.internal/clinic"
    )
    assert found["session"] == "clinic.sessions"


@pytest.mark.parametrize(
    "environ", [{}, {"SQLITE_PATH": "/srv/clinic.sqlite3"}, {"DATABASE_URL": "sqlite:////srv/x.db"}]
)
def test_sqlite_is_tuned_the_same_however_it_is_named(environ):
    found = settings_with(**environ)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["db_options"]["transaction_mode"] == "IMMEDIATE"
    assert found["db_options"]["timeout"] == 20
    assert "journal_mode=WAL" in found["db_options"]["init_command"]
    assert found["conn_max_age"] == 60


def test_production_serves_compressed_hashed_static_files():
    found = settings_with(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="clinic.example"
    )
    assert found["debug"] is False
    assert found["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_the_clinic_and_its_time_zone_come_from_the_environment():
    found = settings_with(DJANGO_TIME_ZONE="Europe/London", CLINIC_PHONE="020 7946 0000")
    assert found["time_zone"] == "Europe/London"
    assert found["clinic_phone"] == "020 7946 0000"
