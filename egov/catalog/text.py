"""Text helpers: accent-insensitive search keys for Vietnamese."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, Vietnamese diacritics removed ('đ' -> 'd'), spaces collapsed:
    'Đăng ký khai sinh' -> 'dang ky khai sinh'. The same key is stored on every
    version and computed from the query, so the search ignores accents and case on
    every database (no collation or extension needed)."""
    text = (text or "").replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")
