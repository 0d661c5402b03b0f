"""Citizen portal over the same province-sized table as the back office (the dossiers
``bench_dossiers`` generated; it runs first). Measured with real HTTP on loopback
against gunicorn:

- a procedure page (``GET /thu-tuc/<code>/``), the demo catalogue's procedures, no
  login, p95 over sequential requests, 1 client;
- "Hồ sơ của tôi" (``GET /ca-nhan/ho-so/``) of the bench citizens, each with the
  thousands of online dossiers ``bench_dossiers`` filed for them, p95, 1 client;
- an online application submitted through the portal (``POST /ca-nhan/nop/<id>/nop/``:
  claim, checks, the files copied into the dossier, code, history, audit, outbox),
  8 connections, each request on an application of its own prepared beforehand with a
  PDF per component, against the one-row-insert endpoint, alternately in short slices.
"""

from __future__ import annotations

import random
import statistics

from bench.bench_dossiers import (
    CITIZENS,
    CSRF,
    SLICES,
    _demo_procedures,
    _get_all,
    _lua_string,
    _p95,
    _session,
    _slice_seconds,
)

TITLE = "Citizen portal"
PAGE_GOAL = 0.100
MINE_GOAL = 0.100
SUBMIT_GOAL = 0.2  # x insert-one (issue 14)


def _citizens():
    """The bench citizens of ``bench_dossiers`` (made here when it did not run)."""
    from bench.bench_dossiers import _citizens as make
    from egov.directory.models import User

    make()
    return list(User.objects.filter(username__startswith="bench.citizen.").order_by("pk"))[
        :CITIZENS
    ]


def _submit_once(ctx, application: str, session: str) -> None:
    """One submission by hand first: a wrong application or session fails loudly."""
    import http.client

    conn = http.client.HTTPConnection(ctx.host, ctx.port, timeout=60)
    try:
        conn.request(
            "POST",
            f"/ca-nhan/nop/{application}/nop/",
            body=f"consent=yes&csrfmiddlewaretoken={CSRF}".encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                "Referer": f"{ctx.base_url}/",
            },
        )
        response = conn.getresponse()
        text = response.read()
        if response.status != 302 or "/ca-nhan/ho-so/" not in response.getheader("Location", ""):
            raise RuntimeError(f"portal submission -> {response.status}: {text[:3000]!r}")
    finally:
        conn.close()


def _applications(users, per_citizen: int) -> list[tuple[str, str]]:
    """(application id, session) pairs, each application filled in and complete, on a
    procedure offered online at an agency that receives it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.dossiers.tests.factories import pdf_bytes
    from egov.portal import services

    pdf = pdf_bytes()
    codes = _demo_procedures()
    rng = random.Random(23)
    offered = []
    for code in codes:
        try:
            version = services.version_now(code)
        except Exception:  # not offered online
            continue
        agencies = services.receiving_agencies(version)
        if agencies:
            offered.append((code, version, agencies))
    pairs = []
    for user in users:
        session = _session(user)
        for _ in range(per_citizen):
            code, version, agencies = rng.choice(offered)
            application = services.start(
                actor=user, procedure_code=code, agency_id=rng.choice(agencies).pk
            )
            services.save(
                actor=user,
                application=application,
                step="nguoi-nop",
                data={"address": "Tổ 1, phường Đức Xuân", "phone": "0912345678"},
            )
            services.save(
                actor=user,
                application=application,
                step="thong-tin",
                data={"delivery": services.rules.deliveries(version)[0]},
            )
            services.attach(
                actor=user,
                application=application,
                files={
                    f"c{c.pk}-file": SimpleUploadedFile("giay-to.pdf", pdf)
                    for c in version.items.components.values()
                },
            )
            pairs.append((str(application.pk), session))
    rng.shuffle(pairs)
    return pairs


def _submit_lua(pairs: list[tuple[str, str]], threads: int) -> str:
    """Thread t takes applications t, t + threads, ...: each is submitted once."""
    return (
        "local ids = {" + ",".join(_lua_string(a) for a, _s in pairs) + "}\n"
        "local cookies = {"
        + ",".join(f'"sessionid={s}; csrftoken={CSRF}"' for _a, s in pairs)
        + "}\n"
        "local counter = 0\n"
        "setup = function(thread)\n"
        "  thread:set('tid', counter)\n"
        "  counter = counter + 1\n"
        "end\n"
        "local n = 0\n"
        "request = function()\n"
        f"  local j = (tid + n * {threads}) % #ids + 1\n"
        "  n = n + 1\n"
        "  local headers = {}\n"
        '  headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        '  headers["Cookie"] = cookies[j]\n'
        '  headers["Referer"] = "http://127.0.0.1/"\n'
        f'  local body = "consent=yes&csrfmiddlewaretoken={CSRF}"\n'
        '  return wrk.format("POST", "/ca-nhan/nop/" .. ids[j] .. "/nop/", headers, body)\n'
        "end\n"
    )


def run(ctx) -> list:
    from django.db import transaction

    from egov.catalog import demo as catalog_demo
    from egov.directory.demo import load_demo
    from egov.dossiers.models import Dossier

    load_demo()  # idempotent: run on its own (--only portal), the demo is loaded here
    with transaction.atomic():
        catalog_demo.load()
    figures = []
    codes = _demo_procedures()
    paths = [f"/thu-tuc/{codes[i % len(codes)]}/" for i in range(300)]
    ctx.get_latencies(paths[:30])  # the catalogue cache is filled
    page = ctx.get_latencies(paths)
    p95 = _p95(page)
    figures.append(
        ctx.figure(
            name="procedure page GET /thu-tuc/<code>/, p95, 1 client",
            value=p95 * 1000,
            unit="ms",
            goal=f"<= {PAGE_GOAL * 1000:.0f} ms",
            ok=p95 <= PAGE_GOAL,
            baseline_value=ctx.baseline_p95 * 1000,
            baseline_name="ping p95",
        )
    )

    users = _citizens()
    owned = {u.pk: Dossier.objects.filter(applicant_user=u).count() for u in users[:3]}
    sessions = [_session(u) for u in users]
    requests = [("/ca-nhan/ho-so/", sessions[i % len(sessions)]) for i in range(240)]
    _get_all(ctx, requests[:20])
    mine = _get_all(ctx, requests)
    p95 = _p95(mine)
    figures.append(
        ctx.figure(
            name="my dossiers GET /ca-nhan/ho-so/, p95, 1 client",
            value=p95 * 1000,
            unit="ms",
            goal=f"<= {MINE_GOAL * 1000:.0f} ms",
            ok=p95 <= MINE_GOAL,
            baseline_value=ctx.baseline_p95 * 1000,
            baseline_name="ping p95",
            note="dossiers per citizen: " + ", ".join(f"{n:,}" for n in owned.values()),
        )
    )

    seconds = _slice_seconds(ctx)
    per_citizen = max(60, int(200 * seconds * SLICES / len(users)))
    pairs = _applications(users, per_citizen)
    _submit_once(ctx, *pairs.pop())
    before = Dossier.objects.count()
    baselines, runs, offset = [], [], 0
    for _slice in range(SLICES):
        baselines.append(ctx.insert_one(seconds=seconds)["rps"])
        chunk = pairs[offset:]
        runs.append(ctx.wrk_script(_submit_lua(chunk, 2), connections=8, seconds=seconds))
        offset += int(runs[-1]["requests"])
    created = Dossier.objects.count() - before
    middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    baseline = statistics.median(baselines)
    errors = sum(r["errors"] for r in runs)
    reused = max(offset - len(pairs), 0)
    figures.append(
        ctx.figure(
            name="online application submitted through the portal, 8 connections (wrk)",
            value=middle["rps"],
            unit="req/s",
            goal=f">= {SUBMIT_GOAL} x insert-one",
            ok=middle["rps"] >= SUBMIT_GOAL * baseline and not errors,
            baseline_value=baseline,
            baseline_name="insert-one req/s",
            note=f"{created:,} dossiers created from {len(pairs):,} prepared applications"
            + (f"; {reused:,} requests found theirs already submitted" if reused else "")
            + (f"; {errors} non-2xx/3xx" if errors else ""),
        )
    )
    return figures
