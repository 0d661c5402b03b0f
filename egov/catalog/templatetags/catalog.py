"""Template filters of the public catalogue pages."""

from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.filter
def vi(label) -> str:
    """The Vietnamese part of a bilingual choice label: "ngày làm việc (working days)"
    -> "ngày làm việc". Citizens read the page in Vietnamese; the English in the
    labels is for the admin and the API."""
    text = str(label)
    if text.endswith(")") and " (" in text:
        return text[: text.rindex(" (")]
    return text


@register.filter
def vnd(amount) -> str:
    """An amount in đồng the Vietnamese way: 8000 -> "8.000 đ"."""
    try:
        return f"{int(amount):,} đ".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.filter
def dmy(value) -> str:
    """An ISO date (as the statistics give it) as dd/mm/yyyy."""
    try:
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{day:%d/%m/%Y}"


@register.filter
def form_rows(dossier) -> list:
    """(label, value) of what the applicant filled in the procedure's own fields."""
    from egov.catalog import eform

    return eform.shown(dossier.procedure_version.form_fields, dossier.form_data or {})
