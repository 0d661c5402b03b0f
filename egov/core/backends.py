"""Authentication backend: Django's ModelBackend, whose ``get_user`` (run on every
authenticated request) takes the user read together with the session
(``egov.core.sessions``), or reads it through ``egov.core.sql``."""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError

from egov.core.sessions import take_loaded_user
from egov.core.sql import fetch


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = take_loaded_user(pk)
        if user is None:
            found = fetch(model, f"{model._meta.pk.column} = %s", [pk])
            user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
