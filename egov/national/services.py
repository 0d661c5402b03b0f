"""Writes of the national portal sync.

The sync state rows are bookkeeping of the relay (what was last sent, the last error),
not a change anybody made: they carry no audit entry, because the outbox's own attempt
log already records every delivery (``OutboxAttempt``) and an audit row per delivery
would double the writes of the relay. What an administrator does (re-driving dead
events, ``redrive_dossier``; sweeping stuck deliveries, ``sweep_stuck``) is audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from egov.core import audit, outbox
from egov.core.models import OutboxAttempt, OutboxEvent
from egov.national.models import SyncState
from egov.national.queries import HANDLER, TOPICS


def record_delivery(
    state: SyncState | None,
    *,
    dossier_id: int,
    event_id: int,
    message_id: str,
    status: int | None = None,
    accepted: bool | None = None,
    error: str = "",
) -> None:
    """Write what one delivery did to the dossier's sync state (one statement)."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "last_event_id": event_id,
        "last_message_id": message_id,
        "last_attempt_at": now,
        "last_error": error[:4000],
    }
    if not error:
        fields["synced_at"] = now
        fields["last_status_sent"] = status
    if accepted is not None:
        fields["accepted"] = accepted
        if accepted and (state is None or not state.accepted):
            fields["accepted_at"] = now
    if state is None:
        SyncState.objects.create(dossier_id=dossier_id, **fields)
    else:
        SyncState.objects.filter(pk=state.pk).update(**fields)


def redrive_dossier(*, actor: Any, dossier_id: int) -> int:
    """Re-drive the dead national-sync events of one dossier (oldest first, so that
    they go again in order); each is audited by ``outbox.redrive_event``."""
    dead = OutboxEvent.objects.filter(
        aggregate_type="dossiers.dossier",
        aggregate_id=str(dossier_id),
        topic__startswith=TOPICS,
        status=OutboxEvent.Status.DEAD,
    ).order_by("id")
    count = 0
    for event in dead:
        outbox.redrive_event(actor=actor, event=event)
        count += 1
    return count


def sweep_stuck(*, actor: Any = None, now: datetime.datetime | None = None) -> int:
    """Release the deliveries whose relay died (their lease ran out while the event was
    still pending): the lease is cleared so any relay takes the event again at once, and
    the unfinished attempt rows are closed with the reason. Returns how many events were
    released. A relay that comes back after its lease ran out cannot settle the event
    (``outbox.deliver`` settles only with its own lease token)."""
    now = now or timezone.now()
    with transaction.atomic():
        stuck = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(
                status=OutboxEvent.Status.PENDING,
                lease_until__lt=now,
                topic__startswith=TOPICS,
            )
            .exclude(lease_token="")
            .values_list("id", flat=True)
        )
        if not stuck:
            return 0
        OutboxAttempt.objects.filter(
            event_id__in=stuck, handler=HANDLER, finished_at__isnull=True
        ).update(finished_at=now, error="relay lost: its lease ran out (swept)")
        OutboxEvent.objects.filter(id__in=stuck, lease_until__lt=now).update(
            lease_until=None, lease_token="", next_attempt_at=now
        )
        audit.record(
            actor=actor,
            action="national.sweep",
            object_type="core.outboxevent",
            changes={"events": stuck[:1000], "count": len(stuck)},
        )
    return len(stuck)
