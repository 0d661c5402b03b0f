"""A circuit breaker per provider subsystem, its state in Django's cache (the
database cache, or Redis when configured) so that every process sees the same.

closed     calls go through; consecutive failures are counted
open       after ``EGOV_GATEWAY_BREAKER_FAILURES`` consecutive failures: calls are
           refused at once (503 ``Server.ServerProxy.CircuitOpen``) for
           ``EGOV_GATEWAY_BREAKER_COOLDOWN_SECONDS``
half_open  after the cool-down one trial call goes through (``cache.add`` elects it
           among processes); its success closes the circuit, its failure opens it again

A call costs one cache read while the provider is healthy; writes happen only on
failures and on the first success after them. Two processes failing at once may
lose one count (read-then-write): the circuit opens one failure later, never wrongly.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


def _key(provider: str) -> str:
    return f"gateway:breaker:{provider}"


def _probe_key(provider: str) -> str:
    return f"gateway:breaker-probe:{provider}"


def read(provider: str) -> dict[str, Any]:
    return cache.get(_key(provider)) or {}


def state(seen: dict[str, Any]) -> str:
    opened = seen.get("opened_at")
    if opened is None:
        return CLOSED
    if time.time() - opened < settings.EGOV_GATEWAY_BREAKER_COOLDOWN_SECONDS:
        return OPEN
    return HALF_OPEN


def states(providers: list[str]) -> dict[str, str]:
    found = cache.get_many([_key(p) for p in providers])
    return {p: state(found.get(_key(p)) or {}) for p in providers}


def admit(provider: str) -> tuple[bool, dict[str, Any], float]:
    """(may the call go, the state read, seconds until the next trial when refused)."""
    seen = read(provider)
    current = state(seen)
    if current == CLOSED:
        return True, seen, 0.0
    cooldown = settings.EGOV_GATEWAY_BREAKER_COOLDOWN_SECONDS
    if current == OPEN:
        return False, seen, max(0.0, seen["opened_at"] + cooldown - time.time())
    # Half open: one trial at a time, among all processes.
    if cache.add(_probe_key(provider), 1, timeout=cooldown):
        return True, seen, 0.0
    return False, seen, 1.0


def succeeded(provider: str, seen: dict[str, Any]) -> None:
    if seen:
        cache.delete_many([_key(provider), _probe_key(provider)])


def failed(provider: str) -> None:
    seen = read(provider)
    failures = int(seen.get("failures", 0)) + 1
    opened = seen.get("opened_at")
    if opened is not None or failures >= settings.EGOV_GATEWAY_BREAKER_FAILURES:
        opened = time.time()  # opens, or a failed trial opens it again
    cache.set(_key(provider), {"failures": failures, "opened_at": opened}, timeout=None)
    cache.delete(_probe_key(provider))
