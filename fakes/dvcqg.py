"""A local stand-in for the national public service portal ("Cổng Dịch vụ công quốc
gia", DVCQG) as the province's back office talks to it through the data-sharing
platform: a real HTTP server on loopback, built on ``fakes/control.py`` (it can be told
to fail, answer 429, slow down, hang or go away, and it records what it received).
The protocol is written down in docs/national.md; this file implements it on its own
(it does not import the adapter), so that both sides are held to the document.

    POST /login                {"username", "password"} -> {"error_code": 0, "session",
                               "expires_in"}; a wrong password: 401, error_code 401
    POST /<service>            {"session", ...}; an unknown or expired session: 401,
                               error_code 401 (log in again)
      TraCuuHoSo               {"MaHoSo"} -> {"error_code": 0, "result": [record] or []}
      DongBoHoSoMC             {"messageId", "isUpdating": "true"/"false", "data": [record]}
                               deduplicated on messageId (the first answer again);
                               isUpdating "false" for a known dossier: error_code 3;
                               "true" for an unknown one: error_code 2
      CapNhatTienDoHoSoMC      {"messageId", "data": [progress item]}; refused with
                               error_code 2 while the dossier is unknown
      LayThuTuc                {"MaTTHC"} -> one procedure of the demo catalogue
      LayDanhSachTTHC          {} -> the demo procedures
      LayDanhMucCoQuan         {} -> the demo agencies
      LayDanhMucLinhVuc        {} -> the demo fields
    GET  /files/<name>         a file a citizen attached on the portal (a demo PDF; a name
                               with "khong-hop-le" gives a file that is not a PDF, one
                               starting "chuyen-huong" a redirect elsewhere)
    GET  /received             what it received, oldest first (JSON)
    GET  /control              the current fault; POST /control: {"mode": ...} (see
                               fakes/control.py), {"clear": true} forgets what it received
                               and knows, {"session_seconds": N} the life of new sessions,
                               {"expire_sessions": true} ends every session now,
                               {"deliver": {"to", "token", "message"}} delivers a dossier
                               filed on the portal to a back office (files served here)

Every record of ``/received`` has ``kind`` (login, call), ``service``, ``outcome``
(processed, duplicate, refused, unauthorised) and, for the dossier services,
``message_id``, ``MaHoSo`` and ``TrangThaiHoSo``; ``concurrent`` is true when the same
message id was being processed by another request at the same time.

``make run`` starts it (through ``manage.py serve``) when the national portal sync is on
and EGOV_NATIONAL_URL is on loopback; tests start it in-process (``Portal``, port 0).

    python fakes/dvcqg.py --port 8029
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script: python fakes/dvcqg.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakes.control import ControlledHandler, Faults, Recorder, Running, run_until_signalled
from fakes.dvcqg_data import AGENCIES, FIELDS, PROCEDURES, demo_pdf

SESSION_EXPIRED = 401
NOT_FOUND = 2
ALREADY_KNOWN = 3
INVALID = 1
DATE = re.compile(r"^\d{14}$")
DOSSIER_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
PROGRESS_FIELDS = (
    "MaHoSo",
    "NguoiXuLy",
    "ChucDanh",
    "ThoiDiemXuLy",
    "PhongBanXuLy",
    "NoiDungXuLy",
    "TrangThai",
    "NgayBatDau",
    "NgayKetThucTheoQuyDinh",
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, username: str, password: str, echo: bool):
        super().__init__(address, _Handler)
        self.faults = Faults()
        self.recorder = Recorder()
        self.stopped = threading.Event()
        self.username, self.password, self.echo = username, password, echo
        self.lock = threading.Lock()
        self.session_seconds = 1800.0
        self.sessions: dict[str, float] = {}  # token -> expiry (time.time())
        self.dossiers: dict[str, dict] = {}  # MaHoSo -> last record accepted
        self.progress: dict[str, list[dict]] = {}  # MaHoSo -> progress items
        self.answers: dict[str, dict] = {}  # messageId -> the answer given
        self.inflight: set[str] = set()
        self.procedures: list[dict] = [dict(p) for p in PROCEDURES]  # its catalogue

    def handle_error(self, request, client_address) -> None:
        # A client that went away (a relay killed with SIGKILL) is not an error here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def forget(self) -> None:
        with self.lock:
            self.dossiers.clear()
            self.progress.clear()
            self.answers.clear()
            self.sessions.clear()
        self.recorder.clear()


class _Handler(ControlledHandler):
    server: _Server
    # The headers and the body are written apart: without this, a kept-alive
    # connection waits for the client's delayed ACK (40 ms) at every answer.
    disable_nagle_algorithm = True

    def _json(self, raw: bytes | None = None) -> dict | None:
        try:
            body = json.loads((self.body() if raw is None else raw) or b"{}")
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def do_GET(self):
        if self.controls():
            return None
        path = urlsplit(self.path).path
        if not path.startswith("/files/"):
            return self.answer(404, {"error": "not found"})
        if self.misbehave():
            return None
        name = path.removeprefix("/files/")
        self.server.recorder.add({"kind": "file", "name": name, "outcome": "processed"})
        if name.startswith("chuyen-huong"):  # a file that has moved elsewhere
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere.pdf")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        data = b"this is not a PDF" if "khong-hop-le" in name else demo_pdf(name)
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return None

    def do_POST(self):
        path = urlsplit(self.path).path
        if path == "/control":
            return self._control()
        if self.controls():
            return None
        raw = self.body()  # read first: a faulted answer leaves the connection usable
        if self.misbehave():
            return None
        message = self._json(raw)
        if message is None:
            return self.answer(400, {"error_code": INVALID, "message": "JSON expected"})
        service = path.strip("/")
        if service == "login":
            return self._login(message)
        route = ROUTES.get(service)
        if route is None:
            return self.answer(404, {"error_code": INVALID, "message": f"unknown {service}"})
        if not self._session_valid(str(message.get("session", ""))):
            self.server.recorder.add(
                {"kind": "call", "service": service, "outcome": "unauthorised"}
            )
            return self.answer(
                401, {"error_code": SESSION_EXPIRED, "message": "Phiên làm việc hết hạn"}
            )
        return route(self, service, message)

    def _control(self):
        change = self._json()
        if change is None:
            return self.answer(400, {"error": "JSON expected"})
        server = self.server
        if change.pop("clear", False):
            server.forget()
        if "session_seconds" in change:
            server.session_seconds = float(change.pop("session_seconds"))
        if change.pop("expire_sessions", False):
            with server.lock:
                server.sessions.clear()
        if "deliver" in change:
            return self.answer(200, self._deliver(change.pop("deliver")))
        try:
            if change:
                server.faults.set(**change)
        except (ValueError, TypeError) as error:
            return self.answer(400, {"error": str(error)})
        return self.answer(200, server.faults.state())

    def _deliver(self, order: dict) -> dict:
        """Deliver a dossier filed "here" to a back office (``order``: ``to``, ``token``,
        ``message``); a file without ``DuongDan`` is given this portal's address for it."""
        import urllib.error
        import urllib.request

        host, port = self.server.server_address[:2]
        message = dict(order.get("message") or {})
        message["TaiLieuNop"] = [
            {"DuongDan": f"http://{host}:{port}/files/{f.get('TenTep', 'tep.pdf')}", **f}
            for f in message.get("TaiLieuNop") or []
        ]
        request = urllib.request.Request(
            str(order.get("to", "")),
            data=json.dumps(message, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {order.get('token', '')}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except (OSError, ValueError) as error:
            status, body = 0, json.dumps({"error": str(error)}).encode()
        try:
            reply = json.loads(body)
        except ValueError:
            reply = {"raw": body.decode(errors="replace")[:500]}
        outcome = "processed" if status in (200, 201) else "refused"
        self.server.recorder.add(
            {
                "kind": "delivery",
                "outcome": outcome,
                "MaHoSoQG": message.get("MaHoSoQG"),
                "status": status,
                **reply,
            }
        )
        return {"status": status, "answer": reply}

    # --- the protocol ------------------------------------------------------------

    def _login(self, message: dict):
        server = self.server
        ok = (message.get("username"), message.get("password")) == (
            server.username,
            server.password,
        )
        server.recorder.add({"kind": "login", "outcome": "processed" if ok else "refused"})
        if not ok:
            return self.answer(
                401, {"error_code": SESSION_EXPIRED, "message": "Sai tên đăng nhập hoặc mật khẩu"}
            )
        token = secrets.token_hex(16)
        with server.lock:
            server.sessions[token] = time.time() + server.session_seconds
        return self.answer(
            200, {"error_code": 0, "session": token, "expires_in": server.session_seconds}
        )

    def _session_valid(self, token: str) -> bool:
        with self.server.lock:
            expiry = self.server.sessions.get(token)
            return expiry is not None and expiry > time.time()

    def _lookup(self, service: str, message: dict):
        code = str(message.get("MaHoSo", ""))
        with self.server.lock:
            record = self.server.dossiers.get(code)
        self.server.recorder.add(
            {"kind": "call", "service": service, "outcome": "processed", "MaHoSo": code}
        )
        return self.answer(200, {"error_code": 0, "result": [record] if record else []})

    def _once(self, service: str, message: dict, apply) -> None:
        """Process a message once per ``messageId``: a message id seen before gets the
        first answer again and changes nothing."""
        server = self.server
        message_id = str(message.get("messageId") or "")
        data = message.get("data")
        if not message_id or not isinstance(data, list) or not data:
            return self.answer(
                400, {"error_code": INVALID, "message": "messageId and data[] are required"}
            )
        codes = [str(item.get("MaHoSo", "")) for item in data if isinstance(item, dict)]
        base = {
            "kind": "call",
            "service": service,
            "message_id": message_id,
            "MaHoSo": codes[0] if codes else "",
            # The record's status, or the progress item's (TrangThai).
            "TrangThaiHoSo": (data[0].get("TrangThaiHoSo", data[0].get("TrangThai")))
            if isinstance(data[0], dict)
            else None,
        }
        with server.lock:
            concurrent = message_id in server.inflight
            server.inflight.add(message_id)
            previous = server.answers.get(message_id)
        try:
            if previous is not None:
                server.recorder.add({**base, "outcome": "duplicate", "concurrent": concurrent})
                return self.answer(200, {**previous, "duplicate": True})
            answer = apply(data)
            outcome = "processed" if answer["error_code"] == 0 else "refused"
            with server.lock:
                if answer["error_code"] == 0:
                    server.answers[message_id] = answer
            server.recorder.add(
                {
                    **base,
                    "outcome": outcome,
                    "concurrent": concurrent,
                    "error_code": answer["error_code"],
                    **(
                        {"isUpdating": message.get("isUpdating")} if "isUpdating" in message else {}
                    ),
                }
            )
            if server.echo:
                print(f"dvcqg: {service} {message_id} {codes} -> {outcome}", flush=True)
            return self.answer(200, answer)
        finally:
            with server.lock:
                server.inflight.discard(message_id)

    def _sync(self, service: str, message: dict):
        updating = str(message.get("isUpdating", "")).lower() == "true"

        def apply(data: list) -> dict:
            problems = [p for item in data for p in _dossier_problems(item)]
            if problems:
                return {"error_code": INVALID, "message": "; ".join(problems)}
            with self.server.lock:
                for item in data:
                    known = item["MaHoSo"] in self.server.dossiers
                    if known and not updating:
                        return {"error_code": ALREADY_KNOWN, "message": "Hồ sơ đã tồn tại"}
                    if updating and not known:
                        return {"error_code": NOT_FOUND, "message": "Không tìm thấy hồ sơ"}
                for item in data:
                    self.server.dossiers[item["MaHoSo"]] = item
            return {"error_code": 0, "message": "Thành công"}

        return self._once(service, message, apply)

    def _progress(self, service: str, message: dict):
        def apply(data: list) -> dict:
            problems = [
                f"{name} missing"
                for item in data
                for name in PROGRESS_FIELDS
                if not isinstance(item, dict) or name not in item
            ]
            if problems:
                return {"error_code": INVALID, "message": "; ".join(problems)}
            with self.server.lock:
                unknown = [i["MaHoSo"] for i in data if i["MaHoSo"] not in self.server.dossiers]
                if unknown:
                    return {"error_code": NOT_FOUND, "message": "Không tìm thấy hồ sơ"}
                for item in data:
                    self.server.progress.setdefault(item["MaHoSo"], []).append(item)
            return {"error_code": 0, "message": "Thành công"}

        return self._once(service, message, apply)

    def _catalogue(self, service: str, message: dict):
        self.server.recorder.add({"kind": "call", "service": service, "outcome": "processed"})
        if service == "LayThuTuc":
            code = str(message.get("MaTTHC", ""))
            found = [p for p in self.server.procedures if p["MaTTHC"] == code]
            if not found:
                return self.answer(200, {"error_code": NOT_FOUND, "message": "Không có thủ tục"})
            return self.answer(200, {"error_code": 0, "result": found[0]})
        result = {
            "LayDanhSachTTHC": [
                {k: p[k] for k in ("MaTTHC", "TenTTHC", "MaLinhVuc")}
                for p in self.server.procedures
            ],
            "LayDanhMucCoQuan": AGENCIES,
            "LayDanhMucLinhVuc": FIELDS,
        }[service]
        return self.answer(200, {"error_code": 0, "result": result})


def _dossier_problems(item) -> list[str]:
    if not isinstance(item, dict):
        return ["a record must be an object"]
    problems = []
    if not item.get("MaHoSo"):
        problems.append("MaHoSo missing")
    status = item.get("TrangThaiHoSo")
    if not isinstance(status, int) or not 1 <= status <= 10:
        problems.append(f"TrangThaiHoSo {status!r} not in 1..10")
    for name in DOSSIER_DATES:
        value = item.get(name)
        if value not in (None, "") and not DATE.match(str(value)):
            problems.append(f"{name} {value!r} is not yyyyMMddHHmmss")
    return problems


ROUTES = {
    "TraCuuHoSo": _Handler._lookup,
    "DongBoHoSoMC": _Handler._sync,
    "CapNhatTienDoHoSoMC": _Handler._progress,
    "LayThuTuc": _Handler._catalogue,
    "LayDanhSachTTHC": _Handler._catalogue,
    "LayDanhMucCoQuan": _Handler._catalogue,
    "LayDanhMucLinhVuc": _Handler._catalogue,
}


class Portal(Running):
    """The fake national portal on ``host:port`` (0: a free port) until ``stop``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "egov-demo",
        password: str = "egov-demo-password",
        echo: bool = False,
    ):
        self.server = _Server((host, port), username, password, echo)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def faults(self) -> Faults:
        return self.server.faults

    @property
    def procedures(self) -> list[dict]:
        """The national catalogue it answers (a test may change an entry)."""
        return self.server.procedures

    @property
    def recorder(self) -> Recorder:
        return self.server.recorder

    def dossier(self, code: str) -> dict | None:
        with self.server.lock:
            return self.server.dossiers.get(code)

    def progress(self, code: str) -> list[dict]:
        with self.server.lock:
            return list(self.server.progress.get(code, []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8029)
    parser.add_argument("--username", default="egov-demo")
    parser.add_argument("--password", default="egov-demo-password")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    portal = Portal(args.host, args.port, args.username, args.password, echo=not args.quiet)
    portal.start()
    print(f"National portal (fake DVCQG) at {portal.url}", flush=True)
    run_until_signalled(portal)


if __name__ == "__main__":
    main()
