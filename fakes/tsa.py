"""A local RFC 3161 timestamp authority, with the OCSP responder and the CRL of the
development PKI (``python manage.py signing_dev_pki``), over HTTP on loopback.

The answers come from OpenSSL's own commands, not from code written here:
``POST /tsa`` (``application/timestamp-query``) runs ``openssl ts -reply``;
``POST /ocsp`` (``application/ocsp-request``, and ``GET /ocsp/<base64>``) runs
``openssl ocsp`` against the PKI's index; ``GET /crl/inter`` and ``/crl/root`` serve the CAs' CRLs.
``make run`` starts it (through ``manage.py serve``); tests start it in-process
(``Authority``, port 0) before they write the PKI, whose certificates name its URL.

    python fakes/tsa.py --dir var/signing-pki --port 8790
"""

from __future__ import annotations

import argparse
import base64
import shutil
import signal
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

MAX_REQUEST = 64 * 1024


def openssl_ts_available() -> bool:
    """``openssl ts`` is there (some builds leave it out)."""
    if shutil.which("openssl") is None:
        return False
    done = subprocess.run(["openssl", "ts", "-help"], capture_output=True, check=False)
    return b"-reply" in done.stdout + done.stderr


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, directory: Path, echo: bool):
        super().__init__(address, _Handler)
        self.directory = directory
        self.echo = echo
        # `openssl ts -reply` increments one serial file: one reply at a time.
        self.serial_lock = threading.Lock()
        self.counts = {"tsa": 0, "ocsp": 0, "crl": 0}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format, *args):
        if self.server.echo:
            super().log_message(format, *args)

    def _answer(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_REQUEST:
            self._answer(400, b"expected a DER request body\n")
            return None
        return self.rfile.read(length)

    def do_GET(self):
        if self.path in ("/crl/inter", "/crl/root"):
            self.server.counts["crl"] += 1
            data = (self.server.directory / f"{self.path[5:]}.crl").read_bytes()
            return self._answer(200, data, "application/pkix-crl")
        if self.path.startswith("/ocsp/"):
            try:
                request = base64.b64decode(unquote(self.path[len("/ocsp/") :]))
            except ValueError:
                return self._answer(400, b"bad OCSP request\n")
            return self._ocsp(request)
        return self._answer(404, b"not found\n")

    def do_POST(self):
        if self.path not in ("/tsa", "/ocsp"):
            return self._answer(404, b"not found\n")
        body = self._body()
        if body is None:
            return None
        if self.path == "/tsa":
            return self._tsa(body)
        return self._ocsp(body)

    def _run(self, args: list[str], request: bytes) -> bytes | None:
        with tempfile.TemporaryDirectory() as work:
            query, reply = Path(work, "in.der"), Path(work, "out.der")
            query.write_bytes(request)
            done = subprocess.run(
                [a.replace("{in}", str(query)).replace("{out}", str(reply)) for a in args],
                capture_output=True,
                check=False,
                timeout=30,
            )
            if done.returncode != 0 or not reply.exists():
                if self.server.echo:
                    print(done.stderr.decode(errors="replace"), flush=True)
                return None
            return reply.read_bytes()

    def _tsa(self, query: bytes) -> None:
        d = self.server.directory
        with self.server.serial_lock:
            reply = self._run(
                [
                    "openssl",
                    "ts",
                    "-reply",
                    "-config",
                    str(d / "tsa.cnf"),
                    "-queryfile",
                    "{in}",
                    "-out",
                    "{out}",
                ],
                query,
            )
            self.server.counts["tsa"] += 1
        if reply is None:
            return self._answer(400, b"bad timestamp query\n")
        return self._answer(200, reply, "application/timestamp-reply")

    def _ocsp(self, request: bytes) -> None:
        d = self.server.directory
        reply = self._run(
            [
                "openssl",
                "ocsp",
                "-index",
                str(d / "index.txt"),
                "-CA",
                str(d / "inter.pem"),
                "-rsigner",
                str(d / "ocsp.pem"),
                "-rkey",
                str(d / "ocsp.key"),
                "-reqin",
                "{in}",
                "-respout",
                "{out}",
                "-nmin",
                "60",
            ],
            request,
        )
        self.server.counts["ocsp"] += 1
        if reply is None:
            return self._answer(400, b"bad OCSP request\n")
        return self._answer(200, reply, "application/ocsp-response")


class Authority:
    """The TSA / OCSP / CRL server on ``host:port`` (0: a free port) until ``stop``,
    reading the PKI in ``directory`` at each request (it may be written after start)."""

    def __init__(
        self, directory: Path | str, host: str = "127.0.0.1", port: int = 0, echo: bool = False
    ):
        self.server = _Server((host, port), Path(directory), echo)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.server.counts)

    def start(self) -> Authority:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Authority:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="var/signing-pki")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    authority = Authority(args.dir, args.host, args.port, echo=True).start()
    print(f"Timestamp authority at {authority.url}/tsa (OCSP /ocsp, CRL /crl)", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    authority.stop()


if __name__ == "__main__":
    main()
