"""Reads of the message log for monitoring (the gateway's monitoring page, alerts)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from egov.messagelog import conf, log


def status() -> dict[str, Any]:
    """Where the log stands: the last record, how far it is sealed, since when a
    record waits for its timestamp, the last sealing error, and whether ``append``
    accepts records. One query (two while it refuses)."""
    head = log.head()
    now = timezone.now()
    waiting = head.oldest_unsealed_at
    return {
        "last_seq": head.last_seq,
        "sealed_seq": head.sealed_seq,
        "unsealed": head.last_seq - head.sealed_seq,
        "oldest_unsealed_at": waiting.isoformat() if waiting else None,
        "unsealed_seconds": round((now - waiting).total_seconds()) if waiting else 0,
        "max_unsealed_seconds": conf.max_unsealed_seconds(),
        "last_sealed_at": head.last_sealed_at.isoformat() if head.last_sealed_at else None,
        "last_seal_error": head.last_seal_error,
        "accepting": log.refusal(head.unsealed_since_us, now) is None,
    }
