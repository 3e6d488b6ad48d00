"""Sessions with Redis (SESSION_ENGINE when REDIS_URL is set): Django's cached_db sessions.

Written to the database and read from Redis, so a Redis that is down or emptied costs speed,
never a patient's screening.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(CachedDBStore):
    def exists(self, session_key: str | None) -> bool:
        # The database holds every session: asking Redis first costs a round trip, and breaks
        # the request when Redis is down.
        return DBStore.exists(self, session_key)

    def load(self) -> dict:
        try:
            return super().load()
        except Exception:
            # Read from the database, but Redis refused the copy Django puts back: the
            # database's answer stands (Django already tolerates a failed cache read or save).
            return DBStore.load(self)
