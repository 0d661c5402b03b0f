"""Browser journey (Playwright + Debian's Chromium against the live server and the
fake payment platform): the citizen, on a 360 px phone, pays a dossier's fees online;
the platform declines the first payment, the retry succeeds, the receipt shows, and
the desk's dossier page shows the fee paid."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from egov.dossiers.models import Dossier
from egov.dossiers.tests.journeys import ARTIFACTS, PASSWORD, Desk, browser, person
from egov.payments.models import Method, OnlineTransaction, TransactionState
from egov.payments.tests.online import owned_dossier

__all__ = ["browser", "person"]  # fixtures of journeys.py

pytestmark = pytest.mark.usefixtures("committed_db")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_failed_payment_then_a_successful_retry(browser, live_server, people, platform, person):
    dossier = owned_dossier(people)
    platform.control(fail_next=1)  # the platform declines the first payment
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15000)
    shots = iter(range(1, 100))

    def shot(what: str) -> None:
        name = f"online_payment-{next(shots):02d}-citizen-{what}.png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", people.citizen.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/thanh-toan/{dossier.code}/")
    expect(page.locator("table.fees tbody tr")).to_have_count(2)
    expect(page.locator("#outstanding")).to_have_text("125.000 đ")
    assert _fits(page)
    shot("fees")

    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url(f"{platform.url}/pay/**")
    expect(page.locator("#amount")).to_have_text("125,000 đ")
    shot("platform")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url(re.compile(r"/thanh-toan/.+/ket-qua/.+-TT01/"))
    expect(page.locator("#outcome")).to_contain_text("Thanh toán không thành công.")
    assert _fits(page)
    shot("failed")

    page.get_by_role("button", name="Thanh toán lại").click()
    page.wait_for_url(f"{platform.url}/pay/**")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url(re.compile(r"/thanh-toan/.+/ket-qua/.+-TT02/"))
    expect(page.locator("#outcome")).to_contain_text("Thanh toán thành công.")
    shot("succeeded")

    page.get_by_role("link", name="Xem và in biên lai").click()
    page.wait_for_url(re.compile(r"/thanh-toan/.+/bien-lai/\d{4}-\d{6}/"))
    body = page.inner_text("body")
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in body and "125.000" in body
    assert "Một trăm hai mươi lăm nghìn đồng" in body and "Trực tuyến" in body
    shot("receipt")
    context.close()

    attempts = list(OnlineTransaction.objects.filter(dossier=dossier).order_by("id"))
    assert [t.state for t in attempts] == [TransactionState.FAILED, TransactionState.SUCCEEDED]
    assert [c["payload"]["MaLoi"] for c in platform.of_kind("callback")] == ["51", "00"]
    paid = Dossier.objects.get(pk=dossier.pk)
    assert paid.fee_paid == 125_000 and paid.payments.get().method == Method.ONLINE

    desk: Desk = person("desk_officer")
    desk.open(dossier.code)
    fees = desk.page.locator("section.fees")
    expect(fees.locator(".badge")).to_have_text("đã nộp phí")
    expect(fees).to_contain_text("Trực tuyến")
    expect(fees.locator("dd strong")).to_have_text("0 đ")
    desk.shot("fee-paid")
