"""Signing results through the services: the leader's signature and the agency's
seal (PAdES B-LTA) stored with the hash, and every refusal writing nothing: wrong
passphrase, expired / revoked certificate, the timestamp authority down."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.utils import timezone

from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier
from egov.signing import devpki, queries, services, verify
from egov.signing.models import Credential
from egov.signing.tests.conftest import counts
from egov.signing.trust import Trust

PASS = devpki.DEV_PASSPHRASE


def test_the_leader_signs_the_result(people, signing_setup, to_leader):
    dossier = to_leader()
    assert queries.signed_result(dossier) is None
    signed = services.sign_result(actor=people.agency_leader, dossier=dossier, passphrase=PASS)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == Status.FINISHED and fresh.outcome == "approved"
    assert queries.signed_result(dossier) == signed
    data = signed.result_file.file.read()
    assert hashlib.sha256(data).hexdigest() == signed.sha256
    assert signed.result_file.content_type == "application/pdf" and signed.level == "B-LTA"
    from egov.dossiers.tests.journeys import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "signing-result.pdf").write_bytes(data)  # to look at (CI keeps it)
    report = verify.verify_pdf(data, Trust.configured())
    assert report["indication"] == "TOTAL_PASSED", report
    assert [s["field"] for s in report["signatures"]] == ["ChuKyCaNhan", "ConDau"]
    assert AuditEntry.objects.filter(action="signing.result_signed").count() == 1
    event = OutboxEvent.objects.get(topic="signing.result_signed")
    assert event.payload["sha256"] == signed.sha256
    # The result names the dossier and links to the verification page.
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert dossier.code in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "/xac-thuc-chu-ky-so/?ma=" in "".join(text.split())


def test_the_verifier_tells_the_registered_file(people, signing_setup, to_leader):
    signed = services.sign_result(actor=people.agency_leader, dossier=to_leader(), passphrase=PASS)
    data = signed.result_file.file.read()
    report = services.verify_upload(actor=None, data=data, code=signed.dossier.code)
    assert report["registered"] == {"dossier_code": signed.dossier.code, "matches": True}
    other = to_leader()
    report = services.verify_upload(actor=None, data=data, code=other.code)
    assert report["registered"]["matches"] is False
    assert services.verify_upload(actor=None, data=data)["registered"]["dossier_code"] == (
        signed.dossier.code
    )


def _refused(code: str, call) -> DomainError:
    before = counts()
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.code == code, refused.value
    assert counts() == before
    return refused.value


def test_wrong_passphrase_signs_nothing(people, signing_setup, to_leader):
    dossier = to_leader()
    _refused(
        "passphrase_wrong",
        lambda: services.sign_result(actor=people.agency_leader, dossier=dossier, passphrase="sai"),
    )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING


def test_expired_certificate_refused_before_signing(people, signing_setup, to_leader, pki):
    Credential.objects.filter(holder=people.agency_leader).update(active=False)
    services.import_pkcs12(
        actor=None,
        agency=people.agency_leader.officer.agency,
        holder=people.agency_leader,
        data=pki.p12("shortlived"),
        passphrase=PASS,
    )
    dossier = to_leader()
    later = timezone.now() + datetime.timedelta(days=5)
    error = _refused(
        "certificate_expired",
        lambda: services.sign_result(
            actor=people.agency_leader, dossier=dossier, passphrase=PASS, now=later
        ),
    )
    assert error.details["subject"] == "Vũ Thị Giang"


@pytest.mark.parametrize(
    "holder, code",
    [
        ("expired", "certificate_expired"),
        ("notyet", "certificate_not_yet_valid"),
        ("revoked", "certificate_revoked"),
        ("untrusted", "certificate_untrusted"),
    ],
)
def test_broken_certificates_are_refused_at_import(people, signing_setup, pki, holder, code):
    before = Credential.objects.count()
    with pytest.raises(DomainError) as refused:
        services.import_pkcs12(
            actor=None,
            agency=people.agency_leader.officer.agency,
            holder=people.agency_leader,
            data=pki.p12(holder),
            passphrase=PASS,
        )
    assert refused.value.code == code
    assert Credential.objects.count() == before


def test_revoked_since_import_is_refused_before_signing(people, signing_setup, to_leader, pki):
    """The CRL configured after the import names the certificate: refused with the
    reason, nothing signed."""
    from egov.signing.models import RevocationList

    credential = queries.personal_credential(people.agency_leader)
    # The leader's certificate revoked: a CRL that names its serial.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    key = serialization.load_pem_private_key(pki.path("inter.key").read_bytes(), None)
    inter = x509.load_pem_x509_certificate(pki.pem("inter"))
    now = datetime.datetime.now(datetime.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(inter.subject)
        .last_update(now - datetime.timedelta(hours=1))
        .next_update(now + datetime.timedelta(days=7))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(credential.serial, 16))
            .revocation_date(now - datetime.timedelta(minutes=5))
            .build()
        )
        .sign(key, hashes.SHA256())
    )
    services.add_revocation_list(actor=None, data=crl.public_bytes(serialization.Encoding.DER))
    assert RevocationList.objects.filter(issuer=inter.subject.rfc4514_string()).count() == 1
    dossier = to_leader()
    _refused(
        "certificate_revoked",
        lambda: services.sign_result(actor=people.agency_leader, dossier=dossier, passphrase=PASS),
    )


def test_timestamp_authority_down_signs_nothing(people, signing_setup, to_leader, settings):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.SIGNING_TSA_URL = f"http://127.0.0.1:{port}/tsa"  # nobody listens there
    dossier = to_leader()
    _refused(
        "timestamp_unavailable",
        lambda: services.sign_result(actor=people.agency_leader, dossier=dossier, passphrase=PASS),
    )


def test_only_the_holder_signs(people, signing_setup, to_leader):
    dossier = to_leader()
    before = counts()
    with pytest.raises(DomainError) as refused:
        services.sign_result(actor=people.specialist, dossier=dossier, passphrase=PASS)
    assert refused.value.status == 403
    assert counts() == before


def test_a_form_can_be_signed(people, signing_setup, to_leader):
    """Forms 01-05 (here 01, the receipt) are signed and sealed the same way."""
    from egov.dossiers.forms.render import render_form_pdf

    dossier = to_leader()
    pdf = render_form_pdf("01", dossier)
    signed = services.sign_document(
        actor=people.agency_leader,
        data=pdf,
        passphrase=PASS,
        agency_id=dossier.processing_agency_id,
    )
    report = verify.verify_pdf(signed, Trust.configured())
    assert report["indication"] == "TOTAL_PASSED" and report["signatures_count"] == 2
