"""Two instances, one database, many patients at once: `make loadtest`.

Two gunicorn instances (gunicorn.conf.py, production settings) on different loopback ports
share one PostgreSQL database (`clinic_loadtest`, dropped and created for the run on the
server of DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and one Redis
database (LOADTEST_REDIS_URL, default redis://127.0.0.1:6379/12, emptied by the run). They
sit behind a simulated load balancer: TRUSTED_PROXY_COUNT=1, and every request carries
X-Forwarded-For (a distinct made-up address per patient; no traffic goes there) and
X-Forwarded-Proto: https. The mail server is down (a closed port).

Then, all at once, LOADTEST_JOURNEYS (default 240) patients each go through the whole site,
every step on the other instance from the one before (so sessions and CSRF tokens must be
shared): GET /screener/, POST answers, GET the result, GET /booking/, POST the booking form,
and read the reference on the confirmation page. One patient in eight answers that rules out
a booking and must be turned away from /booking/ with nothing saved; one in ten sends the
booking form twice at once, to both instances (a double click), which must make one request.

It checks, and prints with counts: no 5xx; every patient who may book saw a reference; every
reference a patient saw exists exactly once in the database, and no request exists that no
patient saw; the turned-away patients saved nothing; the screener's rate limit
(SCREENER_RATE_LIMIT=10/m) is counted across both instances; with the mail server down every
request is saved with its two e-mails waiting in the outbox (none sent inside a request); two
`manage.py send_due_messages` started at once with a mail server up (aiosmtpd) send them all,
one e-mail to the patient and one to the clinic per request, each once, and a third run sends
nothing. It exits non-zero if any check fails.
"""

import asyncio
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import httpx
from common import (
    DEFAULT_POSTGRES_URL,
    ELIGIBLE_ANSWERS,
    RunFailed,
    Server,
    booking_reference,
    csrf_token,
    drop_postgres_database,
    free_port,
    is_postgres,
    manage,
    outcome,
    prepared_site,
    recreate_postgres_database,
    say,
)

DATABASE_NAME = "clinic_loadtest"
CLINIC_EMAIL = "appointments@clinic.example"
SCREENER_LIMIT = 10  # per minute and client address, counted in Redis by both instances
HOST = "127.0.0.1"  # the Host the load balancer passes on (DJANGO_ALLOWED_HOSTS)


# --- One patient ----------------------------------------------------------------------------------


@dataclass
class Kind:
    """A kind of patient: their answers and what the site must make of them."""

    name: str
    answers: dict[str, str]
    outcome: str
    may_book: bool


def patient_kinds(today: date) -> list[Kind]:
    """The mix of patients: mostly ones who may book, each way they can, and some who may not."""
    recent = (today - timedelta(days=10)).isoformat()  # deferred until 18 days from now
    with_conditions = Kind(
        "with conditions",
        {**ELIGIBLE_ANSWERS, "cold_sores": "yes"},
        "eligible_with_conditions",
        True,
    )
    deferred_with_date = Kind(
        "deferred with a date",
        {**ELIGIBLE_ANSWERS, "previous_treatment": "yes", "previous_treatment_date": recent},
        "deferred",
        True,
    )
    return [
        Kind("eligible", ELIGIBLE_ANSWERS, "eligible", True),
        with_conditions,
        deferred_with_date,
        Kind("eligible", {**ELIGIBLE_ANSWERS, "area": "hands"}, "eligible", True),
        Kind("eligible", {**ELIGIBLE_ANSWERS, "concerns": "acne_scars"}, "eligible", True),
        with_conditions,
        deferred_with_date,
        Kind("not suitable", {**ELIGIBLE_ANSWERS, "keloid": "yes"}, "not_suitable", False),
    ]


def fake_address(number: int) -> str:
    """A made-up client address from 198.18.0.0/15 (set aside for benchmarks), only ever
    written in a header: the load balancer's X-Forwarded-For."""
    return f"198.18.{number // 250}.{number % 250 + 1}"


@dataclass
class Journey:
    number: int
    kind: Kind
    address: str
    cookies: dict[str, str] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)
    ports_used: set[int] = field(default_factory=set)
    reference: str | None = None
    email: str = ""
    problem: str | None = None
    double_submit: bool = False
    raced: bool = False


class Browser:
    """One patient's browser behind the load balancer: its own cookies, its own address."""

    def __init__(self, journey: Journey, ports: list[int], client: httpx.AsyncClient):
        self.journey = journey
        self.ports = ports
        self.client = client
        self.step = 0

    async def request(self, method: str, path: str, data: dict | None = None) -> httpx.Response:
        # Each step goes to the other instance, as a round-robin load balancer may send it.
        port = self.ports[(self.journey.number + self.step) % len(self.ports)]
        self.step += 1
        headers = {
            "Host": HOST,
            "X-Forwarded-For": self.journey.address,
            "X-Forwarded-Proto": "https",
        }
        if self.journey.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.journey.cookies.items())
        if method == "POST":
            headers["Origin"] = f"https://{HOST}"
        response = await self.client.request(
            method, f"http://127.0.0.1:{port}{path}", data=data, headers=headers
        )
        self.journey.statuses.append(response.status_code)
        self.journey.ports_used.add(port)
        self._keep_cookies(response)
        return response

    def _keep_cookies(self, response: httpx.Response) -> None:
        # The cookies are Secure (the site is HTTPS behind the balancer), so they are kept by
        # hand rather than by httpx, which would not send them over this loopback HTTP.
        for header in response.headers.get_list("set-cookie"):
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.journey.cookies.pop(name, None)
                else:
                    self.journey.cookies[name] = morsel.value


def expect(condition: bool, problem: str) -> None:
    if not condition:
        raise AssertionError(problem)


def location(response: httpx.Response) -> str:
    return urlsplit(response.headers.get("location", "")).path


async def patient_journey(journey: Journey, ports: list[int], preferred: date) -> None:
    async with httpx.AsyncClient(timeout=120, follow_redirects=False) as client:
        browser = Browser(journey, ports, client)
        try:
            form = await browser.request("GET", "/screener/")
            expect(form.status_code == 200, f"GET /screener/ answered {form.status_code}")
            answers = {**journey.kind.answers, "csrfmiddlewaretoken": csrf_token(form.text)}
            sent = await browser.request("POST", "/screener/", answers)
            expect(
                sent.status_code == 302 and location(sent) == "/screener/result/",
                f"the screener POST answered {sent.status_code} {location(sent)}",
            )
            result = await browser.request("GET", "/screener/result/")
            expect(result.status_code == 200, f"the result answered {result.status_code}")
            expect(
                outcome(result.text) == journey.kind.outcome,
                f"outcome {outcome(result.text)}, expected {journey.kind.outcome}",
            )

            booking_form = await browser.request("GET", "/booking/request/")
            if not journey.kind.may_book:
                expect(
                    booking_form.status_code == 302,
                    "GET /booking/request/ let a patient who may not book in "
                    f"({booking_form.status_code})",
                )
                token = csrf_token(form.text)
            else:
                expect(
                    booking_form.status_code == 200,
                    f"GET /booking/request/ answered {booking_form.status_code}",
                )
                token = csrf_token(booking_form.text)
            journey.email = f"patient{journey.number}@example.com"
            details = {
                "full_name": f"Load Test Patient {journey.number}",
                "email": journey.email,
                "phone": f"207 555 {journey.number:04d}",
                "preferred_date": preferred.isoformat(),
                "preferred_time": ("morning", "afternoon", "evening")[journey.number % 3],
                "notes": "",
                "consent": "on",
                "confirm": "yes",  # skip the "check your details" page: one POST
                "csrfmiddlewaretoken": token,
            }
            if journey.double_submit:
                # The same form sent twice at once (a double click), to both instances.
                booked, again = await asyncio.gather(
                    browser.request("POST", "/booking/request/", details),
                    browser.request("POST", "/booking/request/", details),
                )
                outcomes = sorted([location(booked), location(again)])
                expect(
                    booked.status_code == again.status_code == 302
                    and "/booking/confirmation/" in outcomes
                    and set(outcomes) <= {"/booking/confirmation/", "/screener/"},
                    f"a double submit answered {booked.status_code} {location(booked)} and "
                    f"{again.status_code} {location(again)}",
                )
                # Both confirmed: the two raced through the gate and the database kept one.
                journey.raced = outcomes == ["/booking/confirmation/"] * 2
                if location(booked) != "/booking/confirmation/":
                    booked = again
            else:
                booked = await browser.request("POST", "/booking/request/", details)
            if not journey.kind.may_book:
                expect(
                    booked.status_code == 302 and location(booked) != "/booking/confirmation/",
                    f"a patient who may not book POSTed the form: {booked.status_code} "
                    f"{location(booked)}",
                )
                return
            expect(
                booked.status_code == 302 and location(booked) == "/booking/confirmation/",
                f"the booking POST answered {booked.status_code} {location(booked)}",
            )
            confirmation = await browser.request("GET", "/booking/confirmation/")
            expect(
                confirmation.status_code == 200,
                f"the confirmation answered {confirmation.status_code}",
            )
            journey.reference = booking_reference(confirmation.text)
            expect(journey.reference is not None, "the confirmation shows no reference")
        except (AssertionError, RunFailed, httpx.HTTPError) as problem:
            journey.problem = f"{type(problem).__name__}: {problem}"


async def run_journeys(ports: list[int], count: int) -> list[Journey]:
    today = date.today()
    kinds = patient_kinds(today)
    preferred = today + timedelta(days=30)  # after every kind's earliest date
    journeys = [
        Journey(
            number=i,
            kind=kinds[i % len(kinds)],
            address=fake_address(i),
            # One patient in ten sends the booking form twice at once.
            double_submit=kinds[i % len(kinds)].may_book and i % 10 == 3,
        )
        for i in range(count)
    ]
    await asyncio.gather(*(patient_journey(j, ports, preferred) for j in journeys))
    return journeys


async def run_double_clicks(ports: list[int], first_number: int, count: int) -> list[Journey]:
    """Patients who send the booking form twice at once, one patient at a time: with the site
    otherwise idle both requests are handled together, one on each instance, and race."""
    kind = patient_kinds(date.today())[0]
    preferred = date.today() + timedelta(days=30)
    journeys = []
    for number in range(first_number, first_number + count):
        journey = Journey(number, kind, fake_address(number), double_submit=True)
        await patient_journey(journey, ports, preferred)
        journeys.append(journey)
    return journeys


# --- The rate limit, across instances -----------------------------------------------------------


async def rate_limit_attempt(ports: list[int], address: str) -> list[tuple[int, int]]:
    """SCREENER_LIMIT + 2 screener POSTs from one address, alternating between the instances.
    Returns (port, status) for each."""
    journey = Journey(number=0, kind=patient_kinds(date.today())[0], address=address)
    async with httpx.AsyncClient(timeout=60) as client:
        browser = Browser(journey, ports, client)
        form = await browser.request("GET", "/screener/")
        answers = {**ELIGIBLE_ANSWERS, "csrfmiddlewaretoken": csrf_token(form.text)}
        results = []
        for i in range(SCREENER_LIMIT + 2):
            browser.step = i  # strictly alternate
            response = await browser.request("POST", "/screener/", answers)
            results.append((ports[i % len(ports)], response.status_code))
        return results


# --- Checks ------------------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.failures = 0

    def check(self, passed: bool, text: str) -> None:
        if not passed:
            self.failures += 1
        say(f"   {'PASS' if passed else 'FAIL'}  {text}")


def database_rows(database_url: str) -> list[tuple]:
    import psycopg

    url = urlsplit(database_url)._replace(scheme="postgresql").geturl()
    with psycopg.connect(url) as conn:
        # post_office's statuses: 0 sent, 2 queued.
        return conn.execute(
            "SELECT b.reference, b.email, count(e.id), count(e.id) FILTER (WHERE e.status = 2),"
            " count(e.id) FILTER (WHERE e.status = 0)"
            " FROM bookings_bookingrequest b LEFT JOIN bookings_message m ON m.booking_id = b.id"
            " LEFT JOIN post_office_email e ON e.id = m.email_id GROUP BY b.id"
        ).fetchall()


def command_summary(output: str) -> str:
    """The command's own line, among the JSON log lines that share its stdout."""
    lines = [line for line in output.splitlines() if line.startswith("Sent ")]
    return lines[-1] if lines else output.strip()


class CountingHandler:
    """aiosmtpd handler that keeps who each message was for."""

    def __init__(self) -> None:
        self.recipients: list[str] = []
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def main() -> int:
    journeys_wanted = int(os.environ.get("LOADTEST_JOURNEYS", "240"))
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/12")
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL
    if not is_postgres(server_url):
        say(f"DATABASE_URL must point at PostgreSQL (got {server_url!r}).")
        return 1

    report = Report()
    say("Load test: two instances, one PostgreSQL database, one Redis, the mail server down")
    try:
        database_url = recreate_postgres_database(server_url, DATABASE_NAME)
    except RunFailed as failure:
        say(f"The load test could not run: {failure}")
        return 1
    closed_port = free_port()  # nothing listens here: the mail server is down
    try:
        with prepared_site(
            database_url=database_url,
            redis_url=redis_url,
            TRUSTED_PROXY_COUNT="1",
            SCREENER_RATE_LIMIT=f"{SCREENER_LIMIT}/m",
            BOOKING_RATE_LIMIT="5/m",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(closed_port),
            EMAIL_TIMEOUT="2",
            CLINIC_EMAIL=CLINIC_EMAIL,
            DEFAULT_FROM_EMAIL=CLINIC_EMAIL,
        ) as site:
            servers = [
                Server(site, name="instance-a").start(),
                Server(site, name="instance-b").start(),
            ]
            ports = [server.port for server in servers]
            say(f"   instances on ports {ports[0]} and {ports[1]}, 2 workers each")

            started = time.monotonic()
            crowd = asyncio.run(run_journeys(ports, journeys_wanted))
            elapsed = time.monotonic() - started
            double_clicks = asyncio.run(run_double_clicks(ports, journeys_wanted + 200, 20))
            journeys = crowd + double_clicks
            statuses = Counter(status for j in journeys for status in j.statuses)
            say(
                f"\n== {len(crowd)} concurrent patient journeys in {elapsed:.1f} s, then "
                f"{len(double_clicks)} alone who double-click the booking form "
                f"({sum(statuses.values())} requests: "
                + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
                + ")"
            )
            problems = [j for j in journeys if j.problem]
            for journey in problems[:10]:
                say(f"   journey {journey.number} ({journey.kind.name}): {journey.problem}")
            bookable = [j for j in journeys if j.kind.may_book]
            turned_away = [j for j in journeys if not j.kind.may_book]
            shown = [j.reference for j in bookable if j.reference]
            server_errors = sum(n for code, n in statuses.items() if code >= 500)
            logged_errors = sum(s.count_in_log(r'"status_code": 5\d\d') for s in servers)
            report.check(
                server_errors == 0 and logged_errors == 0,
                f"no 5xx: {server_errors} answered, {logged_errors} in the instances' logs",
            )
            report.check(
                all(len(j.ports_used) == 2 for j in journeys),
                f"every journey used both instances "
                f"({sum(len(j.ports_used) == 2 for j in journeys)} of {len(journeys)})",
            )
            report.check(
                not problems,
                f"every journey went as expected "
                f"({len(journeys) - len(problems)} of {len(journeys)})",
            )
            report.check(
                len(shown) == len(bookable),
                f"every patient who may book was shown a reference "
                f"({len(shown)} of {len(bookable)})",
            )
            doubled = [j for j in journeys if j.double_submit]
            report.check(
                all(j.reference and not j.problem for j in doubled),
                f"a booking form sent twice at once, to both instances, made one request and "
                f"showed its reference ({sum(bool(j.reference) for j in doubled)} of "
                f"{len(doubled)}; {sum(j.raced for j in doubled)} raced past the gate together)",
            )
            report.check(
                not any(j.reference for j in turned_away),
                f"patients who may not book were turned away ({len(turned_away)})",
            )

            rows = database_rows(database_url)
            in_database = Counter(row[0] for row in rows)
            shown_counts = Counter(shown)
            report.check(
                all(in_database[ref] == 1 for ref in shown) and len(set(shown)) == len(shown),
                f"every reference shown exists exactly once in the database ({len(shown)} shown, "
                f"{sum(1 for ref in shown if in_database[ref] == 1)} found once)",
            )
            unseen = [ref for ref in in_database if ref not in shown_counts]
            report.check(
                not unseen,
                f"no request exists that no patient was shown ({len(rows)} in the database, "
                f"{len(unseen)} never shown)",
            )
            unsent = [row for row in rows if row[2] == row[3] == 2]
            report.check(
                len(unsent) == len(rows) > 0,
                f"with the mail server down every request is saved with its two e-mails waiting "
                f"in the outbox ({len(unsent)} of {len(rows)})",
            )

            say("\n== The screener's rate limit, across both instances")
            for attempt in range(2):
                address = fake_address(journeys_wanted + 100 + attempt)
                results = asyncio.run(rate_limit_attempt(ports, address))
                accepted = [status for _, status in results[:SCREENER_LIMIT]]
                over = results[SCREENER_LIMIT:]
                say(f"   {address}: " + " ".join(f"{status}@{port}" for port, status in results))
                passed = all(status == 302 for status in accepted) and all(
                    status == 429 for _, status in over
                )
                if passed or attempt == 1:
                    break
                # A rate-limit window can close in the middle of an attempt: try once more.
                say("   (the limit's window may have rolled over during the attempt: once more)")
            report.check(
                passed and {port for port, _ in over} == set(ports),
                f"{SCREENER_LIMIT} POSTs from one address accepted across both instances, the "
                f"next refused with 429 on each instance ({len(over)} refused)",
            )

            say("\n== The mail server comes back: two manage.py send_due_messages at once")
            from aiosmtpd.controller import Controller

            handler = CountingHandler()
            smtp_port = free_port()
            controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
            controller.start()
            try:
                mail_env = {**site.env, "EMAIL_PORT": str(smtp_port)}
                with ThreadPoolExecutor(2) as pool:
                    runs = [pool.submit(manage, mail_env, "send_due_messages") for _ in range(2)]
                    first = " / ".join(command_summary(run.result()) for run in runs)
                second = command_summary(manage(mail_env, "send_due_messages"))
            finally:
                controller.stop()
            say(f"   two runs at once: {first}")
            say(f"   a third run: {second}")
            patients = Counter(handler.recipients)
            expected_patients = {row[1] for row in rows}
            report.check(
                handler.messages == 2 * len(rows)
                and patients[CLINIC_EMAIL] == len(rows)
                and all(patients[email] == 1 for email in expected_patients),
                f"every request's two e-mails were sent once ({handler.messages} messages for "
                f"{len(rows)} requests: {patients[CLINIC_EMAIL]} to the clinic, "
                f"{sum(patients[e] for e in expected_patients)} to patients)",
            )
            rows_after = database_rows(database_url)
            still_unsent = [row for row in rows_after if row[4] != 2]
            report.check(
                not still_unsent and second.startswith("Sent 0."),
                f"nothing is left unsent and a third run sends nothing ({len(still_unsent)} left)",
            )
    except RunFailed as failure:
        say(f"\nThe load test could not run: {failure}")
        return 1
    finally:
        try:
            drop_postgres_database(database_url)
        except Exception as error:  # cleanup only: the result stands
            say(f"(could not drop {DATABASE_NAME}: {error})")

    verdict = f"{report.failures} check(s) FAILED." if report.failures else "All checks passed."
    say(f"\n{verdict}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
