"""What keeps personal data out of the message log: keyed pseudonyms and encrypted bodies.

The key (``EGOV_MESSAGELOG_KEY``) is ``id:hex`` items, as the audit keys are
(``egov.core.audit_keys.parse``: at least 32 bytes each, by commas, the last one
writes, the earlier ones only read what they wrote). Two keys are derived from each
secret, so that a pseudonym never helps to decrypt a body nor the reverse:

- pseudonyms: ``HMAC-SHA256(k_p, value)``, 32 hex characters, written ``~<hex>``; the
  user id always, and in every other text field each run of 9 or more digits (CMND 9,
  CCCD 12, tax codes, telephone numbers), so that no ID number can be read or
  brute-forced from the log without the key;
- bodies: AES-256-GCM with a random 96-bit nonce, the message id and which body it is
  as associated data (a body cannot be moved to another record unnoticed).

Without ``EGOV_MESSAGELOG_KEY`` a development key is derived from the secret key
(id ``dev``): set a real one in production and keep it away from the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from egov.core.audit_keys import parse
from egov.messagelog import conf

NONCE_BYTES = 12
DIGITS = re.compile(r"\d{9,}")
_PSEUDONYM_LABEL = b"egov messagelog pseudonym v1"
_BODY_LABEL = b"egov messagelog body v1"


@dataclass(frozen=True)
class Key:
    key_id: str
    pseudonym_key: bytes
    body_key: bytes

    def pseudonym(self, value: str) -> str:
        mac = hmac.new(self.pseudonym_key, value.encode(), hashlib.sha256)
        return "~" + mac.hexdigest()[:32]

    def scrub(self, text: str) -> str:
        """``text`` with every run of 9 or more digits replaced by its pseudonym."""
        return DIGITS.sub(lambda match: self.pseudonym(match.group()), text)


@lru_cache(maxsize=8)
def _keys(text: str) -> tuple[dict[str, Key], str]:
    parsed = parse(text, "EGOV_MESSAGELOG_KEY")
    keys = {
        key_id: Key(
            key_id,
            hmac.new(secret, _PSEUDONYM_LABEL, hashlib.sha256).digest(),
            hmac.new(secret, _BODY_LABEL, hashlib.sha256).digest(),
        )
        for key_id, secret in parsed.by_id.items()
    }
    return keys, parsed.current_id


def _text() -> str:
    text = conf.key_text()
    if text:
        return text
    return "dev:" + hashlib.sha256(b"egov.messagelog:" + settings.SECRET_KEY.encode()).hexdigest()


def current() -> Key:
    keys, current_id = _keys(_text())
    return keys[current_id]


def all_keys() -> list[Key]:
    """Every configured key, the current one last."""
    return list(_keys(_text())[0].values())


def key(key_id: str) -> Key:
    """The key ``key_id`` (``KeyError`` when it is not configured any more)."""
    return _keys(_text())[0][key_id]


def _associated(message_id: str, which: str) -> bytes:
    return f"{which}\n{message_id}".encode()


def seal_body(key: Key, body: bytes | str, *, message_id: str, which: str) -> bytes:
    """``nonce || AES-GCM(body)``; ``which``: "request" or "response"."""
    data = body.encode() if isinstance(body, str) else bytes(body)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key.body_key).encrypt(nonce, data, _associated(message_id, which))


def open_body(key: Key, sealed: bytes, *, message_id: str, which: str) -> bytes:
    """The body ``seal_body`` sealed (``cryptography.exceptions.InvalidTag`` when the
    key is wrong or the bytes were changed)."""
    sealed = bytes(sealed)
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    return AESGCM(key.body_key).decrypt(nonce, ciphertext, _associated(message_id, which))
