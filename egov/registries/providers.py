"""Clients of the national registries: one small interface per registry, chosen by
setting (``EGOV_POPULATION_PROVIDER``, ``EGOV_BUSINESS_PROVIDER``):

    "fake-http"   the JSON protocol of fakes/registries.py (docs/registries.md), at
                  ``EGOV_POPULATION_URL`` / ``EGOV_BUSINESS_URL``
    "none"        no registry: ``population()`` / ``business()`` answer None and the
                  prefill buttons are not shown
    a dotted path a class implementing ``PopulationRegistry`` / ``BusinessRegistry``

A client answers a ``Person`` or a ``Business``, or raises one of the DomainErrors of
``registries.errors`` (not found, unavailable, timeout), whatever went wrong on the
wire. It checks nothing and records nothing: ``registries.services`` checks the number,
the right to look it up, caches and audits.
"""

from __future__ import annotations

import dataclasses
import datetime
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from egov.core.context import current_request_id
from egov.core.errors import DomainError
from egov.registries import errors
from egov.registries.errors import BUSINESS, POPULATION

log = logging.getLogger("egov.registries")
MALE, FEMALE = "male", "female"  # as egov.directory.rules writes them


@dataclasses.dataclass(frozen=True)
class Person:
    """A citizen as the population database knows them ("công dân")."""

    id_number: str
    full_name: str
    birth_date: datetime.date | None
    sex: str  # MALE, FEMALE or ""
    permanent_address: str  # "nơi thường trú"
    phone: str = ""

    def as_cached(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return data

    @classmethod
    def from_cached(cls, data: dict[str, Any]) -> Person:
        born = data.get("birth_date")
        return cls(**{**data, "birth_date": datetime.date.fromisoformat(born) if born else None})


@dataclasses.dataclass(frozen=True)
class Business:
    """An enterprise as the business registry knows it ("doanh nghiệp")."""

    enterprise_code: str  # "mã số doanh nghiệp", which is also its tax code
    tax_code: str
    name: str
    address: str  # head office ("trụ sở chính")
    legal_representative: str
    status: str  # as the registry words it: "Đang hoạt động", "Đã giải thể", ...

    def as_cached(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_cached(cls, data: dict[str, Any]) -> Business:
        return cls(**data)


class PopulationRegistry:
    """The interface of a population database client."""

    name = "population"
    url = ""  # where it is, for the cache key and the audit entry

    def person(self, id_number: str) -> Person:  # pragma: no cover - interface
        raise NotImplementedError


class BusinessRegistry:
    """The interface of a business registry client."""

    name = "business"
    url = ""

    def business(self, code: str) -> Business:  # pragma: no cover - interface
        raise NotImplementedError


class _JsonOverHttp:
    """One JSON POST, its failures mapped to the registry's DomainErrors. The number
    looked up goes in the body, never in the address (which access logs keep)."""

    registry = POPULATION

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def post(self, path: str, body: dict[str, str]) -> dict[str, Any] | None:
        """The answer's JSON; None when the registry says it has no such record. Every
        call is logged (registry, route, outcome, milliseconds; never the number)."""
        started = time.monotonic()
        outcome = "error"
        try:
            data = self._exchange(path, body)
            outcome = "found" if data is not None else "not found"
            return data
        except DomainError as error:
            outcome = error.code
            raise
        finally:
            elapsed = (time.monotonic() - started) * 1000
            log.info("registry %s %s: %s in %.0f ms", self.registry, path, outcome, elapsed)

    def _exchange(self, path: str, body: dict[str, str]) -> dict[str, Any] | None:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "X-Request-Id": current_request_id(),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            if error.code == 404 and _code(error.read()) == "01":
                return None  # "no such record"; a 404 without it is a wrong address
            log.warning("registry %s %s answered %s", self.registry, path, error.code)
            raise errors.unavailable(
                self.registry, status=error.code, retry_after=error.headers.get("Retry-After", "")
            ) from None
        except TimeoutError as error:  # socket.timeout is TimeoutError
            log.warning("registry %s %s: no answer in %s s", self.registry, path, self.timeout)
            raise errors.timed_out(self.registry, self.timeout) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise errors.timed_out(self.registry, self.timeout) from error
            log.warning("registry %s %s unreachable: %s", self.registry, path, error.reason)
            raise errors.unavailable(self.registry) from error
        except (http.client.HTTPException, OSError) as error:  # closed without an answer
            log.warning("registry %s %s: %s", self.registry, path, error)
            raise errors.unavailable(self.registry) from error
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("MaLoi") != "00":
            log.warning("registry %s %s: unexpected answer (HTTP %s)", self.registry, path, status)
            raise errors.unavailable(self.registry, status=status)
        return data


def _code(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return ""
    return str(data.get("MaLoi", "")) if isinstance(data, dict) else ""


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text or "", "%d/%m/%Y").date()
    except ValueError:
        return None


class HttpPopulationRegistry(PopulationRegistry, _JsonOverHttp):
    """``POST /dan-cu/tra-cuu {"SoDinhDanh"}`` (docs/registries.md)."""

    name = "fake-http"
    registry = POPULATION

    def __init__(self, url: str = "", timeout: float | None = None) -> None:
        super().__init__(
            url or settings.EGOV_POPULATION_URL,
            settings.EGOV_REGISTRY_TIMEOUT_SECONDS if timeout is None else timeout,
        )

    def person(self, id_number: str) -> Person:
        data = self.post("/dan-cu/tra-cuu", {"SoDinhDanh": id_number})
        if data is None:
            raise errors.not_found(POPULATION)
        found = data.get("CongDan") or {}
        return Person(
            id_number=str(found.get("SoDinhDanh", id_number)),
            full_name=str(found.get("HoVaTen", "")),
            birth_date=_date(str(found.get("NgaySinh", ""))),
            sex={"1": MALE, "2": FEMALE}.get(str(found.get("GioiTinh", "")), ""),
            permanent_address=str(found.get("ThuongTru", "")),
            phone=str(found.get("SoDienThoai", "") or ""),
        )


class HttpBusinessRegistry(BusinessRegistry, _JsonOverHttp):
    """``POST /doanh-nghiep/tra-cuu {"MaSoDoanhNghiep"}`` (docs/registries.md)."""

    name = "fake-http"
    registry = BUSINESS

    def __init__(self, url: str = "", timeout: float | None = None) -> None:
        super().__init__(
            url or settings.EGOV_BUSINESS_URL,
            settings.EGOV_REGISTRY_TIMEOUT_SECONDS if timeout is None else timeout,
        )

    def business(self, code: str) -> Business:
        data = self.post("/doanh-nghiep/tra-cuu", {"MaSoDoanhNghiep": code})
        if data is None:
            raise errors.not_found(BUSINESS)
        found = data.get("DoanhNghiep") or {}
        return Business(
            enterprise_code=str(found.get("MaSoDoanhNghiep", code)),
            tax_code=str(found.get("MaSoThue", "") or found.get("MaSoDoanhNghiep", code)),
            name=str(found.get("TenDoanhNghiep", "")),
            address=str(found.get("DiaChiTruSo", "")),
            legal_representative=str(found.get("NguoiDaiDienPhapLuat", "")),
            status=str(found.get("TinhTrang", "")),
        )


CHOICES = {
    POPULATION: {"fake-http": HttpPopulationRegistry},
    BUSINESS: {"fake-http": HttpBusinessRegistry},
}


def _chosen(registry: str, setting: str) -> Any:
    if setting in ("", "none"):
        return None
    cls = CHOICES[registry].get(setting) or import_string(setting)
    return cls()


def population() -> PopulationRegistry | None:
    """The configured population database client (``EGOV_POPULATION_PROVIDER``), or
    None when there is none."""
    return _chosen(POPULATION, settings.EGOV_POPULATION_PROVIDER)


def business() -> BusinessRegistry | None:
    """The configured business registry client (``EGOV_BUSINESS_PROVIDER``), or None."""
    return _chosen(BUSINESS, settings.EGOV_BUSINESS_PROVIDER)


def enabled(registry: str) -> bool:
    setting = {
        POPULATION: settings.EGOV_POPULATION_PROVIDER,
        BUSINESS: settings.EGOV_BUSINESS_PROVIDER,
    }
    return setting[registry] not in ("", "none")
