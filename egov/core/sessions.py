"""Sessions: Django's database sessions in ``core.Session``, which also names the
account, so that the session and the user are read in one statement on every
authenticated request (``egov.core.sql``; the backend takes the user from here,
``egov/core/backends.py``)."""

from __future__ import annotations

import functools
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from egov.core import sql

# (user id, user) read with the session this request loaded; taken once by the backend.
_loaded: ContextVar[tuple[Any, Any] | None] = ContextVar("egov_session_user", default=None)


def take_loaded_user(user_id: Any) -> Any | None:
    """The user read with this request's session if it is ``user_id`` (else None, and
    the backend reads it). One use: what was loaded is forgotten."""
    loaded = _loaded.get()
    _loaded.set(None)
    if loaded is not None and loaded[0] == user_id:
        return loaded[1]
    return None


# Signed session texts -> what they hold (``SessionStore.decode``).
MAX_DECODED = 10_000
_decoded: dict[str, dict] = {}
_PLAIN = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _statement() -> str:
    from egov.core.models import Session

    user_model = get_user_model()
    quote = connections["default"].ops.quote_name
    session_columns, _ = sql.columns(Session, "s")
    user_columns, _ = sql.columns(user_model, "u")
    user_column = Session._meta.get_field("user").column
    return (
        f"SELECT {session_columns}, {user_columns} FROM {quote(Session._meta.db_table)} s "
        f"LEFT JOIN {quote(user_model._meta.db_table)} u "
        f"ON u.{quote(user_model._meta.pk.column)} = s.{quote(user_column)} "
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )


@functools.cache
def _user_pk_index() -> int:
    model = get_user_model()
    return sql.columns(model)[1].index(model._meta.pk.attname)


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        from egov.core.models import Session

        return Session

    def _get_session_from_db(self):
        _loaded.set(None)
        rows = sql.read(_statement(), [self.session_key, timezone.now()])
        row = rows[0] if rows else None
        if row is None:
            self._session_key = None
            return None
        session, end = sql.instance(self.model, row, 0)
        if session.user_id is not None and row[end + _user_pk_index()] is not None:
            user, _end = sql.instance(get_user_model(), row, end)
            _loaded.set((user.pk, user))
        return session

    def decode(self, session_data):
        """Django's decoding (signature checked), remembered per signed text: the same
        session is read on every request of its user. Only sessions holding plain
        values are remembered, and each request gets its own copy."""
        found = _decoded.get(session_data)
        if found is None:
            found = super().decode(session_data)
            if found and all(type(v) in _PLAIN for v in found.values()):
                if len(_decoded) >= MAX_DECODED:
                    _decoded.clear()
                _decoded[session_data] = found
        return dict(found)

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        try:
            obj.user_id = get_user_model()._meta.pk.to_python(user_id) if user_id else None
        except ValidationError:
            obj.user_id = None
        return obj
