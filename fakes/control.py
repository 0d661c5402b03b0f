"""What every fake external system can be told to do, and what it records.

A fake under ``fakes/`` is a real HTTP server on loopback. Tests and the demo steer it
through ``POST /control`` (JSON) and read what it received at ``GET /received``; in
process the same is ``Faults.set(...)`` and ``Recorder.items()``.

    {"mode": "ok"}                          answer normally (default)
    {"mode": "fail", "status": 500}         answer ``status`` (500, 503, ...) with an error
    {"mode": "throttle"}                    answer 429 with ``Retry-After: 1``
    {"mode": "slow", "delay_seconds": 2}    answer normally, ``delay_seconds`` late
    {"mode": "hang"}                        accept the request and never answer
                                            (until the mode changes or the server stops)
    {"mode": "gone"}                        close the connection without an answer
    ... "count": 3                          only for the next 3 requests, then "ok" again

The modes apply to the protocol's requests, never to ``/control`` or ``/received``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

MODES = ("ok", "fail", "throttle", "slow", "hang", "gone")


class Faults:
    """The current misbehaviour of one fake (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._state: dict[str, Any] = {"mode": "ok"}
        self._left: int | None = None

    def set(self, mode: str = "ok", *, count: int | None = None, **options: Any) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
        with self._lock:
            self._state = {"mode": mode, **options}
            self._left = count
            self._lock.notify_all()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {**self._state, "count": self._left}

    def take(self) -> dict[str, Any]:
        """The behaviour for one incoming request (and one fewer left, if counted)."""
        with self._lock:
            state = dict(self._state)
            if self._left is not None and state["mode"] != "ok":
                self._left -= 1
                if self._left <= 0:
                    self._state, self._left = {"mode": "ok"}, None
            return state

    def hang(self, stopped: threading.Event) -> None:
        """Block while the mode is still "hang" (a new mode or the stop releases it)."""
        with self._lock:
            while self._state["mode"] == "hang" and not stopped.is_set():
                self._lock.wait(0.2)


class Recorder:
    """What a fake received, oldest first (thread-safe), with a condition to wait on."""

    def __init__(self) -> None:
        self.arrived = threading.Condition()
        self._items: list[dict[str, Any]] = []

    def add(self, item: dict[str, Any]) -> None:
        with self.arrived:
            self._items.append({"at": time.time(), **item})
            self.arrived.notify_all()

    def items(self) -> list[dict[str, Any]]:
        with self.arrived:
            return list(self._items)

    def clear(self) -> None:
        with self.arrived:
            self._items.clear()

    def wait_for(self, predicate, timeout: float = 30) -> list[dict[str, Any]]:
        """Wait until ``predicate(items)`` holds; AssertionError after ``timeout``."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: predicate(self._items), timeout):
                count = len(self._items)
                raise AssertionError(f"condition not met after {timeout} s: {count} items")
            return list(self._items)


class ControlledHandler(BaseHTTPRequestHandler):
    """Base request handler: ``/control`` and ``/received``, and ``misbehave()`` for the
    protocol's own routes. The server must have ``faults``, ``recorder`` and ``stopped``."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet (documented hook)
        pass

    def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def controls(self) -> bool:
        """Serve ``/control`` and ``/received``; True when the request was one of them."""
        path = self.path.split("?", 1)[0]
        if path == "/received" and self.command == "GET":
            self.answer(200, self.server.recorder.items())
            return True
        if path == "/control" and self.command == "GET":
            self.answer(200, self.server.faults.state())
            return True
        if path == "/control" and self.command == "POST":
            try:
                options = json.loads(self.body() or b"{}")
                if options.pop("clear", False):
                    self.server.recorder.clear()
                if options:
                    self.server.faults.set(**options)
            except (ValueError, TypeError) as error:
                self.answer(400, {"error": str(error)})
                return True
            self.answer(200, self.server.faults.state())
            return True
        return False

    def misbehave(self) -> bool:
        """Apply the current fault to this request; True when it was answered (or dropped)
        and the route must not run."""
        state = self.server.faults.take()
        mode = state["mode"]
        if mode == "slow":
            time.sleep(float(state.get("delay_seconds", 2)))
            return False
        if mode == "fail":
            self.answer(int(state.get("status", 500)), {"error": "fault injected"})
            return True
        if mode == "throttle":
            self.answer(429, {"error": "too many requests"}, {"Retry-After": "1"})
            return True
        if mode == "hang":
            self.server.faults.hang(self.server.stopped)
            self.close_connection = True
            return True
        if mode == "gone":
            self.close_connection = True
            return True
        return False


class Running:
    """What every fake's in-process handle shares: ``self.server`` (the HTTP server,
    with ``stopped`` and ``faults`` when it has them) served on ``self.thread`` from
    ``start`` to ``stop``, or for a ``with`` block."""

    server: Any
    thread: threading.Thread

    def start(self) -> Any:
        self.thread.start()
        return self

    def release(self) -> None:
        """Let go of the requests still waiting in the server (a hanging fault)."""
        faults = getattr(self.server, "faults", None)
        if faults is not None:
            faults.set("ok")

    def stop(self) -> None:
        stopped = getattr(self.server, "stopped", None)
        if stopped is not None:
            stopped.set()
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def run_until_signalled(fake: Running) -> None:
    """A fake run as a script (``make run``): serve until SIGINT or SIGTERM."""
    import signal

    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    fake.stop()
