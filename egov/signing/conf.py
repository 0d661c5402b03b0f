"""Settings of the signing app, read when used: a Django setting of the same name
(``SIGNING_TSA_URL``...) wins over the environment variable, so tests override them
with pytest-django's ``settings``. Documented in docs/signing.md."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from django.conf import settings

from egov.env import env_bool, env_int, env_str


def _get(name: str, env_name: str, default):
    value = getattr(settings, name, None)
    if value is not None:
        return value
    if isinstance(default, bool):
        return env_bool(env_name, default)
    if isinstance(default, int):
        return env_int(env_name, default)
    return env_str(env_name, default)


def tsa_url() -> str:
    """The RFC 3161 timestamp authority (the local one of fakes/tsa.py by default)."""
    return _get("SIGNING_TSA_URL", "EGOV_SIGNING_TSA_URL", "http://127.0.0.1:8790/tsa")


def site_url() -> str:
    """The public address of the site (``https://dichvucong.example.gov.vn``), written
    before the verification link printed on a result when no request is at hand."""
    return _get("SIGNING_SITE_URL", "EGOV_SITE_URL", "").rstrip("/")


def pki_dir() -> Path:
    """Where ``signing_dev_pki`` writes the development PKI."""
    return Path(
        _get("SIGNING_PKI_DIR", "EGOV_SIGNING_PKI_DIR", str(settings.VAR_DIR / "signing-pki"))
    )


def verify_max_bytes() -> int:
    """The largest file the public verifier reads (413 above)."""
    return _get("SIGNING_VERIFY_MAX_BYTES", "EGOV_SIGNING_VERIFY_MAX_BYTES", 20 * 1024 * 1024)


def fetch_revocation() -> bool:
    """Whether signing fetches OCSP answers and CRLs named in the certificates (to embed
    them for LTV); the configured CRLs are used either way."""
    return _get("SIGNING_FETCH_REVOCATION", "EGOV_SIGNING_FETCH_REVOCATION", True)


def sealing_key() -> bytes:
    """The 32-byte AES key that seals the stored passphrases and PINs of seals:
    ``EGOV_SIGNING_KEY`` (base64), else derived from the secret key (development)."""
    value = _get("SIGNING_KEY", "EGOV_SIGNING_KEY", "")
    if value:
        key = base64.b64decode(value)
        if len(key) != 32:
            raise ValueError("EGOV_SIGNING_KEY must be 32 bytes, base64-encoded")
        return key
    return hashlib.sha256(b"egov.signing.seal:" + settings.SECRET_KEY.encode()).digest()


def fake_commands(python: str) -> dict[str, list[str]]:
    """What ``manage.py serve`` starts for signing: the local TSA / OCSP / CRL server
    (fakes/tsa.py) while the TSA URL is on loopback and the development PKI exists."""
    from urllib.parse import urlsplit

    url = urlsplit(tsa_url())
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        return {}
    if not (pki_dir() / "manifest.json").exists():
        return {}
    script = str(settings.BASE_DIR / "fakes" / "tsa.py")
    port = str(url.port or 80)
    return {
        "tsa": [python, script, "--dir", str(pki_dir()), "--host", url.hostname, "--port", port]
    }
