"""The keys of the audit log's keyed hashes (HMAC-SHA256), kept outside the database.

A key is ``id:secret`` (the secret: at least 32 bytes, in hex). Several keys may be
known at once: the last one writes new entries and checkpoints, the earlier ones only
verify what they wrote (each entry and checkpoint line keeps the id of its key), so a
key is rotated by adding a new last one and keeping the old ones
(docs/decisions/0008-audit-anchored.md, docs/operations.md).

Where the keys come from: ``EGOV_AUDIT_KEY`` (``settings.AUDIT_KEY``: keys separated by
commas or new lines), otherwise the key file ``EGOV_AUDIT_KEY_FILE``
(``settings.AUDIT_KEY_FILE``, one key a line, ``#`` comments). A missing key file is
created with one fresh key (mode 0600) the first time something is written (the demo
needs no set-up); reading to verify never creates one, and refuses with ``KeyMissing``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
MIN_SECRET_BYTES = 32
# The checkpoint file is signed with a key derived from the audit key, so that no
# checkpoint line can ever be taken for an entry's hash or the reverse.
_CHECKPOINT_LABEL = b"egov audit checkpoint v1"


class AuditKeyError(Exception):
    """The audit keys cannot be used (missing, unreadable or malformed)."""


class KeyMissing(AuditKeyError):
    pass


class UnknownKey(AuditKeyError):
    def __init__(self, key_id: str):
        super().__init__(f"audit key id {key_id!r} is not among the configured keys")
        self.key_id = key_id


@dataclass(frozen=True)
class Keys:
    by_id: dict[str, bytes]
    current_id: str
    source: str

    def mac(self, key_id: str):
        """A fresh HMAC-SHA256 of the key ``key_id`` (``UnknownKey`` if absent)."""
        try:
            return _base_mac(self.by_id[key_id]).copy()
        except KeyError:
            raise UnknownKey(key_id) from None

    def checkpoint_mac(self, key_id: str):
        try:
            secret = self.by_id[key_id]
        except KeyError:
            raise UnknownKey(key_id) from None
        derived = hmac.new(secret, _CHECKPOINT_LABEL, hashlib.sha256).digest()
        return hmac.new(derived, digestmod=hashlib.sha256)


_hmac_bases: dict[bytes, object] = {}


def _base_mac(secret: bytes):
    # hmac.new pads the key and hashes both pads: done once per key, then copied.
    base = _hmac_bases.get(secret)
    if base is None:
        base = _hmac_bases[secret] = hmac.new(secret, digestmod=hashlib.sha256)
    return base


def parse(text: str, source: str) -> Keys:
    """The keys written in ``text`` (``id:hex`` items, by commas or lines; ``#``
    comments); the last one is the current key."""
    by_id: dict[str, bytes] = {}
    current = ""
    for raw in re.split(r"[,\n]", text):
        item = raw.split("#", 1)[0].strip()
        if not item:
            continue
        key_id, sep, secret_hex = item.partition(":")
        if not sep or not KEY_ID.fullmatch(key_id):
            raise AuditKeyError(
                f"{source}: {key_id!r} is not 'id:hex secret' (id: letters, digits, _.-)"
            )
        try:
            secret = bytes.fromhex(secret_hex.strip())
        except ValueError:
            raise AuditKeyError(f"{source}: the secret of key {key_id!r} is not hex") from None
        if len(secret) < MIN_SECRET_BYTES:
            raise AuditKeyError(
                f"{source}: the secret of key {key_id!r} has {len(secret)} bytes, "
                f"at least {MIN_SECRET_BYTES} are needed"
            )
        if key_id in by_id and by_id[key_id] != secret:
            raise AuditKeyError(
                f"{source}: key id {key_id!r} is given twice with different secrets"
            )
        by_id[key_id] = secret
        current = key_id
    if not current:
        raise AuditKeyError(f"{source}: no key in it")
    return Keys(by_id, current, source)


def new_key_line() -> str:
    """A fresh key as a key file line: an id that names its day, and 32 random bytes."""
    day = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d")
    return f"k{day}-{secrets.token_hex(3)}:{secrets.token_hex(32)}"


_cache: dict[tuple, Keys] = {}


def load(*, create: bool = False) -> Keys:
    """The configured keys. ``create``: make the key file if it does not exist (for
    writers); verifiers pass False and get ``KeyMissing``."""
    inline = settings.AUDIT_KEY
    if inline:
        cached = _cache.get(("inline", inline))
        if cached is None:
            cached = _cache[("inline", inline)] = parse(inline, "EGOV_AUDIT_KEY")
        return cached
    path = Path(settings.AUDIT_KEY_FILE)
    try:
        stat = path.stat()
    except FileNotFoundError:
        if not create:
            raise KeyMissing(
                f"the audit key file {path} does not exist: the keyed hashes cannot be "
                "verified without it. Restore it from its backup, or set EGOV_AUDIT_KEY / "
                "EGOV_AUDIT_KEY_FILE (docs/operations.md, 'Audit key and checkpoints')."
            ) from None
        _create(path)
        stat = path.stat()
    # A rotated file (new mtime or size) is read again without a restart.
    cache_key = ("file", str(path), stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(cache_key)
    if cached is None:
        try:
            text = path.read_text()
        except OSError as error:
            raise AuditKeyError(f"the audit key file {path} cannot be read: {error}") from None
        cached = _cache[cache_key] = parse(text, str(path))
        if stat.st_mode & 0o077:
            logger.warning("audit key file %s is readable by others: chmod 600 it", path)
    return cached


def _create(path: Path) -> None:
    """Write a new key file with one key, 0600, without ever replacing one that another
    process created at the same moment (hard link of a complete temporary file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(
                "# egov audit keys: one 'id:hex secret' a line; the last one signs new entries.\n"
                "# Keep every old line (old entries need it) and a backup of this file away\n"
                "# from the database (docs/operations.md).\n"
                f"{new_key_line()}\n"
            )
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return  # another process won; its key is the one
        logger.warning("audit key file created: %s (back it up)", path)
    finally:
        temporary.unlink(missing_ok=True)


def current(*, create: bool = True) -> tuple[str, object]:
    """(id of the current key, a fresh HMAC of it) for a writer."""
    keys = load(create=create)
    return keys.current_id, keys.mac(keys.current_id)
