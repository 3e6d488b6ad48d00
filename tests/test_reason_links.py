"""The screener's reasons link to FAQ answers that staff choose, and those links never break
silently: a linked question cannot be deleted, and an unpublished one is reported in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError

from clinic.models import ReasonLink
from faq.models import Question
from screener.labels import REASON_LABELS
from tests.booking_helpers import answers, screen
from tests.staff_helpers import verified_login

pytestmark = pytest.mark.django_db

RESULT = "/screener/result/"


def result_for(client, **changes) -> str:
    screen(client, answers(**changes))
    return client.get(RESULT).content.decode()


def reason_html(html: str, code: str) -> str:
    start = html.index(f'data-reason="{code}"')
    return html[start : html.index("</li>", start)]


def test_every_reason_is_linked_by_migration_to_the_answers_it_linked_before():
    links = dict(ReasonLink.objects.values_list("reason", "question__slug"))
    assert set(links) == set(REASON_LABELS)
    assert links["recent_treatment"] == "how-many-treatments"
    assert links["keloid"] == "who-should-avoid-it"


def test_the_result_follows_a_change_made_in_the_admin(client, admin_client):
    """Staff point the keloid reason at another question: the result page links there."""
    other = Question.objects.published().exclude(slug="who-should-avoid-it").first()
    link = ReasonLink.objects.get(reason="keloid")
    response = admin_client.post(
        f"/admin/clinic/reasonlink/{link.pk}/change/", {"question": other.pk, "_save": "Save"}
    )
    assert response.status_code == 302

    html = reason_html(result_for(client, keloid=True), "keloid")
    assert f'href="{other.get_absolute_url()}"' in html
    assert other.question in html
    assert "/faq/who-should-avoid-it/" not in html


def test_a_linked_question_cannot_be_deleted():
    question = Question.objects.get(slug="how-many-treatments")
    with pytest.raises(ProtectedError):
        question.delete()


def test_the_admin_refuses_to_delete_a_linked_question_and_says_why(admin_client):
    question = Question.objects.get(slug="how-many-treatments")
    url = f"/admin/faq/question/{question.pk}/delete/"
    page = admin_client.get(url).content.decode()
    assert "protected related objects" in page
    assert "Microneedling less than 28 days ago" in page  # the reason that links to it

    admin_client.post(url, {"post": "yes"})
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_unpublished_linked_question_is_never_a_broken_link(client):
    """The patient gets the FAQ instead of a page that no longer exists."""
    Question.objects.filter(slug="who-should-avoid-it").update(published=False)
    html = reason_html(result_for(client, keloid=True), "keloid")
    assert "/faq/who-should-avoid-it/" not in html
    assert 'href="/faq/"' in html


def test_staff_are_told_which_reason_lost_its_answer(admin_client, django_user_model):
    """Unpublishing a linked question: every admin page warns FAQ editors until it is fixed."""
    question = Question.objects.get(slug="how-many-treatments")
    question.published = False
    question.save()

    page = admin_client.get("/admin/faq/question/").content.decode()
    assert "Microneedling less than 28 days ago" in page
    assert "is not published" in page
    link = ReasonLink.objects.get(reason="recent_treatment")
    assert f"/admin/clinic/reasonlink/{link.pk}/change/" in page

    question.published = True
    question.save()
    assert "is not published" not in admin_client.get("/admin/").content.decode()


def test_the_warning_is_only_for_staff_who_can_fix_it(client, django_user_model):
    Question.objects.filter(slug="how-many-treatments").update(published=False)
    desk = django_user_model.objects.create_user("desk", is_staff=True)
    desk.groups.add(Group.objects.get(name="Front desk"))
    verified_login(client, desk)
    assert "is not published" not in client.get("/admin/").content.decode()


def test_content_editors_are_warned_and_told_whom_to_ask(client, django_user_model):
    """They may publish the question again, but not change the links (the FAQ is all they edit)."""
    Question.objects.filter(slug="how-many-treatments").update(published=False)
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    verified_login(client, editor)
    page = client.get("/admin/faq/question/").content.decode()
    assert "is not published" in page
    assert "ask an administrator to choose another question" in page
    assert "/admin/clinic/reasonlink/" not in page
