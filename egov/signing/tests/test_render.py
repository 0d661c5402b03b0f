"""The result PDF: the forms' renderer, every Vietnamese glyph in the shipped fonts
(no fallback typeface), the PDF/A-2b claims, the stamps' place (Decree 30/2020)."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import pytest
from fontTools.ttLib import TTFont

from egov.dossiers.forms.pdf import STATIC_DIR
from egov.signing import appearance
from egov.signing.tests.tools import need

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # huyền hỏi ngã sắc nặng


def vietnamese_letters() -> set[str]:
    letters = {"đ", "Đ"}
    for vowel in VOWELS:
        for tone in TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            letters |= {letter, letter.upper()}
    letters |= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return letters


@pytest.mark.parametrize(
    "font", ["DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"]
)
def test_every_vietnamese_letter_has_a_glyph(font):
    letters = vietnamese_letters()
    assert len(letters) == 2 * 12 * 6 + 2 + 52 - 12  # a e i o u y are in both sets
    cmap = TTFont(str(STATIC_DIR / "fonts" / font)).getBestCmap()
    missing = sorted(c for c in letters if ord(c) not in cmap)
    assert missing == []


def _fonts(pdf: bytes) -> list[str]:
    """pdffonts' rows: name, type, emb yes/no."""
    need("pdffonts")  # a skip here, a failure under CI
    done = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode().splitlines()[2:]


def test_result_is_rendered_with_the_shipped_fonts_only(people, signing_setup, to_leader):
    from egov.signing import render

    dossier = to_leader()
    pdf = render.result_pdf(dossier, title="Chủ tịch", name="Nguyễn Văn An")
    rows = _fonts(pdf)
    assert rows and all(
        row.split()[0].split("+")[1].startswith("egov-DejaVu-Serif") for row in rows
    ), rows
    assert all(" yes " in row for row in rows), rows  # embedded
    # PDF/A-2b as WeasyPrint writes it: the XMP claim and the sRGB output intent.
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in raw and b'pdfaid:conformance="B"' in raw
    assert "/OutputIntents" in reader.trailer["/Root"]
    text = reader.pages[0].extract_text()
    assert "Độc lập - Tự do - Hạnh phúc" in text and "CHỦ TỊCH" in text
    page = reader.pages[0].mediabox
    assert (round(float(page.width)), round(float(page.height))) == (595, 842)  # A4


def test_seal_overlaps_a_third_of_the_signature_on_the_left():
    sig, seal = appearance.SIGNATURE, appearance.SEAL
    overlap = seal.x2 - sig.x1
    assert seal.x1 < sig.x1 < seal.x2 < sig.x2
    assert overlap == pytest.approx(sig.width / 3)
    assert seal.width == pytest.approx(36 * 72 / 25.4)  # actual size, 36 mm


def _pixels(image) -> list[tuple[int, int, int, int]]:
    data = image.tobytes()
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


def test_stamp_colours():
    import datetime

    signature = appearance.signature_image("Nguyễn Văn An", datetime.datetime.now(datetime.UTC))
    seal = appearance.seal_image("Ủy ban nhân dân huyện Chợ Mới")
    assert signature.mode == seal.mode == "RGBA"
    inked = [p for p in _pixels(signature) if p[3] > 200]
    assert inked and all(b > r and b > g for r, g, b, _ in inked)  # blue
    assert signature.getpixel((0, 0))[3] == 0  # transparent
    red = [p for p in _pixels(seal) if p[3] > 200]
    assert red and all(r > g and r > b for r, g, b, _ in red)
