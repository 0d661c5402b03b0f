"""Django's database sessions, read through ``egov.core.sql`` (every authenticated
request loads its session first; see that module)."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

from egov.core.sql import fetch


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = fetch(
            self.model,
            "session_key = %s AND expire_date > %s",
            [self.session_key, timezone.now()],
        )
        if found:
            return found[0]
        self._session_key = None
        return None
