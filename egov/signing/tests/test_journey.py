"""In a real browser: the leader signs the result with the passphrase of their
certificate; the desk downloads the signed file; anyone sees on the public look-up
"kết quả điện tử đã ký số" and checks the file on the verification page."""

from __future__ import annotations

import hashlib

from playwright.sync_api import expect

from egov.dossiers.tests.journeys import ARTIFACTS, browser, person
from egov.signing import devpki, queries
from egov.signing.tests import tools

__all__ = ["browser", "person"]  # fixtures of journeys.py


def test_sign_download_and_verify(person, committed_db, signing_setup, to_leader, tmp_path, nssdir):
    dossier = to_leader()
    leader = person("agency_leader")
    leader.open(dossier.code)
    leader.shot("at-leader")
    # A wrong passphrase first: the message next to the form, nothing signed.
    leader.act("Phê duyệt, ghi nhận kết quả", fill={"passphrase": "sai-mat-khau"})
    expect(leader.page.locator("#act-record_result")).to_contain_text(
        "Mật khẩu của tệp chứng thư số không đúng."
    )
    assert queries.signed_result(dossier) is None
    # The form stays open after the refusal: type the right one there.
    box = leader.page.locator("#act-record_result")
    box.locator('[name="passphrase"]').fill(devpki.DEV_PASSPHRASE)
    with leader.page.expect_navigation():
        box.locator("button[type=submit]").click()
    leader.expect_status("Đã giải quyết xong")
    leader.shot("signed")
    signed = queries.signed_result(dossier)
    assert signed is not None

    desk = person("desk_officer")
    desk.open(dossier.code)
    link = desk.page.get_by_role("link", name=f"Kết quả điện tử đã ký số - {dossier.code}.pdf")
    href = link.get_attribute("href")
    download = desk.context.request.get(f"{desk.server}{href}")
    assert download.ok and download.headers["content-type"] == "application/pdf"
    data = download.body()
    assert hashlib.sha256(data).hexdigest() == signed.sha256
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(data)
    # poppler's pdfsig, an independent implementation, agrees on the file the desk got.
    checked = tools.pdfsig(path, nssdir)
    regular = [s for s in checked.signatures if s.name in ("ChuKyCaNhan", "ConDau")]
    assert [s.signer for s in regular] == ["Nguyễn Văn An", "Ủy ban nhân dân tỉnh Bắc Kạn"]
    for s in regular:
        assert s.signature == "Signature is Valid.", checked.output
        assert s.certificate == "Certificate is Trusted.", checked.output
    assert checked.signatures[-1].ranges[-1][1] == len(data), checked.output

    # Anyone, not logged in.
    context = leader.context.browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{leader.server}/tra-cuu/{dossier.code}/")
    notice = page.locator("#signed-result-notice")
    expect(notice).to_contain_text("Kết quả điện tử đã ký số")
    notice.get_by_role("link", name="Xác thực chữ ký số").click()
    page.wait_for_url("**/xac-thuc-chu-ky-so/?ma=*")
    expect(page.locator("#code")).to_have_value(dossier.code)
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
    report = page.locator("#verify-report")
    expect(report).to_have_attribute("data-indication", "TOTAL_PASSED")
    expect(report).to_contain_text("Hợp lệ")
    expect(page.locator("#registered-match")).to_contain_text(
        f"Đây đúng là tệp kết quả đã đăng ký cho hồ sơ {dossier.code}."
    )
    page.screenshot(path=str(ARTIFACTS / "signing-verify-page.png"), full_page=True)
    context.close()


def test_batch_signing_in_the_browser(person, committed_db, signing_setup, to_leader):
    """The leader ticks the dossiers waiting, types the passphrase once, and reads one
    row per dossier as each is signed, then the totals."""
    from egov.dossiers.models import Dossier

    dossiers = [to_leader(), to_leader()]
    leader = person("agency_leader")
    leader.go("/mot-cua/ky-so/hang-loat/")
    page = leader.page
    for dossier in dossiers:
        expect(page.locator(f"#pick-{dossier.pk}")).to_be_checked()
    page.fill("#passphrase", devpki.DEV_PASSPHRASE)
    with page.expect_navigation():
        page.get_by_role("button", name="Ký số các hồ sơ đã chọn").click()
    expect(page.locator("#batch-progress")).to_contain_text(
        "2/2 hồ sơ đã xử lý: 2 đã ký, 0 không ký được."
    )
    expect(page.locator("#batch-items tbody tr.item-signed")).to_have_count(2)
    leader.shot("batch-done")
    assert {Dossier.objects.get(pk=d.pk).status for d in dossiers} == {"finished"}
