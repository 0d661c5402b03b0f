"""Message log figures for ``make bench`` (issue 16 point 4): appends per second in one
process with bodies off and on (each append its own transaction, as the gateway's
proxy makes it), next to the baseline of the same run: one plain single-row INSERT per
transaction from the same process; the sealing of a 10,000-record batch (one RFC 3161
timestamp of the local TSA, fakes/tsa.py) and the verification of those records.
Needs ``openssl ts``; Django set up. The rows written are deleted at the end."""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
import uuid
from pathlib import Path

TITLE = "Gateway message log"
APPENDS = 2_000
WRITERS = 4
BATCH = 10_000
# The national platform carried about 19 exchanges per second in 2022; one gateway
# process should carry ten times that with its message log on (issue 16).
GOAL_PER_SECOND = 190
SEAL_GOAL_SECONDS = 60  # a batch must be sealed well within X-Road's sealing interval


def _exchange(n: int, body: str | None) -> dict:
    return {
        "client": "VN/GOV/000.00.00.H06/motcua",
        "service": "VN/GOV/000.00.00.G01/dancu/tra-cuu",
        "message_id": str(uuid.uuid4()),
        "user_id": f"0010990{n:05d}",
        "method": "POST",
        "path": f"/gateway/VN/GOV/000.00.00.G01/dancu/tra-cuu/0010990{n:05d}",
        "status": 200,
        "latency_ms": 12.5,
        "request_hash": hashlib.sha256(str(n).encode()).hexdigest(),
        "response_hash": hashlib.sha256(str(-n).encode()).hexdigest(),
        "request_body": body,
        "response_body": body,
    }


def _rate(count: int, fn) -> float:
    started = time.perf_counter()
    for n in range(count):
        fn(n)
    return count / (time.perf_counter() - started)


def _concurrent_rate(writers: int, each: int) -> float:
    """Appends per second of ``writers`` threads at once, each with its own database
    connection (as the gateway's worker processes have): they queue on the head lock."""
    import threading

    from django.db import connections

    from egov.messagelog import log

    start = threading.Barrier(writers + 1)

    def writer(worker: int) -> None:
        try:
            start.wait()
            for n in range(each):
                log.append(**_exchange(worker * each + n, None))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return writers * each / (time.perf_counter() - started)


def _cleanup() -> None:
    from egov.core.models import WorkerHeartbeat
    from egov.messagelog.models import MessageLogHead, MessageRecord, MessageSeal

    MessageRecord.objects.all().delete()
    MessageSeal.objects.all().delete()
    MessageLogHead.objects.all().delete()
    WorkerHeartbeat.objects.filter(name__startswith="bench-messagelog-").delete()


def run(ctx) -> list:
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from egov.core.models import WorkerHeartbeat
    from egov.messagelog import log, seal, verify
    from egov.signing import devpki
    from fakes.tsa import Authority

    body = json.dumps(
        {"soDinhDanh": "001099012345", "hoTen": "Nguyễn Văn An", "diaChi": "x" * 1800},
        ensure_ascii=False,
    )

    def baseline(n: int) -> None:
        with transaction.atomic():
            WorkerHeartbeat.objects.create(name=f"bench-messagelog-{n}", seen_at=timezone.now())

    _cleanup()
    try:
        base = _rate(APPENDS, baseline)
        settings.MESSAGELOG_BODIES = False
        log.append(**_exchange(0, None))  # the head row, connections warm
        off = _rate(APPENDS, lambda n: log.append(**_exchange(n, None)))
        settings.MESSAGELOG_BODIES = True
        on = _rate(APPENDS, lambda n: log.append(**_exchange(n, body)))
        settings.MESSAGELOG_BODIES = False
        together = _concurrent_rate(WRITERS, APPENDS // WRITERS)
        with tempfile.TemporaryDirectory() as work, Authority(Path(work)) as authority:
            pki = devpki.create(work, url=authority.url)
            settings.MESSAGELOG_TSA_URL = authority.url + "/tsa"
            settings.MESSAGELOG_TSA_CERT = str(pki.path("tsa.pem"))
            seal.seal_pending()  # what the append figures wrote
            for n in range(BATCH):
                log.append(**_exchange(n, None))
            started = time.perf_counter()
            sealed = seal.seal_batch(batch_size=BATCH)
            seal_seconds = time.perf_counter() - started
            assert sealed is not None and sealed.records == BATCH
            started = time.perf_counter()
            report = verify.verify()
            verify_rate = (report.records) / (time.perf_counter() - started)
            assert report.ok, report.problems[:3]
    finally:
        for name in ("MESSAGELOG_BODIES", "MESSAGELOG_TSA_URL", "MESSAGELOG_TSA_CERT"):
            if hasattr(settings, name):
                delattr(settings, name)
        _cleanup()
    baseline_name = "one-row INSERT per transaction, same process"
    return [
        ctx.figure(
            name=f"appends, bodies off, {APPENDS:,} in 1 process (one transaction each)",
            value=off,
            unit="per s",
            baseline_name=baseline_name,
            baseline_value=base,
            goal=f">= {GOAL_PER_SECOND} per second",
            ok=off >= GOAL_PER_SECOND,
        ),
        ctx.figure(
            name=f"appends, bodies on (2 KB each way, AES-GCM), {APPENDS:,} in 1 process",
            value=on,
            unit="per s",
            baseline_name=baseline_name,
            baseline_value=base,
            goal=f">= {GOAL_PER_SECOND} per second",
            ok=on >= GOAL_PER_SECOND,
        ),
        ctx.figure(
            name=f"appends, bodies off, {WRITERS} threads at once, own connections, 1 process",
            value=together,
            unit="per s",
            baseline_name=baseline_name,
            baseline_value=base,
            goal=f">= {GOAL_PER_SECOND} per second",
            ok=together >= GOAL_PER_SECOND,
        ),
        ctx.figure(
            name=f"sealing one batch of {BATCH:,} records (RFC 3161, local TSA)",
            value=seal_seconds * 1000,
            unit="ms",
            goal=f"< {SEAL_GOAL_SECONDS} s",
            ok=seal_seconds < SEAL_GOAL_SECONDS,
        ),
        ctx.figure(
            name=f"messagelog_verify, {report.records:,} records and {report.seals} seal(s)",
            value=verify_rate,
            unit="records per s",
            goal="",
        ),
    ]
