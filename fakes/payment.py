"""A local stand-in for the national payment platform ("Nền tảng thanh toán" of the
national public service portal): a real HTTP server on loopback that speaks the
protocol of ``egov/payments/providers.py`` (docs/payments.md), independently of it
(its own checksum code, so that both sides are held to the documented spec).

    POST /init        an INIT message; answers MaGiaoDich and UrlThanhToan
    GET  /pay/<id>    the pay page: "Thanh toán" and "Huỷ"
    POST /pay/<id>    a button pressed: the callback per the controls, then a 303 back
                      to the partner's return address
    POST /query       the status query: TrangThaiGD 1 success, 3 pending, 4 failed
    GET  /received    what it received and sent (JSON), oldest first
    GET  /control     the controls; POST /control changes them (JSON):
                      {"fail_next": 1}            the next payment(s) are declined
                      {"callback": "send"}        send the callback (default)
                      {"callback": "twice"}       send it twice
                      {"callback": "delay", "delay_seconds": 30}
                                                  send it later (the status says
                                                  pending until then)
                      {"callback": "none"}        never send it (only the status query
                                                  tells the result)
                      {"release": true}           send the delayed callbacks now
                      {"mode": "hang"}, {"mode": "throttle", "count": 2}, ...
                                                  the faults of fakes/control.py, on
                                                  /init and /query

``make run`` starts it (through ``manage.py serve``) when EGOV_PAYMENT_URL is on
loopback; tests start it in-process (``Platform``, port 0).

    python fakes/payment.py --port 8027 --key egov-demo-payment-key
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import html
import itertools
import json
import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

try:  # imported as fakes.payment, or run as a script (python fakes/payment.py)
    from fakes.control import MODES as FAULTS
    from fakes.control import ControlledHandler, Faults, Running, run_until_signalled
except ImportError:  # pragma: no cover - script mode puts fakes/ itself on the path
    from control import MODES as FAULTS
    from control import ControlledHandler, Faults, Running, run_until_signalled

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
INIT = (
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaTienTe",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "UrlTraVe",
    "UrlThongBao",
    "ThongTinBienLai",
)
INIT_ANSWER = ("MaLoi", "MaDoiTac", "MaThamChieu", "MaGiaoDich", "UrlThanhToan")
CALLBACK = ("MaLoi", "MaDoiTac", "MaThamChieu", "MaGiaoDich", "SoTien", "MaTienTe", "ThoiGianGD")
QUERY = ("MaDoiTac", "MaThamChieu", "ThoiGianGD")
QUERY_ANSWER = (
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "MaGiaoDich",
    "SoTien",
    "MaTienTe",
    "TrangThaiGD",
)
SUCCESS, PENDING, FAILED = 1, 3, 4
MODES = ("send", "twice", "delay", "none")


def checksum(key: str, message: dict, fields: tuple[str, ...]) -> str:
    """HMAC-SHA256 (hex) of the listed fields' values joined by "|"; an object (the
    receipt block) as JSON with sorted keys and no spaces."""

    def text(value) -> str:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return "" if value is None else str(value)

    data = "|".join(text(message.get(name)) for name in fields)
    return hmac.new(key.encode(), data.encode(), hashlib.sha256).hexdigest()


def _now() -> str:
    return datetime.datetime.now(TZ).strftime("%Y%m%d%H%M%S")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, key: str, echo: bool):
        super().__init__(address, _Handler)
        self.key = key
        self.echo = echo
        self.lock = threading.Condition()
        self.transactions: dict[str, dict] = {}
        self.received: list[dict] = []
        self.controls = {"fail_next": 0, "callback": "send", "delay_seconds": 30}
        self.released = threading.Event()
        self.numbers = itertools.count(1)
        self.faults, self.stopped = Faults(), threading.Event()  # fakes/control.py

    def log(self, kind: str, **data) -> None:
        with self.lock:
            self.received.append({"kind": kind, **data})
            self.lock.notify_all()
        if self.echo:
            print(f"payment platform: {kind} {json.dumps(data, ensure_ascii=False)}", flush=True)


class _Handler(ControlledHandler):
    """The platform's routes; the faults of fakes/control.py apply to the partner's
    calls (/init, /query), never to the payer's pages or the controls."""

    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection, as before

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self._send(status, data, "application/json")

    def _send(self, status: int, data: bytes, kind: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _json(self) -> dict | None:
        try:
            body = json.loads(self._body())
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/received":
            with self.server.lock:
                return self._answer(200, list(self.server.received))
        if path == "/control":
            with self.server.lock:
                return self._answer(200, dict(self.server.controls))
        if path.startswith("/pay/"):
            return self._pay_page(path.removeprefix("/pay/"))
        return self._answer(404, {"error": "not found"})

    def do_POST(self):
        path = urlsplit(self.path).path
        if path in ("/init", "/query"):
            if self.misbehave():
                return None
            return self._init() if path == "/init" else self._query()
        if path == "/control":
            return self._control()
        if path.startswith("/pay/"):
            return self._press(path.removeprefix("/pay/"))
        return self._answer(404, {"error": "not found"})

    # --- the partner's calls -------------------------------------------------------

    def _init(self):
        server = self.server
        message = self._json()
        if message is None:
            return self._answer(400, {"MaLoi": "99", "MoTaLoi": "JSON expected"})
        server.log("init", message=message)
        expected = checksum(server.key, message, INIT)
        if not hmac.compare_digest(expected, str(message.get("MaXacThuc", ""))):
            return self._answer(400, {"MaLoi": "97", "MoTaLoi": "Sai mã xác thực (MaXacThuc)"})
        try:
            amount = int(message["SoTien"])
        except (KeyError, TypeError, ValueError):
            return self._answer(400, {"MaLoi": "03", "MoTaLoi": "SoTien"})
        if amount <= 0 or message.get("MaTienTe") != "VND":
            return self._answer(400, {"MaLoi": "03", "MoTaLoi": "SoTien, MaTienTe"})
        with server.lock:
            number = f"NTTT{next(server.numbers):08d}"
            host, port = server.server_address[:2]
            server.transactions[number] = {
                "message": message,
                "state": PENDING,
                "code": "",
                "at": "",
            }
        answer = {
            "MaLoi": "00",
            "MaDoiTac": message.get("MaDoiTac"),
            "MaThamChieu": message.get("MaThamChieu"),
            "MaGiaoDich": number,
            "UrlThanhToan": f"http://{host}:{port}/pay/{number}",
        }
        answer["MaXacThuc"] = checksum(server.key, answer, INIT_ANSWER)
        return self._answer(200, answer)

    def _query(self):
        server = self.server
        message = self._json() or {}
        server.log("query", message=message)
        if not hmac.compare_digest(
            checksum(server.key, message, QUERY), str(message.get("MaXacThuc", ""))
        ):
            return self._answer(400, {"MaLoi": "97", "MoTaLoi": "Sai mã xác thực (MaXacThuc)"})
        with server.lock:
            found = [
                (number, t)
                for number, t in server.transactions.items()
                if t["message"].get("MaThamChieu") == message.get("MaThamChieu")
            ]
        if not found:
            return self._answer(404, {"MaLoi": "01", "MoTaLoi": "Không có giao dịch"})
        number, txn = found[-1]
        answer = {
            "MaLoi": "00",
            "MaDoiTac": txn["message"].get("MaDoiTac"),
            "MaThamChieu": txn["message"].get("MaThamChieu"),
            "MaGiaoDich": number,
            "SoTien": txn["message"].get("SoTien"),
            "MaTienTe": txn["message"].get("MaTienTe"),
            "TrangThaiGD": txn["state"],
        }
        answer["MaXacThuc"] = checksum(server.key, answer, QUERY_ANSWER)
        return self._answer(200, answer)

    def _control(self):
        server = self.server
        change = self._json()
        if change is None:
            return self._answer(400, {"error": "JSON expected"})
        if change.get("callback", "send") not in MODES:
            return self._answer(400, {"error": f"callback: one of {', '.join(MODES)}"})
        if "mode" in change:  # the faults every fake takes (fakes/control.py), alone
            if change["mode"] not in FAULTS:
                return self._answer(400, {"error": f"mode: one of {', '.join(FAULTS)}"})
            try:
                server.faults.set(**change)
            except TypeError as error:
                return self._answer(400, {"error": str(error)})
            return self._answer(200, {**server.controls, "faults": server.faults.state()})
        with server.lock:
            for name in ("fail_next", "callback", "delay_seconds"):
                if name in change:
                    server.controls[name] = change[name]
            controls = {**server.controls, "faults": server.faults.state()}
        if change.get("callback") == "delay":
            server.released.clear()
        if change.get("release"):
            server.released.set()
        return self._answer(200, controls)

    # --- the payer's pages ------------------------------------------------------------

    def _pay_page(self, number: str):
        with self.server.lock:
            txn = self.server.transactions.get(number)
        if txn is None:
            return self._send(404, "Không có giao dịch".encode(), "text/plain; charset=utf-8")
        message = txn["message"]
        receipt = message.get("ThongTinBienLai") or {}
        lines = "".join(
            f"<tr><td>{html.escape(str(fee.get('TenPhiLePhi', '')))}</td>"
            f"<td>{int(fee.get('SoTien', 0)):,} đ</td></tr>"
            for fee in receipt.get("PhiLePhi", [])
        )
        done = txn["state"] != PENDING or txn["code"]
        page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nền tảng thanh toán (giả lập)</title>
<style>body{{font-family:sans-serif;max-width:30rem;margin:1rem auto;padding:0 1rem}}
button{{font-size:1.1rem;padding:.7rem 1.2rem;margin:.3rem .3rem 0 0}}
td{{padding:.2rem .5rem}}</style>
</head><body><h1>Nền tảng thanh toán (giả lập)</h1>
<p>Mã giao dịch: <strong id="number">{number}</strong></p>
<p>{html.escape(str(message.get("ThongTinGiaoDich", "")))}</p>
<table>{lines}</table>
<p>Số tiền: <strong id="amount">{int(message.get("SoTien", 0)):,} đ</strong></p>
{
            "<p>Giao dịch đã xử lý.</p>"
            if done
            else f'''<form method="post" action="/pay/{number}">
<button type="submit" name="action" value="pay">Thanh toán</button>
<button type="submit" name="action" value="cancel">Huỷ</button></form>'''
        }
</body></html>"""
        return self._send(200, page.encode(), "text/html; charset=utf-8")

    def _press(self, number: str):
        server = self.server
        action = parse_qs(self._body().decode()).get("action", ["pay"])[0]
        with server.lock:
            txn = server.transactions.get(number)
            if txn is None or txn["code"]:
                return self._send(409, "Giao dịch đã xử lý".encode(), "text/plain; charset=utf-8")
            if action == "cancel":
                code = "24"  # the payer cancelled
            elif server.controls["fail_next"] > 0:
                server.controls["fail_next"] -= 1
                code = "51"  # declined by the bank
            else:
                code = "00"
            txn["code"], txn["at"] = code, _now()
            mode = server.controls["callback"]
            delay = float(server.controls["delay_seconds"])
            if mode != "delay":
                txn["state"] = SUCCESS if code == "00" else FAILED
        server.log("pressed", MaGiaoDich=number, action=action, MaLoi=code)
        callback = self._callback(number, txn)
        if mode == "send":
            server_send(server, txn, callback)
        elif mode == "twice":
            server_send(server, txn, callback)
            server_send(server, txn, callback)
        elif mode == "delay":
            threading.Thread(
                target=_later, args=(server, txn, callback, delay), daemon=True
            ).start()
        else:
            server.log("callback_withheld", payload=callback)
        back = {name: callback[name] for name in ("MaThamChieu", "MaGiaoDich", "MaLoi")}
        back["MaXacThuc"] = callback["MaXacThuc"]
        target = txn["message"].get("UrlTraVe") or "/"
        joiner = "&" if "?" in target else "?"
        return self._send(303, b"", "text/plain", {"Location": target + joiner + urlencode(back)})

    def _callback(self, number: str, txn: dict) -> dict:
        message = txn["message"]
        payload = {
            "MaLoi": txn["code"],
            "MaDoiTac": message.get("MaDoiTac"),
            "MaThamChieu": message.get("MaThamChieu"),
            "MaGiaoDich": number,
            "SoTien": message.get("SoTien"),
            "MaTienTe": message.get("MaTienTe"),
            "ThoiGianGD": txn["at"],
        }
        payload["MaXacThuc"] = checksum(self.server.key, payload, CALLBACK)
        return payload


def server_send(server: _Server, txn: dict, payload: dict) -> None:
    """POST the callback to the partner's notify address; the answer is recorded."""
    url = txn["message"].get("UrlThongBao")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, body = answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    except OSError as error:
        status, body = 0, str(error)
    server.log("callback", payload=payload, status=status, answer=body)


def _later(server: _Server, txn: dict, payload: dict, delay: float) -> None:
    server.released.wait(delay)
    with server.lock:
        txn["state"] = SUCCESS if txn["code"] == "00" else FAILED
    server_send(server, txn, payload)


class Platform(Running):
    """The fake platform on ``host:port`` (0: a free port) until ``stop``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        key: str = "egov-demo-payment-key",
        echo: bool = False,
    ):
        self.server = _Server((host, port), key, echo)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _call(self, method: str, path: str, body: bytes | None = None, kind: str = ""):
        request = urllib.request.Request(
            self.url + path, data=body, method=method, headers={"Content-Type": kind}
        )
        return urllib.request.urlopen(request, timeout=30)

    def control(self, **change) -> dict:
        """Change the controls over HTTP, as a tester would with curl."""
        body = json.dumps(change).encode()
        with self._call("POST", "/control", body, "application/json") as answer:
            return json.loads(answer.read())

    def press(self, number: str, action: str = "pay") -> str:
        """Press a button of the pay page over HTTP (as the payer's browser does);
        returns where the platform sends the payer back."""

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(_NoRedirect)
        request = urllib.request.Request(
            f"{self.url}/pay/{number}",
            data=urlencode({"action": action}).encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            opener.open(request, timeout=30)
        except urllib.error.HTTPError as answer:
            if answer.code == 303:
                return answer.headers["Location"]
            raise
        raise AssertionError("the platform did not send the payer back")

    @property
    def received(self) -> list[dict]:
        with self.server.lock:
            return list(self.server.received)

    def of_kind(self, kind: str) -> list[dict]:
        return [r for r in self.received if r["kind"] == kind]

    def wait_for(self, kind: str, count: int = 1, timeout: float = 30) -> list[dict]:
        with self.server.lock:
            if not self.server.lock.wait_for(
                lambda: sum(r["kind"] == kind for r in self.server.received) >= count, timeout
            ):
                raise AssertionError(f"{count} {kind} expected")
            return [r for r in self.server.received if r["kind"] == kind]

    def release(self) -> None:
        super().release()
        self.server.released.set()  # the delayed callbacks go now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8027)
    parser.add_argument("--key", default="egov-demo-payment-key")
    args = parser.parse_args()
    platform = Platform(args.host, args.port, args.key, echo=True).start()
    print(f"Payment platform (fake) at {platform.url}", flush=True)
    run_until_signalled(platform)


if __name__ == "__main__":
    main()
