"""Accessible and mobile (issue 14 point 9): the portal's pages pass axe-core's WCAG 2.1
A and AA rules (colour contrast included) in Debian's Chromium at 360 px, with no
sideways scrolling; the application can be done with the keyboard alone; English is
one click away. axe-core comes with the axe-playwright-python package and is injected
from disk: nothing is fetched from the internet."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from egov.dossiers import services as dossier_services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import district_procedure
from egov.dossiers.tests.journeys import browser
from egov.portal import services
from egov.portal.tests.test_apply import pdf
from egov.portal.tests.test_journey_apply import Citizen, citizen

__all__ = ["browser", "citizen"]

pytestmark = pytest.mark.usefixtures("committed_db")

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def _check(c: Citizen, path: str) -> None:
    c.go(path)
    assert _violations(c.page) == [], path
    c.no_sideways_scroll()


@pytest.fixture
def version(committed_db):
    return district_procedure(
        "2.000720",
        fees=[{"name": "Lệ phí", "amount": 30_000, "collector": "", "payable_online": True}],
    )


def test_the_portal_pages_pass_wcag_21_aa_at_360_px(citizen, people, places, version):
    visitor = citizen(login=False)
    for path in (
        "/",
        "/thu-tuc/",
        f"/thu-tuc/{version.code}/",
        f"/nop-truc-tuyen/{version.code}/",
        "/tra-cuu/",
        "/accounts/login/",
        "/tai-khoan/dang-ky/",
        "/xac-thuc-chu-ky-so/",
    ):
        _check(visitor, path)

    application = services.start(
        actor=people.citizen, procedure_code=version.code, agency_id=places.district.pk
    )
    c = citizen()
    for step in ("nguoi-nop", "thong-tin", "giay-to", "phi", "xem-lai"):
        _check(c, f"/ca-nhan/nop/{application.pk}/{step}/")
    # With every error shown next to its field.
    c.go(f"/ca-nhan/nop/{application.pk}/nguoi-nop/")
    c.page.fill("#address", "")
    c.page.fill("#phone", "12")
    with c.page.expect_navigation():
        c.page.click("#next")
    expect(c.page.locator("#err-phone")).to_be_visible()
    assert c.page.get_attribute("#phone", "aria-describedby") == "err-phone"
    assert _violations(c.page) == []

    services.save(
        actor=people.citizen,
        application=application,
        step="nguoi-nop",
        data={"address": "Tổ 1", "phone": "0912345678"},
    )
    services.save(
        actor=people.citizen,
        application=application,
        step="thong-tin",
        data={"delivery": "counter"},
    )
    services.attach(
        actor=people.citizen,
        application=application,
        files={f"c{x.pk}-file": pdf() for x in version.components.all()},
    )
    dossier = services.submit(actor=people.citizen, application=application, consent=True)
    _check(c, "/ca-nhan/ho-so/")
    _check(c, f"/ca-nhan/ho-so/{dossier.code}/")
    dossier = dossier_services.accept(actor=people.desk_officer, dossier=dossier)
    _check(c, f"/ca-nhan/ho-so/{dossier.code}/")
    _check(c, "/tai-khoan/ho-so/")
    _check(c, f"/thanh-toan/{dossier.code}/")  # the pay-online page
    # The rating form, once the result was handed over.
    Dossier.objects.filter(pk=dossier.pk).update(status="returned")
    c.go(f"/ca-nhan/ho-so/{dossier.code}/")
    expect(c.page.locator("#rating form")).to_be_visible()
    assert _violations(c.page) == []


def test_the_application_can_be_done_with_the_keyboard(citizen, version):
    c = citizen()
    c.go(f"/thu-tuc/{version.code}/")
    page = c.page
    page.focus("#apply-online")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.focus("#agency")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "start-application"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#step-title")).to_have_text("Người nộp hồ sơ")
    page.focus("#address")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "phone"
    page.keyboard.type("0912345678")
    page.keyboard.press("Enter")  # sends the form, as a person expects
    page.wait_for_url("**/thong-tin/")


def test_english_is_one_click_away(citizen, version):
    c = citizen(login=False)
    c.go(f"/thu-tuc/{version.code}/")
    with c.page.expect_navigation():
        c.page.click('button[name="language"][value="en"]')
    expect(c.page.locator("#apply-online")).to_have_text("Apply online")
    c.go("/")
    expect(c.page.locator("#home-mine")).to_contain_text("My dossiers")
    assert Dossier.objects.count() == 0
