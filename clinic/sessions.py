"""Sessions in the cache (Redis), with the round trips Django's cache backend adds for nothing.

Used as SESSION_ENGINE when REDIS_URL is set. A patient's first screener POST starts their
session; with Django's own backend that costs three round trips to Redis (does this random key
exist? create it empty; write it again with the answers at the end of the request), here one.
Behaviour is otherwise Django's own.
"""

import secrets

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.utils.http import int_to_base36

# Django's keys: 32 characters of [a-z0-9], about 165 random bits.
KEY_LENGTH = 32
KEY_BITS = 165  # 2**165 < 36**32, so the key always fits in 32 base-36 digits


class SessionStore(CacheSessionStore):
    def _get_new_session_key(self) -> str:
        # Django asks the cache whether each new random key exists before using it. The session
        # is then created with cache.add (SET NX), which refuses a key that exists all the same
        # (create() then draws another): the question costs a round trip and guards nothing.
        # The same kind of key as Django's, from one read of the system's random source
        # rather than one per character.
        return int_to_base36(secrets.randbits(KEY_BITS)).rjust(KEY_LENGTH, "0")

    def cycle_key(self) -> None:
        # A session without a key (new, or its key unknown or expired) has no key to rotate, so
        # none an attacker could have planted: it gets a fresh random key when it is first
        # saved, at the end of this request. Django would create it now, to write it again then.
        if self.session_key is None:
            self._session_cache = self._session  # keep what it holds, as Django does
            self.modified = True
            return
        super().cycle_key()
