""" "Email me when I can book" mails an address nobody confirms, so it must not become a way to
mail strangers: one e-mail waits per address at a time, and an address is asked for at most 3
times in 24 hours (bookings.services.can_book_notice_queue).

The count is kept in the shared cache under the address's keyed hash, never the address; a
refused request gets a message beside the field; a cache that fails lets requests through.
"""

import logging
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from post_office.models import Email

from bookings.models import Message
from bookings.services import NOTICES_PER_ADDRESS
from bookings.stop import address_hash
from tests.booking_helpers import answers, screen
from tests.test_cache_failures import FullDisk, dead_redis_url, point_redis_at

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=NEW_YORK)
NOTIFY = "/screener/notify/"
RESULT = "/screener/result/"
TOO_OFTEN = "We cannot take more requests for this email address today. Try again tomorrow"
# Last isotretinoin dose on January 20: may book from April 20, 2026; on February 1, from May 1.
DATED = answers(isotretinoin_date=date(2026, 1, 20))
LATER = answers(isotretinoin_date=date(2026, 2, 1))


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _no_limit_per_client(settings):
    """These tests post more often than the per-client rate limit allows: that is not theirs."""
    settings.NOTIFY_RATE_LIMIT = ""


def notify(client, patient=DATED, address="ada@example.com"):
    screen(client, patient)
    return client.post(NOTIFY, {"notify_email": address, "consent": "on"})


def waiting() -> list[tuple[list[str], datetime]]:
    """The "can book" e-mails waiting in the outbox: (recipients, when)."""
    return [
        (message.email.to, message.email.scheduled_time)
        for message in Message.objects.filter(kind=Message.Kind.CAN_BOOK).select_related("email")
    ]


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=NEW_YORK)


# --- One waiting e-mail per address -------------------------------------------------------------


def test_asking_again_for_an_address_replaces_the_date_waiting(client):
    """The second request's date replaces the first's, whatever the address's case: one e-mail
    waits, and the page says the same as the first time."""
    assert notify(client, DATED)["Location"] == RESULT
    response = notify(client, LATER, address="ADA@Example.com")
    assert response.status_code == 302
    assert response["Location"] == RESULT
    assert waiting() == [(["ADA@Example.com"], morning(date(2026, 5, 1)))]
    assert Email.objects.count() == 1


def test_the_same_request_twice_is_not_counted(client):
    """A double submit (same address, same day) changes nothing and uses none of the 3."""
    for _ in range(NOTICES_PER_ADDRESS + 2):
        assert notify(client)["Location"] == RESULT
    assert waiting() == [(["ada@example.com"], morning(date(2026, 4, 20)))]
    assert notify(client, LATER)["Location"] == RESULT
    assert waiting() == [(["ada@example.com"], morning(date(2026, 5, 1)))]


def test_other_addresses_each_keep_their_own_email(client):
    notify(client, address="ada@example.com")
    notify(client, LATER, address="bob@example.com")
    assert sorted(waiting()) == [
        (["ada@example.com"], morning(date(2026, 4, 20))),
        (["bob@example.com"], morning(date(2026, 5, 1))),
    ]


# --- At most 3 requests per address in 24 hours -------------------------------------------------


def alternate(client, times: int, address: str = "ada@example.com") -> list[int]:
    """`times` requests for the address, each with a new date (so each one counts)."""
    return [
        notify(client, DATED if turn % 2 == 0 else LATER, address=address).status_code
        for turn in range(times)
    ]


def test_a_fourth_request_within_24_hours_is_refused_beside_the_field(client):
    """Status 200, the whole result page, the message in the summary and beside the field, the
    address and the tick kept; the e-mail waiting is left as it was."""
    assert alternate(client, 3) == [302, 302, 302]
    before = waiting()
    response = notify(client, LATER, address="Ada@Example.com ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'data-outcome="deferred"' in html
    assert 'href="#id_notify_email"' in html
    start = html.index('id="id_notify_email_error"')
    assert TOO_OFTEN in html[start : html.index("</p>", start)]
    assert response.context["notify_form"].errors == {"notify_email": [TOO_OFTEN]}
    assert 'value="Ada@Example.com "' in html
    assert re.search(r'name="consent" id="id_consent"[^>]* checked', html)
    assert waiting() == before
    assert "data-notice-asked" not in client.get(RESULT).content.decode()


def test_the_limit_is_per_address(client):
    assert alternate(client, 3) == [302, 302, 302]
    assert alternate(client, 1, address="bob@example.com") == [302]


def test_the_limit_counts_the_last_24_hours(client, time_machine):
    """Not a fixed window: a turn comes back 24 hours after it was taken, not before."""
    assert alternate(client, 1) == [302]
    time_machine.move_to(NOW + timedelta(hours=23), tick=False)
    assert notify(client, LATER).status_code == 302
    assert notify(client, DATED).status_code == 302
    assert notify(client, LATER).status_code == 200
    time_machine.move_to(NOW + timedelta(hours=24, seconds=1), tick=False)
    assert notify(client, LATER).status_code == 302  # the first request's turn is back
    assert notify(client, DATED).status_code == 200
    time_machine.move_to(NOW + timedelta(hours=47, seconds=1), tick=False)
    assert alternate(client, 2) == [302, 302]


def test_the_cache_holds_a_hash_of_the_address_never_the_address(client, monkeypatch, caplog):
    keys = []
    store = caches["default"]
    real_add = store.add

    def spying_add(key, *args, **kwargs):
        keys.append(key)
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(store, "add", spying_add)
    with caplog.at_level(logging.DEBUG):
        alternate(client, 4, address="Ada.Secret@Example.com")
    notice_keys = [key for key in keys if key.startswith("can_book_notice:")]
    assert notice_keys
    assert all(address_hash("ada.secret@example.com") in key for key in notice_keys)
    assert not any("secret" in key.lower() for key in keys)
    assert "secret" not in caplog.text.lower()


# --- The cache failing ---------------------------------------------------------------------------


def test_with_the_cache_disk_full_requests_are_let_through(client, monkeypatch, caplog):
    """The count cannot be kept, so it fails open (as the rate limits do); one e-mail still
    waits per address, since that rule lives in the outbox, not the cache."""
    FullDisk(monkeypatch).fill()
    assert alternate(client, NOTICES_PER_ADDRESS + 2) == [302] * (NOTICES_PER_ADDRESS + 2)
    assert len(waiting()) == 1
    assert any("per-address limit not counted" in record.getMessage() for record in caplog.records)
    assert "ada@example.com" not in caplog.text


def test_with_redis_down_requests_are_let_through(client, settings):
    point_redis_at(settings, dead_redis_url(), "test-dead")
    assert alternate(client, NOTICES_PER_ADDRESS + 1) == [302] * (NOTICES_PER_ADDRESS + 1)
    assert len(waiting()) == 1
