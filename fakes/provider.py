"""A stand-in provider system behind the data-sharing gateway: a real HTTP server on
loopback that answers any REST call with a JSON echo of what it received, and large
bodies on demand. Built on ``fakes/control.py``: it can be told to fail, answer 429,
slow down, hang or close the connection (``POST /control``), and it records every
request before applying the fault (``GET /received``).

    GET  /large?bytes=N              N bytes (with Content-Length)
    GET  /large?bytes=N&chunked=1    N bytes in chunked encoding (no length announced)
    any  other path                  {"method", "path", "query", "headers", "length",
                                      "sha256", "body"} (body: the text, up to 64 KB)

``make run`` starts it through ``manage.py serve`` when the demo provider's address
(EGOV_GATEWAY_DEMO_PROVIDER_URL) is on loopback; tests start it in-process
(``Provider``, port 0).

    python fakes/provider.py --port 8041
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

try:
    from fakes.control import ControlledHandler, Faults, Recorder, Running, run_until_signalled
except ImportError:  # run as a script: python fakes/provider.py
    from control import ControlledHandler, Faults, Recorder, Running, run_until_signalled

ECHOED = ("content-type", "x-road-client", "x-road-id", "x-road-userid", "authorization")
ECHO_BODY_LIMIT = 64 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address) -> None:
        super().__init__(address, _Handler)
        self.faults = Faults()
        self.recorder = Recorder()
        self.stopped = threading.Event()


class _Handler(ControlledHandler):
    server: _Server
    # The headers and the body go out in separate writes: without TCP_NODELAY the
    # body waits for the client's delayed ACK (40 ms a call on a kept-alive connection).
    disable_nagle_algorithm = True

    def handle_call(self) -> None:
        if self.controls():
            return
        parts = urlsplit(self.path)
        digest = hashlib.sha256()
        length = int(self.headers.get("Content-Length") or 0)
        kept = bytearray()
        left = length
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)
            digest.update(chunk)
            if len(kept) < ECHO_BODY_LIMIT:
                kept += chunk[: ECHO_BODY_LIMIT - len(kept)]
        headers = {n: v for n, v in self.headers.items() if n.lower() in ECHOED}
        sha256 = base64.b64encode(digest.digest()).decode()
        self.server.recorder.add(
            {
                "method": self.command,
                "path": parts.path,
                "query": parts.query,
                "headers": headers,
                "length": length,
                "sha256": sha256,
            }
        )
        if self.misbehave():
            return
        if parts.path == "/large" and self.command == "GET":
            return self.large(parse_qs(parts.query))
        echo = {
            "method": self.command,
            "path": parts.path,
            "query": parts.query,
            "headers": headers,
            "length": length,
            "sha256": sha256,
            "body": kept.decode("utf-8", "replace"),
        }
        if self.command == "HEAD":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.answer(200, echo, {"X-Provider": "fake"})

    def large(self, query: dict) -> None:
        size = int((query.get("bytes") or ["0"])[0])
        chunked = (query.get("chunked") or [""])[0] == "1"
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b"x" * 65536
        left = size
        try:
            while left > 0:
                piece = block[: min(left, len(block))]
                if chunked:
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                left -= len(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the reader went away (a limit cut it)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_call


class Provider(Running):
    """The fake provider on ``host:port`` (0: a free port) until ``stop``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = _Server((host, port))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def faults(self) -> Faults:
        return self.server.faults

    @property
    def recorder(self) -> Recorder:
        return self.server.recorder

    def received(self) -> list[dict]:
        return self.server.recorder.items()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8041)
    args = parser.parse_args()
    provider = Provider(args.host, args.port).start()
    print(f"Fake provider at {provider.url} (GET /received, POST /control)", flush=True)
    run_until_signalled(provider)


if __name__ == "__main__":
    main()
