"""Appending to the message log: one hash-chained record per exchange of the gateway.

``append``'s first statement moves the chain head (``UPDATE ... RETURNING``), which
takes the head row's lock until commit (on PostgreSQL every other appender, in any
process, waits; SQLite serialises writers anyway, the project opens its transactions
IMMEDIATE), so that appends from any number of processes form one chain: the next
seq, ``prev_hash`` = the head's hash, the record, the head's new hash. Three
statements, the same on both databases. The text fields are pseudonymised and the
bodies encrypted before the lock is taken (``crypto``), so the lock is held for the
inserts only. Like X-Road, the log stops accepting records (``messagelog_unsealed``)
while a record has waited for its timestamp longer than
EGOV_MESSAGELOG_MAX_UNSEALED_SECONDS."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import connections, router, transaction
from django.utils import timezone

from egov.core.errors import DomainError
from egov.messagelog import conf, crypto
from egov.messagelog.models import MessageLogHead, MessageRecord, from_us, to_us

GENESIS = "0" * 64


def _body_digest(sealed: bytes | None) -> str | None:
    return None if sealed is None else hashlib.sha256(bytes(sealed)).hexdigest()


# The plain fields of a record that its hash covers (and that archives keep as they are).
FIELDS = (
    "client",
    "service",
    "message_id",
    "user",
    "method",
    "path",
    "status",
    "latency_ms",
    "request_hash",
    "response_hash",
    "error_type",
    "key_id",
)


def canonical(record: MessageRecord) -> str:
    """The fields of ``record`` that its hash covers, as canonical JSON (the bodies
    by the SHA-256 of their ciphertext). Archives store the same fields."""
    body = {
        "v": 1,
        "seq": record.seq,
        "logged_at": record.logged_at.astimezone(datetime.UTC).isoformat(),
        **{name: getattr(record, name) for name in FIELDS},
        "request_body": _body_digest(record.request_body),
        "response_body": _body_digest(record.response_body),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(record: MessageRecord) -> str:
    """``SHA-256(prev_hash || canonical JSON)`` of ``record``, in hex."""
    return hashlib.sha256((record.prev_hash + canonical(record)).encode()).hexdigest()


def head(*, lock: bool = False) -> MessageLogHead:
    """The chain head (created at the first use); ``lock``: held until commit."""
    rows = MessageLogHead.objects.select_for_update() if lock else MessageLogHead.objects
    try:
        return rows.get(pk=1)
    except MessageLogHead.DoesNotExist:
        MessageLogHead.objects.bulk_create([MessageLogHead(pk=1)], ignore_conflicts=True)
        return rows.get(pk=1)


def refusal(unsealed_since_us: int | None, now: datetime.datetime) -> DomainError | None:
    """The error that stops the log (and so the gateway) while a record has waited for
    its timestamp longer than EGOV_MESSAGELOG_MAX_UNSEALED_SECONDS; None otherwise."""
    limit = conf.max_unsealed_seconds()
    if not limit or unsealed_since_us is None:
        return None
    waiting = from_us(unsealed_since_us)
    if (now - waiting).total_seconds() <= limit:
        return None
    last_error = MessageLogHead.objects.filter(pk=1).values_list("last_seal_error", flat=True)
    return DomainError(
        "messagelog_unsealed",
        "Nhật ký thông điệp chưa được đóng dấu thời gian quá thời hạn cho phép: "
        "cổng tạm ngừng nhận thông điệp cho đến khi đóng dấu được.",
        "The message log has not been timestamped for longer than allowed: the "
        "gateway accepts no messages until it is sealed again.",
        status=503,
        details={
            "oldest_unsealed_at": waiting.isoformat(),
            "max_unsealed_seconds": limit,
            "last_seal_error": last_error.first() or "",
        },
    )


def check_accepting() -> None:
    """Raise ``messagelog_unsealed`` when ``append`` would refuse, without writing or
    locking anything: for the proxy to refuse a request before it reaches the
    provider (X-Road checks before it sends), rather than log nothing afterwards."""
    error = refusal(head().unsealed_since_us, timezone.now())
    if error is not None:
        raise error


# The three statements of an append, the same on PostgreSQL and SQLite (both have
# RETURNING). The first UPDATE takes the head row's lock (the lock select_for_update
# would take, in the same statement that reads the head) until commit; written as SQL
# because the ORM's work around three statements cost more than the statements
# themselves (bench/bench_messagelog.py).
_HEAD = MessageLogHead._meta.db_table
_FIELDS = [f for f in MessageRecord._meta.concrete_fields if not f.primary_key]
_LENGTHS = {f.name: f.max_length for f in _FIELDS if f.max_length}
_COLUMNS = ", ".join(f'"{f.column}"' for f in _FIELDS)
_NEXT = (
    f'UPDATE "{_HEAD}" SET "last_seq" = "last_seq" + 1 WHERE "id" = 1 '
    'RETURNING "last_seq", "last_hash", "unsealed_since_us"'
)
_INSERT = (
    f'INSERT INTO "{MessageRecord._meta.db_table}" ({_COLUMNS}) '
    f'VALUES ({", ".join(["%s"] * len(_FIELDS))}) RETURNING "id"'
)
_MOVE = (
    f'UPDATE "{_HEAD}" SET "last_hash" = %s, '
    '"unsealed_since_us" = COALESCE("unsealed_since_us", %s) WHERE "id" = 1'
)


def _next(cursor) -> tuple[int, str, int | None]:
    cursor.execute(_NEXT)
    row = cursor.fetchone()
    if row is None:  # the first append ever
        MessageLogHead.objects.bulk_create([MessageLogHead(pk=1)], ignore_conflicts=True)
        cursor.execute(_NEXT)
        row = cursor.fetchone()
    return row


def append(
    *,
    client: str,
    service: str,
    message_id: str,
    user_id: str = "",
    method: str,
    path: str,
    status: int,
    latency_ms: float,
    request_hash: str,
    response_hash: str,
    error_type: str = "",
    request_body: bytes | str | None = None,
    response_body: bytes | str | None = None,
) -> MessageRecord:
    """Log one exchange of the gateway and return its record (in the caller's
    transaction, or in its own). Bodies are kept, encrypted, only with
    EGOV_MESSAGELOG_BODIES. ``DomainError("messagelog_unsealed")`` (503) while the log
    is refusing: nothing is written."""
    key = crypto.current()

    def text(value, name: str, *, scrub: bool = True) -> str:
        # Pseudonymised first, then cut to the column (a long query string must not
        # make the exchange unloggable); NUL, which PostgreSQL text cannot hold, replaced.
        value = str(value).replace("\x00", "\ufffd")
        return (key.scrub(value) if scrub else value)[: _LENGTHS[name]]

    message_id = text(message_id, "message_id")
    record = MessageRecord(
        client=text(client, "client"),
        service=text(service, "service"),
        message_id=message_id,
        user=key.pseudonym(str(user_id)) if user_id else "",
        method=text(method, "method", scrub=False).upper(),
        path=text(path, "path"),
        status=int(status),
        latency_ms=round(float(latency_ms), 3),
        request_hash=text(request_hash, "request_hash", scrub=False),
        response_hash=text(response_hash, "response_hash", scrub=False),
        error_type=text(error_type, "error_type"),
        key_id=key.key_id,
    )
    if conf.bodies():
        if request_body is not None:
            record.request_body = crypto.seal_body(
                key, request_body, message_id=message_id, which="request"
            )
        if response_body is not None:
            record.response_body = crypto.seal_body(
                key, response_body, message_id=message_id, which="response"
            )
    using = router.db_for_write(MessageRecord)
    connection = connections[using]
    # A refusal rolls back the head's move (a savepoint when the caller has a transaction).
    with transaction.atomic(using=using), connection.cursor() as cursor:
        record.seq, record.prev_hash, unsealed_since_us = _next(cursor)
        # The time is read under the lock, so that the chain's times never go back.
        record.logged_at = timezone.now()
        error = refusal(unsealed_since_us, record.logged_at)
        if error is not None:
            raise error
        record.hash = digest(record)
        cursor.execute(
            _INSERT, [f.get_db_prep_save(getattr(record, f.attname), connection) for f in _FIELDS]
        )
        record.pk = cursor.fetchone()[0]
        cursor.execute(_MOVE, [record.hash, to_us(record.logged_at)])
    return record
