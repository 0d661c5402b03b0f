"""The desk's journey through personal data in a real browser (Debian's Chromium,
Playwright, live server): a counter look-up with its reason, a search by ID number, the
dossier page, form 01 and its PDF each write one audit entry; nothing else does (issue
11, finding 4)."""

from __future__ import annotations

from egov.core.models import AuditEntry
from egov.core.tests.test_browser import _page, browser  # noqa: F401  (fixture)
from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist


def reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="personal_data.read").order_by("id"))


def not_searches() -> list[AuditEntry]:
    """The reads but the searches: the search page asks as the officer types and again
    on Enter, so how many searches are logged depends on the typing speed."""
    return [e for e in reads() if e.changes.get("purpose") != "search"]


def test_the_desk_looks_up_searches_opens_the_dossier_and_prints_form_01(
    committed_db,
    live_server,
    people,
    browser,  # noqa: F811
    monkeypatch,
):
    # Playwright's sync API runs an event loop in this thread; the test reads the audit
    # log between steps, while the browser waits (Django's documented switch).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    version = district_procedure()
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    page, violations = _page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/mot-cua/")  # the desk lands on its workspace
    assert reads() == []

    # At the counter: the person's account, found by ID number, with the reason.
    page.goto(f"{live_server.url}/mot-cua/tiep-nhan/")
    page.fill("#id_id_number", APPLICANT["id_number"])
    page.fill("#id_lookup_reason", "Tiếp nhận hồ sơ tại quầy")
    page.click("button[value=lookup]")
    page.wait_for_load_state()
    assert page.input_value("#id_name") == "Hoàng Thị Lan"
    [lookup] = reads()
    assert lookup.changes["purpose"] == "counter_lookup"

    page.goto(f"{live_server.url}/mot-cua/tim-kiem/")
    page.fill("#q", APPLICANT["id_number"])
    page.press("#q", "Enter")
    page.wait_for_load_state()
    search = [e for e in reads() if e.changes.get("purpose") == "search"][-1]
    assert search.changes["dossiers"] == [dossier.code]

    page.click(f"a.code:has-text('{dossier.code}')")
    page.wait_for_url(f"**/mot-cua/ho-so/{dossier.code}/")
    assert APPLICANT["id_number"] in page.inner_text("main")
    assert len(not_searches()) == 2

    with page.context.expect_page() as opened:
        page.click(".form-link a.button:has-text('Giấy tiếp nhận')")
    form = opened.value
    form.wait_for_load_state()
    assert APPLICANT["id_number"] in form.inner_text("body")
    entries = not_searches()
    assert len(entries) == 3 and entries[-1].changes["form"] == "01 html"
    pdf = form.request.get(f"{live_server.url}/ho-so/{dossier.code}/mau/01/pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert [e.changes.get("form") for e in reads()][-1] == "01 pdf"
    assert len(not_searches()) == 4
    assert violations == []
