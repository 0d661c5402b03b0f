"""In a real browser (Debian's Chromium, Playwright) against a live server: the
province's auditor opens the national sync page of the admin and reads, for each
dossier, whether the national portal accepted it, the status sent and the last error."""

from __future__ import annotations

import pytest

from egov.core.tests.test_browser import ARGS, CHROMIUM
from egov.national.tests.helpers import received, relay


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def synced(committed_db, national, people):
    """One dossier the portal accepted, one it refused (created before the browser
    starts: Playwright's event loop forbids database calls in the test's thread)."""
    accepted = received(people)
    relay()
    national.faults.set("fail", status=400, count=1)
    refused = received(people, code="1.001193")
    relay()
    return accepted, refused


def test_the_auditor_reads_the_sync_state_of_the_dossiers(live_server, synced, browser):
    accepted, refused = synced
    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/national/syncstate/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/admin/national/syncstate/")
    rows = {
        row.locator("th").inner_text().strip(): row.inner_text()
        for row in page.locator("#result_list tbody tr").all()
    }
    assert set(rows) == {accepted.code, refused.code}
    assert "HTTP 400" in rows[refused.code] and "HTTP 400" not in rows[accepted.code]
    page.click(f"text={refused.code}")
    page.wait_for_load_state()
    assert "HTTP 400" in page.inner_text("#content")  # the whole last error, on its page
