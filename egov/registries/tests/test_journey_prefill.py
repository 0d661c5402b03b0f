"""Browser journey (Playwright + Debian's Chromium against the live server, on a 360 px
phone screen): the citizen presses "Lấy thông tin từ CSDL dân cư" on the applicant step
while the registry is down (a clear message, what she typed still there), then again
once it is back (her permanent address fills the field, which she can still edit); both
pages pass axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from egov.core.models import AuditEntry
from egov.dossiers.tests.factories import district_procedure
from egov.dossiers.tests.journeys import ARTIFACTS, PASSWORD, browser, review_workflow
from egov.portal.models import Application
from egov.registries.tests.fixtures import CITIZEN, registries

__all__ = ["browser", "registries"]

pytestmark = pytest.mark.usefixtures("committed_db")

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings (as the portal's accessibility test runs it)."""
    results = Axe().run(page, options=WCAG)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


@pytest.fixture
def version(committed_db):
    return district_procedure(
        "2.000720", workflows=[{"agency": "", "tier": "", "steps": review_workflow()}]
    )


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_the_citizen_fills_her_address_from_the_population_registry(
    phone, live_server, people, version, registries
):
    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", people.citizen.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    page.goto(f"{live_server.url}/thu-tuc/{version.code}/")
    with page.expect_navigation():
        page.click("#apply-online")
    page.select_option("#agency", label="UBND huyện Chợ Mới")
    with page.expect_navigation():
        page.click("#start-application")
    expect(page.locator("#step-title")).to_have_text("Người nộp hồ sơ")

    # The registry is down: a clear message, and what she typed is still there.
    registries.control(mode="fail", status=503)
    page.fill("#address", "")
    page.fill("#phone", "0987654321")
    with page.expect_navigation():
        page.click("#registry-fill")
    expect(page.locator("#registry-notice")).to_contain_text(
        "CSDL quốc gia về dân cư đang không trả lời được"
    )
    expect(page.locator("#registry-notice")).to_contain_text("vẫn được giữ nguyên")
    expect(page.locator("#phone")).to_have_value("0987654321")
    page.screenshot(path=str(ARTIFACTS / "registries-prefill-01-unavailable.png"), full_page=True)
    assert violations(page) == []

    # Back: her permanent address fills the field; her phone stays; she edits the address.
    registries.control(mode="ok")
    with page.expect_navigation():
        page.click("#registry-fill")
    notice = page.locator("#registry-notice")
    expect(notice).to_contain_text("Thông tin từ CSDL quốc gia về dân cư")
    expect(page.locator("#registry-name")).to_have_text("Hoàng Thị Lan")
    expect(page.locator("#registry-birth-date")).to_have_text("12/04/1990")
    expect(page.locator("#address")).to_have_value(CITIZEN["ThuongTru"])
    expect(page.locator("#phone")).to_have_value("0987654321")
    page.screenshot(path=str(ARTIFACTS / "registries-prefill-02-filled.png"), full_page=True)
    assert violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 362, f"the page scrolls sideways at 360 px ({width} px)"
    page.fill("#address", CITIZEN["ThuongTru"] + " (nhà số 7)")
    with page.expect_navigation():
        page.click("#next")
    expect(page.locator("#step-title")).to_have_text("Nội dung yêu cầu, cách nhận kết quả")

    application = Application.objects.get(owner=people.citizen)
    assert application.data["address"] == CITIZEN["ThuongTru"] + " (nhà số 7)"
    assert application.data["phone"] == "0987654321"
    assert [r["body"] for r in registries.received()] == [{"SoDinhDanh": "006190001234"}] * 2
    outcomes = AuditEntry.objects.filter(action="registry.population_lookup").order_by("id")
    assert [e.changes["outcome"] for e in outcomes] == ["registry_unavailable", "found"]
