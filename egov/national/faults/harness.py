"""What the fault tests share: many dossier events produced cheaply, relay processes
started and killed, waiting for the outbox to drain, and the counts computed from what
the fake portal recorded (its ``/received``, read over HTTP), never from the sender's
own bookkeeping."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from egov.core import outbox
from egov.core.models import OutboxEvent
from egov.core.tests.processes import child_env
from egov.dossiers.models import Dossier

# Small backoff and lease, so that an outage or a killed relay costs seconds, not minutes.
RELAY_ENV = {
    "EGOV_NATIONAL_PROVIDER": "dvcqg",
    "EGOV_NATIONAL_USERNAME": "egov-demo",
    "EGOV_NATIONAL_PASSWORD": "egov-demo-password",
    "EGOV_NATIONAL_TIMEOUT_SECONDS": "2",
    "EGOV_NATIONAL_CIRCUIT_SECONDS": "1",
    "EGOV_OUTBOX_BACKOFF_SECONDS": "1",
    "EGOV_OUTBOX_BACKOFF_MAX_SECONDS": "2",
    "EGOV_OUTBOX_MAX_ATTEMPTS": "1000",
    "EGOV_OUTBOX_LEASE_SECONDS": "12",
    "EGOV_OUTBOX_BATCH_SIZE": "20",
    "EGOV_NOTIFY_CHANNELS": "none",
    "EGOV_LOG_LEVEL": "WARNING",
}


def dossiers_like(template: Dossier, count: int) -> list[Dossier]:
    """``count`` dossiers copied from ``template`` (test data: no history, no audit)."""
    copies = []
    for n in range(count):
        copy = Dossier(
            code=f"{template.code[:-4]}{n + 2:04d}",  # the next numbers of the day
            procedure_version=template.procedure_version,
            receiving_agency=template.receiving_agency,
            processing_agency=template.processing_agency,
            channel=template.channel,
            status=template.status,
            applicant_name=template.applicant_name,
            applicant_id_number=template.applicant_id_number,
            summary=template.summary,
            submitted_at=template.submitted_at,
            received_at=template.received_at,
            due_at=template.due_at,
        )
        copies.append(copy)
    return Dossier.objects.bulk_create(copies)


def produce(dossiers: list[Dossier], total: int) -> list[OutboxEvent]:
    """``total`` dossier events, interleaved across ``dossiers`` (each dossier's events
    walk through the national codes 2, 4, 5, 4, 6, 4, 9, 10...), in one insert."""
    codes = [2, 4, 5, 4, 6, 4, 8, 9, 10, 7]
    events = [
        outbox.event(
            topic="dossier.fault_test",
            aggregate=dossiers[n % len(dossiers)],
            payload={"national_status": codes[(n // len(dossiers)) % len(codes)]},
        )
        for n in range(total)
    ]
    return OutboxEvent.objects.bulk_create(events)


class Relay:
    """One ``manage.py relay_outbox`` process on this test run's database."""

    def __init__(self, name: str, portal_url: str, log_dir: Path, **env: str) -> None:
        self.name = name
        self.log = open(log_dir / f"relay-{name}.log", "ab")  # closed by kill/stop
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "relay_outbox",
                "--name",
                name,
                "--interval",
                "0.05",
            ],
            cwd=settings.BASE_DIR,
            env=child_env(**{**RELAY_ENV, "EGOV_NATIONAL_URL": portal_url, **env}),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no chance to finish the batch or release its leases."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


def undelivered(events: list[OutboxEvent]) -> int:
    return (
        OutboxEvent.objects.filter(id__in=[e.pk for e in events])
        .exclude(status=OutboxEvent.Status.DELIVERED)
        .count()
    )


def wait_delivered(events: list[OutboxEvent], timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = undelivered(events)
        if not left:
            return
        time.sleep(0.25)
    dead = OutboxEvent.objects.filter(
        id__in=[e.pk for e in events], status=OutboxEvent.Status.DEAD
    ).count()
    raise AssertionError(f"{left} events not delivered after {timeout} s ({dead} dead)")


def received(portal_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{portal_url}/received", timeout=30) as answer:
        return json.loads(answer.read())


@dataclass
class Counts:
    lost: int
    duplicated: int
    out_of_order: int
    wire_duplicates: int
    concurrent: int
    processed: int

    def line(self) -> str:
        return f"lost {self.lost}, duplicated {self.duplicated}, out of order {self.out_of_order}"

    def details(self) -> str:
        return (
            f"processed {self.processed}, wire duplicates {self.wire_duplicates} "
            f"(dropped by message id), concurrent {self.concurrent}"
        )


def count(portal_url: str, events: list[OutboxEvent], sender: str = "egov") -> Counts:
    """What the portal recorded against what was produced: each event's record
    (DongBoHoSoMC ``<sender>-<id>``) and progress (``-p``) processed exactly once, and
    per dossier in the order of the events."""
    records = received(portal_url)
    dossier_services = ("DongBoHoSoMC", "CapNhatTienDoHoSoMC")
    mine = [r for r in records if r.get("service") in dossier_services]
    processed = [r for r in mine if r["outcome"] == "processed"]
    times = Counter(r["message_id"] for r in processed)
    expected = {f"{sender}-{e.pk}" for e in events} | {f"{sender}-{e.pk}-p" for e in events}
    lost = len(expected - set(times))
    duplicated = sum(n - 1 for n in times.values() if n > 1)
    out_of_order = 0
    for service in dossier_services:
        last: dict[str, int] = defaultdict(int)
        for r in processed:
            if r["service"] != service:
                continue
            number = int(r["message_id"].removeprefix(f"{sender}-").removesuffix("-p"))
            if number < last[r["MaHoSo"]]:
                out_of_order += 1
            last[r["MaHoSo"]] = max(last[r["MaHoSo"]], number)
    return Counts(
        lost=lost,
        duplicated=duplicated,
        out_of_order=out_of_order,
        wire_duplicates=sum(1 for r in mine if r["outcome"] == "duplicate"),
        concurrent=sum(1 for r in mine if r.get("concurrent")),
        processed=len(processed),
    )


def report(test: str, counts: Counts) -> None:
    print(f"\n[{test}] {counts.details()}")
    print(counts.line())


def now():
    return timezone.now()
