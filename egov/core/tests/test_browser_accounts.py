"""Real browser (Debian's Chromium) against a live server: a citizen resets a forgotten
password with the link e-mailed through the outbox and a real SMTP server, then logs in
with the new one; an officer changes a password (issue 11, finding 8)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from egov.core import outbox
from egov.core.tests.test_browser import _page, browser  # noqa: F401 (the fixture)
from egov.directory.tests.factories import ApplicantFactory

OLD = "mat-khau-thu-nghiem"
NEW = "Ngay-mai-troi-lai-sang-2027"


@pytest.fixture
def citizen(committed_db):
    citizen = ApplicantFactory(user__username="congdan.lan", user__email="lan@example.vn").user
    citizen.set_password(OLD)
    citizen.save()
    return citizen


def _relay() -> int:
    # Playwright's sync API runs an event loop in this thread, where Django refuses
    # database work: the relay runs in a thread of its own, as it would in its process.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(outbox.relay_once, relay="browser-test").result()


def _log_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()


def test_a_citizen_resets_a_forgotten_password(citizen, live_server, smtp, browser):  # noqa: F811
    page, violations = _page(browser)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.click("#forgot-password")
    page.fill("#id_email", "lan@example.vn")
    page.press("#id_email", "Enter")
    page.wait_for_selector("#reset-sent")

    assert _relay() == 1
    [message] = smtp.wait_for(1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", text).group(0)
    assert link.startswith(base)

    page.goto(link)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("#password-set button[type=submit]")
    page.wait_for_selector("#reset-complete")

    _log_in(page, base, "congdan.lan", OLD)
    assert page.url.startswith(f"{base}/accounts/login/"), "the old password no longer works"
    _log_in(page, base, "congdan.lan", NEW)
    assert page.url == f"{base}/"
    assert str(citizen) in page.inner_text("header")
    assert violations == []


def test_an_officer_changes_the_password(committed_db, live_server, people, browser):  # noqa: F811
    page, violations = _page(browser)
    base = live_server.url
    _log_in(page, base, "desk", OLD)
    assert page.url == f"{base}/mot-cua/"  # a desk officer lands on the workspace
    page.click("#nav-password-change")
    page.fill("#id_old_password", OLD)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("#password-change button[type=submit]")
    page.wait_for_selector("#password-changed")
    page.click("header form[action='/accounts/logout/'] button")
    page.wait_for_load_state()
    _log_in(page, base, "desk", NEW)
    assert page.url == f"{base}/mot-cua/"
    assert "Bộ phận Một cửa" in page.inner_text("main")
    assert violations == []
