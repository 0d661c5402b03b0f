"""Validation of a version's content, internal workflows in particular."""

from __future__ import annotations

from decimal import Decimal

import pytest

from egov.catalog import content as content_mod
from egov.catalog import services
from egov.catalog.tests.factories import content, steps
from egov.catalog.text import normalise
from egov.core.errors import DomainError
from egov.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


def problems(data, publish=True):
    return content_mod.validate(data, services.Lookups.load().known(), publish=publish)


def codes(data, publish=True):
    return [p.code for p in problems(data, publish)]


def test_valid_content_has_no_problem():
    assert codes(content()) == []


def test_allotments_must_add_up_to_processing_time():
    wrong = steps(24)
    wrong[1]["hours"] = Decimal(10)
    found = problems(content(workflows=[{"agency": "", "tier": "", "steps": wrong}]))
    assert [p.code for p in found] == ["workflow_allotment_mismatch"]
    assert "18" in found[0].message_en and "24" in found[0].message_en
    assert (found[0].section, found[0].index) == ("workflows", 0)


def test_working_hours_and_same_day_and_calendar_days():
    hours = [
        {
            "order": 1,
            "name": "Giải quyết",
            "role": "desk_officer",
            "hours": Decimal(4),
            "actions": ["approve", "return_result"],
            "is_final": True,
        }
    ]
    wf = [{"agency": "", "tier": "", "steps": hours}]
    assert codes(content(time_amount=Decimal(4), time_unit="working_hours", workflows=wf)) == []
    # Same day: the steps fill one working day at most (8 hours) when no time is given.
    hours[0]["hours"] = Decimal(8)
    assert codes(content(time_amount=Decimal(0), same_day=True, workflows=wf)) == []
    # Calendar days: not added up (their working hours depend on the holidays spanned).
    assert codes(content(time_amount=Decimal(30), time_unit="calendar_days", workflows=wf)) == []
    # Half a working day is 4 hours.
    hours[0]["hours"] = Decimal(4)
    assert codes(content(time_amount=Decimal("0.5"), workflows=wf)) == []


def test_exactly_one_final_step():
    two = steps(24)
    two[1]["is_final"] = True
    assert codes(content(workflows=[{"steps": two}])) == ["workflow_final_step_count"]
    none = steps(24)
    none[2]["is_final"] = False
    assert codes(content(workflows=[{"steps": none}])) == ["workflow_final_step_count"]


def test_final_step_is_last():
    s = steps(24)
    s[2]["is_final"], s[1]["is_final"] = False, True
    assert codes(content(workflows=[{"steps": s}])) == ["workflow_final_not_last"]


def test_every_step_reachable():
    s = steps(24)
    s[1]["actions"] = ["consult", "send_back"]  # no way forward from step 2
    found = problems(content(workflows=[{"steps": s}]))
    assert [p.code for p in found] == ["workflow_step_unreachable"]
    assert "Step 3" in found[0].message_en


def test_step_role_hours_and_actions_checked():
    s = steps(24)
    s[0]["role"] = "janitor"
    s[1]["hours"] = Decimal(0)
    s[2]["actions"] = ["dance"]
    found = problems(content(workflows=[{"steps": s}]))
    assert [(p.code, p.step) for p in found] == [
        ("step_role_invalid", 0),
        ("step_hours_invalid", 1),
        ("step_actions_invalid", 2),
    ]


def test_workflow_for_an_agency_that_does_not_implement(places):
    wf = [{"agency": places.department.code, "tier": "", "steps": steps(24)}]
    assert codes(content(workflows=wf)) == ["workflow_agency_not_implementing"]
    wf = [{"agency": places.commune.code, "tier": "", "steps": steps(24)}]
    assert codes(content(workflows=wf)) == []  # a commune: its tier implements it


def test_service_level_and_channels():
    assert codes(content(channels=["counter"], service_level=3, online_class="partial")) == [
        "online_channel_required"
    ]
    assert codes(content(service_level=2, online_class="full")) == ["service_level_mismatch"]
    assert codes(content(service_level=7)) == ["service_level_invalid"]
    assert codes(content(channels=[])) == ["channel_missing", "online_channel_required"]


def test_inter_agency_participants():
    parts = [
        {
            "is_lead": True,
            "agency_name": "UBND cấp xã",
            "task": "Đăng ký khai sinh",
            "time_share": Decimal(1),
        },
        {
            "is_lead": False,
            "agency_name": "Công an cấp huyện",
            "task": "Đăng ký thường trú",
            "time_share": Decimal(1),
        },
        {
            "is_lead": False,
            "agency_name": "BHXH cấp huyện",
            "task": "Cấp thẻ BHYT",
            "time_share": Decimal(1),
        },
    ]
    assert codes(content(participants=parts)) == []
    parts[2]["time_share"] = Decimal(2)
    assert codes(content(participants=parts)) == ["participant_time_exceeds"]
    parts[1]["is_lead"] = True
    assert "participant_lead_count" in codes(content(participants=parts))


def test_unknown_codes_and_bad_numbers():
    bad = content(field_code="khong-co", tiers=["galaxy"], agencies=["000.99.99.H99"], code="ABC")
    bad["fees"][0]["amount"] = "hai nghìn"
    bad["components"][0]["originals"] = -1
    assert codes(bad) == [
        "procedure_code_invalid",
        "field_unknown",
        "tier_unknown",
        "agency_unknown",
        "count_invalid",
        "fee_amount_invalid",
    ]


def test_save_draft_reports_every_problem():
    with pytest.raises(DomainError) as exc:
        services.save_draft(actor=SYSTEM, content=content(code="x", name=""))
    assert exc.value.code == "procedure_code_invalid"
    assert [d["code"] for d in exc.value.details] == ["procedure_code_invalid", "required"]


def test_normalise():
    assert normalise("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert normalise("  Cấp   giấy phép xây dựng ") == "cap giay phep xay dung"
    assert normalise("Thủ tục đổi GPLX") == "thu tuc doi gplx"
