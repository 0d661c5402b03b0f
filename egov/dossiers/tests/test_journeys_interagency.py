"""Browser journeys across agencies (Playwright + Debian's Chromium, live server): a
same-level inter-agency dossier whose participant finishes its part and answers a
consultation from its own workspace; a cross-level transfer; withdrawal and stop."""

from __future__ import annotations

from decimal import Decimal

import pytest

from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist
from egov.dossiers.tests.journeys import (
    browser,
    person,
    result_file,
    review_workflow,
)

__all__ = ["browser", "person"]  # fixtures of journeys.py

pytestmark = pytest.mark.usefixtures("committed_db")


def _forwarded(people, version) -> Dossier:
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    return services.forward(actor=people.desk_officer, dossier=dossier)


def test_an_inter_agency_dossier(person, people, places, tmp_path):
    version = district_procedure(
        "2.002000",
        workflows=[{"agency": "", "tier": "", "steps": review_workflow()}],
        participants=[
            {
                "is_lead": True,
                "agency_name": "UBND huyện",
                "agency": "",
                "tier": "district",
                "task": "Chủ trì, cấp giấy",
                "time_share": Decimal(2),
            },
            {
                "is_lead": False,
                "agency_name": "Sở Tư pháp",
                "agency": places.department.code,
                "tier": "",
                "task": "Xác minh hộ tịch",
                "time_share": Decimal(1),
            },
        ],
    )
    code = _forwarded(people, version).code
    specialist = person("specialist")
    specialist.open(code)
    assert "Xác minh hộ tịch" in specialist.page.inner_text("main")
    specialist.act(
        "Xin ý kiến cơ quan khác",
        pick={"agency": places.department.code},
        fill={"question": "Đề nghị cho ý kiến về nhân thân"},
    )
    specialist.act("Chuyển bước tiếp")

    partner = person("other_officer")  # Sở Tư pháp: a participant, and consulted
    partner.open(code)
    buttons = partner.buttons()
    assert "Hoàn thành phần việc liên thông" in buttons and "Trả lời xin ý kiến" in buttons
    assert "Chuyển bước tiếp" not in buttons  # not its workflow
    partner.shot("participant")
    partner.act("Trả lời xin ý kiến", fill={"answer": "Thống nhất"})
    partner.act("Hoàn thành phần việc liên thông", fill={"note": "Đã xác minh"})
    assert partner.buttons() == []

    head = person("department_head")
    head.open(code)
    head.act("Chuyển bước tiếp")
    leader = person("agency_leader")
    leader.open(code)
    main = leader.page.inner_text("main")
    assert "Thống nhất" in main and "Đã xác minh" in main
    leader.act("Phê duyệt, ghi nhận kết quả", files={"files": result_file(tmp_path)})
    leader.expect_status("Đã giải quyết xong")
    leader.shot("decided")
    assert not Dossier.objects.get(code=code).tasks.filter(state="open").exists()


def test_transfer_to_a_higher_authority_and_withdrawal(person, people, places):
    version = district_procedure("1.000001", tiers=["district", "province"])
    code = _forwarded(people, version).code
    leader = person("agency_leader")
    leader.open(code)
    leader.act("Chuyển liên thông lên cấp trên", pick={"agency": places.province.code})
    assert places.province.name in leader.page.inner_text("main")
    assert Dossier.objects.get(code=code).processing_agency == places.province
    leader.shot("transferred")
    # The result comes back to the desk that received it: the desk still holds it.
    desk = person("desk_officer")
    desk.open(code)
    desk.act("Công dân rút hồ sơ", fill={"reason": "Người nộp xin rút"})
    desk.expect_status("Công dân rút hồ sơ")
    assert desk.buttons() == []


def test_stop_processing(person, people):
    version = district_procedure(
        "2.000720", workflows=[{"agency": "", "tier": "", "steps": review_workflow()}]
    )
    code = _forwarded(people, version).code
    head = person("department_head")
    head.open(code)
    head.act("Dừng xử lý", fill={"reason": "Người nộp không bổ sung đúng hạn"})
    head.expect_status("Dừng xử lý")
    assert "Người nộp không bổ sung đúng hạn" in head.page.inner_text("main")
    head.shot("stopped")
