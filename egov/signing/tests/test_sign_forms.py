"""Forms 01-05 can be signed: from the dossier page, "Ký số" next to a form renders it,
has the officer sign it and the agency seal it, and hands the signed PDF over; the
file verifies (our verifier and poppler's pdfsig agree); a wrong passphrase is a
message next to the field and nothing is signed."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from egov.core.models import AuditEntry
from egov.dossiers.tests.journeys import browser, person
from egov.signing import devpki
from egov.signing.tests import tools

__all__ = ["browser", "person"]  # fixtures of journeys.py


def test_a_receipt_signed_in_the_browser(
    person, committed_db, signing_setup, to_leader, tmp_path, nssdir
):
    dossier = to_leader()
    leader = person("agency_leader")
    leader.open(dossier.code)
    leader.page.locator(".print .form-link", has_text="Mẫu 01").get_by_role(
        "link", name="Ký số"
    ).click()
    leader.page.wait_for_url(f"**/mot-cua/ky-so/mau/{dossier.code}/01/")
    leader.page.fill("#passphrase", "sai")
    with leader.page.expect_navigation():
        leader.page.get_by_role("button", name="Ký số và tải về").click()
    expect(leader.page.locator("#sign-error")).to_contain_text(
        "Mật khẩu của tệp chứng thư số không đúng."
    )
    leader.page.fill("#passphrase", devpki.DEV_PASSPHRASE)
    with leader.page.expect_download() as download:
        leader.page.get_by_role("button", name="Ký số và tải về").click()
    assert download.value.suggested_filename == f"mau-01-{dossier.code}-ky-so.pdf"
    path = tmp_path / "mau-01.pdf"
    download.value.save_as(path)
    data = path.read_bytes()

    assert data.startswith(b"%PDF-")

    # Anyone checks it on the public verification page (pyHanko's verifier there).
    leader.page.goto(f"{leader.server}/xac-thuc-chu-ky-so/")
    leader.page.set_input_files("#file", str(path))
    with leader.page.expect_navigation():
        leader.page.get_by_role("button", name="Kiểm tra", exact=True).click()
    report = leader.page.locator("#verify-report")
    expect(report).to_have_attribute("data-indication", "TOTAL_PASSED")
    expect(report).to_contain_text("Nguyễn Văn An")
    checked = tools.pdfsig(path, nssdir)
    regular = [s for s in checked.signatures if s.name in ("ChuKyCaNhan", "ConDau")]
    assert len(regular) == 2, checked.output
    for s in regular:
        assert s.signature == "Signature is Valid.", checked.output
        assert s.certificate == "Certificate is Trusted.", checked.output
    entries = AuditEntry.objects.filter(action="signing.document_signed")
    assert entries.count() == 1


def test_an_officer_without_a_certificate_is_told_so(client, people, signing_setup, to_leader):
    dossier = to_leader()
    client.force_login(people.desk_officer)
    page = client.get(reverse("signing:sign_form", args=[dossier.code, "01"]))
    assert page.status_code == 200
    assert 'id="no-credential"' in page.text
    answer = client.post(
        reverse("signing:sign_form", args=[dossier.code, "01"]), {"passphrase": "x"}
    )
    assert answer.status_code == 400 and "Bạn chưa có chứng thư số ký" in answer.text
    assert not AuditEntry.objects.filter(action="signing.document_signed").exists()


def test_a_form_of_a_dossier_out_of_reach_is_404(client, people, signing_setup, to_leader):
    dossier = to_leader()
    client.force_login(people.other_officer)  # an officer of another agency
    page = client.get(reverse("signing:sign_form", args=[dossier.code, "01"]))
    assert page.status_code == 404
    client.force_login(people.agency_leader)
    assert client.get(reverse("signing:sign_form", args=[dossier.code, "08"])).status_code == 404
    client.force_login(people.citizen)  # the applicant reads her forms but signs none
    assert client.get(reverse("signing:sign_form", args=[dossier.code, "01"])).status_code == 404
