"""What ``manage.py serve`` starts for the registries: the fake population and business
registries (fakes/registries.py), once per loopback address that a configured
"fake-http" client points at (both by default: one server, two routes)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def fake_commands(python: str, choice: str = "auto") -> dict[str, list[str]]:
    """``choice``: ``auto`` (while a URL is on loopback), ``yes`` or ``no``
    (``EGOV_REGISTRY_FAKE``)."""
    if choice == "no":
        return {}
    urls = []
    if settings.EGOV_POPULATION_PROVIDER == "fake-http":
        urls.append(settings.EGOV_POPULATION_URL)
    if settings.EGOV_BUSINESS_PROVIDER == "fake-http":
        urls.append(settings.EGOV_BUSINESS_URL)
    commands = {}
    for url in urls:
        parts = urlsplit(url)
        if choice == "auto" and parts.hostname not in LOOPBACK:
            continue
        host, port = parts.hostname or "127.0.0.1", str(parts.port or 80)
        name = "registries" if not commands else f"registries-{port}"
        command = [python, "-m", "fakes.registries", "--host", host, "--port", port]
        if command not in commands.values():
            commands[name] = command
    return commands


def banner() -> str:
    return (
        "Population and business look-ups go to the fake registries at "
        f"{settings.EGOV_POPULATION_URL} (GET /received, POST /control: docs/registries.md)\n"
    )
