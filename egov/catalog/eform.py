"""A procedure's own fields ("tờ khai điện tử"): what an online application asks
beyond the applicant and the files (a household business's name and trade, its
capital...). Defined per procedure version as data (``ProcedureVersion.form_fields``:
a list of field specifications), checked here once for the catalogue, the portal and
the API alike, and kept with the dossier (``Dossier.form_data``).

A specification: ``{"name": "von_kinh_doanh", "label": "Vốn kinh doanh (đồng)",
"kind": "number", "required": true, "help": "", "choices": []}``; ``kind`` is one of
``KINDS``; ``choices`` only for ``choice``."""

from __future__ import annotations

import datetime
import re
from typing import Any

from egov.core.errors import DomainError

KINDS = ("text", "textarea", "number", "date", "choice")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 1000


def spec_errors(specs: Any) -> list[DomainError]:
    """What is wrong with a version's field specifications, all at once."""
    if not specs:
        return []
    if not isinstance(specs, list):
        return [_spec_error("form_fields", "Danh sách trường không hợp lệ.", "Not a list.")]
    errors, seen = [], set()
    for i, spec in enumerate(specs):
        where = f"form_fields[{i}]"
        if not isinstance(spec, dict):
            errors.append(_spec_error(where, "Trường không hợp lệ.", "Not a field."))
            continue
        name = spec.get("name", "")
        if not isinstance(name, str) or not NAME.match(name) or name in seen:
            errors.append(
                _spec_error(
                    f"{where}.name",
                    "Tên trường: chữ thường không dấu, số, gạch dưới; không trùng.",
                    "Field name: lower-case letters, digits, underscores; unique.",
                )
            )
        seen.add(name)
        if not str(spec.get("label", "")).strip():
            errors.append(_spec_error(f"{where}.label", "Thiếu nhãn.", "Label missing."))
        kind = spec.get("kind", "text")
        if kind not in KINDS:
            errors.append(
                _spec_error(f"{where}.kind", "Kiểu trường không hợp lệ.", "Unknown field kind.")
            )
        if kind == "choice" and not [c for c in spec.get("choices") or [] if str(c).strip()]:
            errors.append(
                _spec_error(f"{where}.choices", "Thiếu các lựa chọn.", "Choices missing.")
            )
    return errors


def _spec_error(field: str, vi: str, en: str) -> DomainError:
    return DomainError("form_field_invalid", vi, en, field=field)


def clean(specs: list[dict], values: Any) -> tuple[dict[str, Any], list[DomainError]]:
    """The values of ``specs`` read from ``values`` (a form or a JSON object), as
    stored: text trimmed, numbers as integers, dates ISO; and every error at once, each
    tied to its field (``f-<name>`` on the page, ``form_data.<name>`` in the API)."""
    kept: dict[str, Any] = {}
    errors: list[DomainError] = []
    for spec in specs or []:
        name, label = spec["name"], spec["label"]
        raw = values.get(name, "") if hasattr(values, "get") else ""
        text = "" if raw is None else str(raw).strip()
        if not text:
            if spec.get("required"):
                errors.append(
                    DomainError(
                        "form_field_required",
                        f"Hãy nhập: {label}.",
                        f"Required: {label}.",
                        field=name,
                    )
                )
            continue
        try:
            kept[name] = _value(spec, text)
        except ValueError as bad:
            vi, en = bad.args
            errors.append(
                DomainError("form_field_invalid", f"{label}: {vi}", f"{label}: {en}", field=name)
            )
    return kept, errors


def _value(spec: dict, text: str) -> Any:
    kind = spec.get("kind", "text")
    if len(text) > MAX_TEXT:
        raise ValueError(f"tối đa {MAX_TEXT} ký tự.", f"at most {MAX_TEXT} characters.")
    if kind == "number":
        digits = text.replace(".", "").replace(",", "").replace(" ", "")
        if not digits.isdigit():
            raise ValueError("phải là số nguyên không âm.", "must be a whole number.")
        return int(digits)
    if kind == "date":
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        raise ValueError("ngày theo dạng dd/mm/yyyy.", "a date as dd/mm/yyyy.")
    if kind == "choice" and text not in [str(c) for c in spec.get("choices") or []]:
        raise ValueError("hãy chọn trong danh sách.", "choose one of the list.")
    return text


def shown(specs: list[dict], data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) of the stored values, in the order of the specifications (a
    value whose field is no longer specified is shown under its name)."""
    rows = [(s["label"], data[s["name"]]) for s in specs or [] if s["name"] in data]
    known = {s["name"] for s in specs or []}
    rows += [(name, value) for name, value in (data or {}).items() if name not in known]
    return rows
