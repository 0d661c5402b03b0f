"""The texts of the notifications: Vietnamese first (with its diacritics in e-mail),
English below in e-mail; SMS short, and unaccented unless the gateway carries Unicode
(``SmsProvider.unicode``). Templates under egov/templates/notifications/."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import loader
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Channel, Dossier, DossierEvent
from egov.notifications.models import Kind

PORTAL_PATH = "/ca-nhan/ho-so/{code}/"  # the portal's page of one dossier


@dataclass(frozen=True)
class Texts:
    subject: str
    email: str
    sms: str


def vnd(amount: int) -> str:
    """1250000 -> "1.250.000 đồng" (Vietnamese groups thousands with dots)."""
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def unaccent(text: str) -> str:
    """Vietnamese without diacritics ("Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep
    nhan"), for gateways that take GSM 7-bit text only."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def _vi(label: str) -> str:
    """The Vietnamese part of a bilingual label "Đã tiếp nhận (received)"."""
    return label.rpartition(" (")[0] or label


def _en(label: str) -> str:
    return label.rpartition(" (")[2].rstrip(")") if " (" in label else label


def _when(value: Any, *, hour: bool = True) -> str:
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime.datetime):
        return ""
    local = timezone.localtime(value)
    return local.strftime("%H:%M ngày %d/%m/%Y" if hour else "%d/%m/%Y")


def portal_link(code: str) -> str:
    base = (settings.EGOV_PUBLIC_URL or "http://localhost:8000").rstrip("/")
    return base + PORTAL_PATH.format(code=code)


def context(kind: str, dossier: Dossier, status: str, row: DossierEvent | None) -> dict[str, Any]:
    """What the templates name: the dossier's status as the event reported it, the
    event's own data (reason, missing items, amount, new date) from its history row."""
    data = (row.data if row else None) or {}
    label = Status(status).label if status in Status.values else status
    new_due = data.get("new_due_at")
    amount = data.get("amount")
    return {
        "kind": kind,
        "code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "applicant_name": dossier.applicant_name,
        "agency": dossier.receiving_agency.name,
        "status": _vi(label),
        "status_en": _en(label),
        "link": portal_link(dossier.code),
        "due": _when(dossier.due_at),
        "due_short": _when(dossier.due_at, hour=False),
        "new_due": _when(new_due),
        "new_due_short": _when(new_due, hour=False),
        "missing": list(data.get("missing") or []),
        "reason": (row.note if row else "").strip(),
        "amount": vnd(amount) if isinstance(amount, int) else "",
        "outstanding": vnd(dossier.fee_outstanding) if dossier.fee_outstanding else "",
        "return_channel": _vi(Channel(data["channel"]).label)
        if data.get("channel") in Channel.values
        else "",
        "online": dossier.channel == Channel.ONLINE,
    }


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render(kind: str, values: dict[str, Any], *, sms_unicode: bool) -> Texts:
    # Vietnamese whatever language the relay runs in (the English part is in the text).
    with translation.override("vi"):
        email = loader.render_to_string(f"notifications/email/{kind}.txt", values)
        sms = loader.render_to_string(f"notifications/sms/{kind}.txt", values)
    sms = " ".join(sms.split())
    subject = f"Hồ sơ {values['code']}: {_vi(Kind(kind).label)}"
    return Texts(subject=subject, email=_tidy(email), sms=sms if sms_unicode else unaccent(sms))
