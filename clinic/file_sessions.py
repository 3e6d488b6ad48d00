"""Sessions in files (the one-machine SQLite configuration), as Django's own engine keeps them,
except that a session that cannot be written is an error instead of a silent loss.

Django's file engine swallows a failed write (a full disk) and lets a read-only folder's
PermissionError become a 500: either way a patient's screening is gone and nobody is told.
"""

from django.contrib.sessions.backends import file


class SessionStoreUnavailable(Exception):
    """The session store could not keep a session (full, read-only or failing)."""


class SessionStore(file.SessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except OSError as error:
            raise SessionStoreUnavailable(type(error).__name__) from error
        # Read it back (a tiny file on a local disk): the one way to see a write Django dropped.
        if self.session_key and dict(self.items()) and not type(self)(self.session_key).load():
            raise SessionStoreUnavailable("the session was not written")
