"""One machine without Redis, as deployed: gunicorn with two workers on a SQLite file.

Every worker must show an edit at once (the public pages' version lives in the shared file
cache, not in a worker's memory), read the session another worker wrote, and count a rate
limit once for the site.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.screener_answers import ELIGIBLE_ANSWERS

REPO = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("one-machine")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SQLITE_PATH"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        STATIC_ROOT=str(workdir / "static"),
        CACHE_DIR=str(workdir / "cache"),
        SESSION_DIR=str(workdir / "sessions"),
        SCREENER_RATE_LIMIT="5/m",
        # Each test posts as its own client (X-Forwarded-For), so each has its own rate limit.
        TRUSTED_PROXY_COUNT="1",
    )

    def manage(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    # `migrate` alone prepares everything, the database cache's table included.
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    port = free_port()
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                assert server.poll() is None, (workdir / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base, manage
    finally:  # a server that failed its health check is stopped too
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read().decode()


def many(url: str, times: int = 32) -> list[str]:
    """`times` responses, fetched 8 at a time so that both workers answer."""
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(get, [url] * times))


QUESTION = "from faq.models import Question; question = Question.objects.published().last(); "


def test_an_unpublished_question_disappears_from_every_response_at_once(site):
    base, manage = site
    slug = manage("shell", "-c", QUESTION + "print(question.slug)").strip().splitlines()[-1]
    link = f'href="/faq/{slug}/"'
    assert all(link in page for page in many(f"{base}/faq/"))  # cached by both workers

    manage(
        "shell", "-c", QUESTION + "question.published = False; question.save()"
    )  # as staff do in the admin: save() sends the signal that invalidates

    assert not any(link in page for page in many(f"{base}/faq/"))


def test_a_reworded_question_shows_on_every_response_at_once(site):
    base, manage = site
    many(f"{base}/faq/")
    wording = f"Is microneedling right for me {secrets.token_hex(4)}?"
    manage("shell", "-c", QUESTION + f"question.question = {wording!r}; question.save()")
    assert all(wording in page for page in many(f"{base}/faq/"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def screener_poster(base: str, client_ip: str):
    """An opener that sends the screener's CSRF cookie as `client_ip`, and the form's body."""
    with urllib.request.urlopen(f"{base}/screener/", timeout=10) as form:  # noqa: S310
        html = form.read().decode()
        # The cookie is Secure in production: sent back by hand over this plain HTTP.
        cookie = form.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**ELIGIBLE_ANSWERS, "csrfmiddlewaretoken": token}, doseq=True)
    poster = urllib.request.build_opener(NoRedirect)
    poster.addheaders = [("Cookie", cookie), ("X-Forwarded-For", client_ip)]
    return poster, cookie, body.encode()


def test_a_screening_saved_by_one_worker_is_read_by_every_worker(site):
    base, _manage = site
    poster, csrf_cookie, body = screener_poster(base, "203.0.113.7")
    with pytest.raises(urllib.error.HTTPError) as redirected:  # the 302, not followed
        poster.open(f"{base}/screener/", body, timeout=10)
    assert redirected.value.code == 302
    session_cookie = redirected.value.headers["Set-Cookie"].split(";", 1)[0]

    def result(_: int) -> str:
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{base}/screener/result/", headers={"Cookie": f"{csrf_cookie}; {session_cookie}"}
        )
        with urllib.request.urlopen(request, timeout=10) as page:  # noqa: S310
            return page.read().decode()

    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(result, range(32)))
    assert all('data-outcome="eligible"' in page for page in pages)


def test_the_screener_rate_limit_counts_once_across_workers(site):
    base, _manage = site
    poster, _cookie, body = screener_poster(base, "203.0.113.5")

    def post(_: int) -> int:
        try:
            return poster.open(f"{base}/screener/", body, timeout=10).status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(post, range(20)))
    assert sum(status != 429 for status in statuses) == 5, statuses
    assert set(statuses) <= {302, 429}


@pytest.mark.parametrize("charset", ["latin-1", "no-such-charset"])
def test_under_gunicorn_an_odd_charset_gets_the_sites_own_page(site, charset):
    base, _manage = site
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/screener/",
        data=b"area=face_neck&caf\xe9=1",
        headers={"Content-Type": f"application/x-www-form-urlencoded; charset={charset}"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback)
    assert refused.value.code in (400, 403)  # 403: no CSRF token, the site's own page
    assert "<!doctype html>" in refused.value.read().decode().lower()
