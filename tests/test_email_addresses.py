"""E-mail addresses are checked as our mail server will take them (clinic.validators).

Django's EmailValidator passes addresses such as `"a,b"@example.com` that our SMTP sending
never delivers, so the patient would never get their reference. Every address a patient or
the front desk types is refused with one message beside its field, the rest of the form kept.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from bookings.forms import CanBookNoticeForm
from bookings.models import BookingRequest
from clinic.validators import validate_deliverable_email

MESSAGE = "Enter an email address in the correct format, like name@example.com"
LONGEST_LOCAL = "a" * 64

# Refused here although Django's EmailValidator passes them.
DJANGO_PASSES = [
    '"a,b"@example.com',  # quoted local part with a comma
    '"ada"@example.com',  # quoted local part
    '"ada;bob"@example.com',
    '"<ada>"@example.com',
    '"ada(work)"@example.com',
    '"ada\\\\"@example.com',  # a quoted backslash
    "ada@[192.0.2.1]",  # a domain literal
    "ada@localhost",  # a domain without a dot (Django's allow-list has localhost)
    LONGEST_LOCAL + "a@example.com",  # a local part over 64 characters
    LONGEST_LOCAL + "@" + "a" * 63 + "." + "b" * 63 + "." + "c" * 58 + ".com",  # 255 characters
]
# Refused by Django's own check already: still exactly one message.
DJANGO_REFUSES = [
    "ada,bob@example.com",
    "ada;bob@example.com",
    "<ada@example.com>",
    "Ada <ada@example.com>",
    "ada@example.com, bob@example.com",
    "ada(work)@example.com",
    "ada bob@example.com",
    "ada@exam ple.com",
    '"ada bob"@example.com',
    "adá@example.com",  # non-ASCII local part: we do not send with SMTPUTF8
    "ada@clinic",
    "ada@",
    "ada",
]
ACCEPTED = [
    "name@example.com",
    "first.last+tag@sub.example.co.uk",
    "O'Brien@example.ie",
    "ada_lovelace-1815@example.org",
    "ada@xn--bcher-kva.example",  # an internationalised domain, as IDNA
    "ada@bücher.example",  # the same, as typed: sent as IDNA
    LONGEST_LOCAL + "@example.com",
]


def notice_form(address: str) -> CanBookNoticeForm:
    return CanBookNoticeForm({"notify_email": address, "consent": "on"})


@pytest.mark.parametrize("address", DJANGO_PASSES)
def test_addresses_django_passes_but_our_mail_would_not_deliver_are_refused(address):
    validate_email(address)  # Django's own check lets it through ...
    with pytest.raises(ValidationError) as refused:
        validate_deliverable_email(address)  # ... this one does not
    assert refused.value.messages == [MESSAGE]
    assert refused.value.code == "invalid"


@pytest.mark.parametrize("address", DJANGO_PASSES + DJANGO_REFUSES)
def test_a_refused_address_gets_one_message(address):
    """Refused once, whichever check refuses it: the field runs Django's check first and ours
    leaves to it what it refuses, so the patient never reads the same message twice."""
    form = notice_form(address)
    assert not form.is_valid()
    errors = form.errors["notify_email"]
    too_long = len(address) > 254
    if too_long:
        # The field's own length limit says so too, in its own words.
        assert errors == [MESSAGE, "Email address must be 254 characters or fewer"]
    else:
        assert errors == [MESSAGE]
    assert "consent" not in form.errors


@pytest.mark.parametrize("address", ACCEPTED)
def test_deliverable_addresses_are_accepted(address):
    validate_deliverable_email(address)
    form = notice_form(address)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("address", "valid"), [('"a,b"@example.com', False), *[(a, True) for a in ACCEPTED]]
)
def test_the_booking_request_model_checks_its_address_too(address, valid):
    """For anything that validates the model (the admin, a shell): the same rule."""
    booking = BookingRequest(email=address)
    others = [field.name for field in BookingRequest._meta.fields if field.name != "email"]
    if valid:
        booking.clean_fields(exclude=others)
    else:
        with pytest.raises(ValidationError) as refused:
            booking.clean_fields(exclude=others)
        assert refused.value.message_dict == {"email": [MESSAGE]}
