"""Settings of the national registries' clients, read from environment variables
(egov/settings.py imports this module; the variables are listed in docs/operations.md
and docs/registries.md). The defaults point at the local fake that ``manage.py serve``
starts (fakes/registries.py)."""

from __future__ import annotations

from egov.env import env_int, env_str

# "fake-http": the JSON protocol of fakes/registries.py (docs/registries.md), "none": off
# (the prefill buttons are not shown), or the dotted path of a client class.
EGOV_POPULATION_PROVIDER = env_str("EGOV_POPULATION_PROVIDER", "fake-http")
EGOV_POPULATION_URL = env_str("EGOV_POPULATION_URL", "http://127.0.0.1:8032").rstrip("/")
EGOV_BUSINESS_PROVIDER = env_str("EGOV_BUSINESS_PROVIDER", "fake-http")
EGOV_BUSINESS_URL = env_str("EGOV_BUSINESS_URL", "http://127.0.0.1:8032").rstrip("/")
EGOV_REGISTRY_TIMEOUT_SECONDS = env_int("EGOV_REGISTRY_TIMEOUT_SECONDS", 5)
EGOV_REGISTRY_CACHE_SECONDS = env_int("EGOV_REGISTRY_CACHE_SECONDS", 120)
