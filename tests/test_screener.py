"""The screener pages: the form at /screener/, its errors, and the result at /screener/result/.

"Today" is frozen at noon in the clinic's time zone (America/New_York), so every date below
is unambiguous.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from clinic.logging import JsonFormatter, ScrubRequestFilter
from screener.models import Screening
from screener.session import SESSION_KEY
from tests.screener_answers import NO_TO_EVERY_QUESTION

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)
NOON = datetime(2025, 6, 15, 12, 0, tzinfo=ZoneInfo("America/New_York"))
START = "/screener/"
RESULT = "/screener/result/"

# Every question answered "no": an eligible patient.
ALL_NO = {"area": "face_neck", **NO_TO_EVERY_QUESTION}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def answers(**changes) -> dict:
    data = {**ALL_NO, **changes}
    return {name: value for name, value in data.items() if value is not None}


# --- A small HTML reader: enough to find elements by attribute and read their text -------------


@dataclass
class Element:
    tag: str
    attrs: dict
    parts: list = field(default_factory=list)
    children: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def find_all(self, tag: str | None = None, **attrs) -> list["Element"]:
        """Descendants with this tag and attributes (True: present, with any value)."""
        found = []
        for child in self.children:
            if _matches(child, tag, attrs):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs) -> "Element | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


def _matches(element: Element, tag: str | None, attrs: dict) -> bool:
    if tag is not None and element.tag != tag:
        return False
    for name, wanted in attrs.items():
        name = name.rstrip("_").replace("_", "-")
        if name not in element.attrs:
            return False
        if wanted is not True and element.attrs[name] != wanted:
            return False
    return True


class _Builder(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value if value is not None else "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        for element in self.stack:
            element.parts.append(data)


def page(response) -> Element:
    builder = _Builder()
    builder.feed(response.content.decode())
    return builder.root


def main(response) -> Element:
    return page(response).find("main")


def checked(doc: Element, name: str) -> list[str]:
    return [el.attrs["value"] for el in doc.find_all("input", name=name) if "checked" in el.attrs]


# --- The form ---------------------------------------------------------------------------------


def test_form_has_every_field_of_the_contract(client):
    """The form posts to itself with the field names and values of SPEC.md's table."""
    response = client.get(START)
    assert response.status_code == 200
    doc = page(response)
    form = doc.find("form", method="post")
    assert form is not None
    radios = {el.attrs["name"]: set() for el in form.find_all("input", type="radio")}
    for el in form.find_all("input", type="radio"):
        radios[el.attrs["name"]].add(el.attrs["value"])
    assert radios.pop("area") == {"face_neck", "decolletage", "hands", "stretch_marks"}
    assert set(radios) == set(ALL_NO) - {"area"}
    assert all(values == {"yes", "no"} for values in radios.values())
    concerns = {
        el.attrs["value"] for el in form.find_all("input", type="checkbox", name="concerns")
    }
    assert concerns == {
        "fine_lines",
        "deep_wrinkles",
        "photoaging",
        "acne_scars",
        "traumatic_scars",
        "stretch_marks",
        "texture_pores",
        "pigmentation",
    }
    for name in ("isotretinoin_date", "radiation_date", "previous_treatment_date"):
        date_input = form.find("input", name=name)
        assert date_input.attrs["type"] == "date"
        assert date_input.attrs["max"] == TODAY.isoformat()


def test_each_question_is_a_fieldset_with_a_legend(client):
    """Ten questions, ten fieldsets, each named by its legend; dates sit in their question's."""
    doc = main(client.get(START))
    fieldsets = doc.find_all("fieldset")
    assert len(fieldsets) == 10
    for fieldset in fieldsets:
        legends = fieldset.find_all("legend")
        assert len(legends) == 1
        # (crispy's asterisk for required fields is hidden by site.css)
        question = legends[0].text.rstrip("*")
        assert question.endswith("?") or question.endswith("(optional)")
    for question in ("isotretinoin", "radiation", "previous_treatment"):
        group = doc.find(data_reveal_for=question)
        assert group is not None
        # Visible without JavaScript: only screener.js hides it.
        assert "hidden" not in group.attrs
        assert group.find("input", name=f"{question}_date") is not None
        owner = [fs for fs in fieldsets if fs.find(data_reveal_for=question)]
        assert len(owner) == 1
        assert owner[0].find("input", name=question) is not None


def test_script_is_a_deferred_file_and_nothing_is_inline(client):
    """CSP forbids inline script: the reveal script is static/js/screener.js, deferred."""
    doc = page(client.get(START))
    scripts = doc.find_all("script")
    assert [s.attrs.get("src") for s in scripts] == ["/static/js/screener.js"]
    assert "defer" in scripts[0].attrs
    assert not doc.find_all(style=True)
    script = Path(django_settings.BASE_DIR, "static/js/screener.js").read_text()
    assert "data-error-summary" in script and ".focus()" in script
    assert "data-reveal-for" in script and "hidden" in script


def test_form_pages_are_never_cached(client):
    """The form, a form with errors and the result all say Cache-Control: no-store."""
    responses = [client.get(START), client.post(START, answers(area=None))]
    client.post(START, answers())
    responses.append(client.get(RESULT))
    for response in responses:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("method", "url"), [("put", START), ("delete", START), ("post", RESULT)])
def test_other_methods_are_refused(client, method, url):
    assert getattr(client, method)(url).status_code == 405


# --- Submitting ---------------------------------------------------------------------------------


def test_valid_answers_redirect_to_the_result(client):
    """POST -> 302 -> GET: the answers never appear in the address, and refreshing is safe."""
    response = client.post(START, answers(cold_sores="yes"))
    assert response.status_code == 302
    assert response["Location"] == RESULT
    first = client.get(RESULT)
    second = client.get(RESULT)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert Screening.objects.count() == 1


def test_a_screening_is_recorded_without_personal_data(client):
    """Only area, outcome, reason codes and the clinic's date are kept of a screening."""
    client.post(
        START,
        answers(
            area="hands",
            concerns=["pigmentation"],
            pregnant="yes",
            isotretinoin="yes",
            isotretinoin_date="2025-05-02",
            radiation="yes",
            radiation_date="2020-01-09",
        ),
    )
    screening = Screening.objects.get()
    assert {f.name for f in Screening._meta.concrete_fields} == {
        "id",
        "completed_on",
        "area",
        "outcome",
        "reasons",
    }
    assert screening.area == "hands"
    assert screening.outcome == "deferred"
    assert screening.reasons == "pregnant,isotretinoin"
    assert screening.completed_on == TODAY


def test_the_clinic_date_is_local_not_utc(client, today):
    """Late in the evening in New York it is already tomorrow in UTC: the record keeps the
    clinic's date."""
    today.move_to(datetime(2025, 6, 15, 22, 30, tzinfo=ZoneInfo("America/New_York")))
    client.post(START, answers())
    assert Screening.objects.get().completed_on == TODAY


def test_the_answers_live_in_the_session(client):
    """The session holds the answers (with the id of their anonymous record)."""
    client.post(START, answers(concerns=["acne_scars"], cold_sores="yes"))
    stored = client.session[SESSION_KEY]
    assert stored["id"] == Screening.objects.get().pk
    assert stored["answers"]["cold_sores"] is True
    assert stored["answers"]["concerns"] == ["acne_scars"]


def test_today_is_a_valid_date(client):
    """A last dose taken today is accepted, and defers for 3 months from today."""
    response = client.post(START, answers(isotretinoin="yes", isotretinoin_date="2025-06-15"))
    assert response.status_code == 302
    doc = main(client.get(RESULT))
    assert doc.find("time", data_eligible_from=True).attrs["datetime"] == "2025-09-15"


@pytest.mark.parametrize(
    "ignored", ["2099-01-01", "1800-01-01", "yesterday", "2024-02-30", "9" * 5000]
)
def test_a_date_sent_with_no_is_ignored(client, ignored):
    """A date with a "no" is not read at all, even when it would be an error with "yes"."""
    response = client.post(START, answers(isotretinoin="no", isotretinoin_date=ignored))
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["answers"]["isotretinoin_date"] is None
    assert main(client.get(RESULT)).find(data_outcome=True).attrs["data-outcome"] == "eligible"


# --- Bad input ----------------------------------------------------------------------------------

# Answers that must survive an error elsewhere: a checked area, concerns, a "yes", a date.
KEPT = {
    "area": "decolletage",
    "concerns": ["fine_lines", "pigmentation"],
    "cold_sores": "yes",
    "previous_treatment": "yes",
    "previous_treatment_date": "2024-01-20",
}

BAD_INPUT = [
    # (case, changes, field in error, element the summary links to, words of the message)
    ("missing area", {"area": None}, "area", "id_area_0", "Select the area"),
    ("missing yes/no", {"pregnant": None}, "pregnant", "id_pregnant_0", "Select yes or no"),
    ("unknown area", {"area": "scalp"}, "area", "id_area_0", "Select one of the areas"),
    ("unknown yes/no", {"keloid": "maybe"}, "keloid", "id_keloid_0", "Select yes or no"),
    ("unknown concern", {"concerns": ["tattoos"]}, "concerns", "id_concerns_0", "Select only"),
    (
        "yes without date",
        {"isotretinoin": "yes"},
        "isotretinoin_date",
        "id_isotretinoin_date",
        "Enter the date of your last isotretinoin dose",
    ),
    (
        "future date",
        {"radiation": "yes", "radiation_date": "2025-06-16"},
        "radiation_date",
        "id_radiation_date",
        "must be today or in the past",
    ),
    (
        "date before 1900",
        {"isotretinoin": "yes", "isotretinoin_date": "1899-12-31"},
        "isotretinoin_date",
        "id_isotretinoin_date",
        "must be in 1900 or later",
    ),
    *[
        (
            f"malformed date {bad!r}",
            {"radiation": "yes", "radiation_date": bad},
            "radiation_date",
            "id_radiation_date",
            "as a real date",
        )
        for bad in ["2024-02-30", "yesterday", "99999-01-01", "15/06/2025", "2025-6-1", "20250601"]
    ],
    ("two areas", {"area": ["face_neck", "hands"]}, "area", "id_area_0", "one answer only"),
    ("two answers", {"infection": ["no", "yes"]}, "infection", "id_infection_0", "one answer"),
    (
        "duplicated concern",
        {"concerns": ["acne_scars", "acne_scars"]},
        "concerns",
        "id_concerns_0",
        "only once",
    ),
    (
        "two dates",
        {"isotretinoin": "yes", "isotretinoin_date": ["2025-01-01", "2025-02-01"]},
        "isotretinoin_date",
        "id_isotretinoin_date",
        "one answer only",
    ),
    ("oversized area", {"area": "face_neck" * 2000}, "area", "id_area_0", "Select one of"),
    (
        "oversized date",
        {"isotretinoin": "yes", "isotretinoin_date": "2025-01-01" * 1000},
        "isotretinoin_date",
        "id_isotretinoin_date",
        "as a real date",
    ),
    ("oversized concern", {"concerns": ["x" * 20000]}, "concerns", "id_concerns_0", "Select only"),
]


@pytest.mark.parametrize(
    ("changes", "field_name", "target", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_shown_beside_its_field(client, changes, field_name, target, message):
    """Status 200, an error summary linking to the field, the message beside it, every other
    answer kept, and nothing saved."""
    data = answers(**{**KEPT, **changes})
    response = client.post(START, data)
    assert response.status_code == 200
    doc = page(response)
    assert doc.find("title").text.startswith("Error:")

    summary = doc.find(data_error_summary=True)
    assert summary is not None
    assert summary.attrs["tabindex"] == "-1"
    assert summary.attrs.get("role") == "alert"
    links = {a.attrs["href"]: a.text for a in summary.find_all("a")}
    assert message in links[f"#{target}"]
    assert doc.find(id=target) is not None, "the summary links to an element that exists"

    beside = doc.find(id=f"id_{field_name}_error")
    assert beside is not None and "invalid-feedback" in beside.attrs["class"]
    assert message in beside.text

    kept = {name: value for name, value in KEPT.items() if name.split("_date")[0] not in changes}
    kept = {name: value for name, value in kept.items() if name != field_name}
    if "area" in kept:
        assert checked(doc, "area") == ["decolletage"]
    if "concerns" in kept:
        assert checked(doc, "concerns") == ["fine_lines", "pigmentation"]
    assert checked(doc, "cold_sores") == ["yes"]
    assert checked(doc, "pregnant") == ([] if "pregnant" in changes else ["no"])
    if "previous_treatment_date" in kept:
        assert doc.find("input", name="previous_treatment_date").attrs["value"] == "2024-01-20"

    assert Screening.objects.count() == 0
    assert SESSION_KEY not in client.session


def test_every_error_is_listed_in_page_order(client):
    """Several errors: one summary entry each, in the order of the questions."""
    response = client.post(START, {"isotretinoin": "yes", "cold_sores": "perhaps"})
    summary = page(response).find(data_error_summary=True)
    targets = [a.attrs["href"] for a in summary.find_all("a")]
    assert targets == [
        "#id_area_0",
        "#id_isotretinoin_date",
        "#id_radiation_0",
        "#id_pregnant_0",
        "#id_keloid_0",
        "#id_infection_0",
        "#id_open_wounds_0",
        "#id_cold_sores_0",
        "#id_previous_treatment_0",
    ]


def test_a_valid_page_has_no_error_summary(client):
    assert page(client.get(START)).find(data_error_summary=True) is None


# --- The result ---------------------------------------------------------------------------------

OUTCOMES = [
    # (answers, outcome, reasons, earliest booking date, may book)
    ({}, "eligible", [], None, True),
    ({"cold_sores": "yes"}, "eligible_with_conditions", ["cold_sores"], None, True),
    (
        {
            "isotretinoin": "yes",
            "isotretinoin_date": "2025-04-30",
            "previous_treatment": "yes",
            "previous_treatment_date": "2025-06-01",
            "cold_sores": "yes",
        },
        "deferred",
        ["isotretinoin", "recent_treatment", "cold_sores"],
        "2025-07-30",
        True,
    ),
    (
        {"pregnant": "yes", "radiation": "yes", "radiation_date": "2025-01-01"},
        "deferred",
        ["pregnant", "radiation"],
        None,
        False,
    ),
    (
        {"infection": "yes", "open_wounds": "yes"},
        "deferred",
        ["infection", "open_wounds"],
        None,
        False,
    ),
    (
        {"keloid": "yes", "pregnant": "yes", "cold_sores": "yes"},
        "not_suitable",
        ["keloid", "pregnant", "cold_sores"],
        None,
        False,
    ),
]


@pytest.mark.parametrize(("changes", "outcome", "reasons", "earliest", "may_book"), OUTCOMES)
def test_result_page_markers(client, changes, outcome, reasons, earliest, may_book):
    """The result carries SPEC.md's markers: the outcome, one element per reason (each with
    an FAQ link), the earliest date, and a way forward: booking or the clinic's contacts."""
    client.post(START, answers(**changes))
    response = client.get(RESULT)
    assert response.status_code == 200
    doc = main(response)

    marked = doc.find_all(data_outcome=True)
    assert [el.attrs["data-outcome"] for el in marked] == [outcome]
    assert marked[0].find("h1") is not None, "the outcome is said in the page's heading"

    elements = doc.find_all(data_reason=True)
    assert [el.attrs["data-reason"] for el in elements] == reasons
    for element in elements:
        faq_links = [a for a in element.find_all("a") if a.attrs["href"].startswith("/faq/")]
        assert len(faq_links) == 1, element.attrs["data-reason"]
        assert "What to do" in element.text

    times = doc.find_all("time", data_eligible_from=True)
    if earliest:
        assert [t.attrs["datetime"] for t in times] == [earliest]
        assert "You can request a booking for a date from" in doc.text
    else:
        assert times == []

    booking = [a for a in doc.find_all("a") if a.attrs["href"] == reverse("bookings:book")]
    contact = doc.find(data_contact=True)
    if may_book:
        assert [a.text for a in booking] == ["Choose a time"]
        assert contact is None
    else:
        assert booking == []
        assert contact is not None
        hrefs = [a.attrs["href"] for a in contact.find_all("a")]
        assert f"mailto:{django_settings.CLINIC_EMAIL}" in hrefs
        assert any(href.startswith("tel:") for href in hrefs)
        assert django_settings.CLINIC_PHONE in contact.text


def test_reason_links_go_to_the_seeded_faq_answers(client):
    """Each reason links to the FAQ answer that explains it, and that page exists."""
    client.post(
        START, answers(keloid="yes", previous_treatment="yes", previous_treatment_date="2025-06-10")
    )
    doc = main(client.get(RESULT))
    for code, slug in [
        ("keloid", "who-should-avoid-it"),
        ("recent_treatment", "how-many-treatments"),
    ]:
        element = doc.find(data_reason=code)
        hrefs = [a.attrs["href"] for a in element.find_all("a")]
        assert reverse("faq:question", args=[slug]) in hrefs
    for href in {a.attrs["href"] for a in doc.find_all("a") if a.attrs["href"].startswith("/faq/")}:
        assert client.get(href).status_code == 200, href


def test_one_date_is_given_for_several_dated_reasons(client):
    """Several dated reasons give one date: the earliest booking date, the latest of them.
    No reason names a date of its own, which would read as a second "from" date."""
    client.post(
        START,
        answers(
            isotretinoin="yes",
            isotretinoin_date="2025-04-30",
            radiation="yes",
            radiation_date="2024-11-30",
        ),
    )
    doc = main(client.get(RESULT))
    assert doc.find("time", data_eligible_from=True).attrs["datetime"] == "2025-11-30"
    assert "July 30, 2025" not in doc.text
    assert doc.text.count("November 30, 2025") == 1
    for code in ("isotretinoin", "radiation"):
        assert "The date above allows for this" in doc.find(data_reason=code).text


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({}, "3 sessions, 4 to 6 weeks apart, then a maintenance session every 3 months"),
        ({"concerns": ["fine_lines"]}, "3 sessions, 4 to 6 weeks apart"),
        ({"concerns": ["acne_scars"]}, "6 to 8 sessions, 6 weeks apart"),
        ({"concerns": ["deep_wrinkles", "pigmentation"]}, "6 to 8 sessions, 6 weeks apart"),
        ({"concerns": ["photoaging"]}, "6 to 8 sessions"),
        ({"area": "stretch_marks"}, "6 to 8 sessions, 6 weeks apart, then a maintenance session"),
    ],
)
def test_course_plan_is_recommended(client, changes, text):
    """The course follows the concerns and area; 28 days is named as the minimum gap."""
    client.post(START, answers(**changes))
    doc = main(client.get(RESULT))
    course = doc.find(data_course=True)
    assert text in course.text
    assert "at least 28 days apart" in doc.text


def test_result_without_a_screening_sends_to_the_screener(client):
    """No screening in this session: back to the questions, with a word on why."""
    response = client.get(RESULT)
    assert response.status_code == 302
    assert response["Location"] == START
    follow = client.get(START)
    notice = main(follow).find(role="status")
    assert notice is not None and "We do not have your answers" in notice.text
    # Shown once only.
    assert main(client.get(START)).find(role="status") is None


def test_result_expires_after_24_hours(client, today):
    """The answers are usable for 24 hours; after that the result page asks for them again."""
    client.post(START, answers())
    today.shift(timedelta(hours=23, minutes=59))
    assert client.get(RESULT).status_code == 200
    today.shift(timedelta(minutes=2))
    assert client.get(RESULT)["Location"] == START


def test_result_is_worked_out_for_the_day_it_is_shown(client, today):
    """A deferral ending tomorrow is over when the page is seen again tomorrow."""
    client.post(START, answers(previous_treatment="yes", previous_treatment_date="2025-05-19"))
    doc = main(client.get(RESULT))
    assert doc.find(data_outcome=True).attrs["data-outcome"] == "deferred"
    assert doc.find("time", data_eligible_from=True).attrs["datetime"] == "2025-06-16"
    today.move_to(datetime(2025, 6, 16, 9, 0, tzinfo=ZoneInfo("America/New_York")))
    doc = main(client.get(RESULT))
    assert doc.find(data_outcome=True).attrs["data-outcome"] == "eligible"


# --- Privacy and abuse ----------------------------------------------------------------------------


@pytest.fixture
def all_logs(caplog):
    """caplog at DEBUG on every logger, including those that do not propagate (django)."""
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if not logger.propagate or logger is logging.getLogger():
            logger.addHandler(caplog.handler)
    yield caplog
    for logger, level in saved:
        logger.setLevel(level)
        if caplog.handler in logger.handlers:
            logger.removeHandler(caplog.handler)


def test_answers_never_reach_the_logs(client, all_logs, capsys, settings):
    """A full journey (an error, a submission, the result, a rate-limited POST) logs none of
    the dates the patient gave.

    (At DEBUG, django.template attaches exceptions whose text quotes the template context; the
    site's JsonFormatter keeps only their frames, which is what is checked here.)
    """
    settings.SCREENER_RATE_LIMIT = "3/m"
    dates = ["2025-04-03", "2024-11-17", "2025-05-29", "2031-02-03"]
    given = answers(
        isotretinoin="yes",
        isotretinoin_date=dates[0],
        radiation="yes",
        radiation_date=dates[1],
        previous_treatment="yes",
        previous_treatment_date=dates[2],
    )
    client.post(START, {**given, "previous_treatment_date": dates[3]})  # future: an error
    response = client.post(START, given)
    assert response.status_code == 302
    assert not any(d in response["Location"] for d in dates)
    client.get(RESULT)
    client.post(START, given)
    assert client.post(START, given).status_code == 429
    assert all_logs.records, "the logs were captured (the 429 at least is logged)"
    # Each record as the site's own handler writes it (scrubbed, then JSON), plus its message.
    scrub, formatter = ScrubRequestFilter(), JsonFormatter()
    written = []
    for record in all_logs.records:
        written.append(record.getMessage())
        scrub.filter(record)
        written.append(formatter.format(record))
    out, err = capsys.readouterr()
    logged = "\n".join(written) + out + err
    for logged_date in dates:
        assert logged_date not in logged


def test_submissions_hide_their_answers_from_error_reports(client):
    """If a submission ever failed, Django's error report would show none of its fields."""
    response = client.post(START, answers())
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_screener_posts_are_rate_limited(client, settings):
    """Past SCREENER_RATE_LIMIT, a POST gets the friendly 429 page; GETs are not counted."""
    settings.SCREENER_RATE_LIMIT = "2/m"
    assert client.post(START, answers()).status_code == 302
    assert client.post(START, answers(area=None)).status_code == 200
    for _ in range(3):
        assert client.get(START).status_code == 200
    response = client.post(START, answers())
    assert response.status_code == 429
    assert "Too many attempts" in main(response).text
    assert Screening.objects.count() == 1


def test_an_empty_rate_limit_turns_it_off(client, settings):
    settings.SCREENER_RATE_LIMIT = ""
    for _ in range(25):
        assert client.post(START, answers()).status_code == 302
