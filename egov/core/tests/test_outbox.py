import subprocess
import sys
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from egov.core import outbox
from egov.core.errors import Conflict, NotPermitted
from egov.core.models import AuditEntry, OutboxAttempt, OutboxEvent
from egov.core.tests.processes import child_env

pytestmark = pytest.mark.django_db


class Recorder:
    """A handler that records what it received and fails on demand."""

    def __init__(self, fail_times=0):
        self.fail_times = fail_times
        self.seen = []

    def __call__(self, event):
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("peer down")
        self.seen.append((event.aggregate_id, event.payload["n"]))


def emit(aggregate_id, n, topic="dossier.updated"):
    return outbox.emit(
        topic=topic, aggregate_type="dossiers.dossier", aggregate_id=aggregate_id, payload={"n": n}
    )


def run_until_quiet(relay="r1", rounds=50):
    for _ in range(rounds):
        OutboxEvent.objects.filter(status="pending").update(next_attempt_at=timezone.now())
        if not outbox.relay_once(relay=relay):
            return


def test_an_event_exists_only_if_its_transaction_commits():
    with pytest.raises(RuntimeError), transaction.atomic():
        emit("1", 1)
        raise RuntimeError("rollback")
    assert not OutboxEvent.objects.exists()


def test_delivery_calls_matching_handlers_and_records_the_attempt():
    recorder, other = Recorder(), Recorder()
    event = emit("7", 1)
    with (
        outbox.registered("dossier.*", recorder, "rec"),
        outbox.registered("document.*", other, "other"),
    ):
        assert outbox.relay_once(relay="r1") == 1
    event.refresh_from_db()
    assert event.status == "delivered" and event.attempts == 1 and event.delivered_at
    assert recorder.seen == [("7", 1)] and other.seen == []
    attempt = OutboxAttempt.objects.get(event=event)
    assert attempt.ok and attempt.relay == "r1" and attempt.number == 1


def test_failures_are_retried_with_exponential_backoff_then_dead(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_BACKOFF_SECONDS = 10
    recorder = Recorder(fail_times=99)
    event = emit("1", 1)
    with outbox.registered("dossier.*", recorder, "rec"):
        delays = []
        for _ in range(3):
            before = timezone.now()
            OutboxEvent.objects.filter(pk=event.pk).update(next_attempt_at=before)
            outbox.relay_once(relay="r1")
            event.refresh_from_db()
            delays.append((event.next_attempt_at - before).total_seconds())
    assert event.status == "dead"
    assert event.attempts == 3
    assert "ConnectionError: peer down" in event.last_error
    assert 10 <= delays[0] < 11 and 20 <= delays[1] < 21  # 10 s, then 20 s
    assert OutboxAttempt.objects.filter(event=event, ok=False).count() == 3


def test_a_handler_that_succeeded_is_not_called_again_on_retry():
    good, flaky = Recorder(), Recorder(fail_times=1)
    emit("1", 1)
    with (
        outbox.registered("dossier.*", good, "good"),
        outbox.registered("dossier.updated", flaky, "flaky"),
    ):
        run_until_quiet()
    assert good.seen == [("1", 1)]
    assert flaky.seen == [("1", 1)]
    assert OutboxEvent.objects.get().status == "delivered"


def test_events_of_one_aggregate_are_delivered_in_order_even_after_a_failure():
    recorder = Recorder(fail_times=2)
    for n in range(1, 4):
        emit("A", n)
        emit("B", n)
    with outbox.registered("dossier.*", recorder, "rec"):
        run_until_quiet()
    for aggregate in ("A", "B"):
        assert [n for a, n in recorder.seen if a == aggregate] == [1, 2, 3]


def test_a_dead_event_holds_back_its_aggregate_but_not_others(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    recorder = Recorder(fail_times=1)
    emit("A", 1)
    emit("A", 2)
    emit("B", 1)
    with outbox.registered("dossier.*", recorder, "rec"):
        run_until_quiet()
    assert recorder.seen == [("B", 1)]
    assert OutboxEvent.objects.get(aggregate_id="A", payload__n=2).status == "pending"


def test_an_administrator_redrives_a_dead_event(settings, people):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    recorder = Recorder(fail_times=1)
    dead = emit("A", 1)
    emit("A", 2)
    with outbox.registered("dossier.*", recorder, "rec"):
        run_until_quiet()
        dead.refresh_from_db()
        assert dead.status == "dead"
        with pytest.raises(NotPermitted):
            outbox.redrive_event(actor=people.desk_officer, event=dead)
        outbox.redrive_event(actor=people.province_admin, event=dead)
        run_until_quiet()
    assert recorder.seen == [("A", 1), ("A", 2)]
    assert AuditEntry.objects.filter(action="outbox.redrive", actor=people.province_admin).exists()
    with pytest.raises(Conflict):
        outbox.redrive_event(actor=people.province_admin, event=dead)


def test_redrive_through_the_api(client, settings, people):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    event = emit("A", 1)
    OutboxEvent.objects.filter(pk=event.pk).update(status="dead", attempts=1)
    client.force_login(people.auditor)
    assert client.post(f"/api/v1/outbox/events/{event.pk}/redrive").status_code == 403
    client.force_login(people.province_admin)
    _verify_second_factor(client, people.province_admin)
    response = client.post(f"/api/v1/outbox/events/{event.pk}/redrive")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": event.pk, "status": "pending"}


def _verify_second_factor(client, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egov.core.tests.otp import verify_with_device

    verify_with_device(client, TOTPDevice.objects.create(user=user, name="t", confirmed=True))


def test_a_leased_event_is_not_claimed_by_another_relay_until_the_lease_expires():
    emit("A", 1)
    _, first = outbox.claim(relay="r1")
    _, second = outbox.claim(relay="r2")
    assert len(first) == 1 and second == []
    OutboxEvent.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    _, third = outbox.claim(relay="r2")
    assert [e.pk for e in third] == [first[0].pk]


def test_two_relay_processes_never_deliver_an_event_twice_and_keep_order(committed_db):
    """Two relay processes on the same database (SKIP LOCKED on PostgreSQL, the
    write lock on SQLite) share the work without double delivery."""
    for n in range(12):
        for aggregate in "ABCDEFGH":
            emit(aggregate, n, topic="test.concurrent")
    env = child_env()
    script = Path(__file__).with_name("outbox_relay_process.py")
    root = settings.BASE_DIR
    relays = [
        subprocess.Popen([sys.executable, str(script), name, "90"], cwd=root, env=env)
        for name in ("relay-1", "relay-2")
    ]
    for relay in relays:
        assert relay.wait(timeout=120) == 0

    events = {e.pk: e for e in OutboxEvent.objects.all()}
    assert {e.status for e in events.values()} == {"delivered"}
    attempts = list(OutboxAttempt.objects.order_by("started_at", "id"))
    assert len(attempts) == len(events)  # exactly one delivery per event
    assert {a.relay for a in attempts} == {"relay-1", "relay-2"}  # both did work
    for aggregate in "ABCDEFGH":
        mine = [a for a in attempts if events[a.event_id].aggregate_id == aggregate]
        assert [events[a.event_id].payload["n"] for a in mine] == list(range(12))
        for earlier, later in pairwise(mine):  # never two at once for one aggregate
            assert earlier.finished_at <= later.started_at
