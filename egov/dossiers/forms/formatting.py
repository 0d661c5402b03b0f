"""Vietnamese formatting for the printed forms: dates as administrative documents
write them, money in đồng, processing times, the public look-up URL and its QR code."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import segno
from django.utils import timezone

from egov.catalog.models import TimeUnit

LOOKUP_PATH = "/tra-cuu/{code}/"

UNIT_NAMES = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.WORKING_HOURS: "giờ làm việc",
    TimeUnit.CALENDAR_DAYS: "ngày",
}

CHANNEL_NAMES = {
    "counter": "Trực tiếp",
    "post": "Qua dịch vụ bưu chính công ích",
    "online": "Trực tuyến",
}


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def day_month(value: datetime.date) -> tuple[str, str]:
    """Day and month as Decree 30/2020 writes them: a leading zero for days below 10
    and for months 1 and 2 ("ngày 05 tháng 02", "ngày 15 tháng 3")."""
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return day, month


def vn_date(value: datetime.date | datetime.datetime | None) -> str:
    """``ngày 05 tháng 3 năm 2026``; empty for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    day, month = day_month(value)
    return f"ngày {day} tháng {month} năm {value.year}"


def vn_datetime(value: datetime.datetime | None) -> str:
    """``08 giờ 30 phút, ngày 05 tháng 3 năm 2026`` in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    local = _local(value)
    return f"{local:%H} giờ {local:%M} phút, {vn_date(local)}"


def short_datetime(value: datetime.datetime | None) -> str:
    """``08:30 05/03/2026``, for the narrow columns of forms 05 and 06."""
    if value is None:
        return ""
    return f"{_local(value):%H:%M %d/%m/%Y}"


def money(amount: int | None) -> str:
    """VND with dots between thousands: ``50.000 đồng``."""
    return f"{int(amount or 0):,}".replace(",", ".") + " đồng"


def number(value: Decimal | int | float) -> str:
    """``3``, ``1,5``: no trailing zeros, decimal comma."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def processing_time(version: Any) -> str:
    """The legal processing time of a procedure version, in words."""
    if version.same_day:
        return "Trong ngày làm việc"
    unit = UNIT_NAMES.get(version.time_unit, version.time_unit)
    return f"{number(version.time_amount)} {unit}"


def label(choice_label: Any) -> str:
    """The Vietnamese part of a bilingual choice label ("Đã tiếp nhận (received)")."""
    return str(choice_label).split(" (")[0]


def lookup_url(code: str, request: Any = None) -> str:
    """The public look-up page of a dossier: absolute on the request's host when a
    request is at hand, else the path alone (no setting names the site's address)."""
    path = LOOKUP_PATH.format(code=quote(code, safe=""))
    return request.build_absolute_uri(path) if request is not None else path


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (the strict CSP allows ``img-src data:``)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)
