"""The Spanish pages in a real browser: no WCAG 2.2 A/AA violation (axe-core) on the home page,
the FAQ, the screener (blank, with errors, its result), booking a time (the free times, with
errors, check your details, the confirmation) and the request form; the page's language is
Spanish and every piece in another language says so; the language switch works without
JavaScript and the choice holds."""

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.helpers import OUTCOME_ANSWERS, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_spanish(page, name: str) -> None:
    """The page is Spanish, whatever it holds in another language is marked, and axe passes."""
    assert page.evaluate("document.documentElement.lang") == "es", name
    # Every element in another language (the switch to English, content awaiting translation)
    # says which: a screen reader then reads it with the right voice.
    marked = page.evaluate(
        "[...document.querySelectorAll('[lang]')].map(el => el.getAttribute('lang'))"
    )
    assert set(marked) <= {"es", "en"}, (name, marked)
    switch = page.locator("[data-language-switch]")
    assert switch.get_attribute("lang") == "en" and switch.get_attribute("hreflang") == "en"
    assert page.locator('link[rel="alternate"][hreflang="en"]').count() == 1, name
    assert_accessible(page, name)


def answer_in_spanish(page, answers: dict[str, str]) -> None:
    page.goto("/es/screener/")
    for name, value in answers.items():
        page.check(f'input[name="{name}"][value="{value}"]')
    submit(page, "Ver mi resultado")
    page.wait_for_url("**/es/screener/result/")


def test_spanish_pages_have_no_wcag_violations(page):
    failures = []

    def check(name: str) -> None:
        try:
            assert_spanish(page, name)
        except (pytest.fail.Exception, AssertionError) as failure:
            failures.append(f"{name}: {failure}")

    for name, url in [("home", "/es/"), ("FAQ", "/es/faq/"), ("screener", "/es/screener/")]:
        assert page.goto(url).status == 200
        check(name)

    submit(page, "Ver mi resultado")  # nothing answered: the errors
    assert page.title().startswith("Error:")
    assert page.locator("[data-error-summary] h2").inner_text() == "Hay un problema"
    check("screener with errors")

    answer_in_spanish(page, OUTCOME_ANSWERS["eligible"])
    check("result")

    page.get_by_role("link", name="Elija una hora").click()
    page.wait_for_url("**/es/booking/")
    check("free times")
    submit(page, "Continuar")
    assert page.title().startswith("Error:")
    check("free times with errors")

    first = page.locator("[data-slot]").first
    first.locator("label").click()
    page.get_by_label("Nombre completo").fill("Ana Ejemplo")
    page.get_by_label("Correo electrónico").fill("ana@example.com")
    page.get_by_label("Número de teléfono").fill("207 555 0100")
    page.check('input[name="consent"]')
    submit(page, "Continuar")
    assert page.locator("[data-check-answers]").count() == 1
    check("check your details")
    submit(page, "Reservar esta hora")
    page.wait_for_url("**/es/booking/confirmation/")
    check("confirmation")

    answer_in_spanish(page, OUTCOME_ANSWERS["eligible"])
    page.goto("/es/booking/request/")
    check("request form")

    assert not failures, "\n\n".join(failures)


def test_the_switch_works_without_javascript_and_the_choice_holds(new_context):
    _context, page = new_context(java_script_enabled=False)
    page.goto("/faq/")
    page.locator("[data-language-switch]").click()
    page.wait_for_url("**/es/faq/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.goto("/")  # the home address, typed again later in the visit
    page.wait_for_url("**/es/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("[data-language-switch]").click()
    page.wait_for_url(lambda url: url.endswith("/") and "/es/" not in url)
    assert page.locator("html").get_attribute("lang") == "en"
