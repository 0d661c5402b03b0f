"""Transactional outbox.

``emit`` writes an event in the caller's transaction, so an event exists if and
only if the change it reports was committed. A relay (``relay_outbox`` command,
started with the worker) claims due events, calls every handler registered for
the event's topic, records each attempt, retries failures with exponential
backoff and marks an event dead after ``OUTBOX_MAX_ATTEMPTS`` (at once when a handler
raises ``PermanentFailure``: retrying cannot help); an administrator
re-drives dead events (``redrive_event``).

Claiming: a claim takes a short lease (``lease_until``, ``lease_token``) in its own
transaction; on PostgreSQL the candidate rows are locked with
``SELECT ... FOR UPDATE SKIP LOCKED`` so several relays on several machines never
take the same event. An event is a candidate only when no earlier event of the same
aggregate is still undelivered (pending, leased or dead), so the events of one
dossier reach the handlers in order. Delivery is at least once: a handler that
succeeded is not called again for the same event, but a relay that dies between a
handler's success and its record makes the handler run again, so handlers must be
idempotent (they receive the event id to deduplicate).
"""

from __future__ import annotations

import fnmatch
import logging
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from egov.core import audit
from egov.core.models import OutboxAttempt, OutboxEvent, WorkerHeartbeat

log = logging.getLogger("egov.outbox")

Handler = Callable[[OutboxEvent], Any]


class PermanentFailure(Exception):
    """Raised by a handler when trying again cannot help (the receiver refused the
    message for good, e.g. a 4xx other than 429): the event is marked dead at once,
    with the reason, for an administrator to look at and re-drive."""


_handlers: list[tuple[str, str, Handler]] = []  # (topic pattern, name, function); set at import


def handler(pattern: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` for topics matching ``pattern`` (shell-style, ``dossier.*``)."""

    def decorator(fn: Handler) -> Handler:
        register(pattern, fn)
        return fn

    return decorator


def register(pattern: str, fn: Handler, name: str | None = None) -> None:
    """The handler's name is recorded with each attempt and must stay the same across
    processes and restarts: by default the function's dotted path."""
    name = name or f"{fn.__module__}.{getattr(fn, '__qualname__', type(fn).__qualname__)}"
    if not any(p == pattern and n == name for p, n, _ in _handlers):
        _handlers.append((pattern, name, fn))


def unregister(pattern: str, fn: Handler) -> None:
    _handlers[:] = [h for h in _handlers if not (h[0] == pattern and h[2] is fn)]


@contextmanager
def registered(pattern: str, fn: Handler, name: str | None = None) -> Iterator[None]:
    """Register a handler for the duration of a block (tests)."""
    register(pattern, fn, name)
    try:
        yield
    finally:
        unregister(pattern, fn)


def handlers_for(topic: str) -> list[tuple[str, Handler]]:
    return [(name, fn) for pattern, name, fn in _handlers if fnmatch.fnmatchcase(topic, pattern)]


def event(
    *,
    topic: str,
    aggregate: models.Model | None = None,
    aggregate_type: str = "",
    aggregate_id: str | int = "",
    payload: dict[str, Any] | None = None,
) -> OutboxEvent:
    """A new outbox event, not saved yet (``emit`` writes it)."""
    if aggregate is not None:
        aggregate_type = aggregate_type or aggregate._meta.label_lower
        aggregate_id = aggregate_id or aggregate.pk
    return OutboxEvent(
        topic=topic,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        payload=audit._canonical(payload or {}),
    )


def emit(**kwargs: Any) -> OutboxEvent:
    """Append an event to the outbox in the current transaction (arguments: ``event``)."""
    new = event(**kwargs)
    new.save(force_insert=True)
    return new


def backoff(attempt: int) -> timedelta:
    """Delay before retry number ``attempt + 1``: base * 2^(attempt-1), capped."""
    seconds = settings.OUTBOX_BACKOFF_SECONDS * (2 ** max(attempt - 1, 0))
    return timedelta(seconds=min(seconds, settings.OUTBOX_BACKOFF_MAX_SECONDS))


def claim(*, relay: str, limit: int | None = None) -> tuple[str, list[OutboxEvent]]:
    """Lease up to ``limit`` due events for ``relay``; returns (lease token, events)."""
    limit = limit or settings.OUTBOX_BATCH_SIZE
    now = timezone.now()
    token = uuid.uuid4().hex
    earlier_undelivered = OutboxEvent.objects.filter(
        aggregate_type=OuterRef("aggregate_type"),
        aggregate_id=OuterRef("aggregate_id"),
        id__lt=OuterRef("id"),
    ).exclude(status=OutboxEvent.Status.DELIVERED)
    due = (
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .exclude(Exists(earlier_undelivered))
        .order_by("id")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("id", flat=True)[:limit])
        if ids:
            # The lease condition is repeated so that the update is safe even where
            # the database has no row locks (SQLite serialises writers instead).
            OutboxEvent.objects.filter(id__in=ids).filter(
                Q(lease_until__isnull=True) | Q(lease_until__lt=now)
            ).update(
                lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
                lease_token=token,
            )
    events = list(OutboxEvent.objects.filter(lease_token=token).order_by("id"))
    return token, events


def deliver(event: OutboxEvent, *, relay: str, token: str) -> bool:
    """Call the handlers of ``event`` that have not yet succeeded; record each attempt;
    settle the event. Returns True when the event is delivered."""
    number = event.attempts + 1
    succeeded = set(
        OutboxAttempt.objects.filter(event=event, ok=True).values_list("handler", flat=True)
    )
    error = ""
    permanent = False
    for name, fn in handlers_for(event.topic):
        if name in succeeded:
            continue
        attempt = OutboxAttempt.objects.create(
            event=event, handler=name, number=number, relay=relay
        )
        try:
            fn(event)
        except Exception as exc:  # a handler's failure must not stop the relay
            error = f"{name}: {exc.__class__.__name__}: {exc}"
            permanent = isinstance(exc, PermanentFailure)
            attempt.error = traceback.format_exc(limit=5)[-4000:]
            attempt.finished_at = timezone.now()
            attempt.save(update_fields=["error", "finished_at"])
            break
        attempt.ok = True
        attempt.finished_at = timezone.now()
        attempt.save(update_fields=["ok", "finished_at"])

    now = timezone.now()
    mine = OutboxEvent.objects.filter(pk=event.pk, lease_token=token)
    if not error:
        settled = mine.update(
            status=OutboxEvent.Status.DELIVERED,
            attempts=number,
            delivered_at=now,
            lease_until=None,
            lease_token="",
            last_error="",
        )
    elif permanent or number >= settings.OUTBOX_MAX_ATTEMPTS:
        settled = mine.update(
            status=OutboxEvent.Status.DEAD,
            attempts=number,
            lease_until=None,
            lease_token="",
            last_error=error[:4000],
        )
        log.error(
            "outbox event dead", extra={"event": event.pk, "topic": event.topic, "error": error}
        )
    else:
        settled = mine.update(
            attempts=number,
            next_attempt_at=now + backoff(number),
            lease_until=None,
            lease_token="",
            last_error=error[:4000],
        )
        log.warning(
            "outbox delivery failed", extra={"event": event.pk, "attempt": number, "error": error}
        )
    if not settled:
        log.warning("outbox lease lost before settling", extra={"event": event.pk})
    return not error


def relay_once(*, relay: str, limit: int | None = None) -> int:
    """One claim-and-deliver round. Returns the number of events handled."""
    token, events = claim(relay=relay, limit=limit)
    for event in events:
        deliver(event, relay=relay, token=token)
    return len(events)


def beat(name: str, **info: Any) -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "info": info}
    )


def redrive_event(*, actor: Any, event: OutboxEvent) -> OutboxEvent:
    """Put a dead event back in the queue with a fresh set of attempts."""
    from egov.core.permissions import Action, require

    require(actor, Action.ADMINISTER, event)
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().get(pk=event.pk)
        if event.status != OutboxEvent.Status.DEAD:
            from egov.core.errors import Conflict

            raise Conflict(
                "outbox_not_dead",
                "Chỉ gửi lại được sự kiện đã thất bại.",
                "Only dead events can be re-driven.",
            )
        before = audit.snapshot(event, ["status", "attempts"])
        event.status = OutboxEvent.Status.PENDING
        event.attempts = 0
        event.next_attempt_at = timezone.now()
        event.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit.record(
            actor=actor,
            action="outbox.redrive",
            obj=event,
            changes=audit.diff(before, audit.snapshot(event, ["status", "attempts"])),
        )
    return event
