"""With Redis as Django's default cache, the rate limit's bucket and the breaker's
state are in Redis: shared by every process. A real redis-server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from egov.gateway import breaker, ratelimit
from egov.gateway.tests.helpers import call, token

REDIS = shutil.which("redis-server")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(REDIS is None, reason="redis-server is not installed"),
]


@pytest.fixture
def redis_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def on_redis(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
    }
    return redis_url


def test_two_processes_share_one_bucket(on_redis):
    one, other = ratelimit.RedisBuckets(on_redis), ratelimit.RedisBuckets(on_redis)
    assert one.take("VN/GOV/X/A", 1, 2) == 0
    assert other.take("VN/GOV/X/A", 1, 2) == 0
    wait = one.take("VN/GOV/X/A", 1, 2)
    assert 0 < wait <= 1
    assert other.take("VN/GOV/X/B", 1, 2) == 0  # another client, another bucket


def test_the_proxy_limits_and_breaks_through_redis(client, provider, reg, settings, on_redis):
    settings.EGOV_GATEWAY_RATE_PER_SECOND = 1
    settings.EGOV_GATEWAY_RATE_BURST = 2
    settings.EGOV_GATEWAY_RETRIES = 0
    settings.EGOV_GATEWAY_BREAKER_FAILURES = 2
    assert isinstance(ratelimit.buckets(), ratelimit.RedisBuckets)
    issued = token(client, reg)
    provider.faults.set("fail", status=500)
    assert [call(client, reg, bearer=issued).status_code for _ in range(3)] == [500, 500, 429]
    assert breaker.states([reg.provider.identifier]) == {reg.provider.identifier: "open"}
