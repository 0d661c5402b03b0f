"""Settings of the message log, read when used: a Django setting of the same name
without the ``EGOV_`` prefix (``MESSAGELOG_BODIES``...) wins over the environment
variable, so that tests override them with pytest-django's ``settings``. Documented
in docs/messagelog.md and docs/operations.md."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from egov.env import env_bool, env_int, env_str


def _get(name: str, default):
    value = getattr(settings, name, None)
    if value is not None:
        return value
    env_name = f"EGOV_{name}"
    if isinstance(default, bool):
        return env_bool(env_name, default)
    if isinstance(default, int):
        return env_int(env_name, default)
    return env_str(env_name, default)


def bodies() -> bool:
    """Whether request and response bodies are kept (encrypted)."""
    return _get("MESSAGELOG_BODIES", False)


def key_text() -> str:
    """``id:hex`` keys (at least 32 bytes each) by commas; the last one writes."""
    return _get("MESSAGELOG_KEY", "")


def batch_size() -> int:
    """Records per seal at most (X-Road: 10,000)."""
    return max(1, _get("MESSAGELOG_BATCH_SIZE", 10_000))


def max_unsealed_seconds() -> int:
    """How long a record may wait for its timestamp before ``append`` refuses
    (X-Road's acceptable-timestamp-failure-period); 0: never refuse."""
    return _get("MESSAGELOG_MAX_UNSEALED_SECONDS", 14_400)


def seal_seconds() -> int:
    """How often ``manage.py serve`` enqueues the sealing (0: never; use cron)."""
    return _get("MESSAGELOG_SEAL_SECONDS", 60)


def tsa_url() -> str:
    """The RFC 3161 timestamp authority; by default the one signing uses."""
    from egov.signing import conf as signing_conf

    return _get("MESSAGELOG_TSA_URL", "") or signing_conf.tsa_url()


def tsa_cert() -> Path:
    """The PEM certificate of the trusted TSA: a token is valid only when signed by
    its key. By default the development PKI's TSA certificate."""
    from egov.signing import conf as signing_conf

    return Path(_get("MESSAGELOG_TSA_CERT", "") or signing_conf.pki_dir() / "tsa.pem")


def tsa_timeout() -> int:
    return _get("MESSAGELOG_TSA_TIMEOUT_SECONDS", 10)


def retention_days() -> int:
    """Sealed batches older than this many days are moved to archive files."""
    return _get("MESSAGELOG_RETENTION_DAYS", 30)


def archive_dir() -> Path:
    return Path(_get("MESSAGELOG_ARCHIVE_DIR", "") or settings.VAR_DIR / "messagelog-archive")
