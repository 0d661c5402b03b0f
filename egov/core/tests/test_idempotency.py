"""The Idempotency-Key mechanism (egov.core.idempotency): replay, reuse with another
body, per-actor keys, errors not kept, expiry, and two identical requests racing."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from egov.core import idempotency
from egov.core.errors import DomainError
from egov.core.models import IdempotencyKey, OutboxEvent
from egov.core.outbox import emit

factory = APIRequestFactory()


class Emit(APIView):
    """A change (one outbox event per call) behind the decorator."""

    @idempotency.idempotent
    def post(self, request):
        if request.data.get("fail"):
            emit(topic="test.failed", aggregate=None, payload={})
            raise DomainError("nope", "Không.", "No.")
        emit(topic="test.emitted", aggregate=None, payload=dict(request.data))
        return Response({"n": OutboxEvent.objects.count()}, status=201, headers={"ETag": '"1"'})


def call(user, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    request = factory.post("/x", body, format="json", **headers)
    force_authenticate(request, user=user)
    return Emit.as_view()(request)


@pytest.fixture
def user(people):
    return people.desk_officer


def test_without_a_key_every_request_runs(user):
    call(user, {"a": 1})
    call(user, {"a": 1})
    assert OutboxEvent.objects.filter(topic="test.emitted").count() == 2
    assert not IdempotencyKey.objects.exists()


def test_same_key_same_body_is_replayed(user):
    first = call(user, {"a": 1, "b": [1, 2]}, key="k1")
    again = call(user, {"b": [1, 2], "a": 1}, key="k1")  # same JSON, other key order
    assert first.status_code == again.status_code == 201
    assert again.data == first.data == {"n": 1}
    assert again["ETag"] == '"1"' and again["Idempotent-Replayed"] == "true"
    assert OutboxEvent.objects.filter(topic="test.emitted").count() == 1


def test_same_key_other_body_is_422(user):
    call(user, {"a": 1}, key="k1")
    response = call(user, {"a": 2}, key="k1")
    assert response.status_code == 422
    assert response.data["error"]["code"] == "idempotency_key_reused"
    assert OutboxEvent.objects.filter(topic="test.emitted").count() == 1


def test_keys_are_per_actor(people):
    call(people.desk_officer, {"a": 1}, key="same")
    call(people.specialist, {"a": 1}, key="same")
    assert OutboxEvent.objects.filter(topic="test.emitted").count() == 2
    assert IdempotencyKey.objects.filter(key="same").count() == 2


def test_an_error_keeps_neither_the_change_nor_the_key(user):
    response = call(user, {"fail": True}, key="k2")
    assert response.status_code == 400
    assert not OutboxEvent.objects.exists()
    assert not IdempotencyKey.objects.exists()
    assert call(user, {"a": 1}, key="k2").status_code == 201  # the key is free


def test_an_invalid_key_is_400(user):
    response = call(user, {"a": 1}, key="has space")
    assert response.status_code == 400
    assert response.data["error"]["code"] == "idempotency_key_invalid"


def test_old_keys_expire(user):
    call(user, {"a": 1}, key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    # Expired: the same key is a new request.
    assert call(user, {"a": 2}, key="old").status_code == 201
    assert OutboxEvent.objects.filter(topic="test.emitted").count() == 2
    call(user, {"a": 3}, key="older")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    call_command("purge_idempotency_keys")
    assert not IdempotencyKey.objects.exists()
    call(user, {"a": 4}, key="fresh")
    assert idempotency.purge_expired() == 0


def _race(people, version, monkeypatch, pause: float):
    """Two identical receptions with one key, the first still in its transaction when
    the second arrives."""
    from egov.dossiers import services
    from egov.dossiers.tests.test_api import reception_body

    real = services.receive

    def slow(**kwargs):
        dossier = real(**kwargs)
        time.sleep(pause)  # still inside the transaction that holds the key
        return dossier

    monkeypatch.setattr(services, "receive", slow)
    body = reception_body(version)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def worker(index: int) -> None:
        try:
            client = Client()
            client.force_login(people.desk_officer)
            barrier.wait()
            if index:
                time.sleep(0.1)  # the first takes the key, the second finds it taken
            results[index] = client.post(
                "/api/v1/dossiers/",
                body,
                content_type="application/json",
                headers={"Idempotency-Key": "race-1"},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_identical_requests_racing_make_one_dossier(committed_db, people, monkeypatch):
    from egov.dossiers.models import Dossier
    from egov.dossiers.tests.factories import district_procedure

    version = district_procedure()
    first, second = _race(people, version, monkeypatch, pause=0.5)
    assert first.status_code == 201, first.content
    assert second.status_code == 201, second.content
    assert first.json()["code"] == second.json()["code"]
    # Whichever thread took the key first made the dossier; the other replayed it.
    replayed = sorted(r.headers.get("Idempotent-Replayed", "") for r in (first, second))
    assert replayed == ["", "true"]
    assert Dossier.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_a_request_waiting_too_long_for_its_twin(committed_db, people, monkeypatch):
    """PostgreSQL: the twin gives up after WAIT_SECONDS with 409 idempotency_in_progress.
    SQLite serialises writers for the whole transaction (BEGIN IMMEDIATE), so the twin
    waits for the write lock (busy timeout 20 s) and then replays the stored answer."""
    from egov.dossiers.models import Dossier
    from egov.dossiers.tests.factories import district_procedure

    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.3)
    version = district_procedure()
    first, second = _race(people, version, monkeypatch, pause=2)
    if connection.vendor == "postgresql":
        # Whichever thread took the key first made the dossier; the other gave up.
        made, gave_up = sorted((first, second), key=lambda r: r.status_code)
        assert (made.status_code, gave_up.status_code) == (201, 409)
        assert gave_up.json()["error"]["code"] == "idempotency_in_progress"
    else:
        assert (first.status_code, second.status_code) == (201, 201)
        assert second.json()["code"] == first.json()["code"]
        replayed = sorted(r.headers.get("Idempotent-Replayed", "") for r in (first, second))
        assert replayed == ["", "true"]
    assert Dossier.objects.count() == 1


def test_a_passphrase_never_enters_the_fingerprint(user):
    """The stored fingerprint is a hash of the body: a signing passphrase in it would be
    a hash an attacker with the database could try passwords against."""
    with_one = factory.post("/x", {"note": "a", "passphrase": "mot"}, format="json")
    with_other = factory.post("/x", {"note": "a", "passphrase": "hai"}, format="json")
    other_note = factory.post("/x", {"note": "b", "passphrase": "mot"}, format="json")
    prints = []
    for raw in (with_one, with_other, other_note):
        force_authenticate(raw, user=user)
        request = Emit().initialize_request(raw)
        request.user = user
        prints.append(idempotency.fingerprint(request))
    assert prints[0] == prints[1] != prints[2]
