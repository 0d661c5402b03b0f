"""A local SMS gateway catcher: ``POST /messages`` with ``{"to": "...", "text": "..."}``
(what ``egov/core/sms.py`` sends) is kept and printed; ``GET /messages`` lists what came,
newest last. A message with a ``"reference"`` already accepted is answered 200
``duplicate`` and not kept again (gateways that deduplicate on a client reference).
Tests can make the next messages fail with a 5xx (``Catcher.fail_next``), and, like every
fake, it takes the controls of ``fakes/control.py`` (``POST /control``: fail, throttle,
slow, hang, gone, for N requests; ``GET /received``: every request that came, refused
ones included). ``make run`` starts it (through ``manage.py serve``); tests start it
in-process (``Catcher``).

    python fakes/sms.py --port 8026
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import ThreadingHTTPServer

try:  # run as a script (python fakes/sms.py) or imported as fakes.sms
    from fakes.control import ControlledHandler, Faults, Recorder, Running, run_until_signalled
except ImportError:  # pragma: no cover - script mode puts fakes/ itself on the path
    from control import ControlledHandler, Faults, Recorder, Running, run_until_signalled


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, echo: bool):
        super().__init__(address, _Handler)
        self.messages: list[dict] = []
        self.arrived = threading.Condition()
        self.echo = echo
        self.failures: list[int] = []  # statuses to answer the next POSTs with
        self.refused = 0  # POSTs answered with one of them
        self.duplicates = 0  # POSTs with a reference already kept
        self.faults, self.recorder, self.stopped = Faults(), Recorder(), threading.Event()


class _Handler(ControlledHandler):
    server: _Server

    def _answer(self, status: int, body: object) -> None:
        self.answer(status, body)

    def do_GET(self):
        if self.controls():
            return None
        if self.path != "/messages":
            return self._answer(404, {"error": "not found"})
        with self.server.arrived:
            return self._answer(200, list(self.server.messages))

    def do_POST(self):
        if self.controls():
            return None
        if self.path != "/messages":
            return self._answer(404, {"error": "not found"})
        raw = self.body()
        self.server.recorder.add({"path": self.path, "body": raw.decode("utf-8", "replace")})
        if self.misbehave():
            return None
        try:
            message = json.loads(raw)
            to, text = str(message["to"]), str(message["text"])
            reference = str(message.get("reference") or "")
        except (ValueError, KeyError, TypeError, AttributeError):
            return self._answer(400, {"error": 'expected {"to": ..., "text": ...}'})
        with self.server.arrived:
            if self.server.failures:
                self.server.refused += 1
                return self._answer(self.server.failures.pop(0), {"error": "unavailable"})
            if reference and any(m.get("reference") == reference for m in self.server.messages):
                self.server.duplicates += 1
                return self._answer(200, {"status": "duplicate"})
            kept = {"to": to, "text": text, **({"reference": reference} if reference else {})}
            self.server.messages.append(kept)
            self.server.arrived.notify_all()
        if self.server.echo:
            print(f"sms: to {to}: {text}", flush=True)
        return self._answer(202, {"status": "accepted"})


class Catcher(Running):
    """The catcher on ``host:port`` (0: a free port) until ``stop``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, echo: bool = False):
        self.server = _Server((host, port), echo)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/messages"

    @property
    def messages(self) -> list[dict]:
        with self.server.arrived:
            return list(self.server.messages)

    def wait_for(self, count: int = 1, timeout: float = 30) -> list[dict]:
        with self.server.arrived:
            if not self.server.arrived.wait_for(
                lambda: len(self.server.messages) >= count, timeout
            ):
                raise AssertionError(f"{count} SMS expected, {len(self.server.messages)} came")
            return list(self.server.messages)

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` messages with ``status`` (not kept)."""
        with self.server.arrived:
            self.server.failures.extend([status] * count)

    def recover(self) -> None:
        """Forget the failures still to come."""
        with self.server.arrived:
            self.server.failures.clear()

    @property
    def refused(self) -> int:
        """How many messages were answered with a failure."""
        with self.server.arrived:
            return self.server.refused

    @property
    def duplicates(self) -> int:
        """How many messages came again with a reference already kept."""
        with self.server.arrived:
            return self.server.duplicates

    @property
    def faults(self) -> Faults:
        """The controls of fakes/control.py, in process."""
        return self.server.faults

    @property
    def received(self) -> list[dict]:
        """Every POST that came, refused or not, oldest first."""
        return self.server.recorder.items()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8026)
    args = parser.parse_args()
    catcher = Catcher(args.host, args.port, echo=True).start()
    print(f"SMS catcher at {catcher.url}", flush=True)
    run_until_signalled(catcher)


if __name__ == "__main__":
    main()
