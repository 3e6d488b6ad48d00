"""The blank screener form is rendered once a day per process; nobody's CSRF token is cached."""

import re

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def blank_form_key(language: str = "en") -> str:
    return make_template_fragment_key(
        "blank-screener-form", [timezone.localdate().isoformat(), language]
    )


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_blank_form_is_kept_and_each_visitor_still_gets_their_own_token():
    first = Client().get("/screener/").content.decode()
    assert caches["local"].get(blank_form_key()) is not None
    second = Client().get("/screener/").content.decode()

    assert csrf_token(first) != csrf_token(second)
    assert first.count("csrfmiddlewaretoken") == second.count("csrfmiddlewaretoken") == 1
    assert "csrfmiddlewaretoken" not in caches["local"].get(blank_form_key())
    # Apart from the tokens, both visitors see the same page.
    assert first.replace(csrf_token(first), "") == second.replace(csrf_token(second), "")


def test_a_form_sent_back_with_errors_is_rendered_for_that_patient_alone(client):
    response = client.post("/screener/", {"area": "hands", "pregnant": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<input[^>]*value="hands"[^>]*checked', page)  # their answer, kept
    assert caches["local"].get(blank_form_key()) is None
