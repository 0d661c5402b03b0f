"""Archiving the message log: sealed batches whose timestamp is older than
EGOV_MESSAGELOG_RETENTION_DAYS leave the table for files in EGOV_MESSAGELOG_ARCHIVE_DIR.

One gzip file of JSON lines per batch (``messagelog-<first>-<last>.jsonl.gz``): a
header naming the SHA-256 of the previous archive file (the files form a chain, the
first one names 64 zeros), the batch's seal with its token, then its records with
every field, the bodies as base64 ciphertext. The file is written and synced under a
temporary name and renamed; then, in one transaction, its row (``MessageArchive``:
name, range, SHA-256) is added, the batch's records and seal are deleted and an audit
entry says so. A batch that does not verify is not archived: the evidence stays in the
table. ``verify`` walks the files and then the table as one chain.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from egov.core import audit
from egov.messagelog import conf, timestamps
from egov.messagelog.log import FIELDS, GENESIS, digest
from egov.messagelog.models import MessageArchive, MessageRecord, MessageSeal

FORMAT = "egov-messagelog-archive/1"


@dataclass
class ArchiveResult:
    files: list[str] = field(default_factory=list)
    records: int = 0
    refused: str = ""


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat()


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(bytes(data)).decode()


def record_line(record: MessageRecord) -> dict[str, Any]:
    return {
        "type": "record",
        "seq": record.seq,
        "logged_at": _iso(record.logged_at),
        **{name: getattr(record, name) for name in FIELDS},
        "request_body": _b64(record.request_body),
        "response_body": _b64(record.response_body),
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }


def seal_line(seal: MessageSeal) -> dict[str, Any]:
    return {
        "type": "seal",
        "first_seq": seal.first_seq,
        "last_seq": seal.last_seq,
        "records": seal.records,
        "last_hash": seal.last_hash,
        "token": _b64(seal.token),
        "gen_time": _iso(seal.gen_time),
        "tsa_url": seal.tsa_url,
        "sealed_at": _iso(seal.sealed_at),
    }


def _dumps(line: dict[str, Any]) -> bytes:
    return json.dumps(line, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _check_batch(seal: MessageSeal, records: list[MessageRecord], prev_hash: str) -> str:
    """Why the batch must not be archived, or ""."""
    expected = seal.first_seq
    for record in records:
        if record.seq != expected or record.prev_hash != prev_hash:
            return f"record {expected} missing or out of chain"
        if digest(record) != record.hash:
            return f"record {record.seq} changed"
        expected, prev_hash = expected + 1, record.hash
    if expected != seal.last_seq + 1 or prev_hash != seal.last_hash:
        return "the batch does not end where its seal says"
    try:
        timestamps.check_token(bytes(seal.token), bytes.fromhex(seal.last_hash))
    except timestamps.BadToken as error:
        return f"its seal: {error}"
    return ""


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def archive_batch(seal: MessageSeal) -> MessageArchive | str:
    """Move one sealed batch to its file; the reason as text when it may not."""
    previous = MessageArchive.objects.order_by("-last_seq").first()
    if previous is not None and seal.first_seq != previous.last_seq + 1:
        return f"batch {seal.first_seq}-{seal.last_seq} does not follow the last archive"
    records = list(
        MessageRecord.objects.filter(seq__gte=seal.first_seq, seq__lte=seal.last_seq).order_by(
            "seq"
        )
    )
    if not records:
        return f"batch {seal.first_seq}-{seal.last_seq} has no records"
    reason = _check_batch(seal, records, records[0].prev_hash)
    if previous is not None and records[0].prev_hash != previous.last_hash:
        reason = reason or "its first record does not chain to the last archived one"
    if reason:
        return f"batch {seal.first_seq}-{seal.last_seq} does not verify: {reason}"
    prev_sha = previous.sha256 if previous is not None else GENESIS
    now = timezone.now()
    header = {
        "type": "header",
        "format": FORMAT,
        "prev_sha256": prev_sha,
        "first_seq": seal.first_seq,
        "last_seq": seal.last_seq,
        "records": len(records),
        "created_at": _iso(now),
    }
    lines = [_dumps(header), _dumps(seal_line(seal))]
    lines += [_dumps(record_line(record)) for record in records]
    # mtime=0: the same batch gives the same bytes (and the same SHA-256) every time.
    data = gzip.compress(b"\n".join(lines) + b"\n", mtime=0)
    name = f"messagelog-{seal.first_seq:012d}-{seal.last_seq:012d}.jsonl.gz"
    try:
        _write(conf.archive_dir() / name, data)
    except OSError as error:
        return f"archive file {name} cannot be written: {error}"
    sha = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        row = MessageArchive.objects.create(
            file_name=name,
            first_seq=seal.first_seq,
            last_seq=seal.last_seq,
            last_hash=seal.last_hash,
            records=len(records),
            sha256=sha,
            prev_sha256=prev_sha,
            created_at=now,
        )
        MessageRecord.objects.filter(seq__gte=seal.first_seq, seq__lte=seal.last_seq).delete()
        MessageSeal.objects.filter(pk=seal.pk).delete()
        audit.record(
            actor=None,
            action="messagelog.archived",
            obj=row,
            changes={"file": name, "records": len(records), "sha256": sha},
        )
    return row


def archive_expired(*, now: datetime.datetime | None = None) -> ArchiveResult:
    """Archive, oldest first, every sealed batch timestamped more than the retention
    period ago; stop at the first that may not be (``refused`` says why)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=conf.retention_days())
    result = ArchiveResult()
    for seal in MessageSeal.objects.filter(gen_time__lt=cutoff).order_by("first_seq"):
        done = archive_batch(seal)
        if isinstance(done, str):
            result.refused = done
            break
        result.files.append(done.file_name)
        result.records += done.records
    return result
