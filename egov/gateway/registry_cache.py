"""What the registry says about (client, provider, service), kept in this process for
``EGOV_GATEWAY_REGISTRY_SECONDS`` (0: asked at every call), as X-Road's security
servers keep the global configuration between refreshes: the registry's query is
the largest cost of a proxied call. A change made in this process (the services)
empties it at commit; other processes see a change within that many seconds, a
revoked access right included (docs/gateway.md)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

MAX_ENTRIES = 10_000

_lock = threading.Lock()
_entries: dict[tuple[str, str, str], tuple[float, Any]] = {}


def resolve(client: str, provider: str, code: str, lookup: Callable[[str, str, str], Any]) -> Any:
    seconds = settings.EGOV_GATEWAY_REGISTRY_SECONDS
    if seconds <= 0:
        return lookup(client, provider, code)
    key = (client, provider, code)
    now = time.monotonic()
    found = _entries.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = lookup(client, provider, code)
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (now + seconds, value)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
