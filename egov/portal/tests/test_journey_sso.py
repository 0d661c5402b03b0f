# ruff: noqa: F811  (fixtures imported from other modules are used as parameters)
"""Browser journey: a citizen logs in through the national SSO (the fake provider,
fakes/oidc/) from the portal's login page, on a phone-sized screen, and sees the
profile the SSO filled in; a second visit finds the same account."""

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
