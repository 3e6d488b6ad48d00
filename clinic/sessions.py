"""Sessions in the database (every configuration but SQLite's), as Django's own engine keeps
them, less one query per new session."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    def create(self):
        # Django first asks whether a new random key is taken; the insert already refuses a
        # taken key (CreateError), so that question is a round trip per screening for nothing.
        while True:
            self._session_key = get_random_string(32, VALID_KEY_CHARS)
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return
