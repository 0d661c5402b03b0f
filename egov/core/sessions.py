"""Sessions: Django's database sessions in ``core.Session``, which also names the
account, so that deleting an account ends its sessions (the foreign key cascades).
Both hooks are the documented ones for extending a database-backed session engine
(https://docs.djangoproject.com/en/5.2/topics/http/sessions/#extending-database-backed-session-engines)."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        from egov.core.models import Session

        return Session

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        try:
            obj.user_id = get_user_model()._meta.pk.to_python(user_id) if user_id else None
        except ValidationError:
            obj.user_id = None
        return obj
