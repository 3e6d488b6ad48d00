"""Whole journeys in a real browser: patients reading, screening (by keyboard, and without
JavaScript) and booking; content editors and front-desk staff in the admin.

Every page these journeys open is also checked by the fixtures in conftest.py: nothing loaded
from another site, no script error, nothing blocked by the Content-Security-Policy (which is
how a CSP that broke the admin would show).
"""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, User
from django.utils import timezone

from bookings.models import Appointment, BookingRequest
from faq.models import Category, Question
from tests.browser.helpers import (
    OUTCOME_ANSWERS,
    book_time,
    choose_first_time,
    fill_booking,
    fill_time_details,
    open_free_times,
    open_request_form,
    recent_treatment_date,
    screen_for,
    send_booking,
    submit,
    today,
)
from tests.staff_helpers import current_token, totp_device

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data, and transactional tests flush the database
    # afterwards: serialized_rollback restores the migrations' FAQ content and groups.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STAFF_PASSWORD = "grey heron 48 at the quay"


# --- Patients reading -------------------------------------------------------------------------


def test_patient_reads_the_faq_searches_it_and_opens_a_question(page):
    """From the home page to the FAQ, a search, and one answer, then back to all questions."""
    question = Question.objects.published().order_by("pk").first()
    word = max(re.findall(r"[A-Za-z]{5,}", question.question), key=len)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="FAQ").click()
    page.wait_for_url("**/faq/")
    assert page.get_by_role("heading", level=1).inner_text() == "Questions about microneedling"
    listed = page.locator(".faq-list li").count()
    assert listed == Question.objects.published().count()

    page.get_by_label("Search the questions and answers").fill(word)
    submit(page, "Search")
    assert f"q={word}" in page.url
    found = page.locator(".faq-list a")
    assert 1 <= found.count() < listed
    assert f"found for “{word}”" in page.locator(".search-summary").inner_text()

    page.get_by_role("link", name=question.question, exact=True).click()
    page.wait_for_url(f"**{question.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == question.question
    assert page.locator(".answer").inner_text().strip()

    page.get_by_role("link", name="Back to all questions").click()
    page.wait_for_url("**/faq/")
    assert page.locator(".faq-list li").count() == listed


def test_a_search_that_finds_nothing_says_so_and_offers_the_clinic(page):
    page.goto("/faq/")
    page.get_by_label("Search the questions and answers").fill("xylophonezz")
    page.keyboard.press("Enter")
    page.wait_for_url("**/faq/?q=xylophonezz")
    assert page.locator(".faq-list li").count() == 0
    assert "No results found" in page.locator("main").inner_text()


# --- The screener by keyboard alone ----------------------------------------------------------

ACTIVE = """() => {
    const el = document.activeElement;
    return {
        tag: el.tagName.toLowerCase(), name: el.name || '', value: el.value || '', id: el.id,
        type: el.type || '', summary: el.hasAttribute('data-error-summary'),
    };
}"""
# The questions in the order of the page (Tab only ever moves forwards through them).
QUESTION_ORDER = [
    "area",
    "isotretinoin",
    "radiation",
    "pregnant",
    "keloid",
    "infection",
    "open_wounds",
    "cold_sores",
    "previous_treatment",
]
DATE_FIELDS = {
    "isotretinoin": "isotretinoin_date",
    "radiation": "radiation_date",
    "previous_treatment": "previous_treatment_date",
}


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def tab_to(page, name: str, value: str | None = None, limit: int = 40) -> dict:
    """Press Tab until the field called `name` (with `value`, for a checkbox) has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = active(page)
        if focused["name"] == name and (value is None or focused["value"] == value):
            return focused
    raise AssertionError(f"Tab never reached {name}={value}; focus is on {active(page)}")


def choose(page, name: str, value: str) -> None:
    """Tab into a radio group, move to the option with the arrow keys, select it with Space."""
    focused = tab_to(page, name)
    for _ in range(10):
        if focused["value"] == value:
            break
        page.keyboard.press("ArrowDown")
        focused = active(page)
    assert focused["value"] == value
    page.keyboard.press("Space")
    assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()


def type_date(page, value: date) -> None:
    """Type a date into the focused date field, as a US-English keyboard user does."""
    page.keyboard.type(value.strftime("%m%d%Y"))
    assert active(page)["value"] == value.isoformat()


def press_enter_to_submit(page):
    focused = tab_to(page, "submit")
    assert focused["value"] == "See my result"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value


def answer_by_keyboard(
    page,
    answers: dict[str, str],
    *,
    concerns: tuple[str, ...] = (),
    dates: dict[str, date] | None = None,
):
    """Answer the whole screener with Tab, the arrow keys, Space and typing; send with Enter."""
    dates = dates or {}
    for name in QUESTION_ORDER:
        choose(page, name, answers[name])
        if name == "area":
            for concern in concerns:
                tab_to(page, "concerns", concern)
                page.keyboard.press("Space")
        date_name = DATE_FIELDS.get(name)
        if date_name and date_name in dates:
            tab_to(page, date_name)
            type_date(page, dates[date_name])
    return press_enter_to_submit(page)


@pytest.fixture
def keyboard_page(new_context):
    _context, page = new_context(locale="en-US", timezone_id="America/New_York")
    return page


def test_screener_by_keyboard_with_an_error_fixed_through_the_summary(keyboard_page):
    """Keyboard only: the date appears on "yes"; a missing date is reported in a focused
    summary whose link leads to the field; the other answers are kept; fixing it gives the
    dated deferral with its earliest booking date."""
    page = keyboard_page
    page.goto("/screener/")
    date_group = page.locator("#group_isotretinoin_date")
    assert date_group.is_hidden()

    choose(page, "area", "face_neck")
    tab_to(page, "concerns", "acne_scars")
    page.keyboard.press("Space")
    choose(page, "isotretinoin", "yes")
    assert date_group.is_visible()
    assert page.locator("#id_isotretinoin_0").get_attribute("aria-controls") == (
        "group_isotretinoin_date"
    )
    for name in QUESTION_ORDER[2:]:
        choose(page, name, "no")
    assert page.locator("#group_previous_treatment_date").is_hidden()

    response = press_enter_to_submit(page)
    assert response.status == 200
    assert page.title().startswith("Error:")
    summary = page.locator("[data-error-summary]")
    assert active(page)["summary"], "the error summary takes focus"
    link = summary.get_by_role("link")
    assert link.count() == 1
    assert link.get_attribute("href") == "#id_isotretinoin_date"
    # The message is beside the field too, and everything else is still answered.
    assert page.locator("#group_isotretinoin_date .invalid-feedback").is_visible()
    assert date_group.is_visible()
    for name, value in [("area", "face_neck"), ("isotretinoin", "yes"), ("keloid", "no")]:
        assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()
    assert page.locator('input[name="concerns"][value="acne_scars"]').is_checked()

    page.keyboard.press("Tab")
    assert active(page)["tag"] == "a"
    page.keyboard.press("Enter")
    page.wait_for_url("**/screener/#id_isotretinoin_date")
    assert active(page)["id"] == "id_isotretinoin_date"

    last_dose = today() - timedelta(days=30)
    type_date(page, last_dose)
    press_enter_to_submit(page)
    # The browser keeps the #fragment through the redirect; the page is the result all the same.
    assert urlsplit(page.url).path == "/screener/result/"
    assert page.locator('[data-outcome="deferred"]').count() == 1
    assert page.locator('[data-reason="isotretinoin"]').count() == 1
    earliest = last_dose + relativedelta(months=3)
    assert page.locator("time[data-eligible-from]").get_attribute("datetime") == (
        earliest.isoformat()
    )
    # Acne scars: the longer course.
    assert "6" in page.locator("main").inner_text()


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ("eligible", None),
        ("eligible_with_conditions", "cold_sores"),
        ("not_suitable", "keloid"),
    ],
)
def test_screener_by_keyboard_reaches_each_outcome(keyboard_page, outcome, reason):
    page = keyboard_page
    page.goto("/screener/")
    answer_by_keyboard(page, OUTCOME_ANSWERS[outcome], concerns=("fine_lines",))
    page.wait_for_url("**/screener/result/")
    assert page.locator(f'[data-outcome="{outcome}"]').count() == 1
    reasons = page.locator("[data-reason]")
    if reason is None:
        assert reasons.count() == 0
    else:
        assert [reasons.nth(i).get_attribute("data-reason") for i in range(reasons.count())] == [
            reason
        ]
    can_book = page.locator('[data-next-step="book"]').count() == 1
    assert can_book == (outcome != "not_suitable")


def test_screener_by_keyboard_with_a_recent_treatment_is_deferred_to_a_date(keyboard_page):
    page = keyboard_page
    page.goto("/screener/")
    last = recent_treatment_date()
    answer_by_keyboard(
        page,
        OUTCOME_ANSWERS["deferred"],
        dates={"previous_treatment_date": last},
    )
    page.wait_for_url("**/screener/result/")
    assert page.locator('[data-outcome="deferred"]').count() == 1
    assert page.locator('[data-reason="recent_treatment"]').count() == 1
    assert page.locator("time[data-eligible-from]").get_attribute("datetime") == (
        (last + timedelta(days=28)).isoformat()
    )


# --- The screener without JavaScript -----------------------------------------------------------


def test_screener_works_without_javascript(new_context):
    """Every date field is simply there; errors come back with a summary that links to the
    field; and all four outcomes are reached."""
    _context, page = new_context(java_script_enabled=False)
    page.goto("/screener/")
    for date_name in DATE_FIELDS.values():
        assert page.locator(f'input[name="{date_name}"]').is_visible()

    for name, value in {**OUTCOME_ANSWERS["eligible"], "radiation": "yes"}.items():
        page.check(f'input[name="{name}"][value="{value}"]')
    # A future date is refused.
    page.fill('input[name="radiation_date"]', (today() + timedelta(days=3)).isoformat())
    assert submit(page, "See my result").status == 200
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert summary.get_by_role("link").get_attribute("href") == "#id_radiation_date"
    assert page.locator('input[name="pregnant"][value="no"]').is_checked()
    summary.get_by_role("link").click()
    page.wait_for_url("**#id_radiation_date")

    radiation = today() - timedelta(days=40)
    page.fill('input[name="radiation_date"]', radiation.isoformat())
    submit(page, "See my result")
    assert urlsplit(page.url).path == "/screener/result/"
    assert page.locator('[data-outcome="deferred"]').count() == 1
    assert page.locator("time[data-eligible-from]").get_attribute("datetime") == (
        (radiation + relativedelta(months=12)).isoformat()
    )

    for outcome in OUTCOME_ANSWERS:
        screen_for(page, outcome)  # asserts the data-outcome marker


# --- Booking -----------------------------------------------------------------------------------


def test_eligible_patient_books_a_free_time_end_to_end(page):
    """Choose a time, give one's details, check them, book: the appointment is made at once,
    and the confirmation and the appointment page show that very time."""
    screen_for(page, "eligible")
    open_free_times(page)
    chosen = choose_first_time(page)
    fill_time_details(page)
    submit(page, "Continue")

    check = page.locator("[data-check-answers]")
    assert check.locator('[data-field="slot"] time').get_attribute("datetime") == chosen
    assert "ada@example.com" in check.inner_text()
    assert Appointment.objects.count() == 0  # nothing booked yet: the time is only held
    book_time(page)

    reference = page.locator("[data-reference]").get_attribute("data-reference")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    assert reference in page.locator("[data-reference]").inner_text()
    assert page.locator("time[data-appointment]").get_attribute("datetime") == chosen
    appointment = Appointment.objects.get(booking__reference=reference)
    assert appointment.status == Appointment.Status.SCHEDULED
    assert timezone.localtime(appointment.starts_at).strftime("%Y-%m-%dT%H:%M") == chosen
    assert appointment.booking.full_name == "Ada Lovelace"

    # The link to manage it opens the appointment, at the same time.
    page.get_by_role("link", name="See, move or cancel your appointment").click()
    page.wait_for_url("**/appointment/*/")
    assert page.locator(f'[data-reference="{reference}"]').count() == 1
    assert page.locator("[data-appointment] time").get_attribute("datetime").startswith(chosen)

    # The screening has been used: the free times lead back to the screener, with the reference.
    page.goto("/booking/")
    assert urlsplit(page.url).path == "/screener/"
    assert reference in page.locator("main").inner_text()
    assert Appointment.objects.count() == 1


def test_eligible_patient_books_and_sees_the_reference(page):
    screen_for(page, "eligible")
    open_request_form(page)
    fill_booking(page, today() + timedelta(days=10))
    send_booking(page)

    reference = page.locator("[data-reference]").get_attribute("data-reference")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    assert reference in page.locator("[data-reference]").inner_text()
    booking = BookingRequest.objects.get(reference=reference)
    assert booking.full_name == "Ada Lovelace"
    assert booking.preferred_date == today() + timedelta(days=10)

    # The screening has been used: asking again leads back to the screener, with the reference.
    page.goto("/booking/request/")
    assert urlsplit(page.url).path == "/screener/"
    assert reference in page.locator("main").inner_text()
    assert BookingRequest.objects.count() == 1


def test_deferred_patient_books_from_the_earliest_date(page):
    """A patient treated 10 days ago may ask for a date from 28 days after that, not before."""
    screen_for(page, "deferred")
    earliest = date.fromisoformat(
        page.locator("time[data-eligible-from]").get_attribute("datetime")
    )
    assert earliest == recent_treatment_date() + timedelta(days=28)

    page.get_by_role("link", name="Choose a time").click()
    page.wait_for_url("**/booking/")
    # The free times start on the earliest date, not before.
    assert earliest.isoformat() in page.locator("main").inner_html()
    first_time = page.locator('input[name="slot"]').first.get_attribute("value")
    assert date.fromisoformat(first_time[:10]) >= earliest
    page.get_by_role("link", name="None of these times suits me").click()
    page.wait_for_url("**/booking/request/")
    assert earliest.isoformat() in page.locator("main").inner_html()

    fill_booking(page, earliest - timedelta(days=1), full_name="Grace Hopper")
    assert submit(page, "Continue").status == 200
    assert page.locator(".error-summary").first.is_visible()
    assert page.locator("#id_preferred_date").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Full name").input_value() == "Grace Hopper"
    assert BookingRequest.objects.count() == 0

    page.fill('input[name="preferred_date"]', earliest.isoformat())
    if not page.locator('input[name="consent"]').is_checked():
        page.check('input[name="consent"]')
    send_booking(page)
    reference = page.locator("[data-reference]").get_attribute("data-reference")
    assert BookingRequest.objects.get(reference=reference).preferred_date == earliest


# --- Staff in the admin -------------------------------------------------------------------------


def staff_member(username: str, group: str) -> User:
    user = User.objects.create_user(username, f"{username}@clinic.example", STAFF_PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, username: str) -> None:
    """Password and the code of the member of staff's authenticator app (the second factor)."""
    device = totp_device(User.objects.get(username=username))
    page.goto("/admin/")
    page.wait_for_url("**/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Authentication code").fill(current_token(device))
    submit(page, "Log in")
    page.wait_for_url("**/admin/")


def row(page, link_text: str):
    """The change list row whose link reads `link_text`."""
    return page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=link_text, exact=True)
    )


def faq_titles(page) -> list[str]:
    page.goto("/faq/")
    return page.locator(".faq-list a").all_inner_texts()


def test_content_editor_edits_reorders_and_unpublishes_questions(page, new_context):
    """Changes made in the admin show on the public site at once (the page cache is cleared)."""
    staff_member("editor", "Content editors")
    category = Category.objects.published().order_by("order", "pk").first()
    first, second, third = Question.objects.published().filter(category=category)[:3]
    _visitor_context, visitor = new_context()
    assert faq_titles(visitor).index(first.question) < faq_titles(visitor).index(second.question)

    log_in(page, "editor")
    page.get_by_role("link", name="Questions").first.click()
    page.wait_for_url("**/admin/faq/question/")

    # Edit an answer.
    row(page, first.question).get_by_role("link", name=first.question, exact=True).click()
    page.wait_for_url(f"**/admin/faq/question/{first.pk}/change/")
    answer = page.locator('textarea[name="answer_en"]')  # the English; answer_es is below it
    answer.fill(answer.input_value() + "\n\nAsk us about evening appointments.")
    submit(page, "Save")
    assert page.locator(".messagelist .success").is_visible()
    visitor.goto(first.get_absolute_url())
    assert "Ask us about evening appointments." in visitor.locator(".answer").inner_text()

    # Reorder: the second question moves before the first.
    row(page, second.question).locator('input[name$="-order"]').fill(str(first.order - 1))
    submit(page, "Save")
    assert page.locator(".messagelist .success").is_visible()
    titles = faq_titles(visitor)
    assert titles.index(second.question) < titles.index(first.question)

    # Unpublish the third with the list action.
    row(page, third.question).locator('input[name="_selected_action"]').check()
    page.locator('select[name="action"]').select_option("unpublish")
    submit(page, "Go")
    assert "1 item(s) unpublished." in page.locator(".messagelist").inner_text()
    assert third.question not in faq_titles(visitor)
    assert visitor.goto(third.get_absolute_url()).status == 404
    # The editor can still preview it.
    page.goto(third.get_absolute_url())
    assert "Preview" in page.locator(".notice").inner_text()

    # The admin's own scripts run under the site's CSP: the slug fills itself in as one types.
    page.goto("/admin/faq/question/add/")
    english_question = page.locator('textarea[name="question_en"], input[name="question_en"]')
    english_question.first.press_sequentially("Can I wear sunscreen afterwards")
    assert page.locator('input[name="slug"]').input_value() == "can-i-wear-sunscreen-afterwards"
    page.goto(f"/admin/faq/question/{first.pk}/history/")
    history = page.locator("#content").inner_text()
    assert "editor" in history  # who made the edit, for revert and audit


def test_front_desk_cannot_reach_faq_admin_and_schedules_after_the_checklist(page, new_context):
    """A patient with cold sores books; front desk must tick the antiviral item to schedule."""
    _patient_context, patient = new_context()
    screen_for(patient, "eligible_with_conditions")
    patient.goto("/booking/request/")
    fill_booking(patient, today() + timedelta(days=21))
    send_booking(patient)
    reference = patient.locator("[data-reference]").get_attribute("data-reference")

    staff_member("desk", "Front desk")
    log_in(page, "desk")
    content = page.locator("#content-main")
    assert content.get_by_role("link", name="Booking requests", exact=True).count() == 1
    assert page.get_by_role("link", name="Questions").count() == 0
    assert page.get_by_role("link", name="Categories").count() == 0
    assert page.goto("/admin/faq/question/").status == 403
    assert page.goto("/admin/faq/question/1/change/").status in {403, 404}

    page.goto("/admin/bookings/bookingrequest/")
    page.get_by_role("link", name=reference).click()
    page.wait_for_url("**/admin/bookings/bookingrequest/*/change/")
    checklist = page.locator('input[name="antiviral_prophylaxis_arranged"]')
    assert checklist.is_visible()
    assert not checklist.is_checked()
    status = page.locator('select[name="status"]')
    status.select_option("scheduled")
    submit(page, "Save")
    assert page.locator(".errornote").is_visible()
    assert "antiviral prophylaxis has been arranged" in page.locator("#content").inner_text()
    booking = BookingRequest.objects.get(reference=reference)
    assert booking.status == BookingRequest.Status.NEW

    page.locator('input[name="antiviral_prophylaxis_arranged"]').check()
    page.locator('select[name="status"]').select_option("scheduled")
    page.fill('input[name="appointment_at_0"]', (today() + timedelta(days=21)).isoformat())
    page.fill('input[name="appointment_at_1"]', "10:30")
    submit(page, "Save")
    assert page.locator(".messagelist .success").is_visible()
    booking.refresh_from_db()
    assert booking.status == BookingRequest.Status.SCHEDULED
    assert booking.antiviral_prophylaxis_arranged
