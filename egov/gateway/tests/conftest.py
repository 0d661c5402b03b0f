from __future__ import annotations

import pytest

from egov.gateway import ratelimit, registry_cache
from egov.gateway.tests.factories import registry
from fakes.provider import Provider


@pytest.fixture
def provider():
    with Provider() as running:
        yield running


@pytest.fixture
def reg(db, provider, settings):
    """The registry with the one-stop system allowed to call the fake provider's
    ``echo`` service (at ``<fake>/api/``); short timeouts, no rate limit to speak of."""
    settings.EGOV_GATEWAY_CONNECT_TIMEOUT_MS = 1000
    settings.EGOV_GATEWAY_READ_TIMEOUT_MS = 1000
    settings.EGOV_GATEWAY_RATE_PER_SECOND = 1000
    settings.EGOV_GATEWAY_RATE_BURST = 1000
    ratelimit.buckets().clear()
    return registry(base_url=provider.url + "/api/")


@pytest.fixture(autouse=True)
def _fresh_registry_cache():
    """Rolled-back tests reuse the same identifiers: forget what earlier tests cached."""
    registry_cache.clear()
    yield
    registry_cache.clear()
