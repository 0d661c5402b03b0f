"""Sealing the message log: batches of up to EGOV_MESSAGELOG_BATCH_SIZE records, each
timestamped (RFC 3161) over the SHA-256 hash of its last record, which the chain
makes depend on every record before it (X-Road timestamps batches the same way).

The timestamp is asked outside any transaction and without the chain head's lock, so
appends go on while the TSA answers. Two sealers at once cannot seal one record twice:
a batch starts right after the previous seal, and ``first_seq`` is unique (the loser
of the race stops). The chain head is then told what is sealed, which lifts
``append``'s refusal. A failure is kept on the head (``last_seal_error``) for the
operator and the monitoring.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from egov.messagelog import conf, timestamps
from egov.messagelog.log import head
from egov.messagelog.models import (
    MessageArchive,
    MessageLogHead,
    MessageRecord,
    MessageSeal,
    to_us,
)

logger = logging.getLogger(__name__)


@dataclass
class SealResult:
    seals: int = 0
    records: int = 0
    error: str = ""


def _next_first_seq() -> int:
    last = MessageSeal.objects.order_by("-last_seq").values_list("last_seq", flat=True).first()
    if last is not None:
        return last + 1
    archived = (
        MessageArchive.objects.order_by("-last_seq").values_list("last_seq", flat=True).first()
    )
    return (archived or 0) + 1


def seal_batch(*, batch_size: int | None = None) -> MessageSeal | None:
    """Seal the next batch of unsealed records; None when there is none (or another
    sealer took it). ``TimestampError`` when the TSA gives no good timestamp."""
    size = batch_size or conf.batch_size()
    first = _next_first_seq()
    last = (
        MessageRecord.objects.filter(seq__gte=first, seq__lt=first + size)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    if last is None:
        return None
    last_seq, last_hash = last
    url = conf.tsa_url()
    stamp = timestamps.request(bytes.fromhex(last_hash), url=url)
    now = timezone.now()
    try:
        with transaction.atomic():
            seal = MessageSeal.objects.create(
                first_seq=first,
                last_seq=last_seq,
                records=MessageRecord.objects.filter(seq__gte=first, seq__lte=last_seq).count(),
                last_hash=last_hash,
                token=stamp.token,
                gen_time=stamp.gen_time,
                tsa_url=url,
                sealed_at=now,
            )
            current = head(lock=True)
            following = (
                MessageRecord.objects.filter(seq__gt=last_seq)
                .order_by("seq")
                .values_list("logged_at", flat=True)
                .first()
            )
            # The records after the batch wait since the first of them was logged.
            MessageLogHead.objects.filter(pk=1).update(
                sealed_seq=max(current.sealed_seq, last_seq),
                unsealed_since_us=None if following is None else to_us(following),
                last_seal_attempt_at=now,
                last_sealed_at=now,
                last_seal_error="",
            )
    except IntegrityError:
        logger.info("message log batch from %s sealed by another sealer", first)
        return None
    return seal


def seal_pending(*, batch_size: int | None = None, max_batches: int = 1000) -> SealResult:
    """Seal every complete or partial batch waiting; on a TSA failure stop and keep
    the error on the chain head (the records wait for the next run)."""
    result = SealResult()
    for _ in range(max_batches):
        try:
            seal = seal_batch(batch_size=batch_size)
        except timestamps.TimestampError as error:
            result.error = str(error)
            logger.error("message log not sealed: %s", error)
            with transaction.atomic():
                head(lock=True)
                MessageLogHead.objects.filter(pk=1).update(
                    last_seal_attempt_at=timezone.now(), last_seal_error=result.error[:2000]
                )
            break
        if seal is None:
            break
        result.seals += 1
        result.records += seal.records
    return result
