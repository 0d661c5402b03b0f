"""The client's address, read the same way everywhere (throttles, login lockout,
audit entries): ``REMOTE_ADDR`` unless the platform runs behind
``EGOV_TRUSTED_PROXIES`` reverse proxies, each of which appends the address it
received the request from to ``X-Forwarded-For``. Then the Nth entry from the
right is the address the first trusted proxy saw: anything to its left was written
by the client and may be forged, so it is never read."""

from __future__ import annotations

from ipaddress import ip_address

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.EGOV_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    # Fewer entries than proxies: the request did not come through all of them (or a
    # proxy is misconfigured); the peer's own address is the only one known to be true.
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
