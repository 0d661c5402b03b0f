"""Shared records: the audit log ("nhật ký"), the transactional outbox, sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone


class AuditChainHead(models.Model):
    """The last entry of one audit hash chain. Writers lock this row (one per
    partition), so writers on different partitions never wait for each other."""

    partition = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # The prev_hash of the last entry, so that one UPDATE ... RETURNING gives the new
    # entry both ends of its link (PostgreSQL, egov.core.audit).
    last_prev_hash = models.CharField(max_length=64, default="0" * 64)


class AuditEntry(models.Model):
    """One append-only audit entry, hash-chained to the previous entry of its partition.

    ``hash = HMAC-SHA256(key, prev_hash || canonical JSON of the entry)`` with the key
    named by ``key_id``, which is kept outside the database; see ``egov.core.audit``,
    docs/decisions/0002-audit-chain.md and 0008-audit-anchored.md.
    """

    partition = models.PositiveSmallIntegerField()
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    agency = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The id of the key the hash was made with (egov.core.audit_keys): entries keep it
    # when the key is rotated.
    key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partition", "seq"], name="audit_partition_seq")
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["occurred_at"]),
        ]
        verbose_name = "nhật ký (audit entry)"
        verbose_name_plural = "nhật ký (audit log)"

    def __str__(self) -> str:
        return f"{self.partition}/{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit entries are append-only")


class OutboxEvent(models.Model):
    """An event written in the same transaction as the change it reports, delivered
    after commit by a relay (``egov.core.outbox``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ gửi (pending)"
        DELIVERED = "delivered", "Đã gửi (delivered)"
        DEAD = "dead", "Thất bại (dead)"

    topic = models.CharField(max_length=100)
    aggregate_type = models.CharField(max_length=60)
    aggregate_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["aggregate_type", "aggregate_id", "id"], name="outbox_aggregate"),
        ]
        verbose_name = "sự kiện outbox (outbox event)"

    def __str__(self) -> str:
        return f"#{self.pk} {self.topic} {self.aggregate_type}:{self.aggregate_id} [{self.status}]"


class OutboxAttempt(models.Model):
    """One delivery attempt of one event to one handler."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="attempt_log")
    handler = models.CharField(max_length=200)
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    relay = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["event_id", "id"]


class WorkerHeartbeat(models.Model):
    """Last sign of life of a background process, read by /healthz."""

    name = models.CharField(max_length=100, primary_key=True)
    seen_at = models.DateTimeField()
    info = models.JSONField(default=dict, blank=True)


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` and the response it got (``egov.core.idempotency``).

    Written in the same transaction as the change the request made, so a crash never
    leaves a change without its key (a retry would repeat it) or a key without its
    change (a retry would be told it happened). Unique per actor: two clients may pick
    the same key."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path, actor, body
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="idempotency_actor_key")
        ]
        verbose_name = "khóa chống lặp (idempotency key)"

    def __str__(self) -> str:
        return f"{self.actor_id}:{self.key} {self.method} {self.path} -> {self.status_code}"


class Session(AbstractBaseSession):
    """A login session (Django's, plus the account it belongs to), so that every
    authenticated request reads its session and its user in one statement
    (egov/core/sessions.py). Deleting an account ends its sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from egov.core.sessions import SessionStore

        return SessionStore

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "phiên đăng nhập (session)"
        verbose_name_plural = "phiên đăng nhập (sessions)"
