"""Rate limits that hold across processes and machines: DRF throttles whose counters
live in the shared cache (``CACHES["default"]``: the database, or Redis), keyed by the
client address as ``egov.core.clientip`` reads it (never a header the client writes)
or by the account. Rates come from settings (docs/operations.md)."""

from __future__ import annotations

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

    def _window(self) -> list:
        if self.rate is None:
            return []
        self.key = self.get_cache_key(None, None)
        self.now = self.timer()
        return [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]

    def blocked(self) -> bool:
        return self.rate is not None and len(self._window()) >= self.num_requests

    def hit(self) -> None:
        if self.rate is None:
            return
        self.history = self._window()
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
