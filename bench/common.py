"""What bench.py and loadtest.py share: a production-like site under gunicorn on loopback, on a
fresh database of its own, and the bits of HTML the clients need to read.

Nothing here touches the developer's db.sqlite3, the test suite's PostgreSQL database or any
Redis database but the one it is given.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
GUNICORN = str(BIN / "gunicorn")

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"

# Answers that pass the screener's validation and make the patient eligible (SPEC.md's table).
# Empty date fields are sent as a browser sends the inputs it always shows.
ELIGIBLE_ANSWERS = {
    "area": "face_neck",
    "concerns": "fine_lines",
    "isotretinoin": "no",
    "isotretinoin_date": "",
    "radiation": "no",
    "radiation_date": "",
    "pregnant": "no",
    "keloid": "no",
    "infection": "no",
    "open_wounds": "no",
    "cold_sores": "no",
    "previous_treatment": "no",
    "previous_treatment_date": "",
}


class RunFailed(Exception):
    """The run itself went wrong (as opposed to a figure missing its target)."""


def say(message: str = "") -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production-like instance: DEBUG off, real secret, loopback host."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the caller's own configuration leaks into the instance under test.
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "EMAIL_"))
        and key not in {"SCREENER_RATE_LIMIT", "BOOKING_RATE_LIMIT", "TRUSTED_PROXY_COUNT"}
    }
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RunFailed(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def flush_redis(url: str) -> None:
    """Empty the one Redis database of this run (its number is in the URL, e.g. /11)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise RunFailed(f"Redis at {url} is not usable: {error}") from error
    finally:
        client.close()


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def recreate_postgres_database(url: str, name: str) -> str:
    """Drop and create database `name` on the server of `url`; return the URL that points at it."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise RunFailed(
            f"Cannot recreate database {name!r} on {parts.hostname}: {error}"
        ) from error
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(parts.path.lstrip("/"))
            )
        )


@dataclass
class Site:
    """A prepared site: its environment (database migrated, static files collected)."""

    env: dict[str, str]
    workdir: Path
    servers: list["Server"] = field(default_factory=list)


SESSION_TMPFS = "/dev/shm"


@contextmanager
def prepared_site(
    *, database_url: str = "", redis_url: str = "", **env_overrides: str
) -> Iterator[Site]:
    """A migrated database of its own (a temp SQLite file, or `database_url` as given; "sqlite"
    names the temp file with DATABASE_URL=sqlite:///...), its static files collected into a
    temp STATIC_ROOT, its own file cache and session folders, and an empty Redis database
    (none when `redis_url` is empty)."""
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    try:
        overrides = {
            "STATIC_ROOT": str(workdir / "static"),
            "CACHE_DIR": str(workdir / "cache"),
            # On a tmpfs where there is one, as the README's deployment section recommends.
            "SESSION_DIR": str(
                Path(SESSION_TMPFS if Path(SESSION_TMPFS).is_dir() else workdir)
                / f"{workdir.name}-sessions"
            ),
            **env_overrides,
        }
        if redis_url:
            overrides["REDIS_URL"] = redis_url
        if database_url == "sqlite":
            overrides["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
        elif database_url:
            overrides["DATABASE_URL"] = database_url
        else:
            overrides["SQLITE_PATH"] = str(workdir / "db.sqlite3")
        env = production_env(**overrides)
        if redis_url:
            flush_redis(redis_url)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        site = Site(env=env, workdir=workdir)
        try:
            yield site
        finally:
            for server in site.servers:
                server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(Path(SESSION_TMPFS) / f"{workdir.name}-sessions", ignore_errors=True)


class Server:
    """gunicorn serving the site on a loopback port, with gunicorn.conf.py (as in production)."""

    def __init__(self, site: Site, *, name: str = "gunicorn", workers: int = 2, **env: str):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = site.workdir / f"{name}-{self.port}.log"
        self.env = {**site.env, **env}
        self.workers = workers
        self.process: subprocess.Popen | None = None
        site.servers.append(self)

    def start(self) -> "Server":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RunFailed(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RunFailed(f"gunicorn did not become healthy in 30 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def count_in_log(self, pattern: str) -> int:
        try:
            return len(re.findall(pattern, self.log_path.read_text(errors="replace")))
        except OSError:
            return 0


# --- Reading pages ------------------------------------------------------------------------------

STYLESHEET_RE = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
CSRF_INPUT_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE_RE = re.compile(r'data-reference="([^"]+)"')
OUTCOME_RE = re.compile(r'data-outcome="([a-z_]+)"')


def stylesheet_url(html: str) -> str:
    found = STYLESHEET_RE.search(html)
    if not found:
        raise RunFailed("The page links no stylesheet.")
    return found.group(1)


def csrf_token(html: str) -> str:
    found = CSRF_INPUT_RE.search(html)
    if not found:
        raise RunFailed("The form carries no CSRF token.")
    return found.group(1)


def booking_reference(html: str) -> str | None:
    found = REFERENCE_RE.search(html)
    return found.group(1) if found else None


def outcome(html: str) -> str | None:
    found = OUTCOME_RE.search(html)
    return found.group(1) if found else None
