"""Verifying the message log: the archive files, then the live table, as one chain.

Every record's hash is recomputed (a changed record), every seq must follow the
previous one (a deleted record) and chain to its hash, the chain head must name the
last record (a record inserted or removed at the end); every seal's token must be a
good timestamp by the trusted TSA of the hash of its batch's last record, the seals
must follow each other with no gap, and every archive file must have the SHA-256 its
row and the next file's header name. No key is needed: the hashes are plain SHA-256,
the bodies are checked as ciphertext (``docs/messagelog.md``).
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from egov.messagelog import archive, conf, guards, timestamps
from egov.messagelog.log import GENESIS, digest, head
from egov.messagelog.models import MessageArchive, MessageRecord, MessageSeal


@dataclass(frozen=True)
class Problem:
    reason: str
    seq: int | None = None
    where: str = "table"  # "table" or an archive file name
    record_id: int | None = None

    def __str__(self) -> str:
        at = f"record seq {self.seq}" if self.seq is not None else "log"
        if self.record_id is not None:
            at += f" (id {self.record_id})"
        return f"{at} in {self.where}: {self.reason}"


@dataclass
class Report:
    records: int = 0
    archived_records: int = 0
    seals: int = 0
    archives: int = 0
    unsealed: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Walker:
    """The chain walked in seq order, records and seals from wherever they come."""

    def __init__(self, report: Report):
        self.report = report
        self.seq = 0
        self.hash = GENESIS
        self.sealed_seq = 0
        self.pending: dict[int, tuple[MessageSeal, str]] = {}

    def problem(self, reason: str, seq: int | None, where: str, record_id=None) -> None:
        self.report.problems.append(Problem(reason, seq, where, record_id))

    def seal(self, seal: MessageSeal, where: str) -> None:
        self.report.seals += 1
        if seal.first_seq != self.sealed_seq + 1:
            self.problem(
                f"seal of records {seal.first_seq}-{seal.last_seq} does not follow the "
                f"previous seal (which ends at {self.sealed_seq})",
                seal.first_seq,
                where,
            )
        self.sealed_seq = max(self.sealed_seq, seal.last_seq)
        self.pending[seal.last_seq] = (seal, where)

    def record(self, record: MessageRecord, where: str) -> None:
        if record.seq != self.seq + 1:
            if record.seq <= self.seq:
                reason = f"seq {record.seq} again or out of order (after {self.seq})"
            else:
                reason = f"record(s) {self.seq + 1}-{record.seq - 1} missing (deleted)"
            self.problem(reason, record.seq, where, record.pk)
        if record.prev_hash != self.hash:
            self.problem("prev_hash does not match the previous record", record.seq, where)
        computed = digest(record)
        if computed != record.hash:
            self.problem("content changed: its hash does not match", record.seq, where, record.pk)
        # Go on from the stored values, so that one change is reported once.
        self.seq, self.hash = record.seq, record.hash
        sealed = self.pending.pop(record.seq, None)
        if sealed is not None:
            self._check_seal(*sealed, computed)

    def _check_seal(self, seal: MessageSeal, where: str, computed: str) -> None:
        at = f"seal of records {seal.first_seq}-{seal.last_seq}"
        if seal.last_hash != computed:
            self.problem(f"{at} names another last hash", seal.last_seq, where)
        try:
            timestamps.check_token(bytes(seal.token), bytes.fromhex(computed))
        except timestamps.BadToken as error:
            self.problem(f"{at}: {error}", seal.last_seq, where)

    def finish(self) -> None:
        for last_seq, (seal, where) in sorted(self.pending.items()):
            self.problem(
                f"seal of records {seal.first_seq}-{last_seq}: its last record is missing",
                last_seq,
                where,
            )


def _record_from(line: dict[str, Any]) -> MessageRecord:
    values = dict(line)
    values.pop("type")
    values["logged_at"] = datetime.datetime.fromisoformat(values["logged_at"])
    for name in ("request_body", "response_body"):
        if values.get(name) is not None:
            values[name] = base64.b64decode(values[name])
    return MessageRecord(**values)


def _seal_from(line: dict[str, Any]) -> MessageSeal:
    values = dict(line)
    values.pop("type")
    values["token"] = base64.b64decode(values["token"])
    for name in ("gen_time", "sealed_at"):
        values[name] = datetime.datetime.fromisoformat(values[name])
    return MessageSeal(**values)


def _lines(data: bytes) -> Iterator[dict[str, Any]]:
    for raw in gzip.decompress(data).splitlines():
        if raw.strip():
            yield json.loads(raw)


def _walk_archives(walker: _Walker, report: Report) -> None:
    previous = GENESIS
    directory = conf.archive_dir()
    for row in MessageArchive.objects.order_by("first_seq"):
        report.archives += 1
        name = row.file_name
        try:
            data = (directory / name).read_bytes()
        except OSError as error:
            walker.problem(f"archive file unreadable: {error}", row.first_seq, name)
            return
        if hashlib.sha256(data).hexdigest() != row.sha256:
            walker.problem("archive file changed: its SHA-256 is not the one recorded", None, name)
        try:
            lines = list(_lines(data))
        except (OSError, ValueError, EOFError) as error:
            walker.problem(f"archive file unreadable: {error}", row.first_seq, name)
            return
        header = lines[0] if lines else {}
        if header.get("format") != archive.FORMAT:
            walker.problem("not a message log archive (no header)", row.first_seq, name)
            return
        if header.get("prev_sha256") != previous or row.prev_sha256 != previous:
            walker.problem("the header does not name the previous archive file", None, name)
        previous = row.sha256
        for line in lines[1:]:
            if line.get("type") == "seal":
                walker.seal(_seal_from(line), name)
            else:
                walker.record(_record_from(line), name)
                report.archived_records += 1


def verify() -> Report:
    report = Report()
    walker = _Walker(report)
    _walk_archives(walker, report)
    seals = list(MessageSeal.objects.order_by("first_seq"))
    next_seal = 0
    for record in MessageRecord.objects.order_by("seq").iterator(2000):
        # A batch's seal is registered before its first record, whatever the gaps.
        while next_seal < len(seals) and seals[next_seal].first_seq <= record.seq:
            walker.seal(seals[next_seal], "table")
            next_seal += 1
        walker.record(record, "table")
        report.records += 1
    for seal in seals[next_seal:]:
        walker.seal(seal, "table")
    walker.finish()
    current = head()
    if current.last_seq != walker.seq or current.last_hash != walker.hash:
        walker.problem(
            f"the chain head names record {current.last_seq}, the last record found is "
            f"{walker.seq}: records inserted or removed at the end",
            walker.seq,
            "table",
        )
    if current.sealed_seq > walker.sealed_seq:
        walker.problem(
            f"the chain head says records up to {current.sealed_seq} were sealed, the seals "
            f"found end at {walker.sealed_seq}: a seal was removed",
            current.sealed_seq,
            "table",
        )
    report.unsealed = max(0, walker.seq - walker.sealed_seq)
    report.warnings = [
        f"the append-only trigger {name} is missing or disabled"
        for name in guards.missing(connection)
    ]
    return report
