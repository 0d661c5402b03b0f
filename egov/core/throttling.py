"""Rate limits that hold across processes and machines: DRF throttles whose counters
live in the shared cache (``CACHES["default"]``: the database, or Redis), keyed by the
client address as ``egov.core.clientip`` reads it (never a header the client writes)
or by the account. Rates come from settings (docs/operations.md).

Counting must not lose a request to a race between workers: DRF's own throttle reads
its list of times and writes it back, so two simultaneous requests record one (measured:
56 answers for a limit of 30 with six clients on three workers). Here each counted
request claims one numbered slot of the current window with the cache's ``add``, which
only one caller can win on every backend (a primary key insert in the database, SET NX
in Redis): at most ``limit`` claims succeed per window. Windows are fixed (a burst at a
window's edge can reach twice the rate over a few seconds, never more in any window)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from egov.core.clientip import client_ip


class SharedRateThrottle(SimpleRateThrottle):
    """A throttle on the shared cache, its rate read from the setting ``rate_setting``
    when the throttle is made (so that a test or a deployment can change it)."""

    rate_setting = ""

    def __init__(self):
        self.cache = caches["default"]
        super().__init__()

    def get_rate(self):
        if self.rate_setting:
            return getattr(settings, self.rate_setting) or None
        return super().get_rate()

    def get_ident(self, request):
        return client_ip(request)

    # -- counting in slots (see the module's docstring) --

    def _window(self, key: str) -> tuple[str, float]:
        now = time.time()
        number = int(now // self.duration)
        return f"{key}:{number}", (number + 1) * self.duration - now

    def claim(self, key: str) -> bool:
        """Count one request under ``key``; False (nothing counted) when the window is full."""
        window, left = self._window(key)
        timeout = int(left) + 1
        # Where to start looking: a hint, stale or low under a race (that costs one more
        # ``add``), never trusted for the limit itself.
        start = self.cache.get(f"{window}:next", 0)
        for slot in range(min(start, self.num_requests), self.num_requests):
            if self.cache.add(f"{window}:{slot}", 1, timeout):
                self.cache.set(f"{window}:next", slot + 1, timeout)
                return True
        self.left = left
        return False

    def full(self, key: str) -> bool:
        """Whether the window of ``key`` is full (the last slot is taken), counting nothing."""
        window, left = self._window(key)
        self.left = left
        return self.cache.get(f"{window}:{self.num_requests - 1}") is not None

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        return key is None or self.claim(key)

    def wait(self):
        return getattr(self, "left", None)


class AddressRateThrottle(SharedRateThrottle):
    """Every request per client address (anonymous ones; off unless EGOV_API_RATE_ANON)."""

    scope = "address"
    rate_setting = "EGOV_API_RATE_ANON"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AccountRateThrottle(SharedRateThrottle):
    """Every request per account (off unless EGOV_API_RATE_USER)."""

    scope = "account"
    rate_setting = "EGOV_API_RATE_USER"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class KeyedRateThrottle(SharedRateThrottle):
    """A counter named by the caller (an address, a dossier code, an account), for
    limits that are not one per request: ``hit`` counts one event, ``blocked`` tells
    whether the limit is reached without counting."""

    def __init__(self, scope: str, rate_setting: str, ident: str):
        self.scope = scope
        self.rate_setting = rate_setting
        self.ident = ident
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

    def blocked(self) -> bool:
        return self.rate is not None and self.full(self.get_cache_key(None, None))

    def hit(self) -> None:
        if self.rate is not None:
            self.claim(self.get_cache_key(None, None))
