"""Browser journeys of the citizen portal (Playwright + Debian's Chromium against the
live server, the citizen on a 360 px phone screen): apply online with uploads, the
desk receives, the dossier is processed, the citizen downloads the result and rates
it; a supplement round trip; a draft started on one device and finished on another
with its uploads; a session that expires mid-form loses nothing typed."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from egov.dossiers import services as dossier_services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import district_procedure
from egov.dossiers.tests.journeys import (
    ARTIFACTS,
    PASSWORD,
    PDF,
    browser,
    person,
    review_workflow,
)
from egov.payments.tests.online import platform
from egov.portal.models import Rating
from egov.workdays import engine
from egov.workdays import services as workdays

__all__ = ["browser", "person", "platform"]  # fixtures of journeys.py and payments

pytestmark = pytest.mark.usefixtures("committed_db")


FEE = {"name": "Lệ phí cấp giấy", "amount": 40_000, "collector": "", "payable_online": True}


@pytest.fixture
def version(committed_db):
    return district_procedure(
        "2.000720",
        workflows=[{"agency": "", "tier": "", "steps": review_workflow()}],
        fees=[FEE],
    )


class Citizen:
    """The applicant on a phone: a browser context 360 px wide, logged in."""

    def __init__(self, browser, server: str, user, journey: str, *, login: bool = True):
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.server, self.user, self.journey, self.shots = server, user, journey, 0
        if login:
            self.login()

    def login(self) -> None:
        page = self.page
        if "/accounts/login/" not in page.url:
            page.goto(f"{self.server}/accounts/login/")
        page.fill("#id_username", self.user.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")

    def go(self, path: str) -> None:
        self.page.goto(f"{self.server}{path}")

    def shot(self, what: str) -> None:
        self.shots += 1
        name = f"portal-{self.journey}-{self.shots:02d}-{what}.png"
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)

    def next(self) -> None:
        with self.page.expect_navigation():
            self.page.click("#next")

    def no_sideways_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 362, f"the page scrolls sideways at 360 px ({width} px)"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def citizen(browser, live_server, people, request):
    opened = []
    journey = request.node.name.removeprefix("test_")[:30]

    def open_(login: bool = True) -> Citizen:
        c = Citizen(browser, live_server.url, people.citizen, journey, login=login)
        opened.append(c)
        return c

    yield open_
    for c in opened:
        c.close()


def _scan(tmp_path, name="giay-to.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(PDF)
    return str(path)


def _begin(c: Citizen, version) -> None:
    """From the procedure page to the first step of a new application."""
    c.go(f"/thu-tuc/{version.code}/")
    with c.page.expect_navigation():
        c.page.click("#apply-online")
    c.page.select_option("#agency", label="UBND huyện Chợ Mới")
    with c.page.expect_navigation():
        c.page.click("#start-application")
    expect(c.page.locator("#step-title")).to_have_text("Người nộp hồ sơ")


def _apply(c: Citizen, version, tmp_path) -> str:
    _begin(c, version)
    page = c.page
    expect(page.locator("#identity")).to_contain_text("Hoàng Thị Lan")
    page.fill("#phone", "0912345678")
    c.shot("applicant")
    c.next()
    page.check("#delivery-online")
    page.fill("#summary", "Đề nghị cấp giấy chứng nhận")
    c.next()
    for row in page.locator(".component input[type=file]").all():
        row.set_input_files(_scan(tmp_path))
    c.shot("files")
    c.no_sideways_scroll()
    c.next()
    c.next()  # the fees
    expect(page.locator("#expected-due")).to_contain_text("/")
    page.check("#consent")
    c.shot("review")
    with page.expect_navigation():
        page.click("#submit-application")
    expect(page.locator("#plain-status")).to_have_text("Đã nộp, chờ cán bộ tiếp nhận")
    return page.inner_text("h1 .code")


def test_apply_receive_process_pay_download_and_rate(
    citizen, person, people, version, platform, tmp_path
):
    c = citizen()
    code = _apply(c, version, tmp_path)
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == "submitted" and dossier.applicant_user == people.citizen
    assert dossier.components.exclude(file="").count() == version.components.count()

    desk = person("desk_officer")
    desk.open(code)
    desk.act("Đủ - tiếp nhận")
    desk.expect_status("Đã tiếp nhận")

    c.go("/ca-nhan/ho-so/")
    expect(c.page.locator("#my-dossiers")).to_contain_text(code)
    expect(c.page.locator("#my-dossiers")).to_contain_text("Đã được tiếp nhận")
    expect(c.page.locator("#my-dossiers")).to_contain_text("Cần nộp phí, lệ phí (trực tuyến)")
    c.shot("mine")

    # The citizen pays online on the (fake) national payment platform.
    c.go(f"/ca-nhan/ho-so/{code}/")
    with c.page.expect_navigation():
        c.page.click("#pay-online")
    with c.page.expect_navigation():
        c.page.get_by_role("button", name="Thanh toán trực tuyến").click()
    with c.page.expect_navigation():
        c.page.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(c.page.locator("#outcome")).to_contain_text("Thanh toán thành công.")
    c.shot("paid")
    c.go(f"/ca-nhan/ho-so/{code}/")
    expect(c.page.locator("#fee-status")).to_contain_text("Đã nộp đủ")
    assert Dossier.objects.get(code=code).fee_outstanding == 0

    # The agency processes it (the back-office journeys drive these pages).
    dossier = dossier_services.forward(
        actor=people.desk_officer, dossier=Dossier.objects.get(code=code)
    )
    dossier = dossier_services.advance(actor=people.specialist, dossier=dossier)
    dossier = dossier_services.advance(actor=people.department_head, dossier=dossier)
    leader = person("agency_leader")
    leader.open(code)
    leader.act("Phê duyệt, ghi nhận kết quả", files={"files": _scan(tmp_path, "ket-qua.pdf")})
    leader.expect_status("Đã giải quyết xong")

    c.go(f"/ca-nhan/ho-so/{code}/")
    expect(c.page.locator("#plain-status")).to_have_text("Đã có kết quả")
    expect(c.page.locator("#todo")).to_contain_text("Kết quả đã sẵn sàng")
    href = c.page.locator("#results a.result-file").first.get_attribute("href")
    downloaded = c.context.request.get(f"{c.server}{href}")  # the page's own cookies
    assert downloaded.ok and downloaded.body() == PDF

    desk.open(code)
    desk.act("Trả kết quả")  # offered: the fee was paid online
    desk.expect_status("Đã trả kết quả")

    c.go(f"/ca-nhan/ho-so/{code}/")
    expect(c.page.locator("#todo")).to_contain_text("Mời bạn đánh giá")
    # Unanswered questions are each named next to their question; nothing is stored.
    with c.page.expect_navigation():
        c.page.click("#send-rating")
    expect(c.page.locator("#err-attitude")).to_contain_text("Hãy chọn một câu trả lời")
    assert not Rating.objects.exists()
    for name in ("total_time", "contacts", "bodies"):
        c.page.check(f'#{name} input[value="2"]')
    c.page.check('#attitude input[value="1"]')
    c.page.fill("#comment", "Cán bộ hướng dẫn nhanh")
    with c.page.expect_navigation():
        c.page.click("#send-rating")
    expect(c.page.locator("#rated")).to_contain_text("7/8")
    c.shot("rated")
    rating = Rating.objects.get(dossier__code=code)
    assert (rating.total_time, rating.attitude, rating.comment) == (2, 1, "Cán bộ hướng dẫn nhanh")


def test_a_supplement_round_trip(citizen, person, people, version, tmp_path):
    c = citizen()
    code = _apply(c, version, tmp_path)
    first = version.components.order_by("pk").first()
    desk = person("desk_officer")
    desk.open(code)
    desk.act("Đủ - tiếp nhận")
    dossier = dossier_services.forward(
        actor=people.desk_officer, dossier=Dossier.objects.get(code=code)
    )
    before = dossier.due_at
    specialist = person("specialist")
    specialist.open(code)
    specialist.act("Yêu cầu bổ sung", fill={"reason": "Bản quét bị mờ"}, ticks=[first.pk])

    c.go("/ca-nhan/ho-so/")
    expect(c.page.locator("#my-dossiers")).to_contain_text("Cần bổ sung giấy tờ")
    c.go(f"/ca-nhan/ho-so/{code}/")
    box = c.page.locator("#supplement")
    expect(box).to_contain_text("Bản quét bị mờ")
    expect(box.locator("#missing")).to_contain_text(first.name)
    c.shot("supplement-asked")
    action = c.page.locator("#act-supply")
    action.locator("summary").click()
    action.locator(f'input[name="c{first.pk}-file"]').set_input_files(_scan(tmp_path, "ro.pdf"))
    with c.page.expect_navigation():
        action.locator("button[type=submit]").click()
    expect(c.page.locator("#plain-status")).to_have_text("Đang được giải quyết")
    fresh = Dossier.objects.get(code=code)
    # The time restarts from zero at the supplement (Decree 61/2018 art. 19.4): the full
    # processing time counted from then (later than before, or equal when both fall in
    # the same break between working periods).
    supplied = fresh.events.get(action="supply").at
    restarted = engine.restart_after_supplement(
        workdays.get_calendar(), supplied, version.time_amount, version.time_unit
    )
    assert fresh.status == "processing" and fresh.due_at == restarted >= before
    assert fresh.components.filter(supplement_round__gt=0).exclude(file="").exists()


def test_a_draft_resumes_on_another_device_with_its_files(citizen, version, tmp_path):
    phone = citizen()
    _begin(phone, version)
    phone.page.fill("#phone", "0912345678")
    phone.next()
    phone.next()
    component = phone.page.locator(".component input[type=file]").first
    component.set_input_files(_scan(tmp_path, "khai-sinh.pdf"))
    with phone.page.expect_navigation():
        phone.page.click("#upload")
    expect(phone.page.locator(".attached").first).to_contain_text("khai-sinh.pdf")
    phone.close()

    laptop = citizen()
    laptop.go("/ca-nhan/ho-so/")
    with laptop.page.expect_navigation():
        laptop.page.click("#drafts a.button")
    laptop.page.click("ol.steps a >> text=Giấy tờ kèm theo")
    laptop.page.wait_for_load_state()
    expect(laptop.page.locator(".attached").first).to_contain_text("khai-sinh.pdf")
    laptop.shot("resumed")
    for row in laptop.page.locator(".component:not(:has(.attached)) input[type=file]").all():
        row.set_input_files(_scan(tmp_path))
    laptop.next()
    laptop.next()
    laptop.page.check("#consent")
    with laptop.page.expect_navigation():
        laptop.page.click("#submit-application")
    code = laptop.page.inner_text("h1 .code")
    files = Dossier.objects.get(code=code).components.values_list("original_name", flat=True)
    assert "khai-sinh.pdf" in files


def test_a_session_that_expires_mid_form_loses_nothing_typed(citizen, version):
    c = citizen()
    _begin(c, version)
    c.page.fill("#address", "Số 5, tổ 7, phường Sông Cầu")
    c.page.fill("#phone", "0987000111")
    # The session ends while the person types (idle timeout, a new day): only the
    # session cookie goes, as when the session expires.
    c.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    with c.page.expect_navigation():
        c.page.click("#next")
    assert "/accounts/login/" in c.page.url
    c.login()
    assert c.page.url.endswith("/nguoi-nop/")
    expect(c.page.locator("#address")).to_have_value("Số 5, tổ 7, phường Sông Cầu")
    expect(c.page.locator("#phone")).to_have_value("0987000111")
    expect(c.page.locator(".messages")).to_contain_text("những gì bạn đã nhập được giữ lại")
