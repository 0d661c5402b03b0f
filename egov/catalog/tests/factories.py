"""Test data for the catalogue: content dicts (the shape the services take) and a
helper that publishes a procedure through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from egov.catalog import services
from egov.catalog.models import Field, ProcedureVersion
from egov.core.permissions import SYSTEM


def field(code: str = "ho-tich", name: str = "Hộ tịch") -> Field:
    return Field.objects.get_or_create(code=code, defaults={"name": name})[0]


def steps(total_hours: int = 24) -> list[dict[str, Any]]:
    """A usual three-step workflow: desk (4 h), specialist (rest minus 4), leader (4)."""
    return [
        {
            "order": 1,
            "name": "Tiếp nhận hồ sơ",
            "role": "desk_officer",
            "department": "Bộ phận Một cửa",
            "hours": Decimal(4),
            "actions": ["forward", "request_supplement"],
            "is_final": False,
        },
        {
            "order": 2,
            "name": "Thẩm định",
            "role": "specialist",
            "department": "Phòng Tư pháp",
            "hours": Decimal(total_hours - 8),
            "actions": ["forward", "send_back", "consult"],
            "is_final": False,
        },
        {
            "order": 3,
            "name": "Phê duyệt, ký, trả kết quả",
            "role": "agency_leader",
            "department": "Lãnh đạo UBND",
            "hours": Decimal(4),
            "actions": ["approve", "sign", "return_result", "send_back"],
            "is_final": True,
        },
    ]


def content(
    code: str = "1.001193", name: str = "Thủ tục đăng ký khai sinh", **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": name,
        "field_code": field().code,
        "tiers": ["commune"],
        "agencies": [],
        "legal_basis": "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
        "applicant_types": ["citizen"],
        "channels": ["counter", "post", "online"],
        "time_amount": Decimal(3),
        "time_unit": "working_days",
        "same_day": False,
        "cutoff_15h": True,
        "service_level": 4,
        "online_class": "full",
        "description": "",
        "components": [
            {
                "name": "Tờ khai đăng ký khai sinh",
                "originals": 1,
                "certified_copies": 0,
                "photocopies": 0,
                "mandatory": True,
                "reusable": False,
                "template": "",
            },
            {
                "name": "Giấy chứng sinh",
                "originals": 1,
                "certified_copies": 0,
                "photocopies": 0,
                "mandatory": True,
                "reusable": True,
                "template": "",
            },
        ],
        "fees": [
            {
                "name": "Lệ phí đăng ký khai sinh",
                "amount": 0,
                "collector": "UBND cấp xã",
                "payable_online": True,
                "note": "Miễn lệ phí khi đăng ký đúng hạn",
            }
        ],
        "results": [{"name": "Giấy khai sinh", "code": "KQ.G15.000031"}],
        "participants": [],
        "workflows": [{"agency": "", "tier": "", "steps": steps(24)}],
    }
    data.update(overrides)
    return data


def published(
    code: str = "1.001193", effective_from: datetime.date | None = None, **overrides: Any
) -> ProcedureVersion:
    version = services.save_draft(actor=SYSTEM, content=content(code, **overrides))
    return services.publish_version(
        actor=SYSTEM, version=version, effective_from=effective_from or datetime.date(2024, 1, 1)
    )
