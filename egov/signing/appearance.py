"""The visible stamps of a signed result (Decree 30/2020, DOMAIN.md section 9): the
signer's image in blue on a transparent background, between the title and the name,
with the time of signing; the organisation's seal in red, at its actual size,
overlapping about one third of the signature on the left. Drawn here as PNG images
(Pillow, with the fonts the forms ship) and placed by pyHanko as static stamps.

Coordinates are PDF points from the bottom-left corner of the page; the result
template reserves this block (``signing/result.html``)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from egov.dossiers.forms import STATIC_DIR

FONTS = STATIC_DIR / "fonts"
BLUE = (0, 45, 170, 255)
RED = (210, 20, 30, 235)
SCALE = 4  # pixels per point: sharp when printed
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MM = 72 / 25.4


@dataclass(frozen=True)
class Box:
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1


# A4 portrait, 20 mm margins; the signature block is the bottom-right 80 x 60 mm of
# the page area (result.html places the title at its top and the name at its bottom).
SIGNATURE = Box(340, 95, 510, 165)
SEAL_DIAMETER = 36 * MM  # an agency seal is about 35-40 mm across
# The seal's right edge reaches one third into the signature, from its left side.
SEAL = Box(
    SIGNATURE.x1 + SIGNATURE.width / 3 - SEAL_DIAMETER,
    (SIGNATURE.y1 + SIGNATURE.y2) / 2 - SEAL_DIAMETER / 2,
    SIGNATURE.x1 + SIGNATURE.width / 3,
    (SIGNATURE.y1 + SIGNATURE.y2) / 2 + SEAL_DIAMETER / 2,
)


def _font(name: str, points: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), round(points * SCALE))


def _canvas(box: Box) -> Image.Image:
    return Image.new("RGBA", (round(box.width * SCALE), round(box.height * SCALE)), (0, 0, 0, 0))


def signature_image(name: str, signed_at: datetime.datetime, image_png: bytes = b"") -> Image.Image:
    """The officer's stamp: their image (or their name, handwritten-like, when none
    was uploaded) in blue, and the time of signing."""
    canvas = _canvas(SIGNATURE)
    draw = ImageDraw.Draw(canvas)
    w, h = canvas.size
    if image_png:
        picture = Image.open(io.BytesIO(bytes(image_png))).convert("RGBA")
        picture.thumbnail((w, int(h * 0.72)))
        # Recoloured blue, keeping its transparency.
        alpha = picture.getchannel("A")
        blue = Image.new("RGBA", picture.size, BLUE)
        blue.putalpha(alpha)
        canvas.alpha_composite(blue, ((w - picture.width) // 2, 0))
    else:
        font = _font("DejaVuSerif-Italic.ttf", 17)
        draw.text((w // 2, int(h * 0.34)), name, font=font, fill=BLUE, anchor="mm")
        draw.line(
            [(int(w * 0.12), int(h * 0.58)), (int(w * 0.88), int(h * 0.52))], fill=BLUE, width=5
        )
    local = signed_at.astimezone(LOCAL)
    small = _font("DejaVuSerif.ttf", 6.5)
    draw.text(
        (w // 2, int(h * 0.86)),
        f"Ký số: {local:%H:%M:%S} ngày {local:%d/%m/%Y}",
        font=small,
        fill=BLUE,
        anchor="mm",
    )
    return canvas


def seal_image(organisation: str, image_png: bytes = b"") -> Image.Image:
    """The organisation's seal in red: its uploaded image, or two rings with the name
    and a star."""
    canvas = _canvas(SEAL)
    if image_png:
        picture = Image.open(io.BytesIO(bytes(image_png))).convert("RGBA")
        return picture.resize(canvas.size)
    draw = ImageDraw.Draw(canvas)
    w, h = canvas.size
    ring = max(4, w // 40)
    draw.ellipse([ring, ring, w - ring, h - ring], outline=RED, width=ring)
    inner = w // 9
    draw.ellipse([inner, inner, w - inner, h - inner], outline=RED, width=max(2, ring // 2))
    cx, cy, r = w / 2, h / 2, w / 11
    import math

    star = [
        (
            cx + (r if i % 2 == 0 else r / 2.5) * math.sin(i * math.pi / 5),
            cy - h * 0.12 - (r if i % 2 == 0 else r / 2.5) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=RED)
    font = _font("DejaVuSerif-Bold.ttf", 5.2)
    words, lines, line = organisation.upper().split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > w * 0.62 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    for index, text in enumerate(lines[:4]):
        draw.text((cx, cy + h * 0.06 + index * 6.2 * SCALE), text, font=font, fill=RED, anchor="mm")
    return canvas
