"""Stop links: every message that is not a direct reply to the patient's own action carries one.

The link (`/messages/<token>/stop/`) names a group of message kinds and a keyed hash of the
address, signed; never the address itself. A stop is checked when a message is queued, and
the group's messages already waiting in the outbox are deleted (so never sent).
"""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from post_office.models import STATUS, Email

from bookings.models import Message, MessageStop
from screener.questions import Text

Kind = Message.Kind

# What one stop link stops, and how the patient is told (privacy notice, stop page).
STOP_GROUPS: dict[str, tuple[Text, tuple[str, ...]]] = {
    "reminders": (
        _("reminders before an appointment, with the health questions asked again"),
        (Kind.RECHECK_REMINDER, Kind.RECHECK_OVERDUE),
    ),
    "aftercare": (
        _("aftercare advice after a treatment"),
        (Kind.AFTERCARE_DAY_0, Kind.AFTERCARE_DAY_3, Kind.AFTERCARE_DAY_14),
    ),
    "follow_up": (
        _("reminders of when your next session or a maintenance session is due"),
        (Kind.NEXT_SESSION, Kind.MAINTENANCE),
    ),
    "can_book": (_("the email that tells you when you can book"), (Kind.CAN_BOOK,)),
    "earlier_times": (_("offers of an earlier time for your appointment"), (Kind.EARLIER_TIME,)),
}
GROUP_OF_KIND: dict[str, str] = {
    kind: group for group, (_words, kinds) in STOP_GROUPS.items() for kind in kinds
}
STOP_SALT = "bookings.stop"


def address_hash(address: str, *, secret: str | None = None) -> str:
    """A keyed hash of an e-mail address (case-insensitive): equal addresses, equal hashes.
    Keyed with SECRET_KEY unless `secret` is given."""
    return salted_hmac(
        "bookings.stop.address", address.strip().lower(), secret=secret, algorithm="sha256"
    ).hexdigest()


def address_hashes(address: str) -> list[str]:
    """The address's hash under SECRET_KEY, then under each of SECRET_KEY_FALLBACKS: a stop
    recorded before the key was rotated carries one of the latter."""
    fallbacks = [address_hash(address, secret=key) for key in settings.SECRET_KEY_FALLBACKS]
    return [address_hash(address), *fallbacks]


def stop_token(*, group: str, address: str) -> str:
    return signing.dumps([group, address_hash(address)], salt=STOP_SALT)


def read_stop_token(token: str) -> tuple[str, str] | None:
    """(group, address hash) from a stop link's token, or None if it is not one of ours."""
    try:
        group, hashed = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if group not in STOP_GROUPS or not isinstance(hashed, str):
        return None
    return group, hashed


def stop_url(*, group: str, address: str) -> str:
    token = stop_token(group=group, address=address)
    return settings.SITE_URL + reverse("bookings:stop_messages", args=[token])


def is_stopped(*, group: str, address: str) -> bool:
    hashes = address_hashes(address)
    found = set(
        MessageStop.objects.filter(address_hash__in=hashes, group=group).values_list(
            "address_hash", flat=True
        )
    )
    if found and hashes[0] not in found:
        # Recorded under a key since rotated: record it under today's key too, so the stop
        # outlives the old key's removal from SECRET_KEY_FALLBACKS.
        MessageStop.objects.get_or_create(address_hash=hashes[0], group=group)
    return bool(found)


def stops_rekey(addresses: Iterable[str]) -> int:
    """Record under SECRET_KEY every stop these addresses have under a fallback key (nightly,
    from purge_old_bookings). Returns how many stops were re-keyed."""
    if not settings.SECRET_KEY_FALLBACKS:
        return 0
    old_hashes = set(
        MessageStop.objects.exclude(address_hash="").values_list("address_hash", flat=True)
    )
    rekeyed = 0
    for address in set(addresses):
        current, *fallbacks = address_hashes(address)
        for stop in MessageStop.objects.filter(address_hash__in=old_hashes & set(fallbacks)):
            _, created = MessageStop.objects.get_or_create(address_hash=current, group=stop.group)
            rekeyed += created
    return rekeyed


def messages_stop(*, group: str, hashed_address: str) -> int:
    """Record the stop and delete the group's messages to that address still waiting to be
    sent. Returns how many were deleted. Running it twice does no harm."""
    kinds = STOP_GROUPS[group][1]
    with transaction.atomic():
        MessageStop.objects.get_or_create(address_hash=hashed_address, group=group)
        waiting = Email.objects.filter(
            clinic_message__kind__in=kinds, status__in=[STATUS.queued, STATUS.requeued]
        )
        doomed = [
            email.pk
            for email in waiting.only("pk", "to")
            if any(hashed_address in address_hashes(to) for to in email.to)
        ]
        Email.objects.filter(pk__in=doomed).delete()
    return len(doomed)
