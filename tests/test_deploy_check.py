"""Production settings: `check --deploy` is clean, and the site refuses to start unsafely.

Each test runs Django in a subprocess with a production environment, because settings are read
once per process from the environment and the test process runs in development mode.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "clinic.example",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
}


def production_env(**overrides: str) -> dict[str, str]:
    """The test process's environment less any Django/clinic setting, plus production values."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_", "SECURE_", "TRUSTED_PROXY"))
    }
    env.update(PRODUCTION_ENV)
    # 64 random URL-safe characters: long and varied enough for security.W009.
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(48)
    env["DJANGO_SETTINGS_MODULE"] = "clinic.settings"
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed arguments, our own interpreter)
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_reports_nothing_under_production_settings():
    """`manage.py check --deploy --fail-level WARNING` passes with production variables set."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_deploy_check_fails_with_a_weak_secret_key():
    """The check is not toothless: a short, guessable secret key is reported and fails it."""
    env = production_env(DJANGO_SECRET_KEY="too-short")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    """With DEBUG off and no DJANGO_SECRET_KEY, Django exits non-zero and says what is missing."""
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    """With DEBUG off and no DJANGO_ALLOWED_HOSTS, Django exits non-zero and says so."""
    env = production_env()
    del env["DJANGO_ALLOWED_HOSTS"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


SHOW_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS", "SILENCED_SYSTEM_CHECKS",
]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def test_production_settings_turn_on_https_hsts_and_secure_cookies():
    """Production: HTTPS only, HSTS for a year with subdomains, cookies Secure/HttpOnly/SameSite."""
    result = run(["-c", SHOW_SETTINGS], production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for cookie in ("SESSION", "CSRF"):
        assert values[f"{cookie}_COOKIE_SECURE"] is True
        assert values[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert values[f"{cookie}_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"


# Every check, the deployment ones included, with nothing silenced: what would be reported.
UNSILENCED_CHECKS = """
import json
import django
from django.conf import settings
from django.core.checks import WARNING, run_checks
django.setup()
silenced = list(settings.SILENCED_SYSTEM_CHECKS)
settings.SILENCED_SYSTEM_CHECKS = []
found = [m.id for m in run_checks(include_deployment_checks=True) if m.level >= WARNING]
print(json.dumps({"silenced": silenced, "found": found}))
"""


def checks(env: dict[str, str]) -> dict[str, list[str]]:
    result = run(["-c", UNSILENCED_CHECKS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_only_the_two_known_checks_are_silenced_and_each_would_fire():
    """Silenced in production: django-ratelimit's warning that it does not know the site's
    caches (they count atomically: tests/test_file_cache.py, tests/test_redis_cache.py), and
    HSTS preload, a promise the operator makes. Both would be reported, and nothing else is."""
    found = checks(production_env())
    assert sorted(found["silenced"]) == ["django_ratelimit.W001", "security.W021"]
    assert sorted(found["found"]) == sorted(found["silenced"])


def test_with_hsts_preload_on_its_check_is_no_longer_silenced():
    env = production_env(DJANGO_HSTS_PRELOAD="1")
    assert checks(env) == {
        "silenced": ["django_ratelimit.W001"],
        "found": ["django_ratelimit.W001"],
    }
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
