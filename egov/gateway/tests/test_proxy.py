"""The proxy against the fake provider over real HTTP on loopback: deny by default,
X-Road's headers, hashes, retries for idempotent methods only, the circuit breaker,
rate limits, size limits, timeouts and streamed bodies."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest

from egov.gateway import services
from egov.gateway.models import Exchange
from egov.gateway.tests.factories import registry
from egov.gateway.tests.helpers import call, token
from egov.messagelog import crypto
from egov.messagelog.models import MessageRecord

pytestmark = pytest.mark.django_db


def _hash(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _refused(answer, status: int, error_type: str) -> dict:
    assert answer.status_code == status, answer.body[:500]
    assert answer["X-Road-Error"] == error_type
    body = json.loads(answer.body)
    assert body["type"] == error_type
    assert body["message"] and body["message_en"] and "detail" in body
    return body


def test_deny_by_default_without_an_access_right(client, provider):
    reg = registry(base_url=provider.url + "/api/", grant=False)
    answer = call(client, reg)
    body = _refused(answer, 403, "Server.ClientProxy.AccessDenied")
    assert body["detail"] == {"client": reg.client.identifier, "service": reg.service.identifier}
    assert provider.received() == []
    exchange = Exchange.objects.get()
    assert (exchange.status, exchange.error_type) == (403, "Server.ClientProxy.AccessDenied")


def test_the_call_reaches_the_provider_with_x_road_headers(client, provider, reg):
    issued = token(client, reg)
    answer = call(
        client,
        reg,
        path="/hello/world?x=1&y=%C4%91",
        bearer=issued,
        headers={"X-Road-UserId": "VN/0012345", "Accept": "application/json"},
    )
    assert answer.status_code == 200
    echo = json.loads(answer.body)
    assert echo["path"] == "/api/hello/world" and echo["query"] == "x=1&y=%C4%91"
    sent = provider.received()[0]["headers"]
    assert sent["X-Road-Client"] == reg.client.identifier
    assert sent["X-Road-UserId"] == "VN/0012345"
    assert len(sent["X-Road-Id"]) == 32  # generated
    assert "Authorization" not in sent  # the gateway's token stays at the gateway
    assert answer["X-Road-Id"] == sent["X-Road-Id"]
    assert answer["X-Road-Request-Hash"] == _hash(b"")
    assert answer["X-Provider"] == "fake" and answer["Content-Type"].startswith("application/json")
    exchange = Exchange.objects.get()
    assert exchange.client == reg.client.identifier
    assert exchange.provider == reg.provider.identifier
    assert exchange.service == reg.service.identifier
    # The user id is kept as the message log's keyed pseudonym, never in clear.
    assert exchange.message_id == sent["X-Road-Id"] and "0012345" not in exchange.user_id
    assert exchange.user_id == crypto.current().pseudonym("VN/0012345")
    assert (exchange.method, exchange.path, exchange.status) == ("GET", "/hello/world", 200)
    assert exchange.response_hash == _hash(answer.body) and exchange.error_type == ""
    # The same exchange is in the hash-chained message log.
    [logged] = MessageRecord.objects.all()
    assert logged.client == reg.client.identifier and logged.status == 200
    assert logged.request_hash == _hash(b"") and logged.response_hash == exchange.response_hash
    assert logged.user == exchange.user_id


def test_a_given_x_road_id_is_passed_on_and_echoed(client, provider, reg):
    answer = call(client, reg, headers={"X-Road-Id": "mot-cua-0001"})
    assert answer["X-Road-Id"] == "mot-cua-0001"
    assert provider.received()[0]["headers"]["X-Road-Id"] == "mot-cua-0001"


def test_the_request_hash_is_of_the_body_forwarded(client, provider, reg):
    body = json.dumps({"MaHoSo": "000.00.12.H06-261204-0001", "ten": "Hoàng Thị Lan"}).encode()
    answer = call(client, reg, "POST", "/dossiers", data=body, content_type="application/json")
    assert answer.status_code == 200
    assert json.loads(answer.body)["body"] == body.decode()
    assert answer["X-Road-Request-Hash"] == _hash(body) == provider.received()[0]["sha256"]
    assert Exchange.objects.get().request_hash == _hash(body)


def test_client_header_missing_or_not_the_token_s(client, provider, reg):
    issued = token(client, reg)
    missing = client.get(reg.service_path + "/x", headers={"Authorization": f"Bearer {issued}"})
    assert missing.status_code == 400 and missing["X-Road-Error"] == "Client.MissingHeader"
    other = call(client, reg, bearer=issued, headers={"X-Road-Client": "VN/GOV/khac/HT"})
    _refused(other, 403, "Client.ClientMismatch")
    assert provider.received() == []


def test_an_unknown_service_is_404(client, provider, reg):
    answer = client.get(
        f"/gateway/r1/{reg.provider.identifier}/nope/x",
        headers={
            "X-Road-Client": reg.client.identifier,
            "Authorization": f"Bearer {token(client, reg)}",
        },
    )
    assert answer.status_code == 404 and answer["X-Road-Error"] == (
        "Server.ClientProxy.UnknownService"
    )


def test_get_is_retried_after_a_503_post_is_not(client, provider, reg):
    provider.faults.set("fail", status=503, count=1)
    assert call(client, reg, "GET").status_code == 200
    assert len(provider.received()) == 2
    provider.recorder.clear()
    provider.faults.set("fail", status=503, count=1)
    answer = call(client, reg, "POST", data=b"{}", content_type="application/json")
    assert answer.status_code == 503  # the provider's own answer, passed through
    assert len(provider.received()) == 1


def test_get_is_retried_after_a_dropped_connection_post_is_not(client, provider, reg):
    provider.faults.set("gone", count=1)
    assert call(client, reg, "GET").status_code == 200
    assert len(provider.received()) == 2
    provider.recorder.clear()
    provider.faults.set("gone", count=1)
    answer = call(client, reg, "POST", data=b"{}", content_type="application/json")
    _refused(answer, 502, "Server.ServerProxy.ServiceFailed")
    assert len(provider.received()) == 1


def test_retries_stop_after_the_setting(client, provider, reg, settings):
    settings.EGOV_GATEWAY_RETRIES = 2
    provider.faults.set("fail", status=502)
    assert call(client, reg).status_code == 502
    assert len(provider.received()) == 3


def test_the_circuit_opens_after_consecutive_failures_and_closes_again(
    client, provider, reg, settings
):
    settings.EGOV_GATEWAY_RETRIES = 0
    settings.EGOV_GATEWAY_BREAKER_FAILURES = 3
    settings.EGOV_GATEWAY_BREAKER_COOLDOWN_SECONDS = 1
    issued = token(client, reg)
    provider.faults.set("fail", status=500)
    assert [call(client, reg, bearer=issued).status_code for _ in range(3)] == [500] * 3
    refused = call(client, reg, bearer=issued)
    body = _refused(refused, 503, "Server.ServerProxy.CircuitOpen")
    assert refused["Retry-After"] == "1" and body["detail"]["provider"] == reg.provider.identifier
    assert len(provider.received()) == 3  # the open circuit spared the provider
    provider.faults.set("ok")
    time.sleep(1.1)  # the cool-down: half open, one trial call goes through
    assert call(client, reg, bearer=issued).status_code == 200
    assert call(client, reg, bearer=issued).status_code == 200  # closed again
    assert len(provider.received()) == 5


def test_a_failed_trial_opens_the_circuit_again(client, provider, reg, settings):
    settings.EGOV_GATEWAY_RETRIES = 0
    settings.EGOV_GATEWAY_BREAKER_FAILURES = 1
    settings.EGOV_GATEWAY_BREAKER_COOLDOWN_SECONDS = 1
    issued = token(client, reg)
    provider.faults.set("gone")
    assert call(client, reg, bearer=issued).status_code == 502
    time.sleep(1.1)
    assert call(client, reg, bearer=issued).status_code == 502  # the trial fails
    assert call(client, reg, bearer=issued).status_code == 503  # open again at once
    assert len(provider.received()) == 2


def test_a_client_over_its_rate_gets_429_with_retry_after(client, provider, reg, settings):
    settings.EGOV_GATEWAY_RATE_PER_SECOND = 1
    settings.EGOV_GATEWAY_RATE_BURST = 2
    issued = token(client, reg)
    assert [call(client, reg, bearer=issued).status_code for _ in range(2)] == [200, 200]
    answer = call(client, reg, bearer=issued)
    _refused(answer, 429, "Client.RateLimited")
    assert answer["Retry-After"] == "1"
    assert len(provider.received()) == 2
    assert Exchange.objects.filter(error_type="Client.RateLimited").count() == 1


def test_a_request_over_the_limit_is_refused_before_reading_it(client, provider, reg, settings):
    settings.EGOV_GATEWAY_MAX_REQUEST_BYTES = 1000
    answer = call(client, reg, "POST", data=b"x" * 1001, content_type="text/plain")
    _refused(answer, 413, "Client.RequestTooLarge")
    assert provider.received() == []
    assert call(client, reg, "POST", data=b"x" * 1000, content_type="text/plain").status_code == 200


def _rebase(reg, url, capture) -> None:
    """Move the service, as the admin would; the cached registry is dropped at commit."""
    reg.service.base_url = url
    with capture(execute=True):
        services.save_service(actor=None, service=reg.service)


def test_an_answer_over_the_limit_is_refused_or_cut(
    client, provider, reg, settings, django_capture_on_commit_callbacks
):
    settings.EGOV_GATEWAY_MAX_RESPONSE_BYTES = 100_000
    announced = call(client, reg, path="/../large?bytes=100001")
    _refused(announced, 400, "Client.BadRequest")  # no climbing out of the base URL
    _rebase(reg, provider.url + "/", django_capture_on_commit_callbacks)
    _refused(
        call(client, reg, path="/large?bytes=100001"), 502, "Server.ServerProxy.ResponseTooLarge"
    )
    assert len(call(client, reg, path="/large?bytes=100000").body) == 100_000
    # Without a length announced, the stream is cut at the limit.
    cut = call(client, reg, path="/large?bytes=300000&chunked=1")
    assert cut.status_code == 200 and len(cut.body) <= 100_000
    assert Exchange.objects.last().error_type == "Server.ServerProxy.ResponseTooLarge"


def test_a_hanging_provider_gives_a_timeout_in_bounded_time(client, provider, reg, settings):
    settings.EGOV_GATEWAY_READ_TIMEOUT_MS = 300
    issued = token(client, reg)
    provider.faults.set("hang")
    started = time.monotonic()
    answer = call(client, reg, bearer=issued)
    elapsed = time.monotonic() - started
    _refused(answer, 504, "Server.ServerProxy.Timeout")
    assert elapsed < 5  # bounded by the read timeout, not by the provider
    assert len(provider.received()) == 1  # a read timeout is not retried
    provider.faults.set("ok")


def test_large_bodies_stream_both_ways(client, provider, reg, django_capture_on_commit_callbacks):
    _rebase(reg, provider.url + "/", django_capture_on_commit_callbacks)
    body = bytes(range(256)) * (12 * 1024)  # 3 MB, over the 2.5 MB of ordinary forms
    issued = token(client, reg)
    answer = call(
        client,
        reg,
        "PUT",
        "/upload",
        bearer=issued,
        data=body,
        content_type="application/octet-stream",
    )
    assert answer.status_code == 200
    assert provider.received()[-1]["length"] == len(body)
    assert provider.received()[-1]["sha256"] == _hash(body) == answer["X-Road-Request-Hash"]
    down = call(client, reg, path="/large?bytes=5000000", bearer=issued)
    assert down.streaming and len(down.body) == 5_000_000


def test_a_revoked_right_is_denied_once_the_change_commits(
    client, provider, reg, django_capture_on_commit_callbacks
):
    issued = token(client, reg)
    assert call(client, reg, bearer=issued).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_access(actor=None, right=reg.client.rights.get())
    _refused(call(client, reg, bearer=issued), 403, "Server.ClientProxy.AccessDenied")


def test_a_provider_s_429_is_passed_through_and_is_no_failure(client, provider, reg, settings):
    settings.EGOV_GATEWAY_BREAKER_FAILURES = 1
    issued = token(client, reg)
    provider.faults.set("throttle", count=1)
    answer = call(client, reg, bearer=issued)
    assert answer.status_code == 429 and answer["Retry-After"] == "1"
    assert "X-Road-Error" not in answer  # the provider's own answer
    assert len(provider.received()) == 1  # not retried
    assert call(client, reg, bearer=issued).status_code == 200  # the circuit stayed closed


def test_a_slow_provider_past_the_read_timeout_is_a_timeout(client, provider, reg, settings):
    settings.EGOV_GATEWAY_READ_TIMEOUT_MS = 200
    provider.faults.set("slow", delay_seconds=1, count=1)
    _refused(call(client, reg), 504, "Server.ServerProxy.Timeout")
    provider.faults.set("slow", delay_seconds=0.05, count=1)
    assert call(client, reg).status_code == 200  # within the timeout


def test_head_and_options_go_through(client, provider, reg):
    issued = token(client, reg)
    head = call(client, reg, "HEAD", bearer=issued)
    assert head.status_code == 200 and head.body == b""
    assert call(client, reg, "OPTIONS", bearer=issued).status_code == 200
    assert [r["method"] for r in provider.received()] == ["HEAD", "OPTIONS"]


def test_no_exchange_while_the_message_log_refuses(client, provider, reg, settings):
    """X-Road stops accepting messages after too long without a timestamp: so does the
    proxy, before the provider is called; once sealed again, calls go through."""
    import datetime

    from django.utils import timezone

    from egov.messagelog.models import MessageLogHead

    settings.MESSAGELOG_MAX_UNSEALED_SECONDS = 3600
    assert call(client, reg).status_code == 200  # the first record starts the period
    long_ago = timezone.now() - datetime.timedelta(seconds=3601)
    MessageLogHead.objects.update(unsealed_since_us=int(long_ago.timestamp() * 1_000_000))
    answer = call(client, reg)
    assert answer.status_code == 503
    assert answer["X-Road-Error"] == "Server.ServerProxy.MessageLogUnavailable"
    assert json.loads(answer.content)["detail"]["code"] == "messagelog_unsealed"
    assert len(provider.received()) == 1  # the provider never saw the refused call
    MessageLogHead.objects.update(unsealed_since_us=None)  # as a seal leaves it
    assert call(client, reg).status_code == 200
