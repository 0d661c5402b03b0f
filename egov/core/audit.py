"""Append-only, hash-chained audit log with keyed hashes.

Every write made through a service function appends an entry in the same
transaction (``record``). Entries are spread over ``AUDIT_PARTITIONS`` independent
chains: a database connection picks one partition the first time it writes and
keeps it, so one transaction only ever locks one chain head (no deadlocks) and
concurrent writers (web processes, workers) mostly lock different heads. Each
entry stores ``prev_hash``, ``key_id`` and ``hash = HMAC-SHA256(key, prev_hash +
canonical JSON)`` with a key that is not in the database (``egov.core.audit_keys``),
so that someone who can rewrite rows cannot recompute the chain. ``verify_chain``
recomputes every chain and reports the first broken entry of each; ``manage.py
verify_audit`` adds the guards and the signed checkpoints kept outside the database
(``egov.core.audit_checkpoint``). Why partitions rather than one chain or batch
sealing: docs/decisions/0002-audit-chain.md; keys and checkpoints: 0008-audit-anchored.md.
"""

from __future__ import annotations

import datetime
import hmac
import json
import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone

from egov.core import audit_keys
from egov.core.context import current_client_ip, current_request_id
from egov.core.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-safe copy of ``value`` that survives a round trip through JSONField
    unchanged (dates as ISO strings, decimals and other objects as strings)."""
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _body(entry: AuditEntry) -> dict[str, Any]:
    return {
        "partition": entry.partition,
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.astimezone(datetime.UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "agency_id": entry.agency_id,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "client_ip": entry.client_ip,
        "key_id": entry.key_id,
    }


def _dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _stamp_key(entry: AuditEntry) -> Any:
    """The HMAC that seals ``entry``: of its own key, or of the current key, which a new
    entry (no ``key_id`` yet) is given."""
    if entry.key_id:
        return audit_keys.load(create=True).mac(entry.key_id)
    entry.key_id, mac = audit_keys.current()
    return mac


def entry_digest(entry: AuditEntry) -> str:
    """``HMAC-SHA256(key, prev_hash + canonical JSON)`` of ``entry`` with the key of its
    ``key_id``; a new entry without one gets the current key's id first."""
    mac = _stamp_key(entry)
    mac.update((entry.prev_hash + _dumps(_body(entry))).encode())
    return mac.hexdigest()


def _verify_digest(entry: AuditEntry, keys: audit_keys.Keys) -> str:
    mac = keys.mac(entry.key_id)
    mac.update((entry.prev_hash + _dumps(_body(entry))).encode())
    return mac.hexdigest()


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of ``fields`` (default: every concrete field) of ``obj``, foreign
    keys as ids, ready to store as a before/after summary."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    result = {}
    for name in names:
        field = obj._meta.get_field(name) if not name.endswith("_id") else None
        attname = field.attname if field is not None else name
        result[name] = getattr(obj, attname)
    return _canonical(result)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    return {
        "before": {k: before.get(k) for k in changed},
        "after": {k: after.get(k) for k in changed},
    }


def _partition(using: str) -> int:
    connection = connections[using]
    partition = getattr(connection, "egov_audit_partition", None)
    if partition is None or partition >= settings.AUDIT_PARTITIONS:
        partition = random.randrange(settings.AUDIT_PARTITIONS)
        connection.egov_audit_partition = partition
    return partition


_HEAD_TABLE = AuditChainHead._meta.db_table
_NEXT_SEQ = (
    f'UPDATE "{_HEAD_TABLE}" SET "last_seq" = "last_seq" + 1 WHERE "partition" = %s '
    'RETURNING "last_seq", "last_hash"'
)


def _next_seq(using: str, partition: int) -> tuple[int, str]:
    """The next sequence number of ``partition`` and the hash it chains to. The
    UPDATE locks the head row until commit (both databases support RETURNING)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_NEXT_SEQ, [partition])
        row = cursor.fetchone()
        if row is None:  # first entry of this partition
            AuditChainHead.objects.using(using).bulk_create(
                [AuditChainHead(partition=partition)], ignore_conflicts=True
            )
            cursor.execute(_NEXT_SEQ, [partition])
            row = cursor.fetchone()
    return row[0], row[1]


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    agency_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry in the current transaction (opened if there is none):
    the head's next number (which locks the partition's head until commit), the
    entry with its hash computed here, the head's new hash. The same three statements
    on every database."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)[:255]
    using = router.db_for_write(AuditEntry)
    entry = AuditEntry(
        partition=_partition(using),
        occurred_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_label=(str(actor) if actor is not None else "system")[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:255],
        agency_id=agency_id,
        changes=_canonical(changes or {}),
        request_id=current_request_id(),
        client_ip=current_client_ip(),
    )
    # No savepoint: an error here fails the caller's whole transaction anyway.
    with transaction.atomic(using=using, savepoint=False):
        entry.seq, entry.prev_hash = _next_seq(using, entry.partition)
        entry.hash = entry_digest(entry)
        entry.save(using=using, force_insert=True)
        AuditChainHead.objects.using(using).filter(partition=entry.partition).update(
            last_hash=entry.hash, last_prev_hash=entry.prev_hash
        )
    return entry


def record_personal_data_read(
    *, actor: Any, obj: models.Model, fields: list[str], agency_id: int | None = None
) -> AuditEntry:
    """Log that ``actor`` read personal data (ID numbers...) of ``obj``."""
    return record(
        actor=actor,
        action="personal_data.read",
        obj=obj,
        agency_id=agency_id,
        changes={"fields": sorted(fields)},
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the audit log: where (as far as known) and why."""

    reason: str
    partition: int | None = None
    seq: int | None = None
    entry_id: int | None = None

    def __str__(self) -> str:
        where = []
        if self.partition is not None:
            where.append(f"partition {self.partition}")
        if self.seq is not None:
            where.append(f"seq {self.seq}")
        text = ", ".join(where)
        if self.entry_id is not None:
            text += f" (entry id {self.entry_id})"
        return f"{text}: {self.reason}" if text else self.reason


def check_entries(
    partition: int,
    entries: Any,
    keys: audit_keys.Keys,
    *,
    seq: int = 0,
    prev_hash: str = GENESIS,
) -> tuple[int, int, str, Problem | None]:
    """Walk ``entries`` of ``partition`` (ordered by seq) as the continuation of the
    chain after ``seq`` whose hash is ``prev_hash``. Returns (entries walked, last seq,
    last hash, first problem or None)."""
    walked = 0
    for entry in entries:
        walked += 1
        reason = None
        if entry.seq != seq + 1:
            reason = f"entry missing (the next entry found has seq {entry.seq})"
            problem = Problem(reason, partition, seq + 1, entry.pk)
            return walked, seq, prev_hash, problem
        if entry.prev_hash != prev_hash:
            reason = "prev_hash does not match the previous entry"
        elif not entry.key_id:
            reason = "no key id: not sealed with a keyed hash"
        else:
            try:
                if not hmac.compare_digest(_verify_digest(entry, keys), entry.hash):
                    reason = f"content changed: keyed hash (key {entry.key_id}) does not match"
            except audit_keys.UnknownKey as error:
                reason = f"{error}: cannot be verified"
        if reason:
            return walked, seq, prev_hash, Problem(reason, partition, entry.seq, entry.pk)
        seq, prev_hash = entry.seq, entry.hash
    return walked, seq, prev_hash, None


def verify_chain(
    using: str = "default", keys: audit_keys.Keys | None = None
) -> tuple[int, list[Problem]]:
    """Recompute every partition's chain from seq 1 with the keys (``KeyMissing`` when
    they cannot be read) and compare its end with the partition's head. Returns
    (entries checked, first problem of each broken partition, ordered by partition)."""
    keys = keys or audit_keys.load()
    checked = 0
    problems: list[Problem] = []
    heads = {h.partition: h for h in AuditChainHead.objects.using(using).all()}
    partitions = set(heads) | set(
        AuditEntry.objects.using(using).values_list("partition", flat=True).distinct()
    )
    for partition in sorted(partitions):
        entries = (
            AuditEntry.objects.using(using)
            .filter(partition=partition)
            .order_by("seq")
            .iterator(2000)
        )
        walked, seq, last_hash, problem = check_entries(partition, entries, keys)
        checked += walked
        if problem is None:
            head = heads.get(partition)
            if head is None:
                problem = Problem("chain head missing", partition, seq)
            elif head.last_seq != seq or head.last_hash != last_hash:
                problem = Problem(
                    f"chain head (seq {head.last_seq}) does not match the last entry "
                    f"(seq {seq}): entries removed at the end, or the head moved",
                    partition,
                    head.last_seq,
                )
            elif seq and head.last_prev_hash != (
                AuditEntry.objects.using(using).get(partition=partition, seq=seq).prev_hash
            ):
                problem = Problem("chain head's prev_hash does not match", partition, seq)
        if problem:
            problems.append(problem)
    return checked, problems
