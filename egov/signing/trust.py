"""The trust configuration as pyHanko validation contexts: the roots and
intermediates and the CRLs that the province administrator configured
(``TrustedCertificate``, ``RevocationList``)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509

from egov.signing import conf
from egov.signing.models import RevocationList, TrustedCertificate


@dataclass(frozen=True)
class Trust:
    roots: list[bytes]
    intermediates: list[bytes]
    crls: list[bytes]

    @classmethod
    def configured(cls) -> Trust:
        roots, intermediates = [], []
        for der, is_root in TrustedCertificate.objects.values_list("der", "is_root"):
            (roots if is_root else intermediates).append(bytes(der))
        crls = [bytes(der) for der in RevocationList.objects.values_list("der", flat=True)]
        return cls(roots, intermediates, crls)

    @functools.cached_property
    def signing_context(self) -> Any:
        """The validation context the signatures made with this trust share: the OCSP
        answers and CRLs it fetched are reused by the next documents of a batch (a
        ``Trust`` is read once per signing request or batch, so they stay fresh)."""
        return self.context()

    def context(
        self,
        *,
        moment: datetime.datetime | None = None,
        fetching: bool | None = None,
        extra_certs: list[Any] = (),
        extra_crls: list[Any] = (),
        extra_ocsps: list[Any] = (),
        revocation_mode: str = "require",
    ) -> Any:
        """A fresh pyHanko ``ValidationContext`` (they keep state: one per use)."""
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(
            **self.context_kwargs(
                moment=moment,
                fetching=fetching,
                extra_certs=extra_certs,
                extra_crls=extra_crls,
                extra_ocsps=extra_ocsps,
                revocation_mode=revocation_mode,
            )
        )

    def context_kwargs(
        self,
        *,
        moment: datetime.datetime | None = None,
        fetching: bool | None = None,
        extra_certs: list[Any] = (),
        extra_crls: list[Any] = (),
        extra_ocsps: list[Any] = (),
        revocation_mode: str = "require",
    ) -> dict[str, Any]:
        # requests-based fetchers: the aiohttp ones open a new session, and load the
        # system's CA bundle into a new TLS context (16 ms), at every fetch.
        from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

        return dict(
            fetcher_backend=RequestsFetcherBackend(per_request_timeout=20),
            trust_roots=[asn1_x509.Certificate.load(d) for d in self.roots],
            other_certs=[asn1_x509.Certificate.load(d) for d in self.intermediates]
            + list(extra_certs),
            crls=[asn1_crl.CertificateList.load(d) for d in self.crls] + list(extra_crls),
            ocsps=list(extra_ocsps),
            allow_fetching=conf.fetch_revocation() if fetching is None else fetching,
            revocation_mode=revocation_mode,
            moment=moment,
            best_signature_time=moment,
        )

    def revoked_at(self, der: bytes) -> datetime.datetime | None:
        """When a configured CRL says the certificate ``der`` was revoked, if it does."""
        cert = x509.load_der_x509_certificate(bytes(der))
        for data in self.crls:
            crl = x509.load_der_x509_crl(data)
            if crl.issuer != cert.issuer:
                continue
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is not None:
                return entry.revocation_date_utc
        return None

    def is_anchored(self, der: bytes, chain: list[bytes]) -> bool:
        """Whether the certificate chains (by issuer name and signature) to a root."""
        pool = {x509.load_der_x509_certificate(d).subject: d for d in [*chain, *self.intermediates]}
        roots = [x509.load_der_x509_certificate(d) for d in self.roots]
        current = x509.load_der_x509_certificate(bytes(der))
        for _ in range(8):
            for root in roots:
                if current.issuer == root.subject:
                    try:
                        current.verify_directly_issued_by(root)
                        return True
                    except (ValueError, TypeError, Exception):
                        continue
            parent = pool.get(current.issuer)
            if parent is None or x509.load_der_x509_certificate(parent) == current:
                return False
            issuer = x509.load_der_x509_certificate(parent)
            try:
                current.verify_directly_issued_by(issuer)
            except Exception:
                return False
            current = issuer
        return False


def ocsp_response(der: bytes) -> Any:
    return asn1_ocsp.OCSPResponse.load(der)
