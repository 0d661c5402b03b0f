"""Template context shared by every page."""

from __future__ import annotations

import unicodedata

from django.conf import settings


def languages(request) -> dict:
    """The language switch: each language named in itself ("English" on a Vietnamese
    page, never "Tiếng Anh"), from settings.LANGUAGES as written, in NFC (Django's own
    table spells "Tiếng Việt" with combining marks)."""
    return {
        "language_switch": [
            (code, unicodedata.normalize("NFC", str(name))) for code, name in settings.LANGUAGES
        ]
    }
