"""Every verdict of the verifier cross-checked with poppler's pdfsig, an independent
implementation (NSS): valid, tampered (one byte), untrusted root, expired, revoked,
unsigned, modified after signing, a signature field added later."""

from __future__ import annotations

import pytest

from egov.signing import verify
from egov.signing.tests import samples, tools

CASES = {
    # case: (indication, sub_indication)
    "valid": ("TOTAL_PASSED", None),
    "tampered": ("TOTAL_FAILED", "HASH_FAILURE"),
    "untrusted": ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND"),
    "expired": ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE"),
    "revoked": ("TOTAL_FAILED", "REVOKED"),
    "unsigned": ("NO_SIGNATURE_FOUND", None),
    "modified": ("TOTAL_FAILED", "SIG_CONSTRAINTS_FAILURE"),
    "field_added": ("TOTAL_FAILED", "SIG_CONSTRAINTS_FAILURE"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_verdict(case, sample, pki):
    report = verify.verify_pdf(sample(case), samples.trust_of(pki))
    assert (report["indication"], report["sub_indication"]) == CASES[case], report


def test_valid_report_in_detail(sample, pki):
    report = verify.verify_pdf(sample("valid"), samples.trust_of(pki))
    assert report["signatures_count"] == report["valid_signatures_count"] == 2
    officer, seal = report["signatures"]
    assert officer["signer"] == "Nguyễn Văn An" and officer["title"] == "Chủ tịch"
    assert seal["signer"] == "Ủy ban nhân dân tỉnh Bắc Kạn"
    for s in (officer, seal):
        assert s["level"] == "B-LTA"
        assert s["trusted"] and s["timestamp_valid"] and s["revocation"]["status"] == "good"
        assert s["revocation"]["embedded"]
        assert s["whole_document_covered"]
        assert [c["subject"].split(",")[0] for c in s["certificate_chain"]][1:] == [
            "Common Name: egov Issuing CA (phát triển)",
            "Common Name: egov Root CA (phát triển)",
        ]
    assert report["document_timestamps"] and report["document_timestamps"][-1]["valid"]


def test_revoked_report_names_the_date(sample, pki):
    report = verify.verify_pdf(sample("revoked"), samples.trust_of(pki))
    assert report["signatures"][0]["revocation"]["status"] == "revoked"


def test_valid_after_the_certificate_expired(authority, pki):
    """B-LTA: a signature whose certificate expired since is validated as at its
    timestamp (the verifier runs five days later; the certificate was valid for two)."""
    import datetime

    from egov.signing import pades
    from egov.signing.trust import Trust

    data = pades.sign(
        samples.base_pdf(),
        personal=pades.Part(samples.signer(pki, "shortlived"), "Vũ Thị Giang"),
        seal=pades.Part(samples.signer(pki, "seal"), "Ủy ban nhân dân tỉnh Bắc Kạn"),
        trust=samples.trust_of(pki),
        tsa_url=authority.tsa_url,
        signed_at=datetime.datetime.now(datetime.UTC),
    )
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=5)

    class Later(Trust):
        def context_kwargs(self, **kwargs):
            kwargs["moment"] = kwargs.get("moment") or later
            return super().context_kwargs(**kwargs)

    trust = samples.trust_of(pki)
    report = verify.verify_pdf(data, Later(trust.roots, trust.intermediates, trust.crls))
    assert report["indication"] == "TOTAL_PASSED", report
    assert [s["validated_at"] for s in report["signatures"]] == ["timestamp", "now"]
    # Without the timestamps (B-B), the same expiry leaves it undecided.
    plain = samples.plain_signature(pki, "shortlived")
    report = verify.verify_pdf(plain, Later(trust.roots, trust.intermediates, trust.crls))
    assert (report["indication"], report["sub_indication"]) == (
        "INDETERMINATE",
        "OUT_OF_BOUNDS_NO_POE",
    )


# ---------------------------------------------------------------- pdfsig


def _pdfsig(tmp_path, nssdir, data: bytes, name: str) -> tools.Pdfsig:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return tools.pdfsig(path, nssdir)


def test_pdfsig_valid(tmp_path, nssdir, sample):
    data = sample("valid")
    out = _pdfsig(tmp_path, nssdir, data, "valid")
    regular = [s for s in out.signatures if s.name in ("ChuKyCaNhan", "ConDau")]
    assert [s.signer for s in regular] == ["Nguyễn Văn An", "Ủy ban nhân dân tỉnh Bắc Kạn"]
    for s in regular:
        assert s.signature == "Signature is Valid.", out.output
        assert s.certificate == "Certificate is Trusted.", out.output
    # The document timestamp (pdfsig cannot validate its type) covers the file's end.
    assert out.signatures[-1].ranges[-1][1] == len(data), out.output


def test_pdfsig_tampered(tmp_path, nssdir, sample):
    out = _pdfsig(tmp_path, nssdir, sample("tampered"), "tampered")
    # Its exit code follows the last signature (the document timestamp, which it
    # cannot check): the lines tell.
    regular = [s for s in out.signatures if s.name in ("ChuKyCaNhan", "ConDau")]
    assert [s.signature for s in regular] == ["Digest Mismatch."] * 2, out.output


@pytest.mark.parametrize(
    "case, expected",
    [
        ("untrusted", "Certificate issuer isn't Trusted."),
        ("expired", "Certificate has Expired"),
        ("revoked", "Certificate has been Revoked."),
    ],
)
def test_pdfsig_certificate_problems(tmp_path, nssdir, sample, case, expected):
    out = _pdfsig(tmp_path, nssdir, sample(case), case)
    assert out.signatures[0].signature == "Signature is Valid.", out.output
    assert out.signatures[0].certificate == expected, out.output


def test_pdfsig_unsigned(tmp_path, nssdir, sample):
    out = _pdfsig(tmp_path, nssdir, sample("unsigned"), "unsigned")
    assert out.unsigned and not out.signatures


@pytest.mark.parametrize("case", ["modified", "field_added"])
def test_pdfsig_changed_after_signing(tmp_path, nssdir, sample, case):
    """pdfsig still finds the signatures valid, but none covers the end of the file:
    the bytes added after the last signature are not signed."""
    data = sample(case)
    out = _pdfsig(tmp_path, nssdir, data, case)
    signed = [s for s in out.signatures if s.ranges]
    assert [s.signature for s in signed[:2]] == ["Signature is Valid."] * 2, out.output
    assert all(s.ranges[-1][1] < len(data) for s in signed), out.output
    assert not any(s.total for s in signed)
