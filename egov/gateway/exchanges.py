"""The one record of every call through the proxy.

``record_exchange`` is called once per call (refusals after authentication included),
when the answer is complete. It writes the ``Exchange`` row the monitor reads; the
hash-chained message log (``egov.messagelog``) is to be called from here too, with the
same keyword fields."""

from __future__ import annotations

import logging

from egov.gateway.models import Exchange

log = logging.getLogger("egov.gateway")


def record_exchange(
    *,
    client: str,
    service: str,
    message_id: str,
    user_id: str,
    method: str,
    path: str,
    status: int,
    latency_ms: float,
    request_hash: str,
    response_hash: str,
    error_type: str,
) -> None:
    """``client``: the client subsystem's identifier; ``service``: the service's full
    identifier (``<provider subsystem id>/<service code>``); hashes: base64 SHA-256 of
    the bodies as forwarded; ``error_type``: the X-Road error type, empty on success
    (a provider's own 5xx answer has none)."""
    Exchange.objects.create(
        client=client[:200],
        provider=service.rsplit("/", 1)[0][:200],
        service=service[:260],
        message_id=message_id[:100],
        user_id=user_id[:200],
        method=method[:10],
        path=path[:500],
        status=status,
        latency_ms=latency_ms,
        request_hash=request_hash,
        response_hash=response_hash,
        error_type=error_type[:80],
    )
    log.debug(
        "gateway exchange",
        extra={
            "client": client,
            "service": service,
            "message_id": message_id,
            "status": status,
            "ms": round(latency_ms, 1),
            "error_type": error_type,
        },
    )
