"""Data-sharing gateway figures for ``make bench`` (issue 16): the proxy's overhead
(p50 and p99 latency of a proxied call minus a direct call to the same fake provider,
one client, sequential, kept-alive connections) and proxied throughput against
direct throughput (wrk, 16 connections), all in the same run.

The fake provider (fakes/provider.py) runs in its own process. The gateway runs in a
gunicorn of its own (same settings as the harness's server, bench.settings, and the
same number of workers), started here because the client's rate limit must be lifted
for a load generator (EGOV_GATEWAY_RATE_PER_SECOND); everything shares the machine's
cores with wrk. Each proxied call writes its ``Exchange`` row; the message log
(egov.messagelog) is not wired in yet, so its cost is not in these figures. The
circuit breaker reads the "default" cache, a dummy one in bench.settings (one more
cache read per call in production)."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TITLE = "Data-sharing gateway (proxy)"
GOAL_OVERHEAD_MS = 5.0
GOAL_THROUGHPUT_RATIO = 0.4
CALLS = 1000
ROOT = Path(__file__).resolve().parent.parent


def _registry(provider_url: str):
    from egov.gateway import services
    from egov.gateway.models import ClientSecret, Member, Service, Subsystem

    def member(code: str) -> Member:
        found = Member.objects.filter(instance="VN", member_class="BENCH", code=code).first()
        return found or services.register_member(
            actor=None, instance="VN", member_class="BENCH", code=code, name=code
        )

    def subsystem(of: Member, code: str) -> Subsystem:
        found = Subsystem.objects.filter(member=of, code=code).first()
        return found or services.register_subsystem(actor=None, member=of, code=code, name=code)

    client = subsystem(member("CLIENT"), "MOTCUA")
    provider = subsystem(member("PROVIDER"), "DULIEU")
    service = Service.objects.filter(provider=provider, code="echo").first()
    if service is None:
        service = services.register_service(
            actor=None, provider=provider, code="echo", base_url=provider_url + "/api/"
        )
    else:
        service.base_url = provider_url + "/api/"
        services.save_service(actor=None, service=service)
    services.grant_access(actor=None, client=client, service=service)
    for old in ClientSecret.objects.filter(subsystem=client, revoked_at__isnull=True):
        services.revoke_secret(actor=None, secret=old)
    _, secret = services.issue_secret(actor=None, subsystem=client)
    return client, service, secret


def _latencies(host: str, port: int, path: str, headers: dict, count: int) -> list[float]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    found = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            found.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"GET {path} -> {response.status}")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
    finally:
        conn.close()
    return found


def _token(host: str, port: int, client_id: str, secret: str) -> str:
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection(host, port, timeout=30)
    body = urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )
    conn.request(
        "POST",
        "/gateway/token",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    if answer.status != 200:
        raise RuntimeError(f"token: {answer.status} {data[:200]!r}")
    return json.loads(data)["access_token"]


def run(ctx) -> list:
    from bench.run import free_port, percentile, run_wrk, wait_for

    host = ctx.host
    fake_port, gateway_port = free_port(), free_port()
    workers = os.environ.get("BENCH_WORKERS", "4")
    fake = subprocess.Popen(
        [sys.executable, str(ROOT / "fakes" / "provider.py"), "--port", str(fake_port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    env = dict(
        os.environ,
        EGOV_GATEWAY_RATE_PER_SECOND="1000000",
        EGOV_GATEWAY_RATE_BURST="1000000",
        EGOV_GATEWAY_TOKEN_SECONDS="3600",
    )
    gateway = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "egov.wsgi:application",
            "--bind",
            f"{host}:{gateway_port}",
            "--workers",
            workers,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(host, fake_port, "/received")
        wait_for(host, gateway_port, "/api/v1/ping")
        client, service, secret = _registry(f"http://{host}:{fake_port}")
        token = _token(host, gateway_port, client.identifier, secret)
        headers = {"Authorization": f"Bearer {token}", "X-Road-Client": client.identifier}
        direct_path = "/api/hello"
        proxied_path = f"/gateway/r1/{service.identifier}/hello"
        _latencies(host, fake_port, direct_path, {}, 200)  # warm up
        _latencies(host, gateway_port, proxied_path, headers, 400)  # every worker
        direct = _latencies(host, fake_port, direct_path, {}, CALLS)
        proxied = _latencies(host, gateway_port, proxied_path, headers, CALLS)
        d50, d99 = statistics.median(direct) * 1000, percentile(direct, 99) * 1000
        p50, p99 = statistics.median(proxied) * 1000, percentile(proxied, 99) * 1000
        _post(host, fake_port)  # forget what the fake recorded: it grows with every call
        direct_load = run_wrk(
            f"http://{host}:{fake_port}{direct_path}",
            seconds=ctx.seconds,
            connections=16,
            threads=2,
            headers={},
        )
        _post(host, fake_port)
        proxied_load = run_wrk(
            f"http://{host}:{gateway_port}{proxied_path}",
            seconds=ctx.seconds,
            connections=16,
            threads=2,
            headers=headers,
        )
    finally:
        gateway.terminate()
        fake.terminate()
        gateway.wait(timeout=30)
        fake.wait(timeout=30)
    errors = proxied_load["errors"] + proxied_load["socket_errors"]
    ratio = proxied_load["rps"] / direct_load["rps"] if direct_load["rps"] else 0.0
    return [
        ctx.figure(
            name=f"proxy overhead p50, GET through the gateway minus direct, 1 client, {CALLS}",
            value=p50 - d50,
            unit="ms",
            baseline_name="direct GET to the fake provider, p50",
            baseline_value=d50,
            goal=f"<= {GOAL_OVERHEAD_MS:g} ms",
            ok=p50 - d50 <= GOAL_OVERHEAD_MS,
            note=f"proxied p50 {p50:.2f} ms, direct p50 {d50:.2f} ms",
        ),
        ctx.figure(
            name=f"proxy overhead p99, GET through the gateway minus direct, 1 client, {CALLS}",
            value=p99 - d99,
            unit="ms",
            baseline_name="direct GET to the fake provider, p99",
            baseline_value=d99,
            goal="reported",
            note=f"proxied p99 {p99:.2f} ms, direct p99 {d99:.2f} ms",
        ),
        ctx.figure(
            name="proxied GET throughput, 16 connections (wrk)",
            value=proxied_load["rps"],
            unit="req/s",
            baseline_name="direct GET to the fake provider, 16 connections",
            baseline_value=direct_load["rps"],
            goal=f">= {GOAL_THROUGHPUT_RATIO:g} x direct",
            ok=ratio >= GOAL_THROUGHPUT_RATIO and errors == 0,
            note=(f"{errors} errors under load; " if errors else "")
            + f"gateway {workers} gunicorn workers, provider one threaded process",
        ),
        # The fake answers from a few lines of http.server: "direct" costs a fraction of
        # any Django request. The gateway's own floor is the harness's ping, same server
        # settings and workers, measured in the same run.
        ctx.figure(
            name="proxied GET throughput against the Django floor, 16 connections (wrk)",
            value=proxied_load["rps"],
            unit="req/s",
            baseline_name="GET /api/v1/ping",
            baseline_value=ctx.baseline_rps or None,
            goal="reported",
        ),
    ]


def _post(host: str, port: int) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("POST", "/control", body=json.dumps({"clear": True}))
    conn.getresponse().read()
    conn.close()
