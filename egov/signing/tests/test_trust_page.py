"""The province administrator configures the signing trust in the pages: trust roots and
intermediates, CRLs, PKCS#12 credentials, withdrawal; each change audited, each refusal
next to its field with nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from egov.core.models import AuditEntry
from egov.core.tests.otp import verify_with_device
from egov.core.tests.test_security import _totp_now
from egov.dossiers.tests.journeys import PASSWORD, browser
from egov.signing import devpki
from egov.signing.models import Credential, RevocationList, TrustedCertificate

__all__ = ["browser"]  # fixture of journeys.py

URL = "/mot-cua/ky-so/cau-hinh/"


@pytest.fixture
def root_user(db, django_user_model):
    return django_user_model.objects.create_user(
        username="quantri", password=PASSWORD, is_superuser=True, is_staff=True
    )


@pytest.fixture
def admin_client(client, root_user):
    device = TOTPDevice.objects.create(user=root_user, name="app", confirmed=True)
    client.force_login(root_user)
    verify_with_device(client, device)
    return client


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_url_is_the_named_one():
    assert reverse("signing:trust") == URL


def test_only_the_administrator_enters(client, people):
    client.force_login(people.agency_leader)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"form": "crl"}).status_code == 403
    # The province administrator (a role, not a superuser), after the second factor.
    device = TOTPDevice.objects.create(user=people.province_admin, name="app", confirmed=True)
    client.force_login(people.province_admin)
    verify_with_device(client, device)
    page = client.get(URL)
    assert page.status_code == 200 and 'href="/mot-cua/ky-so/cau-hinh/"' in page.content.decode()


def test_roots_crls_and_a_credential_configured_then_withdrawn(admin_client, pki, people):
    answer = admin_client.post(
        URL, {"form": "certificate", "is_root": "on", "file": _upload("root.pem", pki.pem("root"))}
    )
    assert answer.status_code == 302
    admin_client.post(URL, {"form": "certificate", "file": _upload("i.pem", pki.pem("inter"))})
    assert {(t.is_root) for t in TrustedCertificate.objects.all()} == {True, False}
    for crl in pki.crls:
        assert (
            admin_client.post(URL, {"form": "crl", "file": _upload("a.crl", crl)}).status_code
            == 302
        )
    assert RevocationList.objects.count() == len(pki.crls)

    answer = admin_client.post(
        URL,
        {
            "form": "credential",
            "kind": "personal",
            "agency": people.agency_leader.officer.agency_id,
            "holder": people.agency_leader.username,
            "file": _upload("leader.p12", pki.p12("leader")),
            "passphrase": devpki.DEV_PASSPHRASE,
        },
    )
    assert answer.status_code == 302
    credential = Credential.objects.get(holder=people.agency_leader)
    page = admin_client.get(URL).content.decode()
    assert f'data-credential="{credential.pk}" data-state="ok"' in page
    assert "Nguyễn Văn An" in page

    admin_client.post(URL, {"form": "withdraw", "credential": credential.pk})
    credential.refresh_from_db()
    assert not credential.active
    page = admin_client.get(URL).content.decode()
    assert f'data-credential="{credential.pk}" data-state="credential_inactive"' in page
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("signing.trust_added") == 2
    assert actions.count("signing.crl_added") == len(pki.crls)
    assert actions.count("signing.credential_added") == 1
    assert actions.count("signing.credential_withdrawn") == 1


def test_refusals_are_next_to_their_fields_and_write_nothing(admin_client, pki, people):
    before = (
        Credential.objects.count(),
        TrustedCertificate.objects.count(),
        AuditEntry.objects.count(),
    )
    answer = admin_client.post(
        URL, {"form": "credential", "kind": "personal", "holder": "khong-co"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    # All at once: the agency, the holder and the file.
    for field in ("credential-agency-error", "credential-holder-error", "credential-file-error"):
        assert f'id="{field}"' in page, field
    assert 'value="khong-co"' in page  # what was typed stays

    answer = admin_client.post(
        URL,
        {
            "form": "credential",
            "kind": "personal",
            "agency": people.agency_leader.officer.agency_id,
            "holder": people.agency_leader.username,
            "file": _upload("leader.p12", pki.p12("leader")),
            "passphrase": "sai",
        },
    )
    assert answer.status_code == 400
    assert 'id="credential-passphrase-error"' in answer.content.decode()
    assert "Mật khẩu của tệp chứng thư số không đúng." in answer.content.decode()

    # A certificate under no configured root is refused with the reason.
    answer = admin_client.post(
        URL,
        {
            "form": "credential",
            "kind": "personal",
            "agency": people.agency_leader.officer.agency_id,
            "holder": people.agency_leader.username,
            "file": _upload("leader.p12", pki.p12("leader")),
            "passphrase": devpki.DEV_PASSPHRASE,
        },
    )
    assert answer.status_code == 400
    assert "không do tổ chức chứng thực được tin cậy cấp" in answer.content.decode()

    answer = admin_client.post(
        URL, {"form": "certificate", "file": _upload("x.pem", b"not a cert")}
    )
    assert answer.status_code == 400
    assert 'id="certificate-file-error"' in answer.content.decode()
    answer = admin_client.post(URL, {"form": "crl", "file": _upload("x.crl", b"not a crl")})
    assert answer.status_code == 400 and 'id="crl-file-error"' in answer.content.decode()
    after = (
        Credential.objects.count(),
        TrustedCertificate.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_the_administrator_equips_an_officer_in_the_browser(
    browser, live_server, committed_db, root_user, pki, people, tmp_path
):
    device = TOTPDevice.objects.create(user=root_user, name="app", confirmed=True)
    for name, data in (("root.pem", pki.pem("root")), ("leader.p12", pki.p12("leader"))):
        (tmp_path / name).write_bytes(data)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/accounts/otp/verify/**")
    page.fill("input[name=token]", _totp_now(device))
    page.press("input[name=token]", "Enter")
    page.wait_for_load_state()
    page.get_by_role("link", name="Chữ ký số").click()
    page.wait_for_url(f"**{URL}")

    page.set_input_files("#certificate-file", str(tmp_path / "root.pem"))
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm tổ chức chứng thực").click()
    expect(page.locator("#roots")).to_contain_text("egov Root CA")

    page.select_option("#credential-kind", "personal")
    page.select_option("#credential-agency", str(people.agency_leader.officer.agency_id))
    page.fill("#credential-holder", people.agency_leader.username)
    page.set_input_files("#credential-file", str(tmp_path / "leader.p12"))
    page.fill("#credential-passphrase", devpki.DEV_PASSPHRASE)
    with page.expect_navigation():
        page.get_by_role("button", name="Nạp chứng thư số").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu.")
    row = page.locator("#credentials tbody tr", has_text="Nguyễn Văn An")
    expect(row).to_have_attribute("data-state", "ok")
    expect(row).to_contain_text("Dùng được")
    with page.expect_navigation():
        row.get_by_role("button", name="Ngừng sử dụng").click()
    expect(row).to_have_attribute("data-state", "credential_inactive")
    expect(row).to_contain_text("Chứng thư số này đã bị ngừng sử dụng.")
    assert not Credential.objects.get(holder=people.agency_leader).active
    context.close()
