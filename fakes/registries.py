"""A local stand-in for two national registries, on one real HTTP server on loopback:
the national population database (CSDL quốc gia về dân cư, look-up by personal
identification number) and the national business registration database (CSDL quốc gia
về đăng ký doanh nghiệp, look-up by enterprise code / tax code). It speaks the protocol
of ``egov/registries/providers.py`` (docs/registries.md), independently of it.

    POST /dan-cu/tra-cuu        {"SoDinhDanh": "<12 digits>"}
        200 {"MaLoi": "00", "CongDan": {"SoDinhDanh", "HoVaTen", "NgaySinh" (dd/mm/yyyy),
             "GioiTinh" ("1" nam, "2" nữ), "ThuongTru", "SoDienThoai"}}
        404 {"MaLoi": "01", "MoTaLoi": ...}      no such person
        400 {"MaLoi": "02", "MoTaLoi": ...}      not 12 digits
    POST /doanh-nghiep/tra-cuu  {"MaSoDoanhNghiep": "<10 digits[-3 digits]>"}
        200 {"MaLoi": "00", "DoanhNghiep": {"MaSoDoanhNghiep", "MaSoThue",
             "TenDoanhNghiep", "DiaChiTruSo", "NguoiDaiDienPhapLuat", "TinhTrang"}}
        404 / 400 as above

The ID number travels in the body, never in the address (addresses end up in access
logs). Every request to these two routes is recorded (path, body, ``X-Request-Id``)
before the current fault applies: ``GET /received`` reads them, ``POST /control`` tells
the server to fail, throttle (429), slow down, hang or go away (fakes/control.py).

The people and businesses are the demo's: the citizens of the demo province
(egov/directory/demo_data) and the identities of the fake national SSO (fakes/oidc),
so that a demo login finds itself in the registry. Tests add their own (``people=``).

``make run`` starts it (through ``manage.py serve``) while EGOV_POPULATION_URL or
EGOV_BUSINESS_URL is on loopback; tests start it in-process (``Registries``, port 0).

    python -m fakes.registries --port 8032
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import threading
import urllib.request
from http.server import ThreadingHTTPServer

from fakes.control import ControlledHandler, Faults, Recorder, Running, run_until_signalled

POPULATION, BUSINESS = "/dan-cu/tra-cuu", "/doanh-nghiep/tra-cuu"
ACTIVE = "Đang hoạt động"


def citizen(
    number: str, name: str, born: str, address: str, phone: str = "", sex: str = ""
) -> dict:
    """A person as the registry answers it; ``born`` ``dd/mm/yyyy`` or ISO; the sex, when
    not given, as the number encodes it (4th digit even: male)."""
    if "-" in born:
        born = datetime.date.fromisoformat(born).strftime("%d/%m/%Y")
    return {
        "SoDinhDanh": number,
        "HoVaTen": name,
        "NgaySinh": born,
        "GioiTinh": sex or ("1" if int(number[3]) % 2 == 0 else "2"),
        "ThuongTru": address,
        "SoDienThoai": phone,
    }


def enterprise(
    code: str, name: str, address: str, representative: str, status: str = ACTIVE
) -> dict:
    return {
        "MaSoDoanhNghiep": code,
        "MaSoThue": code,
        "TenDoanhNghiep": name,
        "DiaChiTruSo": address,
        "NguoiDaiDienPhapLuat": representative,
        "TinhTrang": status,
    }


def demo_people() -> list[dict]:
    from egov.directory.demo_data.bac_kan_2020 import CITIZENS
    from fakes.oidc.identities import IDENTITIES

    people = [citizen(number, name, born, address) for _u, name, number, born, address in CITIZENS]
    for identity in IDENTITIES.values():
        c = identity["claims"]
        people.append(
            citizen(
                c["SoDinhDanh"],
                c["HoVaTen"],
                c["NgayThangNamSinh"],
                c["ThuongTru"],
                c["SoDienThoai"],
            )
        )
    return people


def demo_businesses() -> list[dict]:
    from fakes.oidc.identities import IDENTITIES

    c = IDENTITIES["doanhnghiep"]["claims"]
    return [
        enterprise(c["MaSoDoanhNghiep"], c["TenDoanhNghiep"], c["ThuongTru"], c["HoVaTen"]),
        enterprise(
            "4700234567",
            "Hợp tác xã Nông nghiệp Yên Đĩnh",
            "Thôn Nà Cà, xã Yên Đĩnh, huyện Chợ Mới, tỉnh Bắc Kạn",
            "Nông Văn Minh",
        ),
        enterprise(
            "4700345678",
            "Công ty cổ phần Xây dựng Đức Xuân",
            "Tổ 5, phường Đức Xuân, thành phố Bắc Kạn",
            "Hoàng Thị Lan",
            status="Đã giải thể",
        ),
    ]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, people: list[dict], businesses: list[dict], echo: bool):
        super().__init__(address, _Handler)
        self.faults = Faults()
        self.recorder = Recorder()
        self.stopped = threading.Event()
        self.people = {p["SoDinhDanh"]: p for p in people}
        self.businesses = {b["MaSoDoanhNghiep"]: b for b in businesses}
        self.echo = echo


class _Handler(ControlledHandler):
    server: _Server

    def do_GET(self):
        if not self.controls():
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        if self.controls():
            return
        path = self.path.split("?", 1)[0]
        if path not in (POPULATION, BUSINESS):
            return self.answer(404, {"error": "not found"})
        raw = self.body()
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        self.server.recorder.add(
            {"path": path, "body": body, "request_id": self.headers.get("X-Request-Id", "")}
        )
        if self.server.echo:
            print(f"registries: {path} {json.dumps(body, ensure_ascii=False)}", flush=True)
        if self.misbehave():
            return
        if not isinstance(body, dict):
            return self.answer(400, {"MaLoi": "99", "MoTaLoi": "JSON expected"})
        if path == POPULATION:
            return self._population(str(body.get("SoDinhDanh", "")))
        return self._business(str(body.get("MaSoDoanhNghiep", "")))

    def _population(self, number: str):
        if not re.fullmatch(r"\d{12}", number):
            return self.answer(400, {"MaLoi": "02", "MoTaLoi": "SoDinhDanh phải gồm 12 chữ số"})
        person = self.server.people.get(number)
        if person is None:
            return self.answer(404, {"MaLoi": "01", "MoTaLoi": "Không có công dân"})
        return self.answer(200, {"MaLoi": "00", "CongDan": person})

    def _business(self, code: str):
        if not re.fullmatch(r"\d{10}(-\d{3})?", code):
            return self.answer(
                400, {"MaLoi": "02", "MoTaLoi": "MaSoDoanhNghiep: 10 chữ số (chi nhánh: -ddd)"}
            )
        found = self.server.businesses.get(code)
        if found is None:
            return self.answer(404, {"MaLoi": "01", "MoTaLoi": "Không có doanh nghiệp"})
        return self.answer(200, {"MaLoi": "00", "DoanhNghiep": found})


class Registries(Running):
    """Both registries on ``host:port`` (0: a free port) until ``stop``; the demo's
    people and businesses and ``people`` / ``businesses`` (``citizen()``,
    ``enterprise()``)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        people: list[dict] = (),
        businesses: list[dict] = (),
        echo: bool = False,
    ):
        self.server = _Server(
            (host, port), [*demo_people(), *people], [*demo_businesses(), *businesses], echo
        )
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

    def control(self, **change) -> dict:
        """Change the faults over HTTP, as a tester would with curl."""
        request = urllib.request.Request(
            self.url + "/control",
            data=json.dumps(change).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def received(self) -> list[dict]:
        """What it received, over HTTP (``GET /received``)."""
        with urllib.request.urlopen(self.url + "/received", timeout=10) as answer:
            return json.loads(answer.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8032)
    args = parser.parse_args()
    registries = Registries(args.host, args.port, echo=True).start()
    print(f"Population and business registries (fake) at {registries.url}", flush=True)
    run_until_signalled(registries)


if __name__ == "__main__":
    main()
