"""Idempotent POSTs: the ``Idempotency-Key`` request header.

A client that did not get an answer (timeout, dropped connection) may send the same
request again with the same key and is sure the change happens once:

- same actor + key + request (method, path, body) -> the stored response is replayed
  (status, body, ``ETag``/``Location``), marked ``Idempotent-Replayed: true``;
- same actor + key, another request -> 422 ``idempotency_key_reused``;
- keys are per actor and expire after ``TTL`` (``purge_expired``, command
  ``purge_idempotency_keys``).

The key row is inserted *before* the change and in the *same transaction*, and the
response is stored in it before commit: a crash leaves either both or neither. Two
identical requests racing: the second insert (``ON CONFLICT DO NOTHING``) waits on the
unique index (PostgreSQL) or on the write lock (SQLite) until the first commits, then
finds the row and replays it; if the first rolls back, the second goes ahead. A request
that waits longer than ``WAIT_SECONDS`` gets 409 ``idempotency_in_progress``.

Only successful responses (< 400) are kept: an error leaves no change, so the same key
may be retried (e.g. after fixing a stale ``If-Match``).

Use in a DRF view::

    class Thing(APIView):
        @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])
        @idempotent
        def post(self, request): ...
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from egov.core.errors import Conflict, DomainError
from egov.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
TTL = datetime.timedelta(hours=24)
WAIT_SECONDS = 10
# Response headers worth replaying.
KEPT_HEADERS = ("ETag", "Location")
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=_KEY.pattern,
    description=(
        "Khóa chống lặp do máy khách chọn (tối đa 255 ký tự ASCII). Gửi lại cùng khóa và "
        "cùng nội dung: nhận lại đúng phản hồi cũ, thao tác không lặp lại. / Client-chosen "
        "key: a retry with the same key and body replays the first response; the same key "
        "with another body is 422 idempotency_key_reused. Kept 24 hours, per user."
    ),
)


class _Discard(Exception):
    """Carries an error response out of the transaction so that it rolls back."""

    def __init__(self, response: Response) -> None:
        self.response = response


SECRET_FIELDS = frozenset({"passphrase", "pin", "password"})


def fingerprint(request: Request) -> str:
    """sha256 of the method, full path, actor and the parsed body (JSON canonical form;
    uploaded files by their content), so that the same body sent as differently
    formatted JSON still matches."""
    digest = hashlib.sha256()
    digest.update(f"{request.method}\n{request.get_full_path()}\n{request.user.pk}\n".encode())
    data = request.data
    files = getattr(request, "FILES", None) or {}
    if hasattr(data, "lists"):  # QueryDict (form or multipart)
        plain = {k: v for k, v in data.lists() if k not in files}
    else:
        plain = dict(data) if isinstance(data, dict) else data
    if isinstance(plain, dict):
        # A secret (the passphrase or PIN of a signing key) never enters the stored
        # fingerprint, not even hashed: a replay with another passphrase is the same.
        plain = {k: v for k, v in plain.items() if k not in SECRET_FIELDS}
    digest.update(json.dumps(plain, sort_keys=True, cls=JSONEncoder).encode())
    for name in sorted(files):
        for upload in files.getlist(name):
            digest.update(f"\n{name}:{upload.name}:{upload.size}:".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _reused() -> DomainError:
    return DomainError(
        "idempotency_key_reused",
        "Khóa chống lặp (Idempotency-Key) này đã được dùng cho một yêu cầu khác.",
        "This Idempotency-Key was already used for a different request.",
        field=HEADER,
        status=422,
    )


def _in_progress() -> Conflict:
    return Conflict(
        "idempotency_in_progress",
        "Một yêu cầu với cùng khóa chống lặp đang được xử lý. Vui lòng thử lại sau.",
        "A request with the same Idempotency-Key is still in progress. Retry later.",
    )


def _replay(record: IdempotencyKey, digest: str) -> Response:
    if record.fingerprint != digest:
        raise _reused()
    response = Response(record.response_body, status=record.status_code)
    for name, value in (record.response_headers or {}).items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(request: Request, actor: Any, key: str, digest: str) -> IdempotencyKey:
    """Take ``key`` for this request in the current transaction, or find the actor's
    record of it: ``INSERT ... ON CONFLICT DO NOTHING`` (``bulk_create`` with
    ``ignore_conflicts``), then the row. A concurrent request holding the key is waited
    for on the unique index, up to ``WAIT_SECONDS`` on PostgreSQL (``lock_timeout``;
    SQLite: its busy timeout). A row whose response is not stored yet
    (``status_code`` 0) can only be this transaction's own."""
    row = IdempotencyKey(
        actor=actor,
        key=key,
        fingerprint=digest,
        method=request.method,
        path=request.path[:500],
        status_code=0,
        created_at=timezone.now(),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)", [f"{int(WAIT_SECONDS * 1000)}ms"]
            )
    IdempotencyKey.objects.bulk_create([row], ignore_conflicts=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
    return IdempotencyKey.objects.get(actor=actor, key=key)


def _expired(record: IdempotencyKey) -> bool:
    return record.status_code != 0 and record.created_at < timezone.now() - TTL


def _store(record: IdempotencyKey, response: Response) -> None:
    """Keep the response with the key (in the request's transaction)."""
    IdempotencyKey.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        # As DRF renders it (dates, decimals, UUIDs as text).
        response_body=json.loads(json.dumps(response.data, cls=JSONEncoder)),
        response_headers={h: response[h] for h in KEPT_HEADERS if h in response},
    )


def run(request: Request, handler: Callable[[], Response]) -> Response:
    """Run ``handler`` (which makes the change and returns the response) at most once
    per (actor, ``Idempotency-Key``). The key is taken, the change made and the
    response kept in one transaction: four round trips besides the change's own."""
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    if not _KEY.match(key):
        raise DomainError(
            "idempotency_key_invalid",
            "Khóa chống lặp phải gồm 1-255 ký tự ASCII in được, không có dấu cách.",
            "Idempotency-Key must be 1-255 printable ASCII characters without spaces.",
            field=HEADER,
        )
    actor = request.user
    digest = fingerprint(request)
    try:
        with transaction.atomic():
            record = _claim(request, actor, key, digest)
            if _expired(record):  # not purged yet: the key is free again
                record.delete()
                record = _claim(request, actor, key, digest)
            if record.status_code != 0:
                return _replay(record, digest)
            response = handler()
            if response.status_code >= 400:
                raise _Discard(response)
            _store(record, response)
            return response
    except _Discard as discarded:
        return discarded.response
    except OperationalError as exc:
        # Lock wait timed out (PostgreSQL lock_timeout, SQLite busy timeout).
        if "lock" in str(exc).lower():
            raise _in_progress() from exc
        raise


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    """Decorator for a DRF view method (``post``): honour ``Idempotency-Key``."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return run(request, lambda: method(self, request, *args, **kwargs))

    return wrapper


def purge_expired(now: datetime.datetime | None = None, ttl: datetime.timedelta = TTL) -> int:
    """Delete keys older than ``ttl``; returns how many."""
    cutoff = (now or timezone.now()) - ttl
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
