"""Signed checkpoints of the audit log, kept outside the database.

A checkpoint is one JSON line appended to ``settings.AUDIT_CHECKPOINT_PATH``: the head
of every partition (partition, last seq, last hash) and the number of entries, read in
one statement, with the line's number, time and the id of the audit key it is signed
with (HMAC-SHA256 under a key derived from the audit key: ``audit_keys``), and the
signature of the line before it, so that the file is a chain too. A checkpoint is
written only after the entries added since the previous one are verified, so it never
blesses a chain that was already broken. Each line is also logged (logger
``egov.core.audit_checkpoint``), so that log shipping keeps a second copy.

What it adds to the chains: someone who can rewrite the database (and drop its
triggers) but not this file cannot remove or rewrite anything up to the latest
checkpoint, nor a whole partition, nor the whole log, without ``verify_audit`` naming
it. docs/decisions/0008-audit-anchored.md; an RFC 3161 timestamp of each line comes
with the signing issue.
"""

from __future__ import annotations

import datetime
import fcntl
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from egov.core import audit_keys, guards
from egov.core.audit import GENESIS, Problem, check_entries, verify_chain
from egov.core.models import AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)

FIELDS = ("n", "at", "key_id", "partitions", "count", "heads", "prev")
# Enough to hold the last line whole (one line: about 90 bytes per partition).
_TAIL_BYTES = 1 << 20


class CheckpointRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Checkpoint:
    n: int
    at: str
    key_id: str
    count: int
    heads: dict[int, tuple[int, str]]
    sig: str
    line: dict[str, Any]

    def where(self) -> str:
        return f"checkpoint {self.n} of {self.at}"


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _signature(fields: dict[str, Any], keys: audit_keys.Keys, key_id: str) -> str:
    mac = keys.checkpoint_mac(key_id)
    mac.update(_dumps(fields).encode())
    return mac.hexdigest()


def snapshot(using: str = "default") -> tuple[int, dict[int, tuple[int, str]]]:
    """(number of entries, {partition: (last seq, last hash)}), read in one statement
    so that both come from the same moment."""
    quote = connections[using].ops.quote_name
    head = quote(AuditChainHead._meta.db_table)
    entries = quote(AuditEntry._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'SELECT c.n, h."partition", h.last_seq, h.last_hash '
            f"FROM (SELECT COUNT(*) AS n FROM {entries}) c LEFT JOIN {head} h ON 1 = 1"
        )
        rows = cursor.fetchall()
    count = rows[0][0]
    heads = {p: (seq, h) for _n, p, seq, h in rows if p is not None}
    return count, heads


def _parse(text: str, number: int) -> tuple[Checkpoint | None, str | None]:
    try:
        line = json.loads(text)
        heads = {int(p): (int(seq), str(h)) for p, seq, h in line["heads"]}
        checkpoint = Checkpoint(
            int(line["n"]),
            str(line["at"]),
            str(line["key_id"]),
            int(line["count"]),
            heads,
            str(line["sig"]),
            line,
        )
    except (ValueError, KeyError, TypeError) as error:
        return None, f"line {number} of the checkpoint file is not a checkpoint ({error})"
    if set(line) != {*FIELDS, "sig"}:
        return None, f"line {number} of the checkpoint file has unexpected fields"
    return checkpoint, None


def _signature_problem(checkpoint: Checkpoint, keys: audit_keys.Keys) -> str | None:
    fields = {k: checkpoint.line[k] for k in FIELDS}
    try:
        expected = _signature(fields, keys, checkpoint.key_id)
    except audit_keys.UnknownKey as error:
        return f"{checkpoint.where()}: {error}: its signature cannot be verified"
    if not hmac.compare_digest(expected, checkpoint.sig):
        return f"{checkpoint.where()}: bad signature (the line was changed or forged)"
    return None


def _follow_problems(previous: Checkpoint | None, checkpoint: Checkpoint) -> list[str]:
    """What is wrong with ``checkpoint`` as the successor of ``previous``."""
    where = checkpoint.where()
    if previous is None:
        if checkpoint.n != 1 or checkpoint.line["prev"] != GENESIS:
            return [f"{where}: the file does not start with checkpoint 1 (lines removed?)"]
        return []
    problems = []
    if checkpoint.n != previous.n + 1 or checkpoint.line["prev"] != previous.sig:
        problems.append(
            f"{where}: does not follow checkpoint {previous.n} (lines removed or inserted)"
        )
    if checkpoint.count < previous.count:
        problems.append(
            f"{where}: {checkpoint.count} entries, fewer than the {previous.count} of "
            f"checkpoint {previous.n}"
        )
    for partition, (seq, digest) in previous.heads.items():
        now = checkpoint.heads.get(partition, (0, GENESIS))
        if now[0] < seq or (now[0] == seq and now[1] != digest):
            problems.append(
                f"{where}: partition {partition} goes back from seq {seq} to {now[0]} "
                f"(checkpoint {previous.n})"
            )
    return problems


def read(path: Path, keys: audit_keys.Keys) -> tuple[Checkpoint | None, list[str]]:
    """Check the whole checkpoint file (each line signed, chained to the one before it,
    no head going back). Returns (the latest checkpoint, problems); (None, []) when
    there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, []
    problems: list[str] = []
    previous: Checkpoint | None = None
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        problems.append(f"the last line ({len(lines)}) of the checkpoint file is incomplete")
    for number, raw in enumerate(lines, 1):
        checkpoint, problem = _parse(raw.decode("utf-8", "replace"), number)
        if checkpoint is None:
            problems.append(problem)
            continue
        signature = _signature_problem(checkpoint, keys)
        if signature:
            problems.append(signature)
        problems += _follow_problems(previous, checkpoint)
        previous = checkpoint
    return previous, problems


def _last(path: Path, descriptor: int) -> Checkpoint | None:
    size = os.fstat(descriptor).st_size
    if not size:
        return None
    start = max(0, size - _TAIL_BYTES)
    tail = os.pread(descriptor, size - start, start)
    lines = tail.rstrip(b"\n").split(b"\n")
    checkpoint, problem = _parse(lines[-1].decode("utf-8", "replace"), 0)
    if checkpoint is None:
        raise CheckpointRefused([Problem(f"{path}: {problem}")])
    return checkpoint


def compare(
    checkpoint: Checkpoint, count: int, heads: dict[int, tuple[int, str]], using: str
) -> list[Problem]:
    """What the database lacks that ``checkpoint`` holds: for every partition it knows,
    the entry at its seq with its hash, and a head at least as far; as many entries."""
    problems = []
    where = checkpoint.where()
    if count == 0 and checkpoint.count:
        problems.append(
            Problem(f"the audit log is empty, but {where} recorded {checkpoint.count} entries")
        )
    elif count < checkpoint.count:
        problems.append(
            Problem(
                f"the database holds {count} entries, fewer than the {checkpoint.count} "
                f"recorded by {where}: entries removed"
            )
        )
    for partition, (seq, digest) in sorted(checkpoint.heads.items()):
        if seq == 0:
            continue
        entry = (
            AuditEntry.objects.using(using)
            .filter(partition=partition, seq=seq)
            .only("pk", "hash")
            .first()
        )
        if entry is None:
            exists = AuditEntry.objects.using(using).filter(partition=partition).exists()
            reason = (
                f"entry missing: {where} recorded it; entries removed at the end"
                if exists
                else f"partition missing: {where} recorded it up to seq {seq}"
            )
            problems.append(Problem(reason, partition, seq))
        elif entry.hash != digest:
            problems.append(
                Problem(
                    f"hash differs from the one {where} recorded: the chain was rewritten",
                    partition,
                    seq,
                    entry.pk,
                )
            )
        head = heads.get(partition)
        if head is None:
            problems.append(Problem(f"chain head missing ({where} recorded it)", partition, seq))
        elif head[0] < seq:
            problems.append(
                Problem(f"chain head went back to seq {head[0]} ({where})", partition, seq)
            )
    return problems


def _extension_problems(
    previous: Checkpoint | None,
    count: int,
    heads: dict[int, tuple[int, str]],
    keys: audit_keys.Keys,
    using: str,
) -> list[Problem]:
    """Verify what the database added since ``previous``: each partition's entries after
    the checkpointed seq continue its chain and end at the head read now."""
    problems = []
    if previous is not None:
        problems += compare(previous, count, heads, using)
    if count != sum(seq for seq, _h in heads.values()):
        problems.append(
            Problem(
                f"{count} entries, but the chain heads add up to "
                f"{sum(seq for seq, _h in heads.values())}"
            )
        )
    for partition, (seq, digest) in sorted(heads.items()):
        start, start_hash = (
            previous.heads.get(partition, (0, GENESIS)) if previous else (0, GENESIS)
        )
        if seq < start:
            continue  # reported by compare
        entries = (
            AuditEntry.objects.using(using)
            .filter(partition=partition, seq__gt=start, seq__lte=seq)
            .order_by("seq")
            .iterator(2000)
        )
        _walked, last, last_hash, problem = check_entries(
            partition, entries, keys, seq=start, prev_hash=start_hash
        )
        if problem is None and (last, last_hash) != (seq, digest):
            problem = Problem(
                f"chain head (seq {seq}) does not match the last entry (seq {last})",
                partition,
                seq,
            )
        if problem:
            problems.append(problem)
    return problems


def write(using: str = "default", path: Path | None = None) -> dict[str, Any]:
    """Verify the entries added since the latest checkpoint and append a new one.
    Returns the new line; ``CheckpointRefused`` (nothing written) if something is
    wrong. Several writers at once take turns (a lock on the file)."""
    path = Path(path or settings.AUDIT_CHECKPOINT_PATH)
    keys = audit_keys.load(create=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        previous = _last(path, descriptor)
        if previous is not None and (problem := _signature_problem(previous, keys)):
            raise CheckpointRefused([Problem(problem)])
        count, heads = snapshot(using)
        problems = _extension_problems(previous, count, heads, keys, using)
        if problems:
            raise CheckpointRefused(problems)
        known = set(range(settings.AUDIT_PARTITIONS)) | set(heads)
        if previous:
            known |= set(previous.heads)
        fields = {
            "n": previous.n + 1 if previous else 1,
            "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "key_id": keys.current_id,
            "partitions": settings.AUDIT_PARTITIONS,
            "count": count,
            "heads": [[p, *heads.get(p, (0, GENESIS))] for p in sorted(known)],
            "prev": previous.sig if previous else GENESIS,
        }
        line = {**fields, "sig": _signature(fields, keys, keys.current_id)}
        text = _dumps(line)
        os.write(descriptor, (text + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)  # releases the lock
    logger.info("audit checkpoint %s written", line["n"], extra={"checkpoint": text})
    return line


def verify(using: str = "default") -> tuple[int, list[Problem]]:
    """Everything ``manage.py verify_audit`` checks: the keyed chain of every partition
    from seq 1 and its head, the guards (triggers), the checkpoint file's own chain and
    signatures, and that the database holds what its latest checkpoint recorded.
    Returns (entries checked, problems). ``audit_keys.KeyMissing`` (nothing verified)
    when the keys cannot be read."""
    keys = audit_keys.load()
    checked, problems = verify_chain(using, keys)
    problems += [Problem(reason) for reason in guards.check(connections[using])]
    path = Path(settings.AUDIT_CHECKPOINT_PATH)
    latest, file_problems = read(path, keys)
    problems += [Problem(reason) for reason in file_problems]
    count, heads = snapshot(using)
    if latest is None:
        if count:
            problems.append(
                Problem(
                    f"no checkpoint at {path}: {count} entries cannot be compared with "
                    "anything outside the database (write one: manage.py audit_checkpoint)"
                )
            )
    else:
        problems += compare(latest, count, heads, using)
    return checked, problems
