"""Test helper: real servers on free loopback ports (gunicorn with several workers on
this test run's database, redis-server), stopped after the test."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from egov.core.tests.processes import child_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def _wait_for_workers(base: str, log: Path, workers: int, seconds: float = 120) -> None:
    """Until every worker has answered once (the first may be up before the others
    have loaded the project): health checks from a few clients at once."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(_):
        request = urllib.request.Request(f"{base}/healthz", headers={"Connection": "close"})
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=5):
            pass

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(workers * 2) as pool:
            list(pool.map(ask, range(workers * 4)))
        pids = {line.split()[0] for line in log.read_text().splitlines() if line.strip()}
        if len(pids) >= workers:
            return
        time.sleep(0.3)
    raise AssertionError(f"not all {workers} workers answered in {seconds} s")


@contextlib.contextmanager
def gunicorn(tmp_path: Path, *, workers: int = 3, **env: str) -> Iterator[tuple[str, Path]]:
    """(base URL, access log) of gunicorn with ``workers`` processes; each access-log
    line starts with the worker's pid."""
    port = free_port()
    log = tmp_path / f"access-{port}.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "egov.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(s)s %(U)s",
        ],
        cwd=settings.BASE_DIR,
        env=child_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz")
        _wait_for_workers(base, log, workers)
        yield base, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def redis_server(tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh redis-server (no persistence) on a free port."""
    binary = shutil.which("redis-server") or "/usr/sbin/redis-server"
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise AssertionError("redis-server did not start")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def redis_available() -> bool:
    return bool(shutil.which("redis-server") or Path("/usr/sbin/redis-server").exists())


def fresh_window(period: int = 60, needed: float = 20) -> None:
    """Limits count in clock windows (egov/core/throttling.py); a test that checks one
    starts where all its requests fall in one window (minutes, and so hours and days)."""
    left = period - time.time() % period
    if left < needed:
        time.sleep(left + 0.05)
