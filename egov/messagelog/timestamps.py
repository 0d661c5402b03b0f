"""RFC 3161 timestamps of the message log's batches: the request to the timestamp
authority (``request``) and the check of a token (``check_token``) against the one
TSA certificate trusted by setting (EGOV_MESSAGELOG_TSA_CERT), as X-Road trusts the
TSAs its global configuration names.

A token is good when its CMS signature verifies with the trusted certificate's key
over signed attributes whose message digest is that of the token's TSTInfo, and the
TSTInfo's message imprint is the SHA-256 digest expected (the batch's last hash).
Written with asn1crypto (parsing) and cryptography (the signature), both public APIs.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import requests
from asn1crypto import algos, cms, core, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from egov.messagelog import conf

_HASHES = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TimestampError(Exception):
    """The TSA did not give a usable timestamp (unreachable, refused, bad token)."""


class BadToken(Exception):
    """A stored token does not prove what it should."""


@dataclass(frozen=True)
class Stamp:
    token: bytes  # DER ContentInfo
    gen_time: datetime.datetime


def request(digest: bytes, *, url: str | None = None, timeout: float | None = None) -> Stamp:
    """Ask the TSA to timestamp the SHA-256 ``digest``; the answer is checked (status,
    imprint, nonce, signature by the trusted certificate) before it is returned."""
    url = url or conf.tsa_url()
    nonce = secrets.randbits(63)
    query = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": digest,
            },
            "nonce": core.Integer(nonce),
            "cert_req": True,
        }
    )
    try:
        answer = requests.post(
            url,
            data=query.dump(),
            headers={"Content-Type": "application/timestamp-query"},
            timeout=timeout or conf.tsa_timeout(),
        )
    except requests.RequestException as error:
        raise TimestampError(f"timestamp authority {url} unreachable: {error}") from None
    if answer.status_code != 200:
        raise TimestampError(f"timestamp authority {url} answered HTTP {answer.status_code}")
    try:
        response = tsp.TimeStampResp.load(answer.content)
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise TimestampError(f"timestamp authority {url} refused: {status}")
        token = response["time_stamp_token"].dump()
        info = check_token(token, digest)
    except (ValueError, TypeError, KeyError) as error:
        raise TimestampError(f"timestamp authority {url}: unreadable answer ({error})") from None
    except BadToken as error:
        raise TimestampError(f"timestamp authority {url}: {error}") from None
    if info["nonce"].native != nonce:
        raise TimestampError(f"timestamp authority {url}: the answer's nonce is not ours")
    return Stamp(token, info["gen_time"].native)


@lru_cache(maxsize=4)
def _trusted(path: str, mtime_ns: int) -> x509.Certificate:
    return x509.load_pem_x509_certificate(Path(path).read_bytes())


def trusted_certificate() -> x509.Certificate:
    path = conf.tsa_cert()
    try:
        return _trusted(str(path), path.stat().st_mtime_ns)
    except (OSError, ValueError) as error:
        raise BadToken(f"the trusted TSA certificate {path} cannot be read: {error}") from None


def _attribute(signer: cms.SignerInfo, name: str):
    for attribute in signer["signed_attrs"]:
        if attribute["type"].native == name:
            return attribute["values"][0]
    raise BadToken(f"the token's signature has no {name} attribute")


def _verify_signature(
    certificate: x509.Certificate, signer: cms.SignerInfo, hash_name: str
) -> None:
    # The signature covers the DER of the signed attributes as a SET (RFC 5652 5.4),
    # not with the implicit [0] tag they carry inside SignerInfo.
    signed = signer["signed_attrs"].untag().dump()
    signature = signer["signature"].native
    algorithm = _HASHES[hash_name]()
    key = certificate.public_key()
    kind = signer["signature_algorithm"].signature_algo
    try:
        if isinstance(key, rsa.RSAPublicKey) and kind == "rsassa_pkcs1v15":
            key.verify(signature, signed, padding.PKCS1v15(), algorithm)
        elif isinstance(key, rsa.RSAPublicKey) and kind == "rsassa_pss":
            pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=padding.PSS.AUTO)
            key.verify(signature, signed, pss, algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and kind == "ecdsa":
            key.verify(signature, signed, ec.ECDSA(algorithm))
        else:
            raise BadToken(f"signature algorithm {kind} does not fit the trusted TSA's key")
    except InvalidSignature:
        raise BadToken("the token is not signed by the trusted TSA") from None


def check_token(token: bytes, digest: bytes) -> tsp.TSTInfo:
    """The TSTInfo of ``token`` when it is a good timestamp of ``digest`` by the
    trusted TSA; ``BadToken`` saying why otherwise."""
    try:
        info_der, signer, info = _parse(token)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise BadToken(f"the token cannot be read ({error})") from None
    hash_name = signer["digest_algorithm"]["algorithm"].native
    if hash_name not in _HASHES:
        raise BadToken(f"digest algorithm {hash_name} is not accepted")
    if _attribute(signer, "content_type").native != "tst_info":
        raise BadToken("the token's signed content is not a TSTInfo")
    if _attribute(signer, "message_digest").native != hashlib.new(hash_name, info_der).digest():
        raise BadToken("the token's TSTInfo was changed after it was signed")
    certificate = trusted_certificate()
    _verify_signature(certificate, signer, hash_name)
    imprint = info["message_imprint"]
    if imprint["hash_algorithm"]["algorithm"].native != "sha256":
        raise BadToken("the token's message imprint is not a SHA-256 digest")
    if imprint["hashed_message"].native != digest:
        raise BadToken("the token's message imprint is not the batch's digest")
    gen_time = info["gen_time"].native
    if not certificate.not_valid_before_utc <= gen_time <= certificate.not_valid_after_utc:
        raise BadToken("the token's time is outside the TSA certificate's validity")
    return info


def _parse(token: bytes) -> tuple[bytes, cms.SignerInfo, tsp.TSTInfo]:
    content = cms.ContentInfo.load(token)
    if content["content_type"].native != "signed_data":
        raise ValueError("not a CMS SignedData")
    signed_data = content["content"]
    encapsulated = signed_data["encap_content_info"]
    if encapsulated["content_type"].native != "tst_info":
        raise ValueError("not a timestamp token")
    info_der = encapsulated["content"].contents
    signers = signed_data["signer_infos"]
    if len(signers) != 1:
        raise ValueError(f"{len(signers)} signers instead of one")
    return info_der, signers[0], tsp.TSTInfo.load(info_der)


def gen_time(token: bytes) -> datetime.datetime:
    return _parse(token)[2]["gen_time"].native
