"""The site in English and Spanish (SPEC.md, "Languages: English and Spanish").

English pages keep their addresses; Spanish ones are the same under /es/. Every Spanish page says
so (<html lang="es">), links to its English twin and back (hreflang), and shows no word of the
English catalogue (the FAQ's database content, translated in the admin, excepted). The screener
gives the same outcomes in both; errors are Spanish on Spanish pages; a booking made in Spanish
gets its e-mails in Spanish, also those sent days later; dates are written the Spanish way.

The clock is frozen on Monday 9 March 2026, 10:00 in New York (tests/test_book_time.py's
week): the seeded "Clinician" has free times from Tuesday.
"""

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import formats, translation
from icalendar import Calendar
from post_office.models import Email

from bookings.models import BookingRequest, Message
from clinic import urls as clinic_urls
from clinic.languages import page_languages, path_in_language
from clinic.page_cache import PAGE_KEY_PREFIX
from faq.models import Category, HelpBlock, Question, RecoveryStage
from tests.appointment_helpers import (  # noqa: F401 (fixture)
    links_in,
    make_booking,
    outbox_keeps_the_test_transaction,
    schedule,
    send_due,
    set_status,
)
from tests.booking_helpers import answers, screen
from tests.screener_answers import ELIGIBLE_ANSWERS, NO_TO_EVERY_QUESTION

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("outbox_keeps_the_test_transaction"),
]

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 9, 10, tzinfo=NY)
PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Spanish writes these as English does.
SAME_IN_SPANISH = {"No", "Error:", "Cookies"}


@pytest.fixture(autouse=True)
def _clock(time_machine, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BOOKING_RATE_LIMIT = ""
    settings.SCREENER_RATE_LIMIT = ""
    settings.SITE_URL = "https://clinic.example"
    time_machine.move_to(NOW, tick=False)


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


# --- The catalogue ------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def po_entries(po_text: str) -> list[dict]:
    """The catalogue's entries: msgctxt, msgid, msgid_plural, msgstr (a list), flags."""
    entries = []
    for block in po_text.strip().split("\n\n"):
        entry: dict = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line
            ):
                key, value = match.group(1), _unquote(match.group(2))
                if key.startswith("msgstr"):
                    entry["msgstr"].append(value)
                    current = ("msgstr", len(entry["msgstr"]) - 1)
                else:
                    entry[key] = value
                    current = (key, None)
            elif match := re.match(r'^"(.*)"$', line):
                key, index = current
                if index is None:
                    entry[key] += _unquote(match.group(1))
                else:
                    entry[key][index] += _unquote(match.group(1))
        if "msgid" in entry:
            entries.append(entry)
    return entries


CATALOGUE = [entry for entry in po_entries(PO.read_text()) if entry["msgid"]]
MSGIDS = {entry["msgid"] for entry in CATALOGUE} | {
    entry["msgid_plural"] for entry in CATALOGUE if entry["msgid_plural"]
}


def test_every_msgid_has_its_spanish_and_none_is_fuzzy():
    header = po_entries(PO.read_text())[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: es" in header["msgstr"][0]
    assert len(CATALOGUE) > 500
    for entry in CATALOGUE:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert entry["msgstr"] and all(entry["msgstr"]), entry["msgid"]
        if entry["msgid"] not in SAME_IN_SPANISH:
            assert entry["msgstr"][0] != entry["msgid"], entry["msgid"]


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}", text))


def test_every_translation_keeps_the_placeholders_and_links_of_its_msgid():
    for entry in CATALOGUE:
        for msgstr in entry["msgstr"]:
            assert placeholders(msgstr) == placeholders(
                entry["msgid_plural"] or entry["msgid"]
            ) or placeholders(msgstr) == placeholders(entry["msgid"]), entry["msgid"]
            assert msgstr.count("<a ") == entry["msgid"].count("<a "), entry["msgid"]
            assert re.findall(r"data-[a-z-]+", msgstr) == re.findall(
                r"data-[a-z-]+", entry["msgid"]
            ), entry["msgid"]


def test_the_committed_mo_is_the_po_compiled():
    """The site reads the .mo (committed, so that running it needs no GNU gettext): it must
    hold exactly what the .po says. After editing the .po, `make messages`."""
    import gettext

    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = dict(compiled._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    expected = {}
    for entry in CATALOGUE:
        key = (
            entry["msgid"]
            if entry["msgctxt"] is None
            else f"{entry['msgctxt']}\x04{entry['msgid']}"
        )
        if entry["msgid_plural"]:
            for index, msgstr in enumerate(entry["msgstr"]):
                expected[(key, index)] = msgstr
        else:
            expected[key] = entry["msgstr"][0]
    assert catalog == expected


def test_every_named_date_format_exists_in_each_language():
    """A format name no module defines would be read as a format string, and print nonsense."""
    from clinic.formats.en import formats as english

    names = [name for name in dir(english) if name.endswith("_FORMAT")]
    assert names
    for code, _name in settings.LANGUAGES:
        for name in names:
            assert formats.get_format(name, lang=code) != name, (code, name)


# --- Settings and addresses --------------------------------------------------------------------


def test_languages_and_middleware_are_where_django_wants_them():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "es"]
    assert Path(settings.LOCALE_PATHS[0]) == Path(settings.BASE_DIR) / "locale"
    middleware = settings.MIDDLEWARE
    locale = middleware.index("django.middleware.locale.LocaleMiddleware")
    assert middleware.index("clinic.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")
    # The URL's language is active before the page cache serves anything.
    assert middleware.index("clinic.languages.LanguageMiddleware") < middleware.index(
        "clinic.page_cache.PublicPageCacheMiddleware"
    )


ENGLISH_ADDRESSES = {
    "home": "/",
    "aftercare": "/aftercare/",
    "privacy": "/privacy/",
    "faq:index": "/faq/",
    "screener:start": "/screener/",
    "screener:result": "/screener/result/",
    "bookings:book": "/booking/",
    "bookings:request": "/booking/request/",
    "bookings:confirmation": "/booking/confirmation/",
    "bookings:notify": "/screener/notify/",
}


@pytest.mark.parametrize(("name", "english"), ENGLISH_ADDRESSES.items())
def test_english_addresses_stay_as_they_are_and_spanish_ones_are_under_es(name, english):
    assert reverse(name) == english
    with translation.override("es"):
        assert reverse(name) == "/es" + english


@pytest.mark.parametrize(
    "url", ["/es/admin/", "/es/healthz", "/es/diary/feed/abcdefghijklmnop.ics"]
)
def test_the_admin_the_health_check_and_the_feeds_have_no_spanish_address(client, url):
    assert client.get(url).status_code == 404


def test_the_admin_stays_english_for_a_patient_who_chose_spanish(client):
    client.get("/es/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/admin/login/").content.decode()
    assert '<html lang="en"' in page
    assert client.get("/healthz").status_code == 200


def test_a_request_leaves_no_language_behind_it(client):
    client.get("/es/faq/")
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_path_in_language_swaps_only_the_prefix():
    assert path_in_language("/faq/downtime/", "es") == "/es/faq/downtime/"
    assert path_in_language("/es/faq/downtime/", "en") == "/faq/downtime/"
    assert path_in_language("/es/", "en") == "/"
    assert path_in_language("/", "es") == "/es/"
    assert page_languages("/admin/") == []


# --- The choice kept --------------------------------------------------------------------------


def test_a_spanish_page_remembers_spanish_and_the_home_address_then_opens_in_it():
    browser = Client()
    assert settings.LANGUAGE_COOKIE_NAME not in browser.get("/").cookies
    response = browser.get("/es/faq/")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["max-age"] == ""  # kept until the browser closes: the session's length
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    home = browser.get("/")
    assert home.status_code == 302 and home["Location"] == "/es/"
    assert "Cookie" in home["Vary"]
    assert "no-store" in home["Cache-Control"]
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"]
    assert browser.get("/", headers={"host": "evil.example"}).status_code == 400
    # Other English addresses keep their own language: a link is what it says.
    assert '<html lang="en">' in browser.get("/faq/").content.decode()


def test_the_switch_link_chooses_a_language_and_shows_the_same_page_in_it():
    browser = Client()
    browser.get("/es/")
    page = browser.get("/es/faq/").content.decode()
    switch = re.search(
        r'<a href="([^"]+)" hreflang="en" lang="en" data-language-switch="en">English</a>', page
    )
    assert switch, "no visible switch to English"
    response = browser.get(switch.group(1).replace("&amp;", "&"))
    assert response.status_code == 302 and response["Location"] == "/faq/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert browser.get("/").status_code == 200  # English now: no redirect

    page = browser.get("/faq/?q=acne").content.decode()
    switch = re.search(
        r'<a href="([^"]+)" hreflang="es" lang="es" data-language-switch="es">Español</a>', page
    )
    response = browser.get(switch.group(1).replace("&amp;", "&"))
    assert response["Location"] == "/es/faq/?q=acne"  # the same page, query and all


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_the_switch_never_leads_off_the_site(client, unsafe):
    response = client.get("/language/es/", {"next": unsafe})
    assert response["Location"] == "/es/"


def test_the_switch_knows_only_the_sites_languages(client):
    assert client.get("/language/fr/?next=/").status_code == 404


# --- Every Spanish page -------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The words a patient sees (and hears from a screen reader): text nodes, the title, button
    values, aria-labels. Subtrees marked in another language (lang="en": content awaiting
    translation) are left out."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self, page_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        other_language = attributes.get("lang") not in (None, self.page_language)
        if not (self.skipping or other_language):
            if attributes.get("aria-label"):
                self.texts.append(attributes["aria-label"])
            if tag == "input" and attributes.get("type") in ("submit", "button"):
                self.texts.append(attributes.get("value") or "")
        if tag not in self.VOID:
            self.stack.append((tag, other_language or tag in ("script", "style")))

    def handle_endtag(self, tag):
        # Up to the element it closes (HTML lets some end tags be left out); a stray one is ignored.
        if any(open_tag == tag for open_tag, _skipped in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str, language: str = "es") -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    return parser.texts


def database_texts() -> set[str]:
    """The FAQ's content (staff's, in the database): shown as it is until translated there."""
    from clinic.selectors import clinic_details

    fragments = []
    for question in Question.objects.all():
        fragments += [question.question, question.answer_html]
    fragments += [category.title for category in Category.objects.all()]
    for stage in RecoveryStage.objects.all():
        fragments += [stage.title, stage.what_to_expect_html]
    for block in HelpBlock.objects.all():
        fragments += [block.title, block.body_html(clinic_details())]
    texts = set()
    for fragment in fragments:
        texts.update(visible_texts(fragment, "en"))
    return texts


ENGLISH_WORDS = {
    "the",
    "your",
    "you",
    "and",
    "please",
    "with",
    "this",
    "our",
    "we",
    "for",
    "is",
    "are",
    "if",
}


def english_left(html: str, language: str = "es") -> list[str]:
    """Text on a Spanish page that is still English: a msgid of the catalogue, or a sentence
    in English words. The FAQ's own content is excepted."""
    content = database_texts()
    left = []
    for text in visible_texts(html, language):
        bare = text.strip(" :·\u203a")  # the breadcrumb's separator
        if bare in content or text in content:
            continue
        is_msgid = (text in MSGIDS or bare in MSGIDS) and text not in SAME_IN_SPANISH
        english_words = set(re.findall(r"[a-z]+", text.lower())) & ENGLISH_WORDS
        if is_msgid or len(english_words) >= 3:
            left.append(text)
    return left


def assert_spanish_page(response, *, twin: str | None = None) -> str:
    """A Spanish page: its language said, its English twin linked (hreflang), nothing English."""
    assert response.status_code in (200, 400, 404, 410, 429, 500), response.status_code
    html = response.content.decode()
    spanish_path = response.wsgi_request.path
    assert spanish_path.startswith("/es/")
    english_path = twin or path_in_language(spanish_path, "en")
    assert re.search(r'<html lang="es">', html)
    assert f'<link rel="alternate" hreflang="en" href="https://clinic.example{english_path}' in html
    assert f'<link rel="alternate" hreflang="es" href="https://clinic.example{spanish_path}' in html
    assert response["Content-Language"] == "es"
    assert english_left(html) == [], spanish_path
    return html


def assert_english_twin(english_path: str) -> None:
    """The English page links to the Spanish one (read by a browser that has not chosen)."""
    html = Client().get(english_path).content.decode()
    assert '<html lang="en">' in html
    spanish = path_in_language(english_path.split("?")[0], "es")
    assert f'<link rel="alternate" hreflang="es" href="https://clinic.example{spanish}' in html


@pytest.mark.parametrize(
    "url",
    [
        "/es/",
        "/es/faq/",
        "/es/faq/how-many-treatments/",
        "/es/faq/?q=zzzz",
        "/es/aftercare/",
        "/es/privacy/",
        "/es/screener/",
        "/es/no-such-page/",
    ],
)
def test_spanish_public_pages(client, url):
    assert_spanish_page(client.get(url))
    # The check finds English where there is some: on the English page.
    assert english_left(Client().get(path_in_language(url, "en")).content.decode(), "en")
    if url != "/es/no-such-page/":
        assert_english_twin(path_in_language(url.split("?")[0], "en"))


# The screener's answers that lead to each kind of result (as of Monday 9 March 2026).
RESULTS = {
    "eligible": {},
    "eligible_with_conditions": {"cold_sores": "yes"},
    "deferred_dated": {"isotretinoin": "yes", "isotretinoin_date": "2026-02-01"},
    "deferred": {"pregnant": "yes", "infection": "yes", "open_wounds": "yes"},
    "not_suitable": {
        "keloid": "yes",
        "radiation": "yes",
        "radiation_date": "2025-12-01",
        "previous_treatment": "yes",
        "previous_treatment_date": "2026-03-01",
    },
}


@pytest.mark.parametrize("changes", RESULTS.values(), ids=RESULTS.keys())
def test_the_screener_in_spanish_gives_the_same_result_as_in_english(changes):
    """Same field names and values, same rules: the same outcome, reasons and earliest date."""
    outcomes = {}
    for prefix in ("", "/es"):
        browser = Client()
        response = browser.post(f"{prefix}/screener/", {**ELIGIBLE_ANSWERS, **changes})
        assert response.status_code == 302
        assert response["Location"] == f"{prefix}/screener/result/"
        result = browser.get(response["Location"])
        html = result.content.decode()
        outcomes[prefix] = (
            re.findall(r'data-outcome="([a-z_]+)"', html),
            re.findall(r'data-reason="([a-z_]+)"', html),
            re.findall(r'<time datetime="([0-9-]+)" data-eligible-from>', html),
            re.findall(r'data-next-step="([a-z]+)"', html),
        )
        if prefix:
            assert_spanish_page(result)
    assert outcomes[""] == outcomes["/es"]


def test_spanish_errors_and_their_summary():
    browser = Client()
    response = browser.post(
        "/es/screener/",
        {**NO_TO_EVERY_QUESTION, "isotretinoin": "yes", "isotretinoin_date": "2099-01-01"},
    )
    assert response.status_code == 200
    html = assert_spanish_page(response)
    assert "Hay un problema" in html
    assert '<a href="#id_area_0">Elija la zona que quiere tratarse</a>' in html
    assert (
        '<a href="#id_isotretinoin_date">La fecha de su última dosis de isotretinoína debe ser '
        "hoy o una fecha pasada</a>" in html
    )
    assert "<title>Error: Vea si puede pedir una cita" in html
    # The same form in English says the same in English.
    english = Client().post("/screener/", {**NO_TO_EVERY_QUESTION}).content.decode()
    assert '<a href="#id_area_0">Select the area you would like treated</a>' in english


def test_a_dated_result_and_the_e_mail_asked_for_from_it_are_spanish(time_machine):
    browser = Client()
    browser.post("/es/screener/", {**ELIGIBLE_ANSWERS, **RESULTS["deferred_dated"]})
    html = browser.get("/es/screener/result/").content.decode()
    # Spanish dates on Spanish pages: 1 February + 3 months.
    assert '<time datetime="2026-05-01" data-eligible-from>1 de mayo de 2026</time>' in html
    assert 'Preguntas contestadas el <time datetime="2026-03-09">9 de marzo de 2026</time>' in html
    assert "Sí, el 1 de febrero de 2026" in html  # the answers shown back
    errors = browser.post("/es/screener/notify/", {"notify_email": "nope"})
    assert_spanish_page(errors, twin="/screener/notify/")
    assert "Escriba un correo electrónico con el formato correcto" in errors.content.decode()
    browser.post("/es/screener/notify/", {"notify_email": "ana@example.com", "consent": "on"})
    (email,) = Email.objects.filter(clinic_message__kind=Message.Kind.CAN_BOOK)
    assert email.subject.startswith("Ya puede pedir una cita")
    assert "Desde hoy, 1 de mayo de 2026, puede pedir una cita." in email.message
    assert "https://clinic.example/es/screener/" in email.message
    assert "/es/messages/" in email.message  # its stop link opens a Spanish page


def test_english_pages_keep_us_dates(client):
    client.post("/screener/", {**ELIGIBLE_ANSWERS, **RESULTS["deferred_dated"]})
    html = client.get("/screener/result/").content.decode()
    assert '<time datetime="2026-05-01" data-eligible-from>May 1, 2026</time>' in html
    assert "Yes, on February 1, 2026" in html


# --- Booking in Spanish -------------------------------------------------------------------------


def patient_details(**changes) -> dict:
    data = {
        "full_name": "Ana Ejemplo",
        "email": "ana@example.com",
        "phone": "207 555 0199",
        "notes": "",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return data


def book_a_time(prefix: str = "/es", patient_answers=None) -> tuple[Client, BookingRequest]:
    """Book the first free time through the pages, in one language; the pages are checked."""
    browser = Client()
    screen(browser, patient_answers or answers())
    page = browser.get(f"{prefix}/booking/")
    html = page.content.decode()
    slot = re.findall(r'data-slot="([0-9T:-]+)"', html)[0]
    check = browser.post(f"{prefix}/booking/", {"slot": slot, **patient_details()})
    assert "data-check-answers" in check.content.decode()
    done = browser.post(f"{prefix}/booking/", {"slot": slot, "confirm": "yes", **patient_details()})
    assert done["Location"] == f"{prefix}/booking/confirmation/"
    if prefix:
        assert_spanish_page(page)
        assert_spanish_page(check)
        assert_spanish_page(browser.get(done["Location"]))
    return browser, BookingRequest.objects.get(email="ana@example.com")


def test_the_spanish_booking_pages_and_what_they_keep():
    browser, booking = book_a_time("/es", answers(cold_sores=True))
    assert booking.language == "es"
    html = browser.get("/es/booking/confirmation/").content.decode()
    # Tuesday 10 March at 10:00, the first free time: a Spanish day and a 24-hour clock.
    assert "martes 10 de marzo de 2026 a las 10:00" in html
    # The screener's result after the booking, in Spanish too.
    assert_spanish_page(browser.get("/es/screener/result/"))


def ics_of(email: Email) -> bytes:
    (attachment,) = email.attachments.all()
    with attachment.file.open("rb") as calendar_file:
        return calendar_file.read()


def test_a_spanish_booking_queues_its_e_mails_in_spanish_and_the_clinics_in_english():
    _browser, booking = book_a_time("/es")
    confirmation = Email.objects.get(clinic_message__kind=Message.Kind.APPOINTMENT_CONFIRMED)
    assert confirmation.subject == f"Su cita {booking.reference} - {settings.CLINIC_NAME}"
    assert "Cuándo: martes 10 de marzo de 2026 a las 10:00" in confirmation.message
    assert "https://clinic.example/es/appointment/" in confirmation.message
    assert "https://clinic.example/es/aftercare/" in confirmation.message
    notice = Email.objects.get(clinic_message__kind=Message.Kind.NEW_REQUEST)
    assert notice.subject == f"New booking request {booking.reference}"
    assert "A patient has booked a time online" in notice.message

    (event,) = Calendar.from_ical(ics_of(confirmation)).walk("VEVENT")
    assert str(event["summary"]) == f"Cita en {settings.CLINIC_NAME}"
    assert event["summary"].params["LANGUAGE"] == "es"
    assert str(event["description"]).startswith(f"Referencia {booking.reference}. Para cambiarla")
    assert "/es/appointment/" in str(event["description"])


def test_an_english_booking_stays_english():
    _browser, booking = book_a_time("")
    assert booking.language == "en"
    confirmation = Email.objects.get(clinic_message__kind=Message.Kind.APPOINTMENT_CONFIRMED)
    assert "When: Tuesday, March 10, 2026 at 10:00 AM" in confirmation.message
    (event,) = Calendar.from_ical(ics_of(confirmation)).walk("VEVENT")
    assert str(event["summary"]) == f"Appointment at {settings.CLINIC_NAME}"
    assert event["summary"].params["LANGUAGE"] == "en"


def test_the_spanish_request_form_its_errors_check_and_confirmation():
    browser = Client()
    screen(browser, answers())
    assert_spanish_page(browser.get("/es/booking/request/"))
    errors = browser.post("/es/booking/request/", {"consent": ""})
    html = assert_spanish_page(errors)
    assert "Escriba su nombre completo" in html and "Hay un problema" in html
    data = {
        **patient_details(),
        "preferred_date": "2026-03-16",
        "preferred_time": "morning",
    }
    check = browser.post("/es/booking/request/", data)
    html = assert_spanish_page(check)
    assert "16 de marzo de 2026" in html and "Mañana" in html
    done = browser.post("/es/booking/request/", {**data, "confirm": "yes"})
    assert done["Location"] == "/es/booking/confirmation/"
    assert_spanish_page(browser.get("/es/booking/confirmation/"))
    assert_spanish_page(browser.get("/es/screener/result/"))
    booking = BookingRequest.objects.get()
    assert booking.language == "es"
    received = Email.objects.get(clinic_message__kind=Message.Kind.BOOKING_RECEIVED)
    assert "Usted pidió: 16 de marzo de 2026, por la mañana." in received.message


def test_the_gate_speaks_spanish_on_spanish_pages():
    response = Client().get("/es/booking/", follow=True)
    assert response.redirect_chain[-1][0] == "/es/screener/"
    html = assert_spanish_page(response)
    assert "Primero, por favor conteste unas preguntas de salud" in html


def appointment_token_of(booking) -> str:
    from bookings.appointments import appointment_token

    booking.refresh_from_db()
    return appointment_token(booking)


def test_the_appointment_pages_in_spanish():
    browser, booking = book_a_time("/es")
    token = appointment_token_of(booking)
    base = f"/es/appointment/{token}"
    for url in (f"{base}/", f"{base}/move/", f"{base}/cancel/", f"{base}/check/"):
        assert_spanish_page(browser.get(url))
        assert_english_twin(path_in_language(url, "en"))
    html = browser.get(f"{base}/move/").content.decode()
    slot = re.findall(r'data-slot="([0-9T:-]+)"', html)[1]
    assert_spanish_page(browser.post(f"{base}/move/", {"slot": slot}))
    errors = browser.post(f"{base}/check/", {"pregnant": "no"})
    html = assert_spanish_page(errors)
    assert "Elija sí o no: ¿tiene ahora una infección de la piel" in html
    clear = browser.post(
        f"{base}/check/",
        {
            name: "no"
            for name in (
                "pregnant",
                "infection",
                "open_wounds",
                "isotretinoin",
                "radiation",
                "previous_treatment",
            )
        },
    )
    assert clear["Location"] == f"{base}/check/result/"
    assert_spanish_page(browser.get(clear["Location"]))
    cancelled = browser.post(f"{base}/cancel/", follow=True)
    html = assert_spanish_page(cancelled)
    assert "Su cita está cancelada." in html  # the message, then the link's own page (410)


def test_a_spanish_patients_later_messages_stay_spanish(admin_client, time_machine):
    """Queued days later by the front desk (in the English admin) or by send_due_messages, each
    message is written in the language the patient booked in."""
    booking = make_booking(language="es")
    schedule(admin_client, booking, at(2026, 3, 20, 14, 30))
    reminder = Email.objects.get(clinic_message__kind=Message.Kind.RECHECK_REMINDER)
    assert reminder.subject.startswith("Su cita es en dos días")
    assert "viernes 20 de marzo de 2026 a las 14:30" in reminder.message

    # Not re-checked one day before: send_due_messages itself queues the overdue notice.
    time_machine.move_to(at(2026, 3, 19, 15), tick=False)
    send_due()
    overdue = Email.objects.get(clinic_message__kind=Message.Kind.RECHECK_OVERDUE)
    assert overdue.subject.startswith("Le llamaremos antes de su cita")
    (overdue_sent,) = [m for m in mail.outbox if m.subject.startswith("Le llamaremos")]
    (stop,) = links_in(overdue_sent, "/stop/")
    assert stop.startswith("/es/messages/")
    assert_spanish_page(Client().get(stop))
    assert_spanish_page(Client().post(stop))

    time_machine.move_to(at(2026, 3, 20, 16), tick=False)
    assert set_status(admin_client, booking, "treated").status_code == 302
    time_machine.move_to(at(2026, 3, 23, 9), tick=False)
    send_due()
    day3 = [m for m in mail.outbox if m.subject.startswith("Día 3")]
    assert day3, [m.subject for m in mail.outbox]
    assert "hasta el viernes 3 de abril" in day3[0].body
    assert "https://clinic.example/es/aftercare/" in day3[0].body


def test_an_english_patients_later_messages_stay_english():
    from bookings.appointments import appointment_schedule

    booking = make_booking()
    with translation.override("es"):  # whatever language is active where it is queued
        appointment_schedule(booking=booking, appointment_at=at(2026, 3, 20, 14, 30))
    reminder = Email.objects.get(clinic_message__kind=Message.Kind.RECHECK_REMINDER)
    assert "Friday, March 20, 2026 at 2:30 PM" in reminder.message
    assert "/es/" not in reminder.message


def test_the_gone_page_and_the_spanish_404_of_a_bad_link():
    browser, booking = book_a_time("/es")
    token = appointment_token_of(booking)
    browser.post(f"/es/appointment/{token}/cancel/")
    gone = browser.get(f"/es/appointment/{token}/")
    assert gone.status_code == 410
    assert_spanish_page(gone)
    assert_spanish_page(browser.get("/es/appointment/not-a-token/"))


# --- Error pages ----------------------------------------------------------------------------------


def _boom(request):
    raise RuntimeError("A bug in a view")


handler400 = clinic_urls.handler400
handler500 = clinic_urls.handler500
urlpatterns = [
    *clinic_urls.urlpatterns,
    *i18n_patterns(path("test-only/boom/", _boom), prefix_default_language=False),
]


@pytest.mark.urls(__name__)
def test_the_500_page_is_spanish_under_es():
    browser = Client(raise_request_exception=False)
    response = browser.get("/es/test-only/boom/")
    assert response.status_code == 500
    html = assert_spanish_page(response)
    assert "Lo sentimos, algo salió mal de nuestro lado" in html
    english = browser.get("/test-only/boom/").content.decode()
    assert '<html lang="en">' in english and "Sorry, something went wrong" in english


def test_the_400_page_is_spanish_under_es(client):
    response = client.get("/es/faq/?q=%00")
    assert response.status_code == 400
    html = assert_spanish_page(response)
    assert "Lo sentimos, no pudimos entender esta solicitud" in html


def test_the_429_page_is_spanish_under_es(client, settings):
    settings.SCREENER_RATE_LIMIT = "1/m"
    client.post("/es/screener/", ELIGIBLE_ANSWERS)
    response = client.post("/es/screener/", ELIGIBLE_ANSWERS)
    assert response.status_code == 429
    assert "Demasiados intentos" in assert_spanish_page(response, twin="/screener/")


@pytest.mark.parametrize("template", ["503.html", "403_csrf.html", "bookings/received.html"])
def test_the_other_error_pages_are_spanish(template):
    from django.shortcuts import render

    request = RequestFactory().get("/es/screener/")
    with translation.override("es"):
        response = render(request, template)
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert english_left(html) == []


# --- The page cache ---------------------------------------------------------------------------


def test_the_cache_keeps_each_language_apart_and_an_edit_shows_in_both(client):
    assert '<html lang="en">' in client.get("/faq/").content.decode()
    assert '<html lang="es">' in client.get("/es/faq/").content.decode()
    # Both are cached now, each under its own path, and each is served in its own language.
    assert cache.get(f"{PAGE_KEY_PREFIX}/faq/") is not None
    assert cache.get(f"{PAGE_KEY_PREFIX}/es/faq/") is not None
    for _ in range(2):
        assert '<html lang="es">' in Client().get("/es/faq/").content.decode()
        assert '<html lang="en">' in Client().get("/faq/").content.decode()

    question = Question.objects.get(slug="how-many-treatments")
    question.question_es = "¿Cuántas sesiones, de verdad?"
    question.save()
    assert "¿Cuántas sesiones, de verdad?" in Client().get("/es/faq/").content.decode()
    question.question_en = "How many sessions, really?"
    question.save()
    assert "How many sessions, really?" in Client().get("/faq/").content.decode()
    assert "¿Cuántas sesiones, de verdad?" in Client().get("/es/faq/").content.decode()


def test_a_page_stored_in_the_other_language_is_never_served(client):
    """Even if an English page were stored under the Spanish path, /es/ would not serve it."""
    client.get("/faq/")
    english = cache.get(f"{PAGE_KEY_PREFIX}/faq/")
    client.get("/es/faq/")
    cache.set(f"{PAGE_KEY_PREFIX}/es/faq/", english)
    assert '<html lang="es">' in Client().get("/es/faq/").content.decode()


# --- Taken by phone ---------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "subject"), [("", "Your booking"), ("es", "Su solicitud")])
def test_a_request_taken_by_phone_is_in_the_language_of_the_call(admin_client, language, subject):
    """English unless the front desk choose Spanish; the admin itself stays English."""
    phone = reverse("admin:bookings_bookingrequest_phone")
    details = reverse("admin:bookings_bookingrequest_phone_details")
    assert admin_client.post(phone, ELIGIBLE_ANSWERS).status_code == 302
    form = admin_client.get(details).content.decode()
    assert "Language of the patient&#x27;s e-mails" in form and '<html lang="en"' in form
    response = admin_client.post(
        details,
        {
            **patient_details(),
            "preferred_date": "2026-03-16",
            "preferred_time": "morning",
            "language": language,
        },
    )
    assert response.status_code == 302
    booking = BookingRequest.objects.get()
    assert booking.language == (language or "en")
    received = Email.objects.get(clinic_message__kind=Message.Kind.BOOKING_RECEIVED)
    assert received.subject.startswith(subject)
