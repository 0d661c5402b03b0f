"""The development PKI: a local root CA, an intermediate, officers' and agencies'
certificates, a CRL, the OCSP index and the TSA's configuration, written to one
directory so that the demo and the tests sign for real with no internet.

Made with ``cryptography``; the revocation and timestamp answers come from OpenSSL's
own ``ocsp`` and ``ts`` commands (``fakes/tsa.py``), pointed at this directory. Never
for production: the keys of the CAs lie next to the certificates.

    python manage.py signing_dev_pki --dir var/signing-pki --url http://127.0.0.1:8790
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEV_PASSPHRASE = "mat-khau-ky-so"
UTC = datetime.UTC

# The holders of the certificates a demo province needs. ``state``: how the certificate
# is broken on purpose, for the negative cases.
HOLDERS = {
    "leader": ("Nguyễn Văn An", "Chủ tịch", "personal", "good"),
    "seal": ("Ủy ban nhân dân tỉnh Bắc Kạn", "", "seal", "good"),
    "expired": ("Trần Thị Bình", "Phó Chủ tịch", "personal", "expired"),
    "notyet": ("Lê Văn Cường", "Phó Chủ tịch", "personal", "notyet"),
    "revoked": ("Phạm Thị Dung", "Phó Chủ tịch", "personal", "revoked"),
    "untrusted": ("Hoàng Văn Em", "Chủ tịch", "personal", "untrusted"),
    # Valid for two more days: signed now, checked after it expired (B-LTA).
    "shortlived": ("Vũ Thị Giang", "Phó Chủ tịch", "personal", "short"),
}


@dataclass(frozen=True)
class DevPKI:
    """Where the files of one development PKI are."""

    directory: Path

    def path(self, name: str) -> Path:
        return self.directory / name

    @property
    def manifest(self) -> dict:
        return json.loads(self.path("manifest.json").read_text())

    def p12(self, holder: str) -> bytes:
        return self.path(f"{holder}.p12").read_bytes()

    def pem(self, name: str) -> bytes:
        return self.path(f"{name}.pem").read_bytes()

    def der(self, name: str) -> bytes:
        cert = x509.load_pem_x509_certificate(self.pem(name))
        return cert.public_bytes(serialization.Encoding.DER)

    @property
    def crls(self) -> list[bytes]:
        return [self.path("inter.crl").read_bytes(), self.path("root.crl").read_bytes()]


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common: str, organisation: str = "", title: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


def _issue(
    subject: x509.Name,
    key,
    issuer: x509.Name,
    issuer_key,
    *,
    ca: bool,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    serial: int,
    usage: list | None = None,
    ocsp_url: str = "",
    crl_url: str = "",
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=True)
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(crl_url)], None, None, None
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _crl(issuer: x509.Name, key, revoked: list, now: datetime.datetime) -> bytes:
    day = datetime.timedelta(days=1)
    crl = x509.CertificateRevocationListBuilder().issuer_name(issuer)
    crl = crl.last_update(now - day).next_update(now + 30 * day)
    for serial, revoked_at in revoked:
        crl = crl.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(revoked_at)
            .build()
        )
    crl = crl.add_extension(x509.CRLNumber(1), critical=False).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
    )
    return crl.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _openssl_time(moment: datetime.datetime) -> str:
    return moment.astimezone(UTC).strftime("%y%m%d%H%M%SZ")


TSA_CONFIG = """# OpenSSL `ts -reply` configuration of the development TSA (fakes/tsa.py).
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {directory}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/chain.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def create(
    directory: Path | str,
    *,
    url: str,
    now: datetime.datetime | None = None,
    people: Iterable[tuple[str, str, str, str, str]] = (),
) -> DevPKI:
    """Write a fresh development PKI to ``directory``. ``url``: where ``fakes/tsa.py``
    answers (its ``/ocsp`` and ``/crl`` paths are written into the certificates, so
    that pdfsig and pyHanko find them). ``people``: more holders with a good
    certificate each, as (file name, common name, title, organisation, kind), so that a
    demo officer signs under their own name and an agency seals under its own."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.datetime.now(UTC)).replace(microsecond=0)
    url = url.rstrip("/")
    day = datetime.timedelta(days=1)
    pki = DevPKI(directory)

    root_key, other_key, inter_key = _key(), _key(), _key()
    root_name = _name("egov Root CA (phát triển)", "egov dev PKI")
    other_name = _name("Untrusted Root CA (không tin cậy)", "Somewhere else")
    inter_name = _name("egov Issuing CA (phát triển)", "egov dev PKI")
    root = _issue(
        root_name,
        root_key,
        root_name,
        root_key,
        ca=True,
        serial=1,
        not_before=now - 30 * day,
        not_after=now + 3650 * day,
    )
    other = _issue(
        other_name,
        other_key,
        other_name,
        other_key,
        ca=True,
        serial=1,
        not_before=now - 30 * day,
        not_after=now + 3650 * day,
    )
    inter = _issue(
        inter_name,
        inter_key,
        root_name,
        root_key,
        ca=True,
        serial=2,
        not_before=now - 30 * day,
        not_after=now + 3000 * day,
        crl_url=f"{url}/crl/root",
    )
    files = {
        "root.pem": _pem(root),
        "root.key": _key_pem(root_key),
        "other-root.pem": _pem(other),
        "inter.pem": _pem(inter),
        "inter.key": _key_pem(inter_key),
        "chain.pem": _pem(inter) + _pem(root),
    }
    service_certs = {}
    for serial, (name, usage) in enumerate(
        [("tsa", ExtendedKeyUsageOID.TIME_STAMPING), ("ocsp", ExtendedKeyUsageOID.OCSP_SIGNING)],
        start=10,
    ):
        key = _key()
        cert = _issue(
            _name(f"egov dev {name.upper()}", "egov dev PKI"),
            key,
            inter_name,
            inter_key,
            ca=False,
            serial=serial,
            usage=[usage],
            not_before=now - 30 * day,
            not_after=now + 2000 * day,
        )
        service_certs[name] = cert
        files[f"{name}.pem"], files[f"{name}.key"] = _pem(cert), _key_pem(key)

    index_lines, revoked_serials, holders = [], [], {}
    province = "Ủy ban nhân dân tỉnh Bắc Kạn"
    everyone = {
        **{h: (c, t, province, k, st) for h, (c, t, k, st) in HOLDERS.items()},
        **{h: (c, t, o, k, "good") for h, c, t, o, k in people},
    }
    for serial, (holder, (common, title, organisation, kind, state)) in enumerate(
        everyone.items(), start=100
    ):
        key = _key()
        not_before, not_after = now - 10 * day, now + 730 * day
        if state == "expired":
            not_before, not_after = now - 400 * day, now - 5 * day
        elif state == "short":
            not_after = now + 2 * day
        elif state == "notyet":
            not_before, not_after = now + 5 * day, now + 400 * day
        issuer_name, issuer_key = (
            (other_name, other_key) if state == "untrusted" else (inter_name, inter_key)
        )
        cert = _issue(
            _name(common, organisation, title),
            key,
            issuer_name,
            issuer_key,
            ca=False,
            serial=serial,
            not_before=not_before,
            not_after=not_after,
            ocsp_url="" if state == "untrusted" else f"{url}/ocsp",
            crl_url="" if state == "untrusted" else f"{url}/crl/inter",
        )
        chain = [other] if state == "untrusted" else [inter, root]
        files[f"{holder}.p12"] = pkcs12.serialize_key_and_certificates(
            common.encode(),
            key,
            cert,
            chain,
            serialization.BestAvailableEncryption(DEV_PASSPHRASE.encode()),
        )
        files[f"{holder}.pem"], files[f"{holder}.key"] = _pem(cert), _key_pem(key)
        holders[holder] = {"name": common, "title": title, "kind": kind, "state": state}
        if state == "untrusted":
            continue
        status, revoked_at = "V", ""
        if state == "revoked":
            revoked_at = now - day
            status = "R"
            revoked_serials.append((serial, revoked_at))
        elif state == "expired":
            status = "E"
        index_lines.append(
            "\t".join(
                [
                    status,
                    _openssl_time(not_after),
                    _openssl_time(revoked_at) if revoked_at else "",
                    f"{serial:X}",
                    "unknown",
                    cert.subject.rfc4514_string(),
                ]
            )
        )
    for cert in service_certs.values():
        index_lines.append(
            "\t".join(
                [
                    "V",
                    _openssl_time(cert.not_valid_after_utc),
                    "",
                    f"{cert.serial_number:X}",
                    "unknown",
                    cert.subject.rfc4514_string(),
                ]
            )
        )

    files["inter.crl"] = _crl(inter_name, inter_key, revoked_serials, now)
    files["root.crl"] = _crl(root_name, root_key, [], now)
    files["index.txt"] = ("\n".join(index_lines) + "\n").encode()
    files["index.txt.attr"] = b"unique_subject = no\n"
    files["tsaserial"] = b"01\n"
    files["tsa.cnf"] = TSA_CONFIG.format(directory=directory.resolve()).encode()
    files["manifest.json"] = json.dumps(
        {
            "url": url,
            "tsa_url": f"{url}/tsa",
            "passphrase": DEV_PASSPHRASE,
            "created_at": now.isoformat(),
            "holders": holders,
        },
        ensure_ascii=False,
        indent=2,
    ).encode()
    for name, data in files.items():
        target = directory / name
        target.write_bytes(data)
        if name.endswith(".key"):
            target.chmod(0o600)
    return pki
