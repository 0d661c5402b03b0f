"""Appending exchanges the way the gateway's proxy does."""

from __future__ import annotations

import hashlib
import uuid

from egov.messagelog import log

CCCD = "001099012345"  # a citizen's ID number (12 digits) that must never be readable


def exchange(n: int = 0, **overrides):
    values = {
        "client": "VN/GOV/000.00.00.H06/motcua",
        "service": "VN/GOV/000.00.00.G01/dancu/tra-cuu",
        "message_id": str(uuid.UUID(int=n + 1)),
        "user_id": "",
        "method": "GET",
        "path": f"/gateway/G01/dancu/tra-cuu/{n}",
        "status": 200,
        "latency_ms": 12.5 + n,
        "request_hash": hashlib.sha256(f"request {n}".encode()).hexdigest(),
        "response_hash": hashlib.sha256(f"response {n}".encode()).hexdigest(),
    }
    values.update(overrides)
    return log.append(**values)


def exchanges(count: int, start: int = 0) -> list:
    return [exchange(n) for n in range(start, start + count)]
