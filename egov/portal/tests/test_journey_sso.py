# ruff: noqa: F811  (fixtures imported from other modules are used as parameters)
"""Browser journeys of the accounts, on a phone-sized screen: a citizen logs in
through the national SSO (the fake provider, fakes/oidc/) from the portal's login page
and sees the profile the SSO filled in, and a second visit finds the same account; a
citizen registers with a phone number and the SMS code, then logs in with the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.directory.models import SsoIdentity, User
from egov.dossiers.tests.journeys import ARTIFACTS, browser  # noqa: F401
from egov.portal.tests.sso_fixtures import sso, sso_provider  # noqa: F401
from fakes.oidc import identities

pytestmark = pytest.mark.usefixtures("committed_db")


def test_a_citizen_logs_in_by_sso_and_sees_the_profile(browser, live_server, sso):
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(15000)
    shot = 0

    def screenshot(what):
        nonlocal shot
        shot += 1
        page.screenshot(path=str(ARTIFACTS / f"sso-login-{shot:02d}-{what}.png"), full_page=True)

    page.goto(f"{live_server.url}/accounts/login/")
    screenshot("login-page")
    page.get_by_role(
        "link", name="Đăng nhập bằng VNeID / Tài khoản định danh điện tử (SSO)"
    ).click()

    # At the national SSO (the fake): its own login page.
    expect(page.locator("#fake-sso-login")).to_be_visible()
    assert page.url.startswith(sso.base_url)
    page.get_by_label("Tên đăng nhập").fill("congdan")
    page.get_by_label("Mật khẩu").fill(identities.PASSWORD)
    screenshot("provider-login")
    page.get_by_role("button", name="Đăng nhập").click()

    # Back at the portal, logged in, on the profile page.
    page.wait_for_url(f"{live_server.url}/tai-khoan/ho-so/")
    expect(page.get_by_role("heading", name="Hồ sơ cá nhân / Tài khoản")).to_be_visible()
    expect(page.locator("#profile-name")).to_have_text("Nguyễn Văn An")
    expect(page.locator("#profile-id-number")).to_have_text("••••••••2345")
    expect(page.locator("#profile-birth")).to_have_text("15/03/1990")
    expect(page.locator("#profile-address")).to_contain_text("Hàng Bông")
    expect(page.locator("#profile-source")).to_contain_text("SSO")
    expect(page.locator("#profile-source")).to_contain_text("LoA2")
    expect(page.locator("#profile-form")).to_have_count(0)
    screenshot("profile")

    # Log out, log in again: the provider remembers the person, the portal the account.
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#login-sso").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/ho-so/")
    expect(page.locator("#profile-name")).to_have_text("Nguyễn Văn An")
    screenshot("profile-again")
    context.close()

    assert User.objects.filter(sso_identities__subject="vneid-0001-citizen").count() == 1
    assert SsoIdentity.objects.count() == 1


def test_a_citizen_registers_with_a_phone_and_logs_in_with_it(browser, live_server, settings):
    import re

    from egov.core import outbox
    from fakes.sms import Catcher

    password = "mat-khau-dang-ky-2026"
    with Catcher() as sms:
        settings.EGOV_SMS_URL = sms.url
        context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 780})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#register").click()
        page.get_by_label("Số điện thoại hoặc thư điện tử").fill("0933 111 222")
        page.get_by_label("Họ và tên").fill("Phạm Thị Hoa")
        page.get_by_label("Số định danh cá nhân (CCCD)").fill("079300001234")
        page.get_by_label("Ngày sinh").fill("1999-05-01")  # contradicts the number
        page.locator("#id_password").fill(password)
        page.get_by_label("Nhập lại mật khẩu").fill(password)
        page.get_by_role("button", name="Gửi mã xác nhận").click()
        # The error sits next to the field, and what was typed is still there.
        expect(page.locator('[data-field="id_number"]')).to_contain_text("năm sinh 2000")
        expect(page.get_by_label("Họ và tên")).to_have_value("Phạm Thị Hoa")
        page.screenshot(path=str(ARTIFACTS / "register-01-error.png"), full_page=True)
        page.get_by_label("Ngày sinh").fill("2000-05-01")
        page.locator("#id_password").fill(password)
        page.get_by_label("Nhập lại mật khẩu").fill(password)
        page.get_by_role("button", name="Gửi mã xác nhận").click()
        expect(page.locator("#register-code")).to_contain_text("093****222")

        outbox.relay_once(relay="test")
        code = re.search(r"\b(\d{6})\b", sms.wait_for(1)[0]["text"]).group(1)
        page.get_by_label("Mã xác nhận 6 chữ số").fill(code)
        page.screenshot(path=str(ARTIFACTS / "register-02-code.png"), full_page=True)
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_url(f"{live_server.url}/tai-khoan/ho-so/")
        expect(page.locator("#profile-source")).to_contain_text("Tự khai báo")
        expect(page.locator("#profile-id-number")).to_have_text("••••••••1234")

        page.get_by_role("button", name="Đăng xuất").click()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "+84 933 111 222")
        page.fill("#id_password", password)
        page.press("#id_password", "Enter")
        page.goto(f"{live_server.url}/tai-khoan/ho-so/")
        expect(page.locator("#profile-name")).to_have_text("Phạm Thị Hoa")
        page.screenshot(path=str(ARTIFACTS / "register-03-profile.png"), full_page=True)
        context.close()
