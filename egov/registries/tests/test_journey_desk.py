"""Browser journey of the desk (Playwright + Debian's Chromium against the live server):
at the reception form the officer types the ID number of the person at the counter and
the reason, presses "Tra cứu CSDL quốc gia về dân cư", finds the applicant block filled
from the (fake) population database, and receives the dossier."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.core.models import AuditEntry
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import district_procedure
from egov.dossiers.tests.journeys import browser, person, review_workflow
from egov.registries.tests.fixtures import registries

__all__ = ["browser", "person", "registries"]

pytestmark = pytest.mark.usefixtures("committed_db")

MINH = "006085006789"  # Nông Văn Minh, a citizen of the demo province


@pytest.fixture
def version(committed_db):
    return district_procedure(
        "2.000720", workflows=[{"agency": "", "tier": "", "steps": review_workflow()}]
    )


def test_the_desk_fills_the_applicant_from_the_population_registry(person, version, registries):
    desk = person("desk_officer")
    page = desk.page
    page.get_by_role("link", name="Tiếp nhận").first.click()
    page.wait_for_url("**/mot-cua/tiep-nhan/")
    with page.expect_response(lambda r: "/tiep-nhan/thanh-phan/" in r.url):
        page.select_option("#id_procedure", version.code)
    page.wait_for_selector("#checklist [data-row]")
    page.fill("#id_id_number", MINH)
    page.fill("#id_lookup_reason", "Tiếp nhận hồ sơ tại quầy")
    page.fill("#id_phone", "0987000222")
    with page.expect_navigation():
        page.click("#registry-lookup")
    expect(page.locator("#id_name")).to_have_value("Nông Văn Minh")
    expect(page.locator("#id_address")).to_have_value(
        "Thôn Nà Cà, thị trấn Đồng Tâm, huyện Chợ Mới"
    )
    expect(page.locator("#id_phone")).to_have_value("0987000222")  # typed: kept
    expect(page.locator(".messages")).to_contain_text("CSDL quốc gia về dân cư")
    desk.shot("registry-filled")
    with page.expect_navigation():
        page.click('.outcome button[value="complete"]')
    desk.expect_status("Đã tiếp nhận")
    dossier = Dossier.objects.get()
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Nông Văn Minh", MINH)
    assert str(dossier.applicant_birth_date) == "1985-09-02"  # from the registry
    assert dossier.applicant_address == "Thôn Nà Cà, thị trấn Đồng Tâm, huyện Chợ Mới"
    assert [r["body"] for r in registries.received()] == [{"SoDinhDanh": MINH}]
    [entry] = AuditEntry.objects.filter(action="registry.population_lookup")
    assert entry.actor_id == desk.user.pk and entry.changes["outcome"] == "found"
