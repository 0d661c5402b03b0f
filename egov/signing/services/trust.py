"""Writes of the trust configuration and the credentials (the province
administrator's, or an operator's management command): each in one transaction with
its audit entry."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils import timezone

from egov.core import audit
from egov.core.errors import DomainError
from egov.signing import keys, rules
from egov.signing.models import Credential, RevocationList, TrustedCertificate
from egov.signing.trust import Trust


def _require_admin(actor: Any) -> None:
    """The province administrator (or the platform's superuser), or ``None``: an
    operator's management command (``signing_dev_pki --install``), audited as the system."""
    if actor is not None and not getattr(actor, "is_province_admin", False):
        from egov.core.errors import NotPermitted

        raise NotPermitted("signing.configure")


def _load_certificate(data: bytes) -> x509.Certificate:
    data = bytes(data)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise DomainError(
            "certificate_unreadable",
            "Không đọc được chứng thư số (cần tệp PEM hoặc DER).",
            "The certificate cannot be read (PEM or DER expected).",
            field="file",
        ) from exc


# ---------------------------------------------------------------- trust


@transaction.atomic
def add_trusted_certificate(*, actor: Any, data: bytes, is_root: bool = True) -> TrustedCertificate:
    """Configure a trust root (or an intermediate CA) of the province."""
    _require_admin(actor)
    cert = _load_certificate(data)
    der = cert.public_bytes(serialization.Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    row, created = TrustedCertificate.objects.get_or_create(
        fingerprint=fingerprint,
        defaults={"name": cert.subject.rfc4514_string()[:255], "der": der, "is_root": is_root},
    )
    if created:
        audit.record(
            actor=actor,
            action="signing.trust_added",
            obj=row,
            changes={"fingerprint": fingerprint, "is_root": is_root},
        )
    return row


@transaction.atomic
def add_revocation_list(*, actor: Any, data: bytes) -> RevocationList:
    """Configure (or replace) the CRL of a CA."""
    _require_admin(actor)
    try:
        crl = x509.load_der_x509_crl(bytes(data))
    except ValueError:
        try:
            crl = x509.load_pem_x509_crl(bytes(data))
        except ValueError as exc:
            raise DomainError(
                "crl_unreadable",
                "Không đọc được danh sách thu hồi.",
                "The CRL cannot be read.",
                field="file",
            ) from exc
    issuer = crl.issuer.rfc4514_string()[:500]
    RevocationList.objects.filter(issuer=issuer).delete()
    row = RevocationList.objects.create(
        issuer=issuer,
        der=crl.public_bytes(serialization.Encoding.DER),
        next_update=crl.next_update_utc,
    )
    audit.record(
        actor=actor,
        action="signing.crl_added",
        obj=row,
        changes={"issuer": issuer, "revoked": len(list(crl))},
    )
    return row


# ---------------------------------------------------------------- credentials


def _create_credential(actor, facts: keys.CertificateFacts, **fields) -> Credential:
    credential = Credential.objects.create(
        certificate=facts.der,
        chain=keys.pack_chain(facts.chain),
        subject=facts.subject[:500],
        common_name=facts.common_name[:200],
        organisation=facts.organisation[:200],
        title=facts.title[:100],
        serial=facts.serial,
        not_before=facts.not_before,
        not_after=facts.not_after,
        **fields,
    )
    audit.record(
        actor=actor,
        action="signing.credential_added",
        obj=credential,
        agency_id=credential.agency_id,
        changes={
            "kind": credential.kind,
            "backend": credential.backend,
            "subject": credential.subject,
            "serial": credential.serial,
            "not_after": credential.not_after,
        },
    )
    return credential


@transaction.atomic
def import_pkcs12(
    *,
    actor: Any,
    agency: Any,
    data: bytes,
    passphrase: str,
    kind: str = Credential.Kind.PERSONAL,
    holder: Any = None,
    image: bytes = b"",
    now: datetime.datetime | None = None,
) -> Credential:
    """Register a PKCS#12 file, kept as it is (encrypted by its passphrase). The
    passphrase opens it once here to prove it; a seal's is kept sealed
    (``keys.seal_secret``), a person's is never kept."""
    _require_admin(actor)
    facts = keys.read_pkcs12(data, passphrase)
    credential = _create_credential(
        actor,
        facts,
        kind=kind,
        backend=Credential.Backend.PKCS12,
        holder=holder,
        agency=agency,
        pkcs12=bytes(data),
        sealed_secret=keys.seal_secret(passphrase) if kind == Credential.Kind.SEAL else b"",
        image=image,
    )
    rules.check_certificate(credential, Trust.configured(), now or timezone.now())
    return credential


@transaction.atomic
def register_pkcs11(
    *,
    actor: Any,
    agency: Any,
    module: str,
    token: str,
    key_label: str,
    certificate: bytes,
    chain: list[bytes] = (),
    kind: str = Credential.Kind.PERSONAL,
    holder: Any = None,
    pin: str = "",
    image: bytes = b"",
) -> Credential:
    """Register a key on a PKCS#11 token or HSM (its certificate given here). A seal's
    PIN is kept sealed; a person types theirs at each signature."""
    _require_admin(actor)
    cert = _load_certificate(certificate)
    facts = keys.facts(cert, [_load_certificate(c) for c in chain])
    return _create_credential(
        actor,
        facts,
        kind=kind,
        backend=Credential.Backend.PKCS11,
        holder=holder,
        agency=agency,
        pkcs11_module=module,
        pkcs11_token=token,
        pkcs11_key_label=key_label,
        sealed_secret=keys.seal_secret(pin) if kind == Credential.Kind.SEAL and pin else b"",
        image=image,
    )


@transaction.atomic
def withdraw_credential(*, actor: Any, credential: Credential) -> Credential:
    """Stop a credential being used (a key lost, an officer gone): nothing signed with it
    changes; it can no longer sign."""
    _require_admin(actor)
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.active:
        credential.active = False
        credential.save(update_fields=["active"])
        audit.record(
            actor=actor,
            action="signing.credential_withdrawn",
            obj=credential,
            agency_id=credential.agency_id,
            changes={"before": {"active": True}, "after": {"active": False}},
        )
    return credential
