"""E-mail addresses checked as the clinic's mail server will take them, not only as RFC 5322
allows: an address Django accepts but our SMTP sending cannot deliver (a quoted local part, a
comma, an accented local part without SMTPUTF8) would mean a patient never gets their e-mail.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.com")
# RFC 5321: a forward path is at most 256 octets with its angle brackets; a local part 64.
EMAIL_MAX_LENGTH = 254
LOCAL_PART_MAX_LENGTH = 64
# Characters that only a quoted local part or a domain literal may carry, or that split an
# address list ("a@x.com, b@y.com"): refused anywhere in the address.
SPECIAL_CHARACTERS = frozenset(',;<>()[]\\"')


def validate_deliverable_email(value: str) -> None:
    """Refuse an address that Django's EmailValidator passes but our mail will not deliver.

    For an EmailField's `validators`: the field's own EmailValidator runs first, and what it
    refuses is left to it, so the patient reads one message, not the same one twice.
    """
    try:
        validate_email(value)
    except ValidationError:
        return  # refused already, by the field's own EmailValidator
    local, _at, domain = value.rpartition("@")
    if (
        len(value) > EMAIL_MAX_LENGTH
        or len(local) > LOCAL_PART_MAX_LENGTH
        or any(ch in SPECIAL_CHARACTERS or ch.isspace() for ch in value)
        # Without SMTPUTF8 a local part must be ASCII; a domain is sent as IDNA ("xn--").
        or not local.isascii()
        or "." not in domain
    ):
        raise ValidationError(EMAIL_INVALID, code="invalid")
