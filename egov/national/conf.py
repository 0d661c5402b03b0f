"""Settings of the national portal sync, read when used: a Django setting of the same
name (``NATIONAL_URL``...) wins over the environment variable (``EGOV_NATIONAL_URL``),
so tests override them with pytest-django's ``settings``. Documented in
docs/national.md and docs/operations.md."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from egov.env import env_int, env_str

LOOPBACK = ("127.0.0.1", "localhost", "::1")
PROVIDERS = ("dvcqg", "none")


def _get(name: str, default):
    value = getattr(settings, name, None)
    if value is not None:
        return value
    if isinstance(default, int):
        return env_int(f"EGOV_{name}", default)
    return env_str(f"EGOV_{name}", default)


def provider() -> str:
    """``dvcqg`` (the national portal) or ``none`` (no sync: the default, so that a
    platform without a national connection, and every test of another app, does not
    try to reach one; ``make run`` turns it on against the local fake)."""
    name = _get("NATIONAL_PROVIDER", "none")
    if name not in PROVIDERS:
        raise ValueError(f"EGOV_NATIONAL_PROVIDER must be one of {', '.join(PROVIDERS)}")
    return name


def url() -> str:
    return _get("NATIONAL_URL", "http://127.0.0.1:8029").rstrip("/")


def username() -> str:
    return _get("NATIONAL_USERNAME", "egov-demo")


def password() -> str:
    return _get("NATIONAL_PASSWORD", "egov-demo-password")


def unit_code() -> str:
    """The province's unit code at the national portal (``madonvi``)."""
    return _get("NATIONAL_UNIT_CODE", "000.00.00.H06")


def sender() -> str:
    """The prefix of the message ids (unique per back office)."""
    return _get("NATIONAL_SENDER", "egov")


def inbound_token() -> str:
    """The token the national portal presents when it delivers a dossier here (empty:
    the inbound endpoint refuses every call)."""
    return _get("NATIONAL_INBOUND_TOKEN", "")


def timeout() -> int:
    """Seconds one call may take (connect, then each read). A delivery's calls are
    also bounded by what is left of the outbox lease (EGOV_OUTBOX_LEASE_SECONDS, 120 by
    default), and none starts with less than this left."""
    return _get("NATIONAL_TIMEOUT_SECONDS", 10)


def circuit_failures() -> int:
    """Consecutive failed calls that open the circuit."""
    return _get("NATIONAL_CIRCUIT_FAILURES", 5)


def circuit_seconds() -> int:
    """How long an open circuit refuses calls before one trial call is let through."""
    return _get("NATIONAL_CIRCUIT_SECONDS", 30)


def sweep_seconds() -> int:
    """How often ``national_schedule`` sweeps stuck deliveries."""
    return _get("NATIONAL_SWEEP_SECONDS", 60)


def catalogue_seconds() -> int:
    """How often ``national_schedule`` pulls the national catalogue (0: never)."""
    return _get("NATIONAL_CATALOGUE_SECONDS", 86400)


def serve_commands(python: str) -> dict[str, list[str]]:
    """What ``manage.py serve`` starts for the sync while it is on: the periodic work
    (``national_schedule``) and, while EGOV_NATIONAL_URL is on loopback, the fake
    national portal (fakes/dvcqg.py)."""
    if provider() != "dvcqg":
        return {}
    commands = {
        "national-schedule": [python, str(settings.BASE_DIR / "manage.py"), "national_schedule"]
    }
    parts = urlsplit(url())
    if parts.hostname not in LOOPBACK:
        return commands
    script = str(settings.BASE_DIR / "fakes" / "dvcqg.py")
    return {
        **commands,
        "national": [
            python,
            script,
            "--host",
            parts.hostname,
            "--port",
            str(parts.port or 80),
            "--username",
            username(),
            "--password",
            password(),
        ],
    }
