"""The gateway's message log ("nhật ký thông điệp"): one append-only, hash-chained
record per exchange through the gateway, sealed in batches by RFC 3161 timestamps,
archived to hash-chained files after the retention period (egov.messagelog.log,
.seal, .archive; docs/messagelog.md)."""

from __future__ import annotations

import datetime

from django.db import models


class MessageRecord(models.Model):
    """One exchange through the gateway ("bản ghi trao đổi thông điệp").

    ``hash = SHA-256(prev_hash || canonical JSON of the fields)`` (``log.digest``):
    anyone can recompute it without a key, and the seals' timestamps fix it in time.
    No column holds personal data in clear: the user id and every ID-number-like run of
    digits are keyed HMACs (``crypto.pseudonym``), bodies are AES-GCM ciphertext.
    """

    seq = models.BigIntegerField(unique=True)
    logged_at = models.DateTimeField()
    client = models.CharField(max_length=255)
    service = models.CharField(max_length=255)
    message_id = models.CharField(max_length=255)
    user = models.CharField(max_length=80, blank=True)  # keyed HMAC of X-Road-UserId
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    status = models.IntegerField()
    latency_ms = models.FloatField()
    request_hash = models.CharField(max_length=128, blank=True)
    response_hash = models.CharField(max_length=128, blank=True)
    error_type = models.CharField(max_length=255, blank=True)
    # nonce || AES-GCM ciphertext (crypto.seal_body), only with EGOV_MESSAGELOG_BODIES.
    request_body = models.BinaryField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    # The key of the pseudonyms and the bodies (crypto.Keys): kept when it is rotated.
    key_id = models.CharField(max_length=32)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["message_id"]),
            models.Index(fields=["logged_at"]),
        ]
        verbose_name = "bản ghi thông điệp (message record)"
        verbose_name_plural = "nhật ký thông điệp (message log)"

    def __str__(self) -> str:
        return f"#{self.seq} {self.client} -> {self.service} {self.status}"


class MessageSeal(models.Model):
    """The RFC 3161 timestamp of one batch of records ("dấu thời gian của lô"): the
    token's message imprint is the SHA-256 ``last_hash`` of the batch's last record,
    which the chain makes depend on every record before it."""

    first_seq = models.BigIntegerField(unique=True)
    last_seq = models.BigIntegerField(unique=True)
    records = models.PositiveIntegerField()
    last_hash = models.CharField(max_length=64)
    token = models.BinaryField()  # DER TimeStampToken (CMS ContentInfo)
    gen_time = models.DateTimeField()  # the time the TSA put in the token
    tsa_url = models.CharField(max_length=500)
    sealed_at = models.DateTimeField()

    class Meta:
        verbose_name = "dấu thời gian lô (message log seal)"
        verbose_name_plural = "dấu thời gian lô (message log seals)"

    def __str__(self) -> str:
        return f"records {self.first_seq}-{self.last_seq} at {self.gen_time:%Y-%m-%d %H:%M:%S}"


class MessageArchive(models.Model):
    """One archive file of sealed batches removed from the table ("tệp lưu trữ"): its
    SHA-256, which the next file's header repeats (the files form a chain)."""

    file_name = models.CharField(max_length=200, unique=True)
    first_seq = models.BigIntegerField(unique=True)
    last_seq = models.BigIntegerField(unique=True)
    last_hash = models.CharField(max_length=64)
    records = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    prev_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "tệp lưu trữ (message log archive)"
        verbose_name_plural = "tệp lưu trữ (message log archives)"

    def __str__(self) -> str:
        return self.file_name


class MessageLogHead(models.Model):
    """The one row every append locks (its first statement updates it; the sealer takes
    ``select_for_update``), so that concurrent appends from any number of processes
    form one chain; it also says since when a record waits for its seal (``append``
    refuses after EGOV_MESSAGELOG_MAX_UNSEALED_SECONDS)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    sealed_seq = models.BigIntegerField(default=0)
    # logged_at of the first record after sealed_seq, in microseconds since the epoch
    # (an integer reads the same through a plain cursor on every database); null when
    # everything is sealed.
    unsealed_since_us = models.BigIntegerField(null=True, blank=True)
    last_seal_attempt_at = models.DateTimeField(null=True, blank=True)
    last_sealed_at = models.DateTimeField(null=True, blank=True)
    last_seal_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký (message log head)"

    @property
    def oldest_unsealed_at(self) -> datetime.datetime | None:
        return from_us(self.unsealed_since_us)


def to_us(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def from_us(value: int | None) -> datetime.datetime | None:
    if value is None:
        return None
    return datetime.datetime.fromtimestamp(value / 1_000_000, tz=datetime.UTC)
