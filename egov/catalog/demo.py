"""The demo catalogue (DEMO DATA, see ``demo_data/bac_kan_catalog.py``).

``load`` is idempotent: every procedure goes through ``services.import_version``,
which leaves a procedure alone when its latest version already has the same
content, so a second run writes nothing. Department procedures name their
department when the directory demo (``load_demo``) has created it; otherwise they
are attached to the department tier, so the command works on an empty directory.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from egov.catalog import services
from egov.catalog.demo_data import bac_kan_catalog as data
from egov.catalog.text import slug
from egov.core.permissions import SYSTEM
from egov.directory.models import Agency

FIRST_EFFECTIVE = datetime.date(2025, 7, 1)
TEMPLATE_DIR = "catalog/templates/demo"

_DESK = {
    "commune": "Bộ phận Một cửa UBND xã",
    "district": "Bộ phận Một cửa UBND huyện",
    "department": "Trung tâm Phục vụ hành chính công tỉnh",
}
_SPEC = {
    "commune": "Công chức chuyên môn UBND xã",
    "district": "Phòng chuyên môn UBND huyện",
    "department": "Phòng chuyên môn của Sở",
}
_HEAD = {"district": "Trưởng phòng chuyên môn", "department": "Trưởng phòng chuyên môn"}
_LEAD = {
    "commune": "Lãnh đạo UBND xã",
    "district": "Lãnh đạo UBND huyện",
    "department": "Lãnh đạo Sở",
}


def _step(
    order: int,
    name: str,
    role: str,
    dept: str,
    hours: float,
    actions: list[str],
    final: bool = False,
) -> dict[str, Any]:
    return {
        "order": order,
        "name": name,
        "role": role,
        "department": dept,
        "hours": Decimal(str(hours)),
        "actions": actions,
        "is_final": final,
    }


def workflow(tier: str, total: int) -> list[dict[str, Any]]:
    """The internal workflow of a tier for ``total`` working hours."""
    if total <= 8:
        hours = [1, total - 4, 2, 1]
    elif total <= 24 or tier == "commune":
        hours = [2, total - 8, 4, 2] if total <= 24 else [4, total - 16, 8, 4]
    else:
        hours = [4, total - 24, 8, 8, 4]
    steps = [
        _step(
            1,
            "Tiếp nhận, kiểm tra hồ sơ",
            "desk_officer",
            _DESK[tier],
            hours[0],
            ["forward", "request_supplement"],
        ),
        _step(
            2,
            "Thẩm định hồ sơ",
            "specialist",
            _SPEC[tier],
            hours[1],
            ["forward", "send_back", "consult", "request_supplement"],
        ),
    ]
    if len(hours) == 5:
        steps.append(
            _step(
                3,
                "Xem xét, trình ký",
                "department_head",
                _HEAD[tier],
                hours[2],
                ["forward", "send_back"],
            )
        )
    steps.append(
        _step(
            len(steps) + 1,
            "Phê duyệt, ký kết quả",
            "agency_leader",
            _LEAD[tier],
            hours[-2],
            ["approve", "sign", "send_back"],
        )
    )
    steps.append(
        _step(
            len(steps) + 1,
            "Trả kết quả",
            "desk_officer",
            _DESK[tier],
            hours[-1],
            ["return_result"],
            final=True,
        )
    )
    return steps


def _component(text: str) -> dict[str, Any]:
    template = text.startswith("#")
    optional = text.startswith("~")
    reusable = text.lstrip("#~").startswith("@")
    name = text.lstrip("#~@").strip()
    copy = name.endswith("(bản sao)")
    if copy:
        name = name.removesuffix("(bản sao)").strip()
    return {
        "name": name,
        "originals": 0 if copy else 1,
        "certified_copies": 1 if copy else 0,
        "photocopies": 0,
        "mandatory": not optional,
        "reusable": reusable,
        "template": f"{TEMPLATE_DIR}/{slug(name)}.txt" if template else "",
    }


def _ensure_template(path: str, title: str) -> None:
    if path and not default_storage.exists(path):
        text = (
            f"{title.upper()}\n\n(MẪU DEMO - DEMO TEMPLATE, KHÔNG PHẢI MẪU CHÍNH THỨC)\n\n"
            "Kính gửi: ......................................\n"
            "Họ và tên người yêu cầu: ........................\n"
            "Số định danh cá nhân (CCCD): ....................\n"
            "Nơi cư trú: ....................................\n"
            "Nội dung đề nghị: ..............................\n\n"
            "......, ngày ... tháng ... năm ......\nNGƯỜI YÊU CẦU\n(Ký, ghi rõ họ tên)\n"
        )
        default_storage.save(path, ContentFile(text.encode("utf-8")))


def contents(departments: dict[str, str]) -> list[dict[str, Any]]:
    """The demo procedures as content dicts; ``departments`` maps a department's name
    to its agency code (those present in the directory)."""
    out = []
    for code, name, field, tier, days, level, online, fees, comps, result, opts in data.PROCEDURES:
        same_day = days == 0
        total = days * 8 if days else 8
        agency = departments.get(opts.get("agency", "")) if tier == "department" else None
        applicants = [
            t
            for t, on in (
                ("citizen", opts.get("citizen", True)),
                ("business", opts.get("business", False)),
            )
            if on
        ]
        channels = ["counter", "post", "online"] if level >= 3 else ["counter", "post"]
        collector = opts.get("collector") or {
            "commune": "UBND cấp xã",
            "district": "UBND cấp huyện",
        }.get(tier, opts.get("agency", "Cơ quan giải quyết"))
        participants = [
            {
                "is_lead": lead,
                "agency_name": who,
                "agency": "",
                "tier": "",
                "task": task,
                "time_share": Decimal(share),
            }
            for who, lead, task, share in opts.get("participants", [])
        ]
        out.append(
            {
                "code": code,
                "name": name,
                "field_code": field,
                "tiers": [] if agency else [tier],
                "agencies": [agency] if agency else [],
                "legal_basis": "",
                "applicant_types": applicants,
                "channels": channels,
                "time_amount": Decimal(days),
                "time_unit": "working_days",
                "same_day": same_day,
                "cutoff_15h": same_day or bool(opts.get("cutoff")),
                "service_level": level,
                "online_class": online,
                "description": "Dữ liệu demo (demo data).",
                **({"form_fields": data.FORM_FIELDS[code]} if code in data.FORM_FIELDS else {}),
                "components": [_component(c) for c in comps],
                "fees": [
                    {
                        "name": n,
                        "amount": a,
                        "collector": collector,
                        "payable_online": level == 4,
                        "collected_on_return": bool(on_return and on_return[0]),
                        "note": note,
                    }
                    for n, a, note, *on_return in fees
                ],
                "results": [{"name": r.strip(), "code": ""} for r in result.split(";")],
                "participants": participants,
                "workflows": [{"agency": "", "tier": "", "steps": workflow(tier, total)}],
            }
        )
    return out


def load() -> dict[str, int]:
    """Load (or bring up to date) the demo catalogue. Returns counts by outcome."""
    for code, name in data.FIELDS:
        services.save_field(actor=SYSTEM, code=code, name=name)
    departments = dict(
        Agency.objects.in_force().filter(tier__code="department").values_list("name", "code")
    )
    lookups = services.Lookups.load()
    counts = {"created": 0, "published": 0, "unchanged": 0}
    today = timezone.localdate()
    for content in contents(departments):
        for component in content["components"]:
            _ensure_template(component["template"], component["name"])
        previous = services.latest_published_date_for(content["code"])
        effective = (
            FIRST_EFFECTIVE
            if previous is None
            else max(today, previous + datetime.timedelta(days=1))
        )
        outcome, _ = services.import_version(
            actor=SYSTEM,
            content=content,
            status="published",
            effective_from=effective,
            lookups=lookups,
        )
        counts[outcome] += 1
    return counts
