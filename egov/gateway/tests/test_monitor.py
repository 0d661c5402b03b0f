"""The monitor's figures (JSON and page) from the exchanges, the breakers and the
outbox; who may read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from egov.core.models import OutboxEvent
from egov.directory.tests.helpers import login_verified
from egov.gateway import breaker, services
from egov.gateway.exchanges import record_exchange
from egov.gateway.models import Exchange
from egov.gateway.tests.factories import registry
from egov.gateway.tests.helpers import call, token

pytestmark = pytest.mark.django_db


def _record(reg, latency, status=200, error_type="", client=None):
    record_exchange(
        client=client or reg.client.identifier,
        service=reg.service.identifier,
        message_id="m",
        user_id="",
        method="GET",
        path="/x",
        status=status,
        latency_ms=latency,
        request_hash="",
        response_hash="",
        error_type=error_type,
    )


def _monitor(client, people, django_assert_max_num_queries=None):
    client.force_login(people.auditor)
    answer = client.get("/api/v1/gateway/monitor")
    assert answer.status_code == 200
    return answer.json()


def test_figures_per_provider_and_client(client, people, django_assert_max_num_queries):
    reg = registry()
    for latency in range(1, 101):  # 1..100 ms
        _record(reg, float(latency), status=500 if latency > 90 else 200)
    _record(reg, 5.0, status=403, error_type="Server.ClientProxy.AccessDenied")
    _record(reg, 1.0, status=429, error_type="Client.RateLimited")
    old = Exchange.objects.create(
        at=timezone.now() - timedelta(hours=2),
        client=reg.client.identifier,
        provider=reg.provider.identifier,
        service=reg.service.identifier,
        message_id="old",
        method="GET",
        path="/",
        status=500,
        latency_ms=9999,
    )
    assert old.pk
    client.force_login(people.auditor)
    # the session, the user, officer and roles; the registry (2), the exchanges, the
    # circuit states (the database cache: one read), the outbox (2), the client names;
    # the session touched (3)
    with django_assert_max_num_queries(14):
        answer = client.get("/api/v1/gateway/monitor")
    data = answer.json()
    assert data["window_minutes"] == 60
    (provider,) = data["providers"]
    assert provider["member"] == reg.provider.identifier
    assert provider["name"] == "Cơ sở dữ liệu thử"
    # The client's refusals are not the provider's calls; the 2-hour-old call is out.
    assert (provider["calls"], provider["errors"], provider["delivered"]) == (100, 10, 90)
    assert provider["error_rate"] == 0.1
    assert (provider["p50_ms"], provider["p95_ms"], provider["p99_ms"]) == (50.0, 95.0, 99.0)
    assert provider["circuit"] == "closed"
    assert (provider["pending"], provider["dead"], provider["oldest_pending"]) == (0, 0, None)
    (consumer,) = data["clients"]
    assert consumer["member"] == reg.client.identifier and consumer["name"] == "Hệ thống một cửa"
    assert (consumer["calls"], consumer["errors"]) == (102, 12)
    assert (consumer["rate_limited"], consumer["denied"]) == (1, 1)


def test_outbox_depth_dead_letters_and_the_circuit(client, people, settings):
    reg = registry()
    reg.service.outbox_topic = "dvcqg."
    services.save_service(actor=None, service=reg.service)
    long_ago = timezone.now() - timedelta(minutes=30)
    OutboxEvent.objects.create(
        topic="dvcqg.sync", aggregate_type="d", aggregate_id="1", created_at=long_ago
    )
    OutboxEvent.objects.create(topic="dvcqg.sync", aggregate_type="d", aggregate_id="2")
    OutboxEvent.objects.create(
        topic="dvcqg.progress", aggregate_type="d", aggregate_id="3", status="dead"
    )
    OutboxEvent.objects.create(
        topic="dvcqg.sync",
        aggregate_type="d",
        aggregate_id="4",
        status="delivered",
        delivered_at=timezone.now(),
    )
    OutboxEvent.objects.create(topic="dossier.received", aggregate_type="d", aggregate_id="5")
    settings.EGOV_GATEWAY_BREAKER_FAILURES = 1
    breaker.failed(reg.provider.identifier)
    data = _monitor(client, people)
    (provider,) = data["providers"]
    assert (provider["pending"], provider["dead"], provider["delivered"]) == (2, 1, 1)
    assert provider["oldest_pending"].startswith(long_ago.isoformat()[:16])
    assert provider["circuit"] == "open"
    outbox = {row["prefix"]: row for row in data["outbox"]}
    assert (outbox["dvcqg"]["pending"], outbox["dvcqg"]["dead"]) == (2, 1)
    assert outbox["dossier"]["pending"] == 1


def test_only_the_province_administrator_and_the_auditor_read_it(client, people):
    registry()
    assert client.get("/api/v1/gateway/monitor").status_code in (401, 403)
    client.force_login(people.desk_officer)
    assert client.get("/api/v1/gateway/monitor").status_code == 403
    assert client.get("/gateway/giam-sat/").status_code == 403
    client.force_login(people.agency_admin)
    assert client.get("/api/v1/gateway/monitor").status_code == 403
    login_verified(client, people.province_admin)
    assert client.get("/api/v1/gateway/monitor").status_code == 200
    client.force_login(people.auditor)
    page = client.get("/gateway/giam-sat/")
    assert page.status_code == 200
    assert "Giám sát nền tảng chia sẻ dữ liệu" in page.content.decode()
    client.logout()
    assert client.get("/gateway/giam-sat/").status_code == 302


def test_proxied_calls_show_on_the_monitor(client, people, provider, reg):
    issued = token(client, reg)
    assert call(client, reg, bearer=issued).status_code == 200
    provider.faults.set("fail", status=500, count=1)
    assert (
        call(
            client, reg, "POST", data=b"{}", content_type="application/json", bearer=issued
        ).status_code
        == 500
    )
    data = _monitor(client, people)
    (row,) = data["providers"]
    assert (row["calls"], row["errors"], row["delivered"], row["error_rate"]) == (2, 1, 1, 0.5)
    assert row["p50_ms"] > 0


def test_old_exchanges_are_purged_with_one_audit_entry(db):
    import io

    from django.core.management import call_command

    from egov.core.models import AuditEntry

    reg = registry()
    _record(reg, 1.0)
    Exchange.objects.update(at=timezone.now() - timedelta(days=31))
    _record(reg, 2.0)
    out = io.StringIO()
    call_command("purge_gateway_exchanges", stdout=out)
    assert "1 gateway exchanges" in out.getvalue()
    assert list(Exchange.objects.values_list("latency_ms", flat=True)) == [2.0]
    assert AuditEntry.objects.get(action="gateway.exchanges.purged").changes["deleted"] == 1


def test_the_page_in_english(client, people, settings):
    registry()
    client.force_login(people.auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/gateway/giam-sat/").content.decode()
    assert "Data-sharing gateway monitor (LGSP)" in html
    assert "Provider systems" in html and "Closed" in html and "Oldest pending event" in html


def test_the_national_portal_is_a_provider_while_the_sync_is_on(client, people, settings):
    """The national portal's deliveries go out by the outbox relay, not the proxy: the
    monitor lists it with the relay's figures (egov.national.queries.provider_stats)."""
    from egov.core.models import OutboxAttempt
    from egov.national.queries import HANDLER, MEMBER

    settings.NATIONAL_PROVIDER = "none"
    assert MEMBER not in [p["member"] for p in _monitor(client, people)["providers"]]

    settings.NATIONAL_PROVIDER = "dvcqg"
    now = timezone.now()
    done = OutboxEvent.objects.create(
        topic="dossier.received",
        aggregate_type="dossiers.dossier",
        aggregate_id="1",
        status=OutboxEvent.Status.DELIVERED,
    )
    OutboxAttempt.objects.create(
        event=done,
        handler=HANDLER,
        number=1,
        relay="r",
        ok=True,
        started_at=now - timedelta(milliseconds=40),
        finished_at=now,
    )
    OutboxEvent.objects.create(topic="dossier.accepted", aggregate_type="d", aggregate_id="2")
    OutboxEvent.objects.create(
        topic="dossier.returned",
        aggregate_type="d",
        aggregate_id="3",
        status=OutboxEvent.Status.DEAD,
    )
    [row] = [p for p in _monitor(client, people)["providers"] if p["member"] == MEMBER]
    assert (row["delivered"], row["pending"], row["dead"]) == (1, 1, 1)
    assert row["calls"] == 1 and row["errors"] == 0 and row["circuit"] == "closed"
    assert 30 <= row["p50_ms"] <= 50
    client.force_login(people.auditor)
    page = client.get("/gateway/giam-sat/").content.decode()
    assert f'data-member="{MEMBER}"' in page and "Cổng Dịch vụ công quốc gia" in page
