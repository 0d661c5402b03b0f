"""HTML to PDF with WeasyPrint, loading nothing but the forms' own static files.

WeasyPrint fetches only ``data:`` URIs (the QR code) and files under
``dossiers/static/dossiers`` (the stylesheet and the DejaVu fonts shipped in the
repository), never the system's files nor the network, so every machine prints the
same glyphs. A refused or missing resource stops the rendering instead of printing
with a fallback font that may lack Vietnamese diacritics.

Imported only when a PDF is made: WeasyPrint loads Pango at import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from egov.dossiers.forms import STATIC_DIR

STYLESHEET = STATIC_DIR / "forms.css"


class RepositoryFetcher(URLFetcher):
    """``data:`` URIs and the files under ``STATIC_DIR``; anything else is an error."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not (path.is_relative_to(STATIC_DIR) and path.is_file()):
                raise ValueError(f"the forms load no file outside {STATIC_DIR}: {url!r}")
        elif not url.startswith("data:"):
            raise ValueError(f"the forms load nothing from {url!r}")
        return super().fetch(url, headers)


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """``pdf_variant``: WeasyPrint's, e.g. ``"pdf/a-2b"`` for signed results."""
    fetcher = RepositoryFetcher()
    # A font configuration per document: it wraps a Pango font map, which is not
    # safe to share between threads.
    fonts = FontConfiguration()
    css = CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[css], font_config=fonts, pdf_variant=pdf_variant)
