"""The outbox in the admin (post_office's e-mails): read-only, and "Resend" queues again.

A queued e-mail's recipients must not be changed by staff, and resending must never send
inside the request (a slow mail server would hang the admin): send_due_messages sends it.
"""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from post_office.models import STATUS, Email

from tests.staff_helpers import verified_login
from tests.test_booking_admin import staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_email():
    return Email.objects.create(
        from_email="clinic@example.com",
        to=["jane@example.com"],
        subject="Your booking request",
        message="We received your request.",
        status=STATUS.failed,
    )


@pytest.fixture
def front_desk(client, django_user_model):
    verified_login(client, staff_in("Front desk", django_user_model, "desk"))
    return client


def change_url(email: Email) -> str:
    return f"/admin/post_office/email/{email.pk}/change/"


def test_front_desk_cannot_change_an_emails_recipients(front_desk, failed_email):
    page = front_desk.get(change_url(failed_email))
    assert page.status_code == 200
    assert b'name="to"' not in page.content
    front_desk.post(
        change_url(failed_email),
        {"to": "attacker@example.com", "subject": "Changed", "message": "Changed", "status": 0},
    )
    failed_email.refresh_from_db()
    assert failed_email.to == ["jane@example.com"]
    assert failed_email.subject == "Your booking request"


def test_resend_is_a_post_button(front_desk, failed_email):
    page = front_desk.get(change_url(failed_email)).content.decode()
    resend = f"/admin/post_office/email/{failed_email.pk}/resend/"
    assert f'<form method="post" action="{resend}">' in page
    assert front_desk.get(resend).status_code == 405
    failed_email.refresh_from_db()
    assert failed_email.status == STATUS.failed
    assert mail.outbox == []


def test_resend_queues_the_email_and_the_next_run_sends_it(front_desk, failed_email):
    response = front_desk.post(f"/admin/post_office/email/{failed_email.pk}/resend/")
    assert response.status_code == 302
    failed_email.refresh_from_db()
    assert failed_email.status == STATUS.queued
    assert mail.outbox == []  # nothing sent inside the request

    call_command("send_due_messages", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [["jane@example.com"]]


def test_the_requeue_action_queues_without_sending(front_desk, failed_email):
    response = front_desk.post(
        "/admin/post_office/email/", {"action": "requeue", "_selected_action": [failed_email.pk]}
    )
    assert response.status_code == 302
    failed_email.refresh_from_db()
    assert failed_email.status == STATUS.queued
    assert mail.outbox == []
