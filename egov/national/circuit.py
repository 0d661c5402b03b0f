"""A circuit breaker for the national portal, kept in the shared cache (Django's
``default`` cache: Redis, or the database cache) so that every relay process sees the
same state: after ``EGOV_NATIONAL_CIRCUIT_FAILURES`` consecutive failed calls it opens
and calls fail at once (the outbox retries them later) for
``EGOV_NATIONAL_CIRCUIT_SECONDS``; then it is half open: calls go through, the first
success closes it, a failure opens it again. Counting is best effort (two processes
may both count one failure): a breaker only has to stop hammering a portal that is
down, not to count exactly."""

from __future__ import annotations

import threading
import time

from django.core.cache import cache

from egov.national import conf

FAILURES = "national:circuit:failures"
OPEN_UNTIL = "national:circuit:open_until"
CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


# What a relay thread last read of the shared cache (the session, the breaker), kept
# for a second: one cache query per delivery was a tenth of a delivery's time. Writes
# go to the shared cache and to this copy at once; other processes see them within a
# second, which is all a breaker and a session need.
MEMO_SECONDS = 1.0


class _Memo(threading.local):
    def __init__(self) -> None:
        self.values: dict = {}
        self.keys: set = set()
        self.read_at = 0.0


_memo = _Memo()


def shared(keys: list[str]) -> dict:
    """The values of ``keys`` in the shared cache, as read less than a second ago."""
    if time.monotonic() - _memo.read_at > MEMO_SECONDS or not set(keys) <= _memo.keys:
        _memo.values = cache.get_many(keys)
        _memo.keys = set(keys)
        _memo.read_at = time.monotonic()
    return dict(_memo.values)


def remember(changes: dict, deleted: list[str] = ()) -> None:
    """Write ``changes`` (and delete ``deleted``) in the shared cache and in the copy."""
    if changes:
        cache.set_many(changes, timeout=None)
    if deleted:
        cache.delete_many(list(deleted))
    _memo.values.update(changes)
    for key in deleted:
        _memo.values.pop(key, None)


def forget() -> None:
    """Read the shared cache again next time (tests; after a reset)."""
    _memo.read_at = 0.0


def state(now: float | None = None) -> str:
    return _state(cache.get_many([FAILURES, OPEN_UNTIL]), now)


def _state(values: dict, now: float | None = None) -> str:
    until = values.get(OPEN_UNTIL)
    if until is None:
        return CLOSED
    return OPEN if (now or time.time()) < until else HALF_OPEN


class Breaker:
    """The breaker as one delivery sees it: read once, written only on a change."""

    def __init__(self, values: dict | None = None) -> None:
        """``values``: the breaker's keys already read from the cache (with others)."""
        if values is None:
            values = cache.get_many([FAILURES, OPEN_UNTIL])
        self.values = {k: v for k, v in values.items() if k in (FAILURES, OPEN_UNTIL)}

    @property
    def state(self) -> str:
        return _state(self.values)

    def allows(self) -> bool:
        return self.state != OPEN

    def succeeded(self) -> None:
        if self.values:
            remember({}, deleted=[FAILURES, OPEN_UNTIL])
            self.values = {}

    def failed(self) -> None:
        failures = int(self.values.get(FAILURES) or 0) + 1
        self.values[FAILURES] = failures
        changes: dict = {FAILURES: failures}
        if self.state == HALF_OPEN or failures >= conf.circuit_failures():
            self.values[OPEN_UNTIL] = changes[OPEN_UNTIL] = time.time() + conf.circuit_seconds()
        remember(changes)


def reset() -> None:
    cache.delete_many([FAILURES, OPEN_UNTIL])
    forget()
