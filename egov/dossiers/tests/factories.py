"""Test data for dossiers: a published procedure implemented by districts, with the
usual three-step workflow (desk 4 h, specialist, leader 4 h), and helpers."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from egov.catalog.tests.factories import published
from egov.dossiers.services import ComponentInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
APPLICANT = {
    "type": "citizen",
    "name": "Hoàng Thị Lan",
    "id_number": "006190001234",
    "address": "Tổ 5, phường Đức Xuân, thành phố Bắc Kạn",
    "phone": "0912345678",
}


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def district_procedure(code: str = "2.000884", **overrides: Any):
    overrides.setdefault("tiers", ["district"])
    return published(code, name="Cấp giấy chứng nhận đăng ký hộ kinh doanh", **overrides)


def full_checklist(version) -> list[ComponentInput]:
    return [ComponentInput(component_id=c.pk, originals=1) for c in version.components.all()]


def pdf_bytes() -> bytes:
    """A real one-page PDF (what the content check accepts)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str = "PNG") -> bytes:
    """A real small PNG or JPEG."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def scan(name: str = "scan.pdf", data: bytes | None = None, content_type: str = "application/pdf"):
    """An uploaded scan (a real PDF unless ``data`` is given)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type)
