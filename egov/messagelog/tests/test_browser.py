"""In a real browser (Debian's Chromium driven by Playwright), the auditor logs in with
the second factor, opens the gateway's message log in the admin, reads a record and its
batch's seal, and finds nothing to add, change or delete."""

from __future__ import annotations

import shutil
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from egov.messagelog import seal
from egov.messagelog.models import MessageRecord
from egov.messagelog.tests.helpers import CCCD, exchange, exchanges

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_the_auditor_reads_the_message_log_in_the_admin(committed_db, live_server, people, sealing):
    exchanges(2)
    mine = exchange(2, user_id=CCCD, status=404, error_type="not_found")
    seal.seal_pending()
    device = TOTPDevice.objects.create(user=people.auditor, name="app", confirmed=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/admin/messagelog/messagerecord/")
        page.fill("#id_username", "auditor")
        page.fill("#id_password", "mat-khau-thu-nghiem")
        page.press("#id_password", "Enter")
        page.wait_for_url("**/accounts/otp/verify/**")
        page.fill("input[name=token]", _current_code(device))
        page.press("input[name=token]", "Enter")
        page.wait_for_url("**/admin/messagelog/messagerecord/")
        listing = page.inner_text("#changelist")
        assert "VN/GOV/000.00.00.H06/motcua" in listing and "404" in listing
        assert page.locator("a.addlink").count() == 0  # nothing to add

        page.fill("#searchbar", CCCD)  # an ID number: found through its pseudonym
        page.press("#searchbar", "Enter")
        page.wait_for_load_state()
        assert page.locator("#result_list tbody tr").count() == 1

        page.goto(f"{live_server.url}/admin/messagelog/messagerecord/{mine.pk}/change/")
        content = page.inner_text("#content-main")
        assert mine.hash in content and CCCD not in content
        assert page.locator("#content-main [type=submit]").count() == 0  # view only
        assert page.locator("a.deletelink").count() == 0

        page.goto(f"{live_server.url}/admin/messagelog/messageseal/")
        assert page.locator("#result_list tbody tr").count() == 1  # one batch of 3
        assert "/tsa" in page.inner_text("#result_list tbody tr")
        browser.close()
    assert MessageRecord.objects.get(pk=mine.pk).hash == mine.hash
