"""Browser journeys of the back office (Playwright + Debian's Chromium against the live
server): a dossier taken from the counter to the returned result by the people of UBND
huyện Chợ Mới using only the pages, and the other ways a dossier ends or pauses."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.core.models import OutboxEvent
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist
from egov.dossiers.tests.journeys import (
    Desk,
    browser,
    person,
    result_file,
    review_workflow,
)

__all__ = ["browser", "person"]  # fixtures of journeys.py

pytestmark = pytest.mark.usefixtures("committed_db")


@pytest.fixture
def version(committed_db):
    return district_procedure(
        "2.000720",
        workflows=[{"agency": "", "tier": "", "steps": review_workflow()}],
        fees=[FEE],
    )


FEE = {"name": "Lệ phí đăng ký", "amount": 100_000, "collector": "", "note": ""}


def _receive_at_counter(desk: Desk, version, outcome: str, reason: str = "", missing=()):
    page = desk.page
    page.get_by_role("link", name="Tiếp nhận").first.click()
    page.wait_for_url("**/mot-cua/tiep-nhan/")
    with page.expect_response(lambda r: "/tiep-nhan/thanh-phan/" in r.url):
        page.select_option("#id_procedure", version.code)
    page.wait_for_selector("#checklist [data-row]")
    page.fill("#id_name", "Nông Văn Dũng")
    page.fill("#id_id_number", "006090001122")
    page.fill("#id_birth_date", "17/05/1990")
    page.fill("#id_address", "Thôn Nà Pài, xã Yên Đĩnh")
    page.fill("#id_phone", "0987654321")
    for pk in missing:
        page.check(f'#checklist input[name="missing"][value="{pk}"]')
    if reason:
        page.fill("#id_reason", reason)
    desk.shot("reception")
    with page.expect_navigation():
        page.click(f'.outcome button[value="{outcome}"]')
    return page.inner_text(".ws-head .code")


def test_counter_to_return_through_every_role(person, version, tmp_path):
    desk = person("desk_officer")
    assert desk.page.url.endswith("/mot-cua/")  # the desk lands on its workspace
    code = _receive_at_counter(desk, version, "complete")
    desk.expect_status("Đã tiếp nhận")
    assert code in desk.printed("01")
    assert desk.count("to_forward") == 1
    desk.open(code)
    desk.act("Chuyển xử lý")
    desk.expect_status("Đang xử lý")
    desk.shot("forwarded")

    specialist = person("specialist")
    assert specialist.page.url.endswith("/mot-cua/hang-doi/to_process/")
    assert code in specialist.page.inner_text("main")
    assert specialist.count("to_process") == 1
    specialist.open(code)
    specialist.act("Chuyển bước tiếp", fill={"note": "Hồ sơ hợp lệ"})
    specialist.shot("appraised")

    head = person("department_head")
    assert head.page.url.endswith("/mot-cua/hang-doi/to_sign/")
    assert (head.count("to_sign"), head.count("to_process")) == (1, 0)
    head.open(code)
    head.act("Chuyển bước tiếp")

    leader = person("agency_leader")
    assert leader.count("to_sign") == 1
    leader.open(code)
    buttons = leader.buttons()
    # The defect of issue 12: "Phê duyệt" and "Ký duyệt" answered 409 at this step.
    assert "Phê duyệt, ghi nhận kết quả" in buttons and "Từ chối giải quyết" in buttons
    assert "Phê duyệt" not in buttons and "Ký duyệt" not in buttons
    leader.shot("to-decide")
    leader.act("Phê duyệt, ghi nhận kết quả", files={"files": result_file(tmp_path)})
    leader.expect_status("Đã giải quyết xong")
    assert leader.count("to_sign") == 0

    assert desk.count("to_return") == 1
    desk.open(code)
    # The fee is owed: the desk is told what, and not offered the return yet.
    fees = desk.page.inner_text(".fees")
    assert "còn phải nộp 100.000 đ" in fees and "chưa nộp phí" in fees
    assert "Trả kết quả" not in desk.buttons()
    desk.act("Thu phí, lệ phí", pick={"method": "cash"})
    receipt = desk.receipt()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in receipt and code in receipt
    assert "100.000 đồng" in receipt and "Một trăm nghìn đồng" in receipt
    assert "đã nộp phí" in desk.page.inner_text(".fees")
    desk.shot("fee-paid")
    desk.act("Trả kết quả", pick={"channel": "counter"})
    desk.expect_status("Đã trả kết quả")
    assert "ket-qua.pdf" in desk.page.inner_text("main")
    desk.shot("returned")
    assert desk.count("to_return") == 0
    dossier = Dossier.objects.get(code=code)
    assert dossier.result_files.count() == 1
    # Returned before the appointment: the applicant was told in advance.
    notices = OutboxEvent.objects.filter(
        topic="dossier.early_return_notice", aggregate_id=str(dossier.pk)
    )
    assert notices.count() == 1


def test_incomplete_reception_then_supplement(person, version):
    desk = person("desk_officer")
    first = version.components.order_by("pk").first()
    code = _receive_at_counter(desk, version, "incomplete", missing=[first.pk])
    desk.expect_status("Chưa đủ")
    form = desk.printed("02")
    assert code in form and first.name in form
    assert desk.count("waiting_supplement") == 1
    desk.open(code)
    desk.act("Nhận thành phần bổ sung")
    desk.expect_status("Mới đăng ký")
    desk.act("Đủ - tiếp nhận")
    desk.expect_status("Đã tiếp nhận")
    assert code in desk.printed("01")
    assert desk.count("waiting_supplement") == 0
    desk.shot("received")


def test_refusal_at_reception(person, version):
    desk = person("desk_officer")
    code = _receive_at_counter(desk, version, "refused", reason="Không thuộc thẩm quyền")
    desk.expect_status("Từ chối tiếp nhận")
    form = desk.printed("03")
    assert code in form and "Không thuộc thẩm quyền" in form
    assert desk.buttons() == []
    desk.shot("refused")


def _at_specialist(people, version) -> Dossier:
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    return services.forward(actor=people.desk_officer, dossier=dossier)


def test_supplement_requested_by_the_agency_and_answered(person, people, version):
    code = _at_specialist(people, version).code
    first = version.components.order_by("pk").first()
    specialist = person("specialist")
    specialist.open(code)
    specialist.act("Yêu cầu bổ sung", fill={"reason": "Bản sao không rõ"}, ticks=[first.pk])
    specialist.expect_status("Yêu cầu bổ sung")
    form = specialist.printed("02")
    assert "Bản sao không rõ" in form and first.name in form
    assert specialist.count("to_process") == 0

    desk = person("desk_officer")
    assert desk.count("waiting_supplement") == 1
    desk.open(code)
    desk.act("Nhận hồ sơ bổ sung")
    desk.expect_status("Đang xử lý")
    desk.shot("supplied")
    assert specialist.count("to_process") == 1


def test_apology_with_a_new_date(person, people, version):
    dossier = _at_specialist(people, version)
    specialist = person("specialist")
    specialist.open(dossier.code)
    # The form proposes a date two working days after the appointment.
    specialist.act("Xin lỗi, hẹn lại ngày trả", fill={"reason": "Cần xác minh thêm"})
    specialist.expect_status("Đang xử lý")
    assert "đã hẹn lại" in specialist.page.inner_text("main")
    form = specialist.printed("04")
    assert dossier.code in form and "Cần xác minh thêm" in form
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.extended and fresh.due_at > dossier.due_at
    assert "Xin lỗi, hẹn lại ngày trả" not in specialist.buttons()  # once only


def test_refusal_after_appraisal(person, people, version):
    dossier = services.advance(actor=people.specialist, dossier=_at_specialist(people, version))
    services.advance(actor=people.department_head, dossier=dossier)
    leader = person("agency_leader")
    leader.open(dossier.code)
    leader.act("Từ chối giải quyết", fill={"reason": "Không đủ điều kiện theo quy định"})
    leader.expect_status("Đã giải quyết xong")
    form = leader.printed("03")
    assert dossier.code in form and "Không đủ điều kiện" in form
    desk = person("desk_officer")
    assert desk.count("to_return") == 1
    desk.open(dossier.code)
    desk.act("Trả kết quả")
    desk.expect_status("Đã trả kết quả")
    # A refusal is handed over without collecting the fee (it is for the service).
    assert Dossier.objects.get(pk=dossier.pk).fee_paid == 0


def test_fee_exempted_with_a_reason_then_returned(person, people, version, tmp_path):
    dossier = services.advance(actor=people.specialist, dossier=_at_specialist(people, version))
    dossier = services.advance(actor=people.department_head, dossier=dossier)
    services.record_result(actor=people.agency_leader, dossier=dossier)
    desk = person("desk_officer")
    desk.open(dossier.code)
    # An exemption without its reason: the message is next to the form, nothing written.
    desk.act("Thu phí, lệ phí", pick={"method": "exempt"})
    box = desk.page.locator("#act-record_payment")
    expect(box.locator(".ws-error")).to_contain_text("lý do (căn cứ) miễn")
    assert "chưa nộp phí" in desk.page.inner_text(".fees")
    desk.shot("exemption-refused")
    box.locator('select[name="method"]').select_option("exempt")
    box.locator('[name="exemption_reason"]').fill("Hộ nghèo theo Nghị định 07/2021/NĐ-CP")
    with desk.page.expect_navigation():
        box.locator("button[type=submit]").click()
    receipt = desk.receipt()
    assert "Hộ nghèo" in receipt and dossier.code in receipt
    fees = desk.page.inner_text(".fees")
    assert "miễn phí" in fees and "Hộ nghèo" in fees
    desk.act("Trả kết quả")
    desk.expect_status("Đã trả kết quả")
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.fee_paid, fresh.fee_exempted) == (0, 100_000)


def test_the_reception_form_keeps_the_scan_after_an_error(person, version, tmp_path):
    desk = person("desk_officer")
    page = desk.page
    desk.go("/mot-cua/tiep-nhan/")
    with page.expect_response(lambda r: "/tiep-nhan/thanh-phan/" in r.url):
        page.select_option("#id_procedure", version.code)
    page.wait_for_selector("#checklist [data-row]")
    first = version.components.order_by("pk").first()
    page.set_input_files(f'input[name="c{first.pk}-file"]', result_file(tmp_path))
    page.fill("#id_id_number", "006090001")  # too short; and no name
    with page.expect_navigation():
        page.click('.outcome button[value="complete"]')
    # Both errors at once, each next to its field; the scan is still attached.
    expect(page.locator(".fld.has-error", has=page.locator("#id_name"))).to_contain_text(
        "Thiếu họ tên"
    )
    expect(page.locator(".fld.has-error", has=page.locator("#id_id_number"))).to_be_visible()
    expect(page.locator(f'[data-staged="{first.pk}"]')).to_contain_text("ket-qua.pdf")
    desk.shot("kept")
    page.fill("#id_name", "Nông Văn Dũng")
    page.fill("#id_id_number", "006090001122")
    with page.expect_navigation():
        page.click('.outcome button[value="complete"]')
    desk.expect_status("Đã tiếp nhận")
    assert "ket-qua.pdf" in page.inner_text("main")
