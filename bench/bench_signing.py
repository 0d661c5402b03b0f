"""Signing figures for ``make bench`` (issue 15): batch signing throughput (officer +
seal, PAdES B-LTA with the local TSA and OCSP, the keys unlocked once, one process)
and verification time per document, each next to the baseline of the same run:
rendering one PDF with the forms' renderer, unsigned. Needs ``openssl ts``
(fakes/tsa.py); Django set up."""

from __future__ import annotations

import datetime
import tempfile
import time
from pathlib import Path

TITLE = "Signed results (PAdES)"
GOAL_PER_SECOND = 10  # documents signed per second per core (issue 15)
DOCUMENTS = 20


def run(ctx) -> list:
    return figures(ctx)


def figures(ctx, documents: int = DOCUMENTS) -> list:
    from egov.signing import devpki, pades, verify
    from egov.signing.tests import samples
    from fakes.tsa import Authority

    with tempfile.TemporaryDirectory() as work, Authority(Path(work)) as authority:
        pki = devpki.create(work, url=authority.url)
        trust = samples.trust_of(pki)
        started = time.perf_counter()
        pdfs = [samples.base_pdf() for _ in range(documents)]
        render_seconds = (time.perf_counter() - started) / documents
        personal = pades.Part(samples.signer(pki, "leader"), "Nguyễn Văn An")
        seal = pades.Part(samples.signer(pki, "seal"), "Ủy ban nhân dân tỉnh Bắc Kạn")
        started, cpu_started = time.perf_counter(), time.process_time()
        signed = [
            pades.sign(
                pdf,
                personal=personal,
                seal=seal,
                trust=trust,
                tsa_url=authority.url + "/tsa",
                signed_at=datetime.datetime.now(datetime.UTC),
            )
            for pdf in pdfs
        ]
        sign_seconds = (time.perf_counter() - started) / documents
        # This process's own CPU (the in-process TSA's threads included; its `openssl`
        # children, which a real TSA would run elsewhere, not).
        cpu_seconds = (time.process_time() - cpu_started) / documents
        started = time.perf_counter()
        verdicts = {verify.verify_pdf(data, trust)["indication"] for data in signed}
        verify_seconds = (time.perf_counter() - started) / documents
    rate = 1 / sign_seconds
    return [
        ctx.figure(
            name=f"batch signing, {documents} results, officer + seal, B-LTA with TSA, 1 process",
            value=rate,
            unit="documents per s",
            baseline_name="rendering one PDF (WeasyPrint, unsigned), per s",
            baseline_value=1 / render_seconds,
            goal=f">= {GOAL_PER_SECOND} per second per core",
            ok=rate >= GOAL_PER_SECOND,
            note=f"CPU {cpu_seconds * 1000:.0f} ms per document in the signing process, "
            f"i.e. at most {1 / cpu_seconds:.1f} per second per core with the TSA's "
            "waits overlapped",
        ),
        ctx.figure(
            name="verification of one signed result (2 signatures + document timestamp)",
            value=verify_seconds * 1000,
            unit="ms",
            baseline_name="rendering one PDF, ms",
            baseline_value=render_seconds * 1000,
            note="" if verdicts == {"TOTAL_PASSED"} else f"unexpected verdicts {verdicts}",
        ),
    ]
