"""Benchmark of the national portal sync: outbox relay deliveries per second to a fast
fake national portal (fakes/dvcqg.py in its own process, keep-alive HTTP on loopback),
one relay process (``manage.py relay_outbox``), goal >= 300 per second.

Each delivery of a dossier event is what production does: the dossier read with its
components and result files, the procedure from the catalogue cache, ``DongBoHoSoMC``
with the full record, ``CapNhatTienDoHoSoMC`` with the progress item, the sync state
row written, and the outbox's own bookkeeping (attempt row, settle). The dossiers are
already accepted by the portal (no ``TraCuuHoSo``), as for every event after the first.
Baseline in the same run: the same relay process over events no handler takes (the
outbox's claim and settle alone). The rate is counted from the relay's attempt log
(first start to last finish), so the processes' start-up is left out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TITLE = "National portal sync (outbox relay to DVCQG)"
GOAL = 300
EVENTS = int(os.environ.get("BENCH_NATIONAL_EVENTS", "3000"))
DOSSIERS = 200
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dossiers():
    from django.utils import timezone

    from egov.catalog.tests.factories import published
    from egov.directory.tests.factories import AgencyFactory, tier
    from egov.dossiers.models import Dossier, DossierComponent
    from egov.national.models import SyncState

    agency = AgencyFactory(
        code="000.00.77.H99", name="UBND huyện Thử Nghiệm", tier=tier("district")
    )
    version = published("9.000001", name="Thủ tục thử nghiệm đồng bộ", tiers=["district"])
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            code=f"000.00.77.H99-260302-{n:04d}",
            procedure_version=version,
            receiving_agency=agency,
            processing_agency=agency,
            channel="counter",
            status="processing",
            applicant_name="Hoàng Thị Lan",
            applicant_id_number="006190001234",
            summary=version.name,
            received_at=now,
            due_at=now,
        )
        for n in range(DOSSIERS)
    )
    components = list(version.components.all())
    DossierComponent.objects.bulk_create(
        DossierComponent(dossier=d, component=c, name=c.name, originals=1)
        for d in dossiers
        for c in components
    )
    SyncState.objects.bulk_create(
        SyncState(dossier=d, accepted=True, last_status_sent=4) for d in dossiers
    )
    return dossiers


def _relay(env: dict, topic: str, dossiers, events: int) -> float:
    from egov.core import outbox
    from egov.core.models import OutboxAttempt, OutboxEvent

    OutboxEvent.objects.bulk_create(
        outbox.event(
            topic=topic, aggregate=dossiers[n % len(dossiers)], payload={"national_status": 4}
        )
        for n in range(events)
    )
    relay = subprocess.Popen(
        [sys.executable, "manage.py", "relay_outbox", "--name", topic, "--interval", "0.05"],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 600
        while OutboxEvent.objects.filter(topic=topic).exclude(status="delivered").exists():
            if time.monotonic() > deadline or relay.poll() is not None:
                raise RuntimeError(f"relay for {topic} did not finish")
            time.sleep(0.5)
    finally:
        relay.terminate()
        relay.wait(30)
    delivered = OutboxEvent.objects.filter(topic=topic)
    if topic.startswith("dossier."):
        attempts = OutboxAttempt.objects.filter(event__topic=topic)
        first = attempts.order_by("started_at").values_list("started_at", flat=True).first()
        last = attempts.order_by("-finished_at").values_list("finished_at", flat=True).first()
    else:  # no handler, no attempt rows: the events' own times
        first = min(delivered.values_list("created_at", flat=True))
        last = max(delivered.values_list("delivered_at", flat=True))
    seconds = (last - first).total_seconds()
    return events / seconds if seconds > 0 else 0.0


def run(ctx) -> list:
    from egov.core.tests.processes import child_env

    dossiers = _dossiers()
    port = _free_port()
    fake = subprocess.Popen(
        [sys.executable, "fakes/dvcqg.py", "--port", str(port), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        **child_env(),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bench.settings"),
        "EGOV_NATIONAL_PROVIDER": "dvcqg",
        "EGOV_NATIONAL_URL": f"http://127.0.0.1:{port}",
        "EGOV_NOTIFY_CHANNELS": "none",
        "EGOV_LOG_LEVEL": "WARNING",
    }
    try:
        time.sleep(1)  # the fake starts
        baseline = _relay(env, "bench.no_handler", dossiers, EVENTS)
        rate = _relay(env, "dossier.bench_sync", dossiers, EVENTS)
    finally:
        fake.terminate()
        fake.wait(10)
    return [
        ctx.figure(
            name=f"relay deliveries to the fake DVCQG, {EVENTS} events over {DOSSIERS} dossiers, "
            "1 relay process",
            value=rate,
            unit="events/s",
            baseline_name="the same relay, events without a handler",
            baseline_value=baseline,
            goal=f">= {GOAL}/s",
            ok=rate >= GOAL,
            note="DongBoHoSoMC + CapNhatTienDoHoSoMC per event",
        )
    ]
