"""Settings of the benchmark server (bench/run.py): the platform's settings plus the
benchmark-only URL ``POST /bench/insert-one`` (bench/urls.py), so that no benchmark
endpoint ever exists in production.

The "default" cache is a dummy one here: its only user is DRF throttling, and the
public look-up's throttle (60 per minute per client address) would answer 429 to a
load generator that sends everything from 127.0.0.1. The benchmark measures the
look-up itself; the limit per address stays on in production. The catalogue's cache
(alias "reference", egov/catalog/cache.py) stays as in production."""

from egov.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
