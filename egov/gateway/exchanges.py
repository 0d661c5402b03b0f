"""The one record of every call through the proxy.

``record_exchange`` is called once per call (refusals after authentication included),
when the answer is complete. It appends the exchange to the hash-chained message log
(``egov.messagelog.log.append``, the auditor's record) and writes the ``Exchange`` row
the monitor reads. Neither keeps the ``X-Road-UserId`` in clear: the message log's keyed
pseudonym stands for it (an ID number cannot be read back without the key)."""

from __future__ import annotations

import logging

from egov.core.errors import DomainError
from egov.gateway.models import Exchange
from egov.messagelog import crypto
from egov.messagelog import log as messagelog

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
    fields = {
        "client": client,
        "service": service,
        "message_id": message_id,
        "user_id": user_id,
        "method": method,
        "path": path,
        "status": status,
        "latency_ms": latency_ms,
        "request_hash": request_hash,
        "response_hash": response_hash,
        "error_type": error_type,
    }
    user = ""
    try:
        user = messagelog.append(**fields).user
    except DomainError as refused:
        # The proxy checked the log before sending (``check_accepting``); the log began
        # refusing while the call was under way: the exchange happened, say so loudly.
        log.error(
            "gateway exchange not in the message log",
            extra={"message_id": message_id, "code": refused.code},
        )
    if user_id and not user:  # not in the log: the same pseudonym, made here
        user = crypto.current().pseudonym(user_id)
    Exchange.objects.create(
        client=client[:200],
        provider=service.rsplit("/", 1)[0][:200],
        service=service[:260],
        message_id=message_id[:100],
        user_id=user[:200],
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
