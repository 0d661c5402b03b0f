"""Reads of the national portal sync: the dossier as the handler maps it (related rows
fetched once), the history row of an outbox event, and the figures of the monitor
(``provider_stats``)."""

from __future__ import annotations

import datetime
import math

from django.db.models import Exists, OuterRef
from django.utils import timezone

from egov.catalog import cache as catalog_cache
from egov.core.models import OutboxAttempt, OutboxEvent
from egov.dossiers.models import Dossier, DossierEvent
from egov.national import circuit
from egov.national.models import SyncState

HANDLER = "egov.national.sync"  # the outbox handler's stable name
TOPICS = "dossier."  # the topics the handler takes (``dossier.*``)
MEMBER = "VN/GOV/000.00.00.G22/DVCQG"  # the portal's identifier on the data-sharing platform
NAME = "Cổng Dịch vụ công quốc gia (DVCQG)"
# Topics whose history row has another action name.
HISTORY_ACTION = {"fee_recorded": "record_payment"}
STATS_WINDOW = datetime.timedelta(hours=1)
STATS_SAMPLE = 2000  # latest attempts the percentiles are computed from


def dossier_for_sync(dossier_id: str) -> tuple[Dossier | None, SyncState | None]:
    """The dossier with what ``mapping.record`` reads, and its sync state, in three
    queries: the procedure version (name, field, fees) comes from the catalogue cache
    (a published version never changes)."""
    dossier = (
        Dossier.objects.filter(pk=dossier_id)
        .select_related("processing_agency", "national_sync")
        .prefetch_related("components", "result_files")
        .first()
    )
    if dossier is None:
        return None, None
    dossier.procedure_version = catalog_cache.version(dossier.procedure_version_id)
    # The reverse one-to-one is absent until the first delivery (AttributeError subclass).
    return dossier, getattr(dossier, "national_sync", None)


def history_row(event: OutboxEvent, dossier: Dossier) -> DossierEvent | None:
    """The history row written with ``event``: every dossier action writes one history
    row and one outbox event, so the n-th event of a topic goes with the n-th row of
    its action. One query when the action wrote no history row, two otherwise."""
    action = event.topic.removeprefix(TOPICS)
    action = HISTORY_ACTION.get(action, action)
    rows = list(
        DossierEvent.objects.filter(dossier=dossier, action=action)
        .select_related("agency", "actor__officer")
        .order_by("id")
    )
    if len(rows) <= 1:
        return rows[0] if rows else None
    earlier = OutboxEvent.objects.filter(
        aggregate_type=event.aggregate_type,
        aggregate_id=event.aggregate_id,
        topic=event.topic,
        id__lt=event.pk,
    ).count()
    return rows[earlier] if earlier < len(rows) else None


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return round(sorted_values[index], 1)


def provider_stats(now: datetime.datetime | None = None) -> dict:
    """The national portal as the gateway monitor lists its providers: deliveries done,
    events waiting and dead, and over the last hour the share of failed attempts and
    the attempts' latency percentiles (ms), with the circuit state."""
    now = now or timezone.now()
    mine = OutboxAttempt.objects.filter(handler=HANDLER)
    succeeded = mine.filter(event=OuterRef("pk"), ok=True)
    open_events = OutboxEvent.objects.filter(topic__startswith=TOPICS).exclude(
        status=OutboxEvent.Status.DELIVERED
    )
    open_events = open_events.exclude(Exists(succeeded))
    pending = open_events.filter(status=OutboxEvent.Status.PENDING).count()
    dead = open_events.filter(status=OutboxEvent.Status.DEAD).count()
    recent = list(
        mine.filter(started_at__gte=now - STATS_WINDOW, finished_at__isnull=False)
        .order_by("-id")
        .values_list("ok", "started_at", "finished_at")[:STATS_SAMPLE]
    )
    latencies = sorted((end - start).total_seconds() * 1000 for _, start, end in recent)
    failed = sum(1 for ok, _, _ in recent if not ok)
    return {
        "member": MEMBER,
        "name": NAME,
        "delivered": mine.filter(ok=True).count(),
        "pending": pending,
        "dead": dead,
        "error_rate": round(failed / len(recent), 4) if recent else 0.0,
        "p50_ms": _percentile(latencies, 0.50),
        "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99),
        "circuit": circuit.state(),
    }
