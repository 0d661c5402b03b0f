"""Batches of records are sealed by RFC 3161 timestamps of the local TSA (a real HTTP
server running ``openssl ts``); a forged seal is detected; like X-Road, the log stops
accepting records after too long without a timestamp, and accepts them again once the
TSA is back."""

from __future__ import annotations

import datetime
import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from egov.core.errors import DomainError
from egov.messagelog import log, queries, seal, timestamps
from egov.messagelog.models import MessageLogHead, MessageRecord, MessageSeal, to_us
from egov.messagelog.tests.helpers import exchange, exchanges
from egov.messagelog.verify import verify

pytestmark = pytest.mark.django_db


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def test_records_are_sealed_in_batches_and_verify(sealing, settings):
    settings.MESSAGELOG_BATCH_SIZE = 10
    exchanges(25)
    before = sealing.counts["tsa"]
    out = StringIO()
    call_command("messagelog_seal", stdout=out)
    assert "3 batch(es), 25 record(s) sealed" in out.getvalue()
    assert sealing.counts["tsa"] - before == 3  # one timestamp per batch
    seals = list(MessageSeal.objects.order_by("first_seq"))
    assert [(s.first_seq, s.last_seq, s.records) for s in seals] == [
        (1, 10, 10),
        (11, 20, 10),
        (21, 25, 5),
    ]
    assert seals[0].last_hash == MessageRecord.objects.get(seq=10).hash
    info = timestamps.check_token(bytes(seals[0].token), bytes.fromhex(seals[0].last_hash))
    assert info["gen_time"].native == seals[0].gen_time
    head = MessageLogHead.objects.get()
    assert head.sealed_seq == 25 and head.oldest_unsealed_at is None
    report = verify()
    assert report.ok, report.problems
    assert (report.seals, report.unsealed) == (3, 0)
    exchanges(2, start=25)
    assert MessageLogHead.objects.get().oldest_unsealed_at is not None
    assert verify().unsealed == 2


def test_nothing_to_seal_asks_the_tsa_nothing(sealing):
    before = sealing.counts["tsa"]
    assert seal.seal_pending().seals == 0
    assert sealing.counts["tsa"] == before


@pytest.mark.usefixtures("unguarded")
def test_a_seal_moved_to_another_batch_is_detected(sealing, settings):
    settings.MESSAGELOG_BATCH_SIZE = 5
    exchanges(10)
    seal.seal_pending()
    first, second = MessageSeal.objects.order_by("first_seq")
    MessageSeal.objects.filter(pk=second.pk).update(token=first.token)
    with pytest.raises(CommandError) as failed:
        call_command("messagelog_verify", stdout=StringIO(), stderr=StringIO())
    assert "seal of records 6-10" in str(failed.value)
    assert "message imprint is not the batch's digest" in str(failed.value)


def test_a_removed_seal_is_detected(sealing, settings):
    settings.MESSAGELOG_BATCH_SIZE = 5
    exchanges(10)
    seal.seal_pending()
    MessageSeal.objects.filter(first_seq=6).delete()
    [problem] = verify().problems
    assert "records up to 10 were sealed, the seals found end at 5" in problem.reason


@pytest.mark.usefixtures("unguarded")
def test_a_changed_token_is_detected(sealing):
    exchanges(3)
    seal.seal_pending()
    stored = MessageSeal.objects.get()
    token = bytearray(stored.token)
    token[-10] ^= 0x01  # inside the signature
    MessageSeal.objects.filter(pk=stored.pk).update(token=bytes(token))
    [problem] = verify().problems
    assert problem.seq == 3 and "not signed by the trusted TSA" in problem.reason


def test_a_token_of_another_tsa_is_not_trusted(sealing, settings, tmp_path):
    exchanges(3)
    seal.seal_pending()
    from egov.signing import devpki

    other = devpki.create(tmp_path / "other-pki", url="http://127.0.0.1:9")
    settings.MESSAGELOG_TSA_CERT = str(other.path("tsa.pem"))
    [problem] = verify().problems
    assert "not signed by the trusted TSA" in problem.reason


@pytest.mark.usefixtures("unguarded")
def test_a_rewritten_sealed_batch_is_detected_even_with_its_hashes_recomputed(sealing):
    """Someone who can write the table rewrites a sealed record and recomputes every
    hash after it and the head: the chain holds, the seal does not."""
    exchanges(4)
    seal.seal_pending()
    previous = log.GENESIS
    for record in MessageRecord.objects.order_by("seq"):
        if record.seq == 2:
            record.status = 404
        record.prev_hash = previous
        record.hash = log.digest(record)
        record.save()
        previous = record.hash
    MessageLogHead.objects.update(last_hash=previous)
    MessageSeal.objects.update(last_hash=previous)
    [problem] = verify().problems
    assert problem.seq == 4 and "message imprint is not the batch's digest" in problem.reason


def test_the_log_refuses_after_too_long_without_a_timestamp_then_recovers(sealing, settings):
    settings.MESSAGELOG_MAX_UNSEALED_SECONDS = 3600
    settings.MESSAGELOG_TSA_URL = _closed_port_url()  # the TSA is down
    exchange(0)
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("messagelog_seal", stdout=out)
    assert "unreachable" in str(failed.value)
    head = MessageLogHead.objects.get()
    assert "unreachable" in head.last_seal_error and head.sealed_seq == 0
    exchange(1)  # within the period: still accepted
    # As if the first unsealed record had been logged more than an hour ago.
    MessageLogHead.objects.update(
        unsealed_since_us=to_us(timezone.now() - datetime.timedelta(seconds=3601))
    )
    assert queries.status()["accepting"] is False
    assert "unreachable" in queries.status()["last_seal_error"]
    with pytest.raises(DomainError) as asked:
        log.check_accepting()  # what the proxy asks before it forwards a request
    assert asked.value.code == "messagelog_unsealed"
    with pytest.raises(DomainError) as refused:
        exchange(2)
    assert refused.value.code == "messagelog_unsealed" and refused.value.status == 503
    assert "unreachable" in refused.value.details["last_seal_error"]
    assert MessageRecord.objects.count() == 2  # nothing written
    assert MessageLogHead.objects.get().last_seq == 2

    settings.MESSAGELOG_TSA_URL = sealing.tsa_url  # the TSA is back
    result = seal.seal_pending()
    assert (result.seals, result.records, result.error) == (1, 2, "")
    head = MessageLogHead.objects.get()
    assert head.oldest_unsealed_at is None and head.last_seal_error == ""
    log.check_accepting()
    assert queries.status()["accepting"] is True
    assert exchange(2).seq == 3  # accepted again
    assert queries.status()["unsealed"] == 1
    assert verify().ok


def test_a_tsa_answer_that_is_not_a_timestamp_is_not_stored(sealing, settings):
    settings.MESSAGELOG_TSA_URL = sealing.url + "/crl/root"  # answers, but not a TSA
    exchange(0)
    result = seal.seal_pending()
    assert result.seals == 0 and "HTTP 404" in result.error
    assert MessageSeal.objects.count() == 0


def test_the_periodic_task_seals(sealing, settings):
    from egov.messagelog.tasks import seal_message_log

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    exchanges(3)
    result = seal_message_log.enqueue()
    assert result.return_value == {"seals": 1, "records": 3, "error": ""}


def test_two_sealers_at_once_seal_each_record_once(committed_db, sealing, settings):
    import threading

    from django.db import connections

    settings.MESSAGELOG_BATCH_SIZE = 10
    exchanges(30)
    start = threading.Barrier(2)
    results = []

    def sealer() -> None:
        try:
            start.wait()
            results.append(seal.seal_pending())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sealer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.seals for r in results) == 3 and all(r.error == "" for r in results)
    ranges = list(MessageSeal.objects.order_by("first_seq").values_list("first_seq", "last_seq"))
    assert ranges == [(1, 10), (11, 20), (21, 30)]
    assert verify().ok
