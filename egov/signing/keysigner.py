"""A pyHanko signer over a private key already parsed by ``cryptography``, built on
pyHanko's documented extension point (``Signer`` with ``async_sign_raw``), for keys
that live in a PKCS#12 file. Imported only when something is signed (pyHanko is not
loaded at process start)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError, get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore


class KeySigner(signers.Signer):
    """Signs with ``private_key`` (RSA PKCS#1 v1.5 or ECDSA), the key parsed once."""

    def __init__(self, private_key: Any, signing_cert: Any, ca_chain: list[Any]):
        self.private_key = private_key
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=SimpleCertificateStore.from_certs([signing_cert, *ca_chain]),
        )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        algorithm = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        key = self.private_key
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), digest)
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(digest))
        raise SigningError(f"signature mechanism {algorithm} is not supported for this key")
