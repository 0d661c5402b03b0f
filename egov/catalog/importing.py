"""Import of catalogue files in the documented layout (``layout.SHEETS``).

All or nothing: the whole file is read and checked first; every problem is reported
with its sheet, row, column and reason; nothing is written unless there is none.
Then every procedure is written through the services in one transaction (a version
whose content is already the latest one is left unchanged, so importing the same
file twice changes nothing).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from egov.catalog import content as content_mod
from egov.catalog import rules, services
from egov.catalog.layout import OPTIONAL, SHEETS
from egov.catalog.models import ProcedureVersion
from egov.core.errors import DomainError

# progress(phase, done, total): phase "checking" runs outside any transaction (a page
# polling the job sees it move); "writing" runs inside the import's one transaction.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    code: str
    message: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row} [{self.column}] {self.code}: {self.message_en}"


class ImportFailed(DomainError):
    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__(
            "import_failed",
            f"Tệp có {len(errors)} lỗi, không nhập dữ liệu nào. Lỗi đầu tiên: trang "
            f"{first.sheet}, dòng {first.row}, cột {first.column}: {first.message}",
            f"The file has {len(errors)} error(s); nothing was imported. First: sheet "
            f"{first.sheet}, row {first.row}, column {first.column}: {first.message_en}",
            details=[e.as_dict() for e in errors],
        )
        self.errors = errors


Sheet = list[tuple[int, dict[str, Any]]]  # (row number in the file, {column: value})


# --- reading files ------------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value


def _table(header: list[Any], body: list[tuple[int, list[Any]]]) -> tuple[list[str], Sheet]:
    names = [str(_clean(h)).lower() for h in header]
    out: Sheet = []
    for number, values in body:
        if all(_clean(v) == "" for v in values):
            continue
        out.append((number, {n: _clean(v) for n, v in zip(names, values, strict=False) if n}))
    return names, out


def read_xlsx(data: bytes) -> dict[str, tuple[list[str], Sheet]]:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = {}
    for ws in wb.worksheets:
        all_rows = list(ws.iter_rows(values_only=True))
        if not all_rows:
            continue
        body = [(i, list(r)) for i, r in enumerate(all_rows[1:], start=2)]
        sheets[ws.title.strip().lower()] = _table(list(all_rows[0]), body)
    wb.close()
    return sheets


def _read_csv_text(text: str) -> tuple[list[str], Sheet]:
    reader = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not reader:
        return [], []
    # csv.reader counts records, not lines: a quoted cell may span lines, so number
    # the records (row 1 = the header), as a spreadsheet shows them.
    return _table(reader[0], [(i, r) for i, r in enumerate(reader[1:], start=2)])


def read_csv_files(files: dict[str, bytes]) -> dict[str, tuple[list[str], Sheet]]:
    """CSV files by name; a file is the sheet of its name (procedures.csv), or, when
    alone with another name, the procedures sheet."""
    sheets = {}
    for name, data in files.items():
        stem = Path(name).stem.strip().lower()
        if stem not in SHEETS and len(files) == 1:
            stem = "procedures"
        sheets[stem] = _read_csv_text(data.decode("utf-8-sig"))
    return sheets


def read_any(data: bytes, filename: str) -> dict[str, tuple[list[str], Sheet]]:
    lower = filename.lower()
    if lower.endswith(".xlsx") or data[:2] == b"PK" and not lower.endswith(".zip"):
        return read_xlsx(data)
    if lower.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return read_csv_files(
                {n: archive.read(n) for n in archive.namelist() if n.lower().endswith(".csv")}
            )
    return read_csv_files({filename: data})


# --- parsing values -----------------------------------------------------------------

_TRUE = {"1", "x", "true", "yes", "co", "có", "c"}
_FALSE = {"0", "", "false", "no", "khong", "không", "k"}
_THOUSANDS = re.compile(r"^\d{1,3}([., \u00a0]\d{3})+$")


class _Bad(Exception):
    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(code)
        self.code, self.vi, self.en = code, vi, en


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad(
        "boolean_invalid",
        f"'{value}' không phải có/không (1/0).",
        f"'{value}' is not a yes/no value (1/0).",
    )


def as_decimal(value: Any, *, required: bool = True) -> Decimal:
    if value == "" and not required:
        return Decimal(0)
    try:
        if isinstance(value, float):
            return Decimal(str(value))
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _Bad(
            "number_invalid", f"'{value}' không phải là số.", f"'{value}' is not a number."
        ) from None


def as_int(value: Any, *, default: int | None = None) -> int:
    if value == "" and default is not None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise _Bad(
        "number_invalid", f"'{value}' không phải là số nguyên.", f"'{value}' is not a whole number."
    )


def as_amount(value: Any) -> int:
    """A VND amount: 20000, 20.000, 20,000 or 20 000 (thousands separators)."""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if re.fullmatch(r"\d+", text):
        return int(text)
    if _THOUSANDS.match(text):
        return int(re.sub(r"\D", "", text))
    raise _Bad(
        "fee_amount_invalid",
        f"Mức phí '{value}' không phải là số tiền (đồng).",
        f"Fee amount '{value}' is not a number of VND.",
    )


def as_list(value: Any) -> list[str]:
    return [part.strip() for part in str(value).replace(";", ",").split(",") if part.strip()]


def as_date(value: Any) -> datetime.date | None:
    if value in ("", None):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise _Bad(
        "date_invalid",
        f"'{value}' không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY).",
        f"'{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY).",
    )


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- the catalogue file -------------------------------------------------------------


@dataclass
class Parsed:
    content: dict[str, Any]
    status: str
    effective_from: datetime.date | None
    row: int
    item_rows: dict[str, list[int]] = field(default_factory=dict)
    step_rows: list[list[int]] = field(default_factory=list)


@dataclass
class Reader:
    """Collects errors while turning rows into contents."""

    errors: list[RowError] = field(default_factory=list)

    def error(self, sheet: str, row: int, column: str, code: str, vi: str, en: str) -> None:
        self.errors.append(RowError(sheet, row, column, code, vi, en))

    def value(
        self,
        sheet: str,
        row: int,
        data: dict[str, Any],
        column: str,
        parse: Callable[[Any], Any],
        default: Any = None,
    ) -> Any:
        raw = data.get(column, "")
        if raw == "" and default is not None:
            return default
        try:
            return parse(raw)
        except _Bad as bad:
            self.error(sheet, row, column, bad.code, bad.vi, bad.en)
            return default


# Where a problem found by content.validate is shown: its rule's field -> column.
_COLUMN = {
    "procedure": {
        "field_code": "field_code",
        "tiers": "tiers",
        "agencies": "agencies",
        "channels": "channels",
        "workflows": "code",
    },
    "workflows": {"agency": "workflow_agency", "tier": "workflow_tier"},
}
_SECTION_SHEET = {
    "procedure": "procedures",
    "components": "components",
    "fees": "fees",
    "results": "results",
    "participants": "participants",
    "workflows": "workflow_steps",
}


def parse(
    sheets: dict[str, tuple[list[str], Sheet]],
) -> tuple[list[Parsed], dict[str, str], list[RowError]]:
    """Turn the sheets into version contents, with every reading error found."""
    r = Reader()
    if "procedures" not in sheets:
        r.error(
            "procedures",
            1,
            "",
            "sheet_missing",
            "Thiếu trang 'procedures'.",
            "The 'procedures' sheet is missing.",
        )
        return [], {}, r.errors
    usable = {}
    for name, (header, body) in sheets.items():
        if name not in SHEETS:
            continue
        missing = [c for c in SHEETS[name] if c not in header and c not in OPTIONAL[name]]
        for column in missing:
            r.error(
                name,
                1,
                column,
                "column_missing",
                f"Thiếu cột '{column}'.",
                f"Column '{column}' is missing.",
            )
        if not missing:
            usable[name] = body
    if "procedures" not in usable:
        return [], {}, r.errors

    fields: dict[str, str] = {}
    for row, data in usable.get("fields", []):
        code, name = _text(data.get("code", "")), _text(data.get("name", ""))
        if not code or not name:
            r.error(
                "fields",
                row,
                "code" if not code else "name",
                "required",
                "Thiếu mã hoặc tên lĩnh vực.",
                "Field code or name missing.",
            )
            continue
        try:
            rules.check_field_code(code)
        except DomainError as exc:
            r.error("fields", row, "code", exc.code, exc.message, exc.message_en)
        fields[code] = name

    parsed: dict[str, Parsed] = {}
    s = "procedures"
    for row, data in usable["procedures"]:
        code = _text(data.get("code", ""))
        if code in parsed:
            r.error(
                s,
                row,
                "code",
                "procedure_code_duplicate",
                f"Mã thủ tục '{code}' đã có ở dòng {parsed[code].row}.",
                f"Procedure code '{code}' already appears on row {parsed[code].row}.",
            )
            continue
        c = content_mod.defaults(
            code, _text(data.get("name", "")), _text(data.get("field_code", ""))
        )
        c["tiers"] = as_list(data.get("tiers", ""))
        c["agencies"] = as_list(data.get("agencies", ""))
        c["applicant_types"] = as_list(data.get("applicant_types", ""))
        c["channels"] = as_list(data.get("channels", ""))
        c["time_amount"] = r.value(s, row, data, "time_amount", as_decimal, Decimal(0))
        c["time_unit"] = _text(data.get("time_unit", "")) or "working_days"
        c["same_day"] = r.value(s, row, data, "same_day", as_bool, False)
        c["cutoff_15h"] = r.value(s, row, data, "cutoff_15h", as_bool, False)
        c["service_level"] = r.value(s, row, data, "service_level", as_int, 0)
        c["online_class"] = _text(data.get("online_class", ""))
        c["legal_basis"] = _text(data.get("legal_basis", ""))
        c["description"] = _text(data.get("description", ""))
        status = _text(data.get("status", "")) or ProcedureVersion.Status.PUBLISHED
        if status not in (ProcedureVersion.Status.DRAFT, ProcedureVersion.Status.PUBLISHED):
            r.error(
                s,
                row,
                "status",
                "status_invalid",
                f"Trạng thái '{status}' không hợp lệ (draft hoặc published).",
                f"Status '{status}' is invalid (draft or published).",
            )
        effective = r.value(s, row, data, "effective_from", as_date, None)
        if status == ProcedureVersion.Status.PUBLISHED and effective is None:
            effective = timezone.localdate()
        parsed[code] = Parsed(
            c,
            status,
            effective,
            row,
            item_rows={k: [] for k in ("components", "fees", "results", "participants")},
        )

    def owner(sheet: str, row: int, data: dict[str, Any]) -> Parsed | None:
        code = _text(data.get("procedure_code", ""))
        if code not in parsed:
            r.error(
                sheet,
                row,
                "procedure_code",
                "procedure_not_in_file",
                f"Mã thủ tục '{code}' không có trong trang procedures.",
                f"Procedure code '{code}' is not in the procedures sheet.",
            )
            return None
        return parsed[code]

    def ordered(sheet: str) -> list[tuple[int, dict[str, Any]]]:
        body = usable.get(sheet, [])
        keyed = []
        for row, data in body:
            order = r.value(sheet, row, data, "order", as_int, 0)
            keyed.append((order, row, data))
        return [(row, data) for _, row, data in sorted(keyed, key=lambda k: (k[0], k[1]))]

    for row, data in ordered("components"):
        if (p := owner("components", row, data)) is None:
            continue
        sh = "components"
        p.content["components"].append(
            {
                "name": _text(data.get("name", "")),
                "originals": r.value(sh, row, data, "originals", as_int, 0),
                "certified_copies": r.value(sh, row, data, "certified_copies", as_int, 0),
                "photocopies": r.value(sh, row, data, "photocopies", as_int, 0),
                "mandatory": r.value(sh, row, data, "mandatory", as_bool, True),
                "reusable": r.value(sh, row, data, "reusable", as_bool, False),
                "template": _text(data.get("template", "")),
            }
        )
        p.item_rows["components"].append(row)
    for row, data in ordered("fees"):
        if (p := owner("fees", row, data)) is None:
            continue
        p.content["fees"].append(
            {
                "name": _text(data.get("name", "")),
                "amount": r.value("fees", row, data, "amount", as_amount, -1),
                "collector": _text(data.get("collector", "")),
                "payable_online": r.value("fees", row, data, "payable_online", as_bool, False),
                "collected_on_return": r.value(
                    "fees", row, data, "collected_on_return", as_bool, False
                ),
                "note": _text(data.get("note", "")),
            }
        )
        p.item_rows["fees"].append(row)
    for row, data in ordered("results"):
        if (p := owner("results", row, data)) is None:
            continue
        p.content["results"].append(
            {"name": _text(data.get("name", "")), "code": _text(data.get("code", ""))}
        )
        p.item_rows["results"].append(row)
    for row, data in ordered("participants"):
        if (p := owner("participants", row, data)) is None:
            continue
        sh = "participants"
        p.content["participants"].append(
            {
                "is_lead": r.value(sh, row, data, "is_lead", as_bool, False),
                "agency_name": _text(data.get("agency_name", "")),
                "agency": _text(data.get("agency", "")),
                "tier": _text(data.get("tier", "")),
                "task": _text(data.get("task", "")),
                "time_share": r.value(sh, row, data, "time_share", as_decimal, Decimal(0)),
            }
        )
        p.item_rows["participants"].append(row)
    workflows: dict[tuple[str, str, str], tuple[dict, list[int]]] = {}
    for row, data in usable.get("workflow_steps", []):
        if (p := owner("workflow_steps", row, data)) is None:
            continue
        sh = "workflow_steps"
        key = (
            p.content["code"],
            _text(data.get("workflow_agency", "")),
            _text(data.get("workflow_tier", "")),
        )
        if key not in workflows:
            wf = {"agency": key[1], "tier": key[2], "steps": []}
            workflows[key] = (wf, [])
            p.content["workflows"].append(wf)
            p.step_rows.append(workflows[key][1])
        wf, wf_rows = workflows[key]
        wf["steps"].append(
            {
                "order": r.value(sh, row, data, "order", as_int, 0),
                "name": _text(data.get("name", "")),
                "role": _text(data.get("role", "")),
                "department": _text(data.get("department", "")),
                "hours": r.value(sh, row, data, "hours", as_decimal, Decimal(0)),
                "actions": as_list(data.get("actions", "")),
                "is_final": r.value(sh, row, data, "is_final", as_bool, False),
            }
        )
        wf_rows.append(row)
    for p in parsed.values():  # steps in order, rows following them
        for wf, wf_rows in zip(p.content["workflows"], p.step_rows, strict=True):
            pairs = sorted(zip(wf["steps"], wf_rows, strict=True), key=lambda x: x[0]["order"])
            wf["steps"] = [x[0] for x in pairs]
            wf_rows[:] = [x[1] for x in pairs]
    return list(parsed.values()), fields, r.errors


def _locate(p: Parsed, problem: rules.Problem) -> tuple[str, int, str]:
    sheet = _SECTION_SHEET[problem.section]
    column = _COLUMN.get(problem.section, {}).get(problem.field or "", problem.field or "")
    if problem.section == "procedure" or problem.index is None:
        if problem.section == "workflows" and p.step_rows:
            return sheet, p.step_rows[0][0], column
        return "procedures", p.row, column
    if problem.section == "workflows":
        rows_ = p.step_rows[problem.index] if problem.index < len(p.step_rows) else []
        step = problem.step or 0
        return sheet, rows_[step] if step < len(rows_) else p.row, column
    rows_ = p.item_rows.get(problem.section, [])
    return sheet, rows_[problem.index] if problem.index < len(rows_) else p.row, column


def check(
    parsed: list[Parsed],
    fields: dict[str, str],
    lookups: services.Lookups,
    progress: Progress | None = None,
) -> list[RowError]:
    """Every rule on every procedure of the file, located in the file."""
    errors = []
    known = lookups.known()
    known.fields |= set(fields)
    latest: dict[str, tuple[str, str]] = {}  # code -> (status, fingerprint) of the newest
    latest_published: dict[str, datetime.date] = {}
    for code, status, fp, date in (
        ProcedureVersion.objects.filter(procedure__code__in=[p.content["code"] for p in parsed])
        .exclude(status=ProcedureVersion.Status.RETIRED)
        .order_by("number")
        .values_list("procedure__code", "status", "fingerprint", "effective_from")
    ):
        latest[code] = (status, fp)
        if status == ProcedureVersion.Status.PUBLISHED:
            latest_published[code] = max(date, latest_published.get(code, date))
    today = timezone.localdate()
    for done, p in enumerate(parsed, start=1):
        if progress and (done % 50 == 0 or done == len(parsed)):
            progress("checking", done, len(parsed))
        publish = p.status == ProcedureVersion.Status.PUBLISHED
        for problem in content_mod.validate(p.content, known, publish=publish):
            sheet, row, column = _locate(p, problem)
            errors.append(
                RowError(sheet, row, column, problem.code, problem.message, problem.message_en)
            )
        code = p.content["code"]
        fp = content_mod.fingerprint(services._prepared(p.content))
        unchanged = (
            code in latest
            and latest[code][1] == fp
            and (not publish or latest[code][0] == p.status)
        )
        if publish and not unchanged:
            try:
                rules.check_effective_from(p.effective_from, latest_published.get(code), today)
            except DomainError as exc:
                errors.append(
                    RowError(
                        "procedures", p.row, "effective_from", exc.code, exc.message, exc.message_en
                    )
                )
    return errors


def import_catalog(
    data: bytes, filename: str, *, actor: Any, progress: Progress | None = None
) -> dict[str, Any]:
    """Import a catalogue file. Returns counts {"created", "published", "unchanged",
    "fields", "warnings"}; raises ImportFailed (every error) when anything is wrong."""
    try:
        sheets = read_any(data, filename)
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError, KeyError, ValueError) as exc:
        raise ImportFailed(
            [
                RowError(
                    "",
                    0,
                    "",
                    "file_unreadable",
                    f"Không đọc được tệp: {exc}",
                    f"The file cannot be read: {exc}",
                )
            ]
        ) from exc
    parsed, fields, errors = parse(sheets)
    lookups = services.Lookups.load()
    if not errors:
        errors = check(parsed, fields, lookups, progress)
    if errors:
        raise ImportFailed(errors)
    return write(parsed, fields, actor=actor, lookups=lookups, progress=progress)


def write(
    parsed: list[Parsed],
    fields: dict[str, str],
    *,
    actor: Any,
    lookups: services.Lookups,
    progress: Progress | None = None,
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "created": 0,
        "published": 0,
        "unchanged": 0,
        "fields": 0,
        "warnings": [],
    }
    total = len(parsed)
    with transaction.atomic():
        for code, name in fields.items():
            if code not in lookups.fields or lookups.fields[code].name != name:
                lookups.fields[code] = services.save_field(actor=actor, code=code, name=name)
                summary["fields"] += 1
        for done, p in enumerate(parsed, start=1):
            for comp, row in zip(p.content["components"], p.item_rows["components"], strict=True):
                if comp["template"] and not services.template_exists(comp["template"]):
                    summary["warnings"].append(
                        f"components!{row}: template '{comp['template']}' not found; left out"
                    )
                    comp["template"] = ""
            try:
                outcome, _ = services.import_version(
                    actor=actor,
                    content=p.content,
                    status=p.status,
                    effective_from=p.effective_from,
                    lookups=lookups,
                )
            except DomainError as exc:  # a rule the checks above do not cover
                raise ImportFailed(
                    [
                        RowError(
                            "procedures",
                            p.row,
                            exc.field or "",
                            exc.code,
                            exc.message,
                            exc.message_en,
                        )
                    ]
                ) from exc
            summary[outcome] += 1
            if progress:
                progress("writing", done, total)
    return summary
