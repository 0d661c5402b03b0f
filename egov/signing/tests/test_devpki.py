"""The development PKI command and the local TSA / OCSP server (fakes/tsa.py):
OpenSSL's answers over HTTP, checked with OpenSSL and cryptography."""

from __future__ import annotations

import subprocess

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from django.core.management import call_command

from egov.signing.models import Credential, RevocationList, TrustedCertificate
from egov.signing.tests import tools


def test_command_writes_and_installs_the_pki(db, people, tmp_path, settings):
    directory = tmp_path / "pki"
    call_command(
        "signing_dev_pki", "--dir", str(directory), "--install", stdout=open("/dev/null", "w")
    )
    assert (directory / "manifest.json").exists() and (
        directory / "root.key"
    ).stat().st_mode & 0o077 == 0
    assert TrustedCertificate.objects.filter(is_root=True).count() == 1
    assert TrustedCertificate.objects.filter(is_root=False).count() == 1
    assert RevocationList.objects.count() == 2
    # Each officer signs under their own name, each agency seals under its own.
    leader = Credential.objects.get(holder=people.agency_leader, active=True)
    assert leader.kind == "personal" and leader.common_name == people.agency_leader.full_name
    assert leader.organisation == people.agency_leader.officer.agency.name
    assert bytes(leader.sealed_secret) == b""  # a person's passphrase is never kept
    desk = Credential.objects.get(holder=people.desk_officer, active=True)
    assert desk.common_name == people.desk_officer.full_name and desk.title == "Cán bộ tiếp nhận"
    seal = Credential.objects.get(agency=people.agency_leader.officer.agency, kind="seal")
    assert seal.common_name == people.agency_leader.officer.agency.name
    assert seal.sealed_secret and b"mat-khau" not in bytes(seal.sealed_secret)
    # A second run with --if-missing leaves everything as it is.
    before = (directory / "root.pem").read_bytes(), Credential.objects.count()
    call_command(
        "signing_dev_pki",
        "--dir",
        str(directory),
        "--install",
        "--if-missing",
        stdout=open("/dev/null", "w"),
    )
    assert ((directory / "root.pem").read_bytes(), Credential.objects.count()) == before


def test_tsa_answers_with_openssl_ts(authority, pki, tmp_path):
    tools.need("openssl ts")
    data = tmp_path / "data.txt"
    data.write_text("Kết quả")
    query = tmp_path / "q.tsq"
    subprocess.run(
        ["openssl", "ts", "-query", "-data", str(data), "-sha256", "-cert", "-out", str(query)],
        check=True,
        capture_output=True,
    )
    answer = requests.post(
        authority.tsa_url,
        data=query.read_bytes(),
        headers={"Content-Type": "application/timestamp-query"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/timestamp-reply"
    reply = tmp_path / "r.tsr"
    reply.write_bytes(answer.content)
    done = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-in",
            str(reply),
            "-data",
            str(data),
            "-CAfile",
            str(pki.path("root.pem")),
            "-untrusted",
            str(pki.path("inter.pem")),
        ],
        capture_output=True,
        text=True,
    )
    assert "Verification: OK" in done.stdout, done.stdout + done.stderr
    # A query that is not one: OpenSSL answers the RFC 3161 way, a reply that refuses.
    bad = requests.post(authority.tsa_url, data=b"not a query", timeout=10)
    if bad.status_code == 200:
        reply.write_bytes(bad.content)
        done = subprocess.run(
            ["openssl", "ts", "-reply", "-in", str(reply), "-text"], capture_output=True, text=True
        )
        assert "Status: Rejected" in done.stdout, done.stdout
    else:
        assert bad.status_code == 400


def test_ocsp_says_revoked_and_good(authority, pki):
    issuer = x509.load_pem_x509_certificate(pki.pem("inter"))
    for holder, expected in (
        ("revoked", ocsp.OCSPCertStatus.REVOKED),
        ("leader", ocsp.OCSPCertStatus.GOOD),
    ):
        cert = x509.load_pem_x509_certificate(pki.pem(holder))
        request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()
        answer = requests.post(
            authority.url + "/ocsp",
            data=request.public_bytes(serialization.Encoding.DER),
            headers={"Content-Type": "application/ocsp-request"},
            timeout=10,
        )
        assert answer.status_code == 200
        response = ocsp.load_der_ocsp_response(answer.content)
        assert response.certificate_status == expected
    crl = requests.get(authority.url + "/crl/inter", timeout=10)
    assert crl.status_code == 200
    revoked = x509.load_der_x509_crl(crl.content)
    serial = x509.load_pem_x509_certificate(pki.pem("revoked")).serial_number
    assert revoked.get_revoked_certificate_by_serial_number(serial) is not None


def test_trust_command(db, people, pki, monkeypatch):
    import io

    import pytest
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("signing_trust", "add-root", str(pki.path("root.pem")), stdout=out)
    call_command("signing_trust", "add-intermediate", str(pki.path("inter.pem")), stdout=out)
    call_command("signing_trust", "add-crl", str(pki.path("inter.crl")), stdout=out)
    call_command("signing_trust", "add-crl", str(pki.path("root.crl")), stdout=out)
    agency = people.agency_leader.officer.agency
    monkeypatch.setenv("EGOV_SIGNING_PASSPHRASE", "sai")
    with pytest.raises(CommandError, match="passphrase_wrong"):
        call_command(
            "signing_trust",
            "import-p12",
            str(pki.path("seal.p12")),
            "--agency",
            agency.code,
            "--seal",
            stdout=out,
        )
    monkeypatch.setenv("EGOV_SIGNING_PASSPHRASE", "mat-khau-ky-so")
    call_command(
        "signing_trust",
        "import-p12",
        str(pki.path("leader.p12")),
        "--agency",
        agency.code,
        "--user",
        people.agency_leader.username,
        stdout=out,
    )
    assert Credential.objects.get(holder=people.agency_leader).common_name == "Nguyễn Văn An"
    with pytest.raises(CommandError, match="certificate_revoked"):
        call_command(
            "signing_trust",
            "import-p12",
            str(pki.path("revoked.p12")),
            "--agency",
            agency.code,
            "--user",
            people.agency_leader.username,
            stdout=out,
        )
