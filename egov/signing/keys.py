"""Keys: sealing stored secrets, reading PKCS#12 files, opening PKCS#11 tokens, and
the pyHanko signer of a credential. Every failure becomes a ``DomainError`` with a
stable code, so that nothing is signed by accident and the officer reads why."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from egov.core.errors import DomainError
from egov.signing import conf

PASSPHRASE_WRONG = DomainError(
    "passphrase_wrong",
    "Mật khẩu của tệp chứng thư số không đúng.",
    "The passphrase of the certificate file is wrong.",
    field="passphrase",
)


def seal_secret(secret: str, *, context: bytes = b"egov.signing") -> bytes:
    """``secret`` encrypted with AES-GCM under ``conf.sealing_key()`` (nonce first)."""
    nonce = os.urandom(12)
    return nonce + AESGCM(conf.sealing_key()).encrypt(nonce, secret.encode(), context)


def unseal_secret(blob: bytes, *, context: bytes = b"egov.signing") -> str:
    blob = bytes(blob)
    try:
        return AESGCM(conf.sealing_key()).decrypt(blob[:12], blob[12:], context).decode()
    except Exception as exc:  # InvalidTag: another key, or a changed row
        raise DomainError(
            "sealed_secret_unreadable",
            "Không mở được mật khẩu đã lưu của con dấu (khóa EGOV_SIGNING_KEY đã đổi?).",
            "The stored passphrase of the seal cannot be opened (EGOV_SIGNING_KEY changed?).",
        ) from exc


def pack_chain(certs: list[bytes]) -> bytes:
    return b"".join(struct.pack(">I", len(der)) + der for der in certs)


def unpack_chain(blob: bytes) -> list[bytes]:
    blob, out, at = bytes(blob), [], 0
    while at < len(blob):
        (size,) = struct.unpack(">I", blob[at : at + 4])
        out.append(blob[at + 4 : at + 4 + size])
        at += 4 + size
    return out


@dataclass(frozen=True)
class CertificateFacts:
    der: bytes
    chain: list[bytes]
    subject: str
    common_name: str
    organisation: str
    title: str
    serial: str
    not_before: Any
    not_after: Any


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def facts(cert: x509.Certificate, chain: list[x509.Certificate]) -> CertificateFacts:
    from cryptography.x509.oid import NameOID

    return CertificateFacts(
        der=cert.public_bytes(Encoding.DER),
        chain=[c.public_bytes(Encoding.DER) for c in chain],
        subject=cert.subject.rfc4514_string(),
        common_name=_attribute(cert.subject, NameOID.COMMON_NAME),
        organisation=_attribute(cert.subject, NameOID.ORGANIZATION_NAME),
        title=_attribute(cert.subject, NameOID.TITLE),
        serial=format(cert.serial_number, "X"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


def read_pkcs12(data: bytes, passphrase: str) -> CertificateFacts:
    """The certificate of a PKCS#12 file, proving the passphrase opens it."""
    try:
        _key, cert, chain = pkcs12.load_key_and_certificates(bytes(data), passphrase.encode())
    except ValueError as exc:
        raise PASSPHRASE_WRONG from exc
    if cert is None or _key is None:
        raise DomainError(
            "pkcs12_incomplete",
            "Tệp PKCS#12 không có khóa bí mật và chứng thư số.",
            "The PKCS#12 file holds no private key with its certificate.",
            field="file",
        )
    return facts(cert, list(chain))


def _asn1(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(bytes(der))


def pkcs12_signer(data: bytes, passphrase: str, chain: list[asn1_x509.Certificate]) -> Any:
    """A pyHanko signer holding the key of the PKCS#12 ``data``, decrypted and checked
    once. pyHanko's ``SimpleSigner`` parses the key again at every signature (about
    36 ms for an RSA key, checks included: a third of a batch's time); this one keeps
    the parsed key, through the documented ``Signer.async_sign_raw`` extension point."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except (ValueError, TypeError) as exc:
        raise PASSPHRASE_WRONG from exc
    if key is None or cert is None:
        raise PASSPHRASE_WRONG
    from egov.signing.keysigner import KeySigner

    extra_certs = [_asn1(c.public_bytes(Encoding.DER)) for c in extra or ()]
    return KeySigner(key, _asn1(cert.public_bytes(Encoding.DER)), [*chain, *extra_certs])


@contextmanager
def signer_for(credential: Any, secret: str | None) -> Iterator[Any]:
    """A pyHanko signer for ``credential``, unlocked with ``secret`` (the passphrase or
    PIN typed by the officer; a seal's own sealed one when ``None``). A PKCS#11
    session is closed when the block ends."""
    if secret is None:
        if not credential.sealed_secret:
            raise DomainError(
                "passphrase_required",
                "Nhập mật khẩu (mã PIN) của chứng thư số.",
                "Type the passphrase (PIN) of the certificate.",
                field="passphrase",
            )
        secret = unseal_secret(credential.sealed_secret)
    chain = [_asn1(der) for der in unpack_chain(credential.chain)]
    if credential.backend == "pkcs12":
        yield pkcs12_signer(bytes(credential.pkcs12), secret, chain)
        return
    with pkcs11_session(credential, secret) as session:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        yield PKCS11Signer(
            session,
            key_label=credential.pkcs11_key_label,
            signing_cert=_asn1(credential.certificate),
            ca_chain=chain,
        )


@contextmanager
def pkcs11_session(credential: Any, pin: str) -> Iterator[Any]:
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    if not os.path.exists(credential.pkcs11_module):
        raise DomainError(
            "token_module_missing",
            "Không tìm thấy thư viện PKCS#11 của token trên máy chủ.",
            "The token's PKCS#11 module is not installed on the server.",
            details={"module": credential.pkcs11_module},
        )
    try:
        session = open_pkcs11_session(
            credential.pkcs11_module,
            token_criteria=TokenCriteria(label=credential.pkcs11_token),
            user_pin=pin,
        )
    except p11.PinIncorrect as exc:
        raise DomainError(
            "pin_wrong",
            "Mã PIN của token không đúng.",
            "The token PIN is wrong.",
            field="passphrase",
        ) from exc
    except (SigningError, p11.PKCS11Error) as exc:
        raise DomainError(
            "token_absent",
            "Không thấy token ký số (chưa cắm hoặc sai nhãn token).",
            "The signing token is absent (not plugged in, or another label).",
            details={"token": credential.pkcs11_token},
        ) from exc
    try:
        yield session
    finally:
        session.close()
