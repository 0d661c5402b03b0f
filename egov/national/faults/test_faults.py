"""Fault tests of the national portal sync (issue 16): the real relay, in processes,
against the real fake portal over HTTP, on PostgreSQL. Each test ends with the line
``lost 0, duplicated 0, out of order 0`` computed from what the portal recorded.

    make faults        (EGOV_FAULTS=1 DATABASE_URL=postgres://... pytest -m faults ...)
"""

from __future__ import annotations

import time

import pytest

from egov.core.models import OutboxAttempt, OutboxEvent
from egov.national import circuit, handlers
from egov.national.faults import harness
from egov.national.tests.helpers import received
from fakes.dvcqg import Portal

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("committed_db")]
EVENTS = 2000
SOME = 1000  # the kill and the two relays: enough batches to be caught in the middle
DOSSIERS = 100


@pytest.fixture
def fake():
    with Portal() as running:
        circuit.reset()
        yield running


@pytest.fixture
def many(people):
    """100 dossiers like a received one (the first one real, through the services)."""
    template = received(people)
    return [template, *harness.dossiers_like(template, DOSSIERS - 1)]


@pytest.fixture
def relays(fake, tmp_path):
    started: list[harness.Relay] = []

    def start(name: str, **env: str) -> harness.Relay:
        relay = harness.Relay(name, fake.url, tmp_path, **env)
        started.append(relay)
        return relay

    yield start
    for relay in started:
        relay.stop()


def _wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met"
        time.sleep(0.2)


def _assert_clean(counts: harness.Counts) -> None:
    assert (counts.lost, counts.duplicated, counts.out_of_order) == (0, 0, 0), counts


def test_portal_down_while_2000_events_are_produced_then_back(fake, many, relays):
    fake.faults.set("gone")
    relays("a1")
    events = harness.produce(many, EVENTS)
    time.sleep(4)  # the relay tries, the circuit opens, retries back off
    assert harness.undelivered(events) == EVENTS
    tried = OutboxAttempt.objects.filter(handler=handlers.NAME).count()
    assert tried > 0  # it did try (and nothing went through)
    fake.faults.set("ok")
    harness.wait_delivered(events)
    counts = harness.count(fake.url, events)
    harness.report("portal down", counts)
    _assert_clean(counts)
    assert not OutboxEvent.objects.filter(status=OutboxEvent.Status.DEAD).exists()


def test_relay_killed_mid_batch_and_restarted(fake, many, relays):
    events = harness.produce(many, SOME)
    fake.faults.set("slow", delay_seconds=0.005)  # long enough to be killed mid-batch
    first = relays("b1")
    fake.recorder.wait_for(lambda items: len(items) >= 500, timeout=120)
    first.kill()
    leased = (
        OutboxEvent.objects.exclude(lease_token="")
        .filter(status=OutboxEvent.Status.PENDING)
        .count()
    )
    assert leased > 0  # the killed relay left a batch leased (mid-batch)
    fake.faults.set("ok")
    relays("b2")
    harness.wait_delivered(events)
    counts = harness.count(fake.url, events)
    harness.report("relay killed", counts)
    _assert_clean(counts)


def test_two_relays_at_once(fake, many, relays):
    events = harness.produce(many, SOME)
    relays("c1")
    relays("c2")
    harness.wait_delivered(events)
    counts = harness.count(fake.url, events)
    harness.report("two relays", counts)
    _assert_clean(counts)
    assert counts.concurrent == 0 and counts.wire_duplicates == 0
    by_relay = set(OutboxAttempt.objects.filter(ok=True).values_list("relay", flat=True))
    assert by_relay == {"c1", "c2"}  # both took part


def test_429_and_503_for_a_while_then_recovery(fake, many, relays):
    fake.faults.set("throttle")
    relays("d1")
    events = harness.produce(many, 500)
    retried = OutboxAttempt.objects.filter(handler=handlers.NAME, ok=False)
    _wait_until(lambda: retried.filter(error__contains="HTTP 429").exists())
    time.sleep(2)  # a while: retries back off, the circuit opens and half-opens
    fake.faults.set("fail", status=503)
    _wait_until(lambda: retried.filter(error__contains="HTTP 503").exists())
    time.sleep(2)
    assert harness.undelivered(events) == 500  # nothing went through meanwhile
    fake.faults.set("ok")
    harness.wait_delivered(events)
    counts = harness.count(fake.url, events)
    harness.report("429 and 503", counts)
    _assert_clean(counts)


def test_a_hanging_portal_times_out_and_the_circuit_opens_then_closes(fake, many, relays):
    fake.faults.set("hang")
    relays("e1", EGOV_NATIONAL_CIRCUIT_FAILURES="2", EGOV_NATIONAL_CIRCUIT_SECONDS="3")
    events = harness.produce(many[:5], 20)
    deadline = time.monotonic() + 60
    while circuit.state() != circuit.OPEN and time.monotonic() < deadline:
        time.sleep(0.2)
    assert circuit.state() == circuit.OPEN
    # Finished attempts only: one may be under way in a relay right now (no error yet).
    attempts = OutboxAttempt.objects.filter(handler=handlers.NAME, finished_at__isnull=False)
    failed = list(attempts.filter(ok=False))
    # Timed out, or not tried: the circuit was open, or too little of the lease was left
    # for another timeout.
    reasons = ("timed out", "circuit open", "lease nearly over", "no time left")
    assert [a for a in failed if "timed out" in a.error]
    unexpected = [a.error[-600:] for a in failed if not any(r in a.error for r in reasons)]
    assert not unexpected, unexpected
    # Bounded: a delivery waits at most for its calls' timeouts (2 s each) and never
    # beyond its lease (12 s), never for the portal.
    assert all((a.finished_at - a.started_at).total_seconds() < 12 for a in failed)
    fake.faults.set("ok")
    harness.wait_delivered(events)
    assert circuit.state() == circuit.CLOSED
    counts = harness.count(fake.url, events)
    harness.report("hanging portal", counts)
    _assert_clean(counts)
