"""Every e-mail's subject arrives as it was written, with no leading space, even a long one.

Django 5.2's e-mail API encodes a non-ASCII subject with email.header.Header without the header
name, so a long one is folded straight after "Subject:" and a mail program reads it back with a
leading space. The subjects keep to ASCII punctuation; this renders each with a long clinic name,
queues it through the outbox, and parses the bytes that would be sent.
"""

import email
from email import policy

import pytest
from django.template.loader import render_to_string

from bookings.emails import queue_email
from bookings.models import Message
from tests.test_email_dates import TEMPLATES, context

pytestmark = pytest.mark.django_db

LONG_NAME = "The Riverside Skin and Microneedling Clinic of Harbour Square"


@pytest.fixture(autouse=True)
def _long_clinic_name(settings):
    assert len(LONG_NAME) >= 60 and LONG_NAME.isascii()
    settings.CLINIC_NAME = LONG_NAME  # the details' default until staff save them


@pytest.mark.parametrize("name", TEMPLATES)
def test_subject_survives_the_wire(name):
    expected = render_to_string(f"emails/{name}_subject.txt", context()).strip()

    message = queue_email(
        kind=Message.Kind.BOOKING_RECEIVED,
        to="jane@example.com",
        template=name,
        context=context(),
    )
    sent = message.email.email_message()  # the Django EmailMessage the outbox sends
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    subject = parsed["Subject"]
    assert subject == subject.strip()
    assert subject == expected
    assert expected.isascii(), "ASCII punctuation only: Django 5.2 folds a non-ASCII subject badly"
