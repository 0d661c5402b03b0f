"""Online payment providers: one small interface, chosen by ``EGOV_PAYMENT_PROVIDER``,
and its implementation for the national payment platform ("Nền tảng thanh toán" of
the national public service portal, DVCQG). The protocol (messages, checksum, codes)
is in docs/payments.md; ``fakes/payment.py`` is a local platform speaking it.

The services (``payments.services``) know only ``Provider``: what an order is, a
verified notice (from a callback or a status query) and the answer to a callback.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.module_loading import import_string

from egov.core.errors import DomainError
from egov.payments import rules

log = logging.getLogger("egov.payments")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

SUCCEEDED, PENDING, FAILED = "succeeded", "pending", "failed"


@dataclasses.dataclass(frozen=True)
class Fee:
    name: str
    amount: int


@dataclasses.dataclass(frozen=True)
class Order:
    """What we ask the platform to collect: one attempt of one dossier."""

    reference: str  # ours, unique per attempt, starting with the dossier code
    dossier_code: str
    procedure_code: str
    agency_code: str
    agency_name: str
    payer_name: str
    amount: int  # đồng
    currency: str
    description: str
    fees: tuple[Fee, ...]
    at: datetime.datetime
    return_url: str
    notify_url: str


@dataclasses.dataclass(frozen=True)
class Started:
    platform_id: str  # the platform's transaction number (MaGiaoDich)
    pay_url: str  # where the payer's browser goes
    raw: dict


@dataclasses.dataclass(frozen=True)
class Notice:
    """A verified word of the platform on one attempt (a callback or a status answer)."""

    reference: str
    platform_id: str
    amount: int
    currency: str
    state: str  # SUCCEEDED, PENDING or FAILED
    code: str  # the platform's own code (MaLoi, TrangThaiGD)
    raw: dict


class ProviderError(Exception):
    """The platform could not be reached, or answered with an error."""


class Provider:
    """The interface of an online payment provider."""

    name = "provider"
    # Where the pay page is (scheme://host:port): the citizen's form posts to us and is
    # redirected there, which the pages' Content-Security-Policy (form-action) allows.
    pay_origin = ""

    def start(self, order: Order) -> Started:  # pragma: no cover - interface
        raise NotImplementedError

    def parse_callback(self, payload: Any) -> Notice:  # pragma: no cover - interface
        """The callback's notice, its checksum verified; ``DomainError`` otherwise."""
        raise NotImplementedError

    def query(self, reference: str) -> Notice:  # pragma: no cover - interface
        raise NotImplementedError

    def answer(self, error: DomainError | None) -> dict:  # pragma: no cover - interface
        """The JSON body that answers a callback (accepted, or refused with ``error``)."""
        raise NotImplementedError


def provider() -> Provider:
    """The configured provider (``EGOV_PAYMENT_PROVIDER``, a dotted class path)."""
    return import_string(settings.EGOV_PAYMENT_PROVIDER)()


def timestamp(moment: datetime.datetime) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, as the national platforms write times."""
    return moment.astimezone(TZ).strftime("%Y%m%d%H%M%S")


class NationalPlatform(Provider):
    """The national payment platform's model (DVCQG): an INIT message, a redirect to
    its pay page, a server-to-server callback, the payer's return, a status query.
    Every message carries ``MaXacThuc``: HMAC-SHA256 with the shared key
    (``EGOV_PAYMENT_KEY``) over the values of the fields listed below, in that order,
    joined by "|" (``ThongTinBienLai`` as JSON with sorted keys and no spaces)."""

    name = "national"
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
    CALLBACK = (
        "MaLoi",
        "MaDoiTac",
        "MaThamChieu",
        "MaGiaoDich",
        "SoTien",
        "MaTienTe",
        "ThoiGianGD",
    )
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
    STATES = {1: SUCCEEDED, 3: PENDING, 4: FAILED}  # TrangThaiGD

    def __init__(self) -> None:
        self.url = settings.EGOV_PAYMENT_URL.rstrip("/")
        self.partner = settings.EGOV_PAYMENT_PARTNER
        self.key = settings.EGOV_PAYMENT_KEY
        self.timeout = settings.EGOV_PAYMENT_TIMEOUT_SECONDS
        parts = urllib.parse.urlsplit(self.url)
        self.pay_origin = f"{parts.scheme}://{parts.netloc}"

    def checksum(self, message: dict, fields: tuple[str, ...]) -> str:
        def text(value: Any) -> str:
            if isinstance(value, dict | list):
                return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            return "" if value is None else str(value)

        data = "|".join(text(message.get(name)) for name in fields)
        return hmac.new(self.key.encode(), data.encode(), hashlib.sha256).hexdigest()

    def signed(self, message: dict, fields: tuple[str, ...]) -> bool:
        given = message.get("MaXacThuc")
        return isinstance(given, str) and hmac.compare_digest(self.checksum(message, fields), given)

    def call(self, path: str, message: dict) -> dict:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(message, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError as error:
            log.warning("payment platform unreachable", extra={"path": path, "error": str(error)})
            raise ProviderError(f"payment platform: {error}") from error
        log.info(
            "payment platform call",
            extra={"path": path, "reference": message.get("MaThamChieu"), "status": status},
        )
        try:
            answer = json.loads(body)
        except ValueError as error:
            raise ProviderError(f"payment platform: HTTP {status}, not JSON") from error
        if not isinstance(answer, dict) or status != 200 or answer.get("MaLoi") != "00":
            raise ProviderError(f"payment platform: HTTP {status}, {answer}")
        return answer

    def start(self, order: Order) -> Started:
        message: dict[str, Any] = {
            "MaDoiTac": self.partner,
            "MaThamChieu": order.reference,
            "SoTien": order.amount,
            "MaTienTe": order.currency,
            "ThongTinGiaoDich": order.description,
            "ThoiGianGD": timestamp(order.at),
            "UrlTraVe": order.return_url,
            "UrlThongBao": order.notify_url,
            "ThongTinBienLai": {
                "MaHoSo": order.dossier_code,
                "MaTTHC": order.procedure_code,
                "MaDonVi": order.agency_code,
                "TenDonVi": order.agency_name,
                "HoTenNguoiNop": order.payer_name,
                "PhiLePhi": [{"TenPhiLePhi": f.name, "SoTien": f.amount} for f in order.fees],
            },
        }
        message["MaXacThuc"] = self.checksum(message, self.INIT)
        answer = self.call("/init", message)
        if (
            not self.signed(answer, self.INIT_ANSWER)
            or answer.get("MaThamChieu") != order.reference
        ):
            raise ProviderError("payment platform: the INIT answer is not signed for this order")
        return Started(
            platform_id=str(answer["MaGiaoDich"]), pay_url=str(answer["UrlThanhToan"]), raw=answer
        )

    def parse_callback(self, payload: Any) -> Notice:
        if not isinstance(payload, dict) or not all(
            isinstance(payload.get(name), str | int) for name in self.CALLBACK
        ):
            raise rules.callback_malformed()
        if not self.signed(payload, self.CALLBACK):
            raise rules.callback_checksum_invalid()
        if payload["MaDoiTac"] != self.partner:
            raise rules.callback_partner_mismatch()
        return Notice(
            reference=str(payload["MaThamChieu"]),
            platform_id=str(payload["MaGiaoDich"]),
            amount=_integer(payload["SoTien"]),
            currency=str(payload["MaTienTe"]),
            state=SUCCEEDED if payload["MaLoi"] == "00" else FAILED,
            code=str(payload["MaLoi"]),
            raw=dict(payload),
        )

    def query(self, reference: str) -> Notice:
        message: dict[str, Any] = {
            "MaDoiTac": self.partner,
            "MaThamChieu": reference,
            "ThoiGianGD": timestamp(datetime.datetime.now(TZ)),
        }
        message["MaXacThuc"] = self.checksum(message, self.QUERY)
        answer = self.call("/query", message)
        if not self.signed(answer, self.QUERY_ANSWER) or answer.get("MaThamChieu") != reference:
            raise ProviderError("payment platform: the status answer is not signed for it")
        try:
            state = self.STATES[int(answer["TrangThaiGD"])]
        except (KeyError, TypeError, ValueError) as error:
            raise ProviderError(
                f"payment platform: TrangThaiGD {answer.get('TrangThaiGD')}"
            ) from error
        return Notice(
            reference=reference,
            platform_id=str(answer.get("MaGiaoDich") or ""),
            amount=_integer(answer.get("SoTien")),
            currency=str(answer.get("MaTienTe") or ""),
            state=state,
            code=str(answer["TrangThaiGD"]),
            raw=answer,
        )

    def answer(self, error: DomainError | None) -> dict:
        if error is None:
            return {"MaLoi": "00", "MoTaLoi": "Đã ghi nhận (accepted)"}
        code = "97" if error.code == "callback_checksum_invalid" else "01"
        return {
            "MaLoi": code,
            "MoTaLoi": f"{error.message} ({error.message_en})",
            "code": error.code,
        }


def _integer(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
