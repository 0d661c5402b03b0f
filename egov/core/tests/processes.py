"""Test helper: the environment of another process (relay, server, reception worker)
that must work on this test run's database."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import connection


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(settings.BASE_DIR),
        # The test's audit key and checkpoint file (egov/conftest.py).
        "EGOV_AUDIT_KEY": settings.AUDIT_KEY,
        "EGOV_AUDIT_KEY_FILE": str(settings.AUDIT_KEY_FILE),
        "EGOV_AUDIT_CHECKPOINT_PATH": str(settings.AUDIT_CHECKPOINT_PATH),
        **extra,
    }
