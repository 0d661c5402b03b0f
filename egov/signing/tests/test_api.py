"""``POST /api/v1/signatures/verify`` and the public page: the report for each case,
the bad inputs (not a PDF, encrypted, too large: 413), and nothing stored but one
audit entry."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.signing.tests.conftest import counts

URL = "/api/v1/signatures/verify"


@pytest.fixture
def trusted(db, pki):
    from egov.signing import services

    services.add_trusted_certificate(actor=None, data=pki.pem("root"))
    services.add_trusted_certificate(actor=None, data=pki.pem("inter"), is_root=False)
    for crl in pki.crls:
        services.add_revocation_list(actor=None, data=crl)


def _post(client, data: bytes, name: str = "ket-qua.pdf", **extra):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **extra})


@pytest.mark.parametrize(
    "case, indication",
    [
        ("valid", "TOTAL_PASSED"),
        ("tampered", "TOTAL_FAILED"),
        ("untrusted", "INDETERMINATE"),
        ("revoked", "TOTAL_FAILED"),
        ("unsigned", "NO_SIGNATURE_FOUND"),
        ("field_added", "TOTAL_FAILED"),
    ],
)
def test_api_report(client, trusted, sample, case, indication):
    before = counts()
    answer = _post(client, sample(case))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["indication"] == indication
    assert set(body) >= {
        "indication",
        "sub_indication",
        "signatures_count",
        "valid_signatures_count",
        "signatures",
        "registered",
        "sha256",
    }
    # Nothing kept of the file: one audit entry with its hash and the verdict.
    after = counts()
    assert after == {**before, "audit": before["audit"] + 1}
    entry = AuditEntry.objects.filter(action="signing.verified").latest("id")
    assert entry.object_id == body["sha256"] and entry.changes["indication"] == indication


def test_api_signature_fields(client, trusted, sample):
    signature = _post(client, sample("valid")).json()["signatures"][0]
    assert {
        "signer",
        "organisation",
        "signing_time",
        "timestamp_time",
        "certificate_chain",
        "trusted",
        "revocation",
        "level",
        "whole_document_covered",
    } <= set(signature)
    assert signature["level"] == "B-LTA" and signature["revocation"]["status"] == "good"


@pytest.mark.parametrize(
    "data, status, code",
    [
        (b"GIF89a not a pdf at all", 400, "not_pdf"),
        (b"%PDF-1.7\nthis is no pdf structure\n%%EOF", 400, "pdf_unreadable"),
    ],
)
def test_api_refuses_what_is_not_a_pdf(client, trusted, data, status, code):
    before = counts()
    answer = _post(client, data)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert counts() == before


def test_api_refuses_an_encrypted_pdf(client, trusted, sample):
    answer = _post(client, sample("encrypted"))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "pdf_encrypted"


def test_api_refuses_a_huge_upload(client, trusted, sample, settings):
    settings.SIGNING_VERIFY_MAX_BYTES = 10_000
    before = counts()
    answer = _post(client, sample("valid"))
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "file_too_large" and error["details"]["limit"] == 10_000
    assert counts() == before


def test_api_without_a_file(client, trusted):
    answer = client.post(URL, {})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "file_required"


def test_public_page_in_vietnamese(client, trusted, sample):
    page = client.get(reverse("signing:verify_page"))
    assert page.status_code == 200 and "Xác thực kết quả điện tử đã ký số" in page.text
    answer = client.post(
        reverse("signing:verify_page"),
        {"file": SimpleUploadedFile("a.pdf", sample("valid"))},
    )
    assert answer.status_code == 200
    assert 'data-indication="TOTAL_PASSED"' in answer.text
    assert "Hợp lệ" in answer.text and "Nguyễn Văn An" in answer.text
    assert "PAdES B-LTA (kiểm tra được lâu dài)" in answer.text
    answer = client.post(
        reverse("signing:verify_page"),
        {"file": SimpleUploadedFile("a.pdf", sample("tampered"))},
    )
    assert "Không hợp lệ" in answer.text and "mã băm không khớp" in answer.text


def test_public_page_in_english(client, trusted, sample):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    answer = client.post(
        reverse("signing:verify_page"),
        {"file": SimpleUploadedFile("a.pdf", sample("valid"))},
    )
    assert "The digital signature is valid" in answer.text
    assert "PAdES B-LTA (verifiable in the long term)" in answer.text
    assert " on " in answer.text and "Chữ ký số hợp lệ" not in answer.text
    answer = client.post(
        reverse("signing:verify_page"),
        {"file": SimpleUploadedFile("a.pdf", sample("revoked"))},
    )
    assert answer.status_code == 200
    assert 'data-indication="TOTAL_PASSED"' not in answer.text
    assert "revoked" in answer.text and "thu hồi" not in answer.text


def test_public_page_refusals_next_to_the_field(client, trusted, settings, sample):
    answer = client.post(
        reverse("signing:verify_page"), {"file": SimpleUploadedFile("a.pdf", b"no pdf")}
    )
    assert answer.status_code == 400
    assert "Tệp không phải là PDF." in answer.text and "The file is not a PDF." in answer.text
    settings.SIGNING_VERIFY_MAX_BYTES = 1000
    answer = client.post(
        reverse("signing:verify_page"), {"file": SimpleUploadedFile("a.pdf", sample("valid"))}
    )
    assert answer.status_code == 413 and "Tệp quá lớn" in answer.text
