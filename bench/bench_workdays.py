"""Benchmark of the deadline engine: due-date computations per second in one process.

Inputs: 200,000 random receipt instants across 2026-2027 (fixed seed), amounts 0-30
and mixed units (working days, working hours, calendar days, with and without the
15:00 cut-off). Baseline, measured in the same run over the same inputs: the trivial
``start + timedelta(days=n)``, so the ratio stays meaningful on a noisy machine.
The public API endpoint is measured too, against the harness's ping baseline.
"""

from __future__ import annotations

import datetime
import random
import time

TITLE = "Working-day calendar and deadline engine"
N = 200_000
GOAL_PER_SECOND = 100_000


def _inputs(tz):
    rng = random.Random(2026)
    first = datetime.datetime(2026, 1, 1, tzinfo=tz)
    span = int((datetime.datetime(2028, 1, 1, tzinfo=tz) - first).total_seconds())
    units = ["working_days", "working_hours", "calendar_days"]
    return [
        (
            first + datetime.timedelta(seconds=rng.randrange(span)),
            rng.randrange(31),
            units[i % 3],
            i % 4 == 0,
        )
        for i in range(N)
    ]


def _best_rate(fn, inputs, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn(inputs)
        best = min(best, time.perf_counter() - started)
    return len(inputs) / best


def run(ctx) -> list:
    from egov.workdays import engine, services

    calendar = services.get_calendar()
    inputs = _inputs(engine.TZ)
    add = engine.add

    def engine_loop(items):
        for start, amount, unit, cutoff in items:
            add(calendar, start, amount, unit, cutoff_15h=cutoff)

    def baseline_loop(items):
        timedelta = datetime.timedelta
        for start, amount, _unit, _cutoff in items:
            start + timedelta(days=amount)

    rate = _best_rate(engine_loop, inputs)
    baseline = _best_rate(baseline_loop, inputs)
    figures = [
        ctx.figure(
            name=f"due-date computations, {N:,} random inputs, mixed units, 1 process",
            value=rate,
            unit="per s",
            baseline_name="start + timedelta(days=n), same inputs",
            baseline_value=baseline,
            goal=f">= {GOAL_PER_SECOND:,} per second",
            ok=rate >= GOAL_PER_SECOND,
        )
    ]
    if getattr(ctx, "baseline_rps", 0) and hasattr(ctx, "wrk"):
        path = (
            "/api/v1/calendar/due-date?start=2026-02-13T10:00:00%2B07:00&amount=3&unit=working_days"
        )
        result = ctx.wrk(path)
        figures.append(
            ctx.figure(
                name="GET /api/v1/calendar/due-date, 16 connections (wrk)",
                value=result["rps"],
                unit="req/s",
                baseline_name="GET /api/v1/ping",
                baseline_value=ctx.baseline_rps,
                goal=">= 0.4 x ping",
                ok=result["rps"] >= 0.4 * ctx.baseline_rps,
            )
        )
    return figures
