"""Real browser (Debian's Chromium driven by Playwright) against a live server: a desk
officer logs in, switches language, and no page breaks the Content-Security-Policy."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PUBLIC_PAGES = ["/", "/accounts/login/", "/thu-tuc/", "/lich-lam-viec/2026/", "/api/v1/docs/"]


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _page(browser):
    page = browser.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page, violations


def test_a_desk_officer_logs_in_and_switches_language(committed_db, live_server, people, browser):
    page, violations = _page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/mot-cua/")  # a desk officer lands on the workspace
    page.goto(f"{live_server.url}/")
    assert "UBND huyện Chợ Mới" in page.inner_text("main")
    page.click("button[value=en]")
    page.wait_for_load_state()
    assert "Hello" in page.inner_text("main")
    assert violations == []


def test_public_pages_respect_the_content_security_policy(committed_db, live_server, browser):
    page, violations = _page(browser)
    for path in PUBLIC_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert violations == []
