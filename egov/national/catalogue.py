"""The catalogue pull (issue 16, point 6): the national procedures
(``LayDanhSachTTHC``, each one's ``LayThuTuc``) and fields (``LayDanhMucLinhVuc``)
become drafts of the procedure catalogue, for a catalogue administrator to review,
complete (the province's agencies and internal workflow) and publish. Nothing is
published here. A procedure whose national text did not change since the last pull
makes no new draft; a changed one updates the draft still under review, or starts a
new one. Every write goes through ``egov.catalog.services`` (audited there).

Run ``manage.py national_pull_catalogue`` on a schedule (cron, daily) or from the admin."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

from egov.catalog import services as catalog
from egov.catalog.models import ProcedureVersion
from egov.core.permissions import SYSTEM
from egov.national import portal
from egov.national.models import CataloguePull

TIERS = {"cấp tỉnh": "province", "cấp huyện": "district", "cấp xã": "commune"}
UNITS = {"ngày làm việc": "working_days", "giờ làm việc": "working_hours", "ngày": "calendar_days"}


def _time(text: str) -> tuple[Decimal, str, bool]:
    """(amount, unit, same day) of a national time limit ("3 ngày làm việc")."""
    lowered = " ".join(str(text or "").split()).casefold()
    if "trong ngày" in lowered:
        return Decimal(0), "working_days", True
    found = re.match(r"(\d+(?:[.,]\d+)?)\s*(.*)", lowered)
    if not found:
        return Decimal(0), "working_days", False
    unit = next((UNITS[u] for u in UNITS if found.group(2).startswith(u)), "working_days")
    return Decimal(found.group(1).replace(",", ".")), unit, False


def content_of(detail: dict[str, Any]) -> dict[str, Any]:
    """A national procedure (``LayThuTuc``) as the catalogue's content dict
    (``catalog.content``); the province completes agencies and workflows."""
    amount, unit, same_day = _time(detail.get("ThoiHanGiaiQuyet", ""))
    tiers = sorted(
        {TIERS[t.casefold()] for t in detail.get("CapThucHien") or [] if t.casefold() in TIERS}
    )
    return {
        "code": detail["MaTTHC"],
        "name": detail.get("TenTTHC", ""),
        "field_code": detail.get("MaLinhVuc", ""),
        "tiers": tiers,
        "agencies": [],
        "legal_basis": detail.get("CanCuPhapLy", ""),
        "applicant_types": ["citizen"],
        "channels": ["counter", "online"],
        "time_amount": amount,
        "time_unit": unit,
        "same_day": same_day,
        "cutoff_15h": False,
        "service_level": 2,
        "online_class": "",
        "description": f"Lấy từ Cổng Dịch vụ công quốc gia ({detail['MaTTHC']}).",
        "components": [
            {
                "name": c.get("TenGiayTo", ""),
                "originals": 1,
                "certified_copies": 0,
                "photocopies": 0,
                "mandatory": bool(c.get("BatBuoc", True)),
                "reusable": False,
                "template": "",
            }
            for c in detail.get("ThanhPhanHoSo") or []
        ],
        "fees": [
            {
                "name": f.get("MoTa", ""),
                "amount": int(f.get("MucPhi") or 0),
                "collector": "",
                "payable_online": False,
                "collected_on_return": False,
                "note": "",
            }
            for f in detail.get("LePhi") or []
        ],
        "results": [],
        "participants": [],
        "workflows": [],
    }


def _fingerprint(detail: dict) -> str:
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def pull_catalogue(*, actor: Any = SYSTEM, client: portal.NationalPortal | None = None) -> dict:
    """Pull the national catalogue; returns counts (``fields``, ``created``, ``updated``,
    ``unchanged``). Raises ``portal.PortalUnavailable`` when the portal is down (the next
    scheduled run tries again)."""
    client = client or portal.provider()
    if client is None:
        return {"fields": 0, "created": 0, "updated": 0, "unchanged": 0}
    counts = {"fields": 0, "created": 0, "updated": 0, "unchanged": 0}
    for field in client.catalogue("LayDanhMucLinhVuc") or []:
        catalog.save_field(actor=actor, code=field["MaLinhVuc"], name=field["TenLinhVuc"])
        counts["fields"] += 1
    for item in client.catalogue("LayDanhSachTTHC") or []:
        detail = client.catalogue("LayThuTuc", MaTTHC=item["MaTTHC"])
        fingerprint = _fingerprint(detail)
        pulled = CataloguePull.objects.filter(code=detail["MaTTHC"]).first()
        if pulled is not None and pulled.fingerprint == fingerprint:
            counts["unchanged"] += 1
            continue
        draft = None
        if pulled is not None and pulled.version_id:
            draft = ProcedureVersion.objects.filter(
                pk=pulled.version_id, status=ProcedureVersion.Status.DRAFT
            ).first()
        version = catalog.save_draft(actor=actor, content=content_of(detail), version=draft)
        counts["updated" if draft else "created"] += 1
        CataloguePull.objects.update_or_create(
            code=detail["MaTTHC"],
            defaults={"fingerprint": fingerprint, "version": version, "pulled_at": timezone.now()},
        )
    return counts
