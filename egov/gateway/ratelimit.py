"""Rate limits per client subsystem: a token bucket of ``EGOV_GATEWAY_RATE_BURST``
calls refilled at ``EGOV_GATEWAY_RATE_PER_SECOND``.

With Redis configured as Django's default cache (``EGOV_REDIS_URL``), the bucket is
in Redis, updated atomically by a small Lua script with Redis's own clock, so every
process and machine shares it. Otherwise it is in this process's memory (one bucket
per client per process: with N processes a client gets up to N times the rate)."""

from __future__ import annotations

import threading
import time

from django.conf import settings

_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return tostring(wait)
"""


class LocalBuckets:
    """Token buckets in this process's memory (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str, rate: float, burst: float) -> float:
        now = time.monotonic()
        with self.lock:
            tokens, at = self.buckets.get(client, (burst, now))
            tokens = min(burst, tokens + (now - at) * rate)
            if tokens >= 1:
                self.buckets[client] = (tokens - 1, now)
                return 0.0
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / rate

    def clear(self) -> None:
        with self.lock:
            self.buckets.clear()


class RedisBuckets:
    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self.script = redis.Redis.from_url(url).register_script(_LUA)

    def take(self, client: str, rate: float, burst: float) -> float:
        return float(self.script(keys=[f"egov:gateway:bucket:{client}"], args=[rate, burst]))


_local = LocalBuckets()
_shared: dict[str, RedisBuckets] = {}


def _redis_url() -> str:
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("RedisCache"):
        location = default["LOCATION"]
        return location if isinstance(location, str) else location[0]
    return ""


def buckets() -> LocalBuckets | RedisBuckets:
    url = _redis_url()
    if not url:
        return _local
    if url not in _shared:
        _shared[url] = RedisBuckets(url)
    return _shared[url]


def take(client: str) -> float:
    """0 when ``client`` may call now; otherwise the seconds until it may."""
    rate = max(settings.EGOV_GATEWAY_RATE_PER_SECOND, 1)
    burst = max(settings.EGOV_GATEWAY_RATE_BURST, 1)
    return buckets().take(client, rate, burst)
