"""The province administrator logs in (password and authenticator code) and reads the
gateway monitor after some calls went through the proxy to the fake provider."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from egov.dossiers.tests.journeys import ARTIFACTS, PASSWORD, browser
from egov.gateway import ratelimit
from egov.gateway.tests.factories import registry
from egov.gateway.tests.helpers import call, token

__all__ = ["browser"]  # fixture of journeys.py


@pytest.mark.usefixtures("committed_db")
def test_the_administrator_reads_the_monitor(browser, live_server, people, provider, client):
    ratelimit.buckets().clear()
    reg = registry(base_url=provider.url + "/")
    issued = token(client, reg)
    for _ in range(3):
        assert call(client, reg, bearer=issued).status_code == 200
    provider.faults.set("fail", status=500, count=1)
    assert (
        call(
            client, reg, "POST", data=b"{}", content_type="application/json", bearer=issued
        ).status_code
        == 500
    )
    admin = people.province_admin
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)

    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/?next=/gateway/giam-sat/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/otp/verify/**")
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url("**/gateway/giam-sat/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Giám sát nền tảng")
    row = page.locator(f'#providers tr[data-member="{reg.provider.identifier}"]')
    expect(row.locator(".calls")).to_have_text("4")
    expect(row.locator(".delivered")).to_have_text("3")
    expect(row.locator(".error-rate")).to_have_text("25%")
    expect(row.locator(".circuit")).to_have_text("Bình thường")
    consumer = page.locator(f'#clients tr[data-member="{reg.client.identifier}"]')
    expect(consumer.locator(".calls")).to_have_text("4")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gateway-monitor.png"), full_page=True)
    context.close()
