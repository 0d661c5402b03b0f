"""The monitor's figures, from the exchanges of the last ``EGOV_GATEWAY_MONITOR_MINUTES``
minutes, the circuit breakers and the outbox.

Per provider (a subsystem offering services): calls that reached the gateway's
forwarding (refusals of the client, e.g. no access right or over its rate, are the
client's figures, not the provider's), errors among them (the provider's 5xx, its
timeouts and failures, an open circuit), latency percentiles (to the provider's
response headers), the circuit's state, and, for services that name an outbox topic
prefix, the outbox events of those topics: pending, dead, the oldest pending.
``delivered`` is the calls answered without error plus the outbox events of its
topics delivered in the window. Per client: calls, errors (any refusal or failure),
refusals by rate limit and by access right, latency percentiles."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from egov.core.models import OutboxEvent
from egov.gateway import breaker
from egov.gateway.models import Exchange, Service, Subsystem

CLIENT_SIDE = ("Client.", "Server.ClientProxy.")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted ``values`` (None when there are none)."""
    if not values:
        return None
    rank = max(1, math.ceil(p / 100 * len(values)))
    return round(values[rank - 1], 2)


def _figures(latencies: list[float], calls: int, errors: int) -> dict[str, Any]:
    latencies.sort()
    return {
        "calls": calls,
        "errors": errors,
        "error_rate": round(errors / calls, 4) if calls else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
    }


def _outbox(since) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """Pending and dead events (count, oldest pending) per topic, and the events
    delivered since ``since`` per topic."""
    waiting: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"pending": 0, "dead": 0, "oldest_pending": None}
    )
    # One grouped query for what waits, one for what went in the window.
    rows = (
        OutboxEvent.objects.filter(status__in=["pending", "dead"])
        .values("topic", "status")
        .annotate(count=Count("id"), oldest=Min("created_at"))
    )
    for row in rows:
        entry = waiting[row["topic"]]
        entry[row["status"]] += row["count"]
        if row["status"] == "pending":
            entry["oldest_pending"] = row["oldest"]
    delivered = dict(
        OutboxEvent.objects.filter(status="delivered", delivered_at__gte=since)
        .values("topic")
        .annotate(count=Count("id"))
        .values_list("topic", "count")
    )
    return waiting, delivered


def _sum_topics(prefixes: list[str], waiting: dict, delivered: dict) -> dict[str, Any]:
    total = {"pending": 0, "dead": 0, "oldest_pending": None, "delivered": 0}
    for topic, entry in waiting.items():
        if any(topic.startswith(p) for p in prefixes):
            total["pending"] += entry["pending"]
            total["dead"] += entry["dead"]
            oldest = entry["oldest_pending"]
            if oldest and (total["oldest_pending"] is None or oldest < total["oldest_pending"]):
                total["oldest_pending"] = oldest
    total["delivered"] = sum(
        count for topic, count in delivered.items() if any(topic.startswith(p) for p in prefixes)
    )
    return total


def _national_rows() -> list[dict[str, Any]]:
    """The national portal (DVCQG), while the sync is on: its deliveries go out by the
    outbox relay (egov.national), not through the proxy, so its figures are the relay's
    attempts (``national.queries.provider_stats``)."""
    from egov.core.models import OutboxAttempt
    from egov.national import conf as national_conf
    from egov.national.queries import HANDLER, provider_stats

    if national_conf.provider() == "none":
        return []
    row = provider_stats()
    attempts = OutboxAttempt.objects.filter(handler=HANDLER, finished_at__isnull=False)
    return [
        {
            "calls": attempts.count(),
            "errors": attempts.filter(ok=False).count(),
            "oldest_pending": None,
            "outbox_topics": ["dossier."],
            **row,
        }
    ]


def monitor(now=None) -> dict[str, Any]:
    now = now or timezone.now()
    minutes = settings.EGOV_GATEWAY_MONITOR_MINUTES
    since = now - timedelta(minutes=minutes)
    providers = {
        s.identifier: s
        for s in Subsystem.objects.filter(services__isnull=False).distinct().order_by("identifier")
    }
    topics: dict[str, list[str]] = defaultdict(list)
    for provider_id, topic in Service.objects.exclude(outbox_topic="").values_list(
        "provider__identifier", "outbox_topic"
    ):
        topics[provider_id].append(topic)
    by_provider: dict[str, list] = defaultdict(lambda: [[], 0, 0])  # latencies, calls, errors
    by_client: dict[str, list] = defaultdict(lambda: [[], 0, 0, 0, 0])  # + limited, denied
    rows = Exchange.objects.filter(at__gte=since).values_list(
        "provider", "client", "status", "error_type", "latency_ms"
    )
    for provider_id, client_id, status, error_type, latency in rows.iterator(5000):
        failed = status >= 500 or bool(error_type)
        client = by_client[client_id]
        client[0].append(latency)
        client[1] += 1
        client[2] += failed or status >= 400
        client[3] += error_type == "Client.RateLimited"
        client[4] += error_type == "Server.ClientProxy.AccessDenied"
        if error_type.startswith(CLIENT_SIDE):
            continue
        figures = by_provider[provider_id]
        figures[0].append(latency)
        figures[1] += 1
        figures[2] += failed
    circuits = breaker.states(list(providers))
    waiting, delivered = _outbox(since)
    provider_rows = []
    for identifier, subsystem in providers.items():
        latencies, calls, errors = by_provider.get(identifier, ([], 0, 0))
        outbox = _sum_topics(topics.get(identifier, []), waiting, delivered)
        provider_rows.append(
            {
                "member": identifier,
                "name": subsystem.name,
                **_figures(list(latencies), calls, errors),
                "delivered": calls - errors + outbox["delivered"],
                "pending": outbox["pending"],
                "dead": outbox["dead"],
                "oldest_pending": outbox["oldest_pending"],
                "outbox_topics": topics.get(identifier, []),
                "circuit": circuits[identifier],
            }
        )
    provider_rows += _national_rows()
    names = dict(
        Subsystem.objects.filter(identifier__in=list(by_client)).values_list("identifier", "name")
    )
    client_rows = [
        {
            "member": identifier,
            "name": names.get(identifier, ""),
            **_figures(latencies, calls, errors),
            "rate_limited": limited,
            "denied": denied,
        }
        for identifier, (latencies, calls, errors, limited, denied) in sorted(by_client.items())
    ]
    outbox_rows: dict[str, dict[str, Any]] = {}
    for topic in set(waiting) | set(delivered):
        prefix = topic.split(".", 1)[0]
        row = outbox_rows.setdefault(
            prefix, {"prefix": prefix, "pending": 0, "dead": 0, "oldest_pending": None}
        )
        row["delivered"] = row.get("delivered", 0) + delivered.get(topic, 0)
        entry = waiting.get(topic)
        if entry:
            row["pending"] += entry["pending"]
            row["dead"] += entry["dead"]
            oldest = entry["oldest_pending"]
            if oldest and (row["oldest_pending"] is None or oldest < row["oldest_pending"]):
                row["oldest_pending"] = oldest
    return {
        "window_minutes": minutes,
        "since": since,
        "providers": provider_rows,
        "clients": client_rows,
        "outbox": [outbox_rows[p] for p in sorted(outbox_rows)],
    }
