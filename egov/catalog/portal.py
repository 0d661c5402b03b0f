"""Import from the national public service portal (dichvucong.gov.vn).

Two shapes are read:

- the portal's procedure-list export (XLSX, or its CSV conversion): title rows above
  a header ``Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực``. Each
  new procedure becomes a *draft* (the list has no time limit, fee or workflow, so
  the province completes it before publishing); procedures already in the
  catalogue are left alone. Fields are created from their names.
- a procedure's detail page, as scraped to JSON (``parse_detail``): time limits and
  fees come in one flattened text field ("Hình thức nộp | Thời gian | Phí, lệ phí |
  Mô tả" glued together), parsed here into channels, processing time and fees.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from openpyxl import load_workbook

from egov.catalog import content as content_mod
from egov.catalog import rules, services
from egov.catalog.importing import ImportFailed, Progress, RowError
from egov.catalog.models import ProcedureVersion
from egov.catalog.text import normalise, slug
from egov.core.errors import DomainError

HEADER = {
    "ma so": "code",
    "ten": "name",
    "co quan ban hanh": "issuer",
    "co quan thuc hien": "implementer",
    "linh vuc": "field",
}
REQUIRED = ("code", "name", "field")
SHEET = "portal"


def _rows(data: bytes, filename: str) -> list[list[Any]]:
    if filename.lower().endswith(".csv"):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def tiers_of(implementer: str) -> list[str]:
    """Tiers named in the portal's "Cơ quan thực hiện" text (one agency a line)."""
    found: list[str] = []
    for line in (implementer or "").splitlines():
        text = normalise(line)
        if not text:
            continue
        if "cap xa" in text:
            tier = "commune"
        elif "cap huyen" in text:
            tier = "district"
        elif "cap tinh" in text or re.search(r"\bnhan dan tinh\b", text):
            tier = "province"
        elif text.startswith("so "):
            tier = "department"
        elif text.startswith(("bo ", "cuc ", "tong cuc ")):
            tier = "central"
        else:
            tier = "other"
        if tier not in found:
            found.append(tier)
    return found


def read_list(
    data: bytes, filename: str
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The procedures of a portal export, with the row numbers of the file."""
    try:
        rows = _rows(data, filename)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        return [], [
            RowError(
                SHEET,
                0,
                "",
                "file_unreadable",
                f"Không đọc được tệp: {exc}",
                f"The file cannot be read: {exc}",
            )
        ]
    header_at, columns = None, {}
    for i, row in enumerate(rows[:30]):
        names = {normalise(str(v or "")): j for j, v in enumerate(row)}
        if "ma so" in names and "ten" in names:
            header_at = i
            columns = {HEADER[k]: j for k, j in names.items() if k in HEADER}
            break
    if header_at is None:
        return [], [
            RowError(
                SHEET,
                1,
                "Mã số",
                "header_missing",
                "Không tìm thấy dòng tiêu đề (Mã số, Tên, ..., Lĩnh vực).",
                "No header row (Mã số, Tên, ..., Lĩnh vực) found.",
            )
        ]
    errors = [
        RowError(
            SHEET,
            header_at + 1,
            column,
            "column_missing",
            f"Thiếu cột '{column}'.",
            f"Column '{column}' is missing.",
        )
        for column in REQUIRED
        if column not in columns
    ]
    if errors:
        return [], errors
    out = []
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {
            k: str(row[j] if j < len(row) and row[j] is not None else "").strip()
            for k, j in columns.items()
        }
        if any(values.values()):
            out.append((i, values))
    return out, []


def import_list(
    data: bytes, filename: str, *, actor: Any, progress: Progress | None = None
) -> dict[str, Any]:
    """Import a portal procedure-list export: new procedures become drafts.
    All or nothing, like every import."""
    rows, errors = read_list(data, filename)
    seen: dict[str, int] = {}
    existing = set(ProcedureVersion.objects.values_list("procedure__code", flat=True))
    contents = []
    for number, v in rows:
        code = v["code"]
        try:
            rules.check_procedure_code(code)
        except DomainError as exc:
            errors.append(RowError(SHEET, number, "Mã số", exc.code, exc.message, exc.message_en))
            continue
        if code in seen:
            errors.append(
                RowError(
                    SHEET,
                    number,
                    "Mã số",
                    "procedure_code_duplicate",
                    f"Mã thủ tục '{code}' đã có ở dòng {seen[code]}.",
                    f"Procedure code '{code}' already appears on row {seen[code]}.",
                )
            )
            continue
        seen[code] = number
        for column, key in (("Tên", "name"), ("Lĩnh vực", "field")):
            if not v[key]:
                errors.append(
                    RowError(
                        SHEET,
                        number,
                        column,
                        "required",
                        f"Thiếu {column}.",
                        f"{column} is required.",
                    )
                )
        if code in existing or not v["name"] or not v["field"]:
            continue
        c = content_mod.defaults(code, " ".join(v["name"].split()), slug(v["field"])[:40])
        c["tiers"] = tiers_of(v.get("implementer", ""))
        implementer = "; ".join(
            x.strip() for x in v.get("implementer", "").splitlines() if x.strip()
        )
        c["description"] = "\n".join(
            x
            for x in (
                f"Cơ quan thực hiện: {implementer}" if implementer else "",
                f"Cơ quan ban hành: {v['issuer']}" if v.get("issuer") else "",
            )
            if x
        )
        contents.append((number, v["field"], c))
    if errors:
        raise ImportFailed(errors)
    summary: dict[str, Any] = {
        "created": 0,
        "unchanged": len(rows) - len(contents),
        "published": 0,
        "fields": 0,
        "warnings": [],
    }
    lookups = services.Lookups.load()
    with transaction.atomic():
        for done, (number, field_name, c) in enumerate(contents, start=1):
            if c["field_code"] not in lookups.fields:
                lookups.fields[c["field_code"]] = services.save_field(
                    actor=actor, code=c["field_code"], name=field_name
                )
                summary["fields"] += 1
            try:
                services.save_draft(actor=actor, content=c, lookups=lookups)
            except DomainError as exc:
                raise ImportFailed(
                    [
                        RowError(
                            SHEET, number, exc.field or "", exc.code, exc.message, exc.message_en
                        )
                    ]
                ) from exc
            summary["created"] += 1
            if progress:
                progress("writing", done, len(contents))
    return summary


# --- a procedure's detail page (scraped JSON) ----------------------------------------

_NO_INFO = "Không có thông tin"
_CHANNELS = {"Trực tuyến": "online", "Dịch vụ bưu chính": "post", "Trực tiếp": "counter"}
_MODE = re.compile(r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)")
_TIME = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(Ngày làm việc|Ngày|Giờ|Tháng)?", re.I)
_FEE = re.compile(
    r"^\s*(Miễn phí|Không có thông tin|([\d.,]+)\s*(Việt Nam Đồng|VNĐ|Đồng|USD)"
    r"(?:\s*\(([^)]*)\))?)",
    re.I,
)


def parse_modes(text: str) -> list[dict[str, Any]]:
    """Split the flattened "cách thức thực hiện" text into one entry per way of
    submitting: {"channel", "time_amount" (Decimal or None), "time_text",
    "fee_amount" (int or None), "fee_currency", "fee_unit", "fee_free", "description"}."""
    text = (text or "").replace("Hình thức nộpThời gianPhí, lệ phíMô tả", "", 1)
    parts = _MODE.split(text)
    modes = []
    for label, body in zip(parts[1::2], parts[2::2], strict=False):
        entry: dict[str, Any] = {
            "channel": _CHANNELS[label],
            "time_amount": None,
            "time_text": "",
            "fee_amount": None,
            "fee_currency": "",
            "fee_unit": "",
            "fee_free": False,
        }
        rest = body
        if rest.startswith(_NO_INFO):
            rest = rest[len(_NO_INFO) :]
        elif m := _TIME.match(rest):
            entry["time_amount"] = Decimal(m.group(1).replace(",", "."))
            entry["time_text"] = m.group(0).strip()
            rest = rest[m.end() :]
        if m := _FEE.match(rest):
            if m.group(1).lower() == "miễn phí":
                entry["fee_free"], entry["fee_amount"] = True, 0
            elif m.group(2):
                digits = re.sub(r"\D", "", m.group(2))
                entry["fee_amount"] = int(digits) if digits else None
                entry["fee_currency"] = "USD" if m.group(3).upper() == "USD" else "VND"
                entry["fee_unit"] = (m.group(4) or "").strip()
            rest = rest[m.end() :]
        entry["description"] = rest.strip().strip("()").strip()
        modes.append(entry)
    return modes


_RESULT = re.compile(r"(.+?)Mã: (KQ\.[A-Z0-9]+\.\d+)")


def parse_results(text: str) -> list[dict[str, str]]:
    text = (text or "").split("Từ khóa", 1)[0]
    return [{"name": name.strip(), "code": code} for name, code in _RESULT.findall(text)]


_COUNT = re.compile(r"(\d+)\s*(bản chính|bản sao)")


def parse_components(text: str) -> list[dict[str, Any]]:
    """Dossier components from "thành phần hồ sơ": each "- name ... N bản chính|bản
    sao" item; items counted 0 are notes to the previous one and are skipped."""
    text = re.sub(r"Tên giấy tờMẫu đơn, tờ khaiSố lượng", "", text or "")
    text = re.sub(r"\*[^:]*:", "", text)  # "* Giấy tờ phải nộp:" headings
    components = []
    position = 0
    for m in _COUNT.finditer(text):
        name = text[position : m.start()].strip()
        position = m.end()
        count = int(m.group(1))
        name = re.sub(r"^[-+•\s]+", "", name).strip()
        if not count or not name:
            continue
        original = m.group(2) == "bản chính"
        components.append(
            {
                "name": name[:1000],
                "originals": count if original else 0,
                "certified_copies": 0 if original else count,
                "photocopies": 0,
                "mandatory": not name.lower().startswith("trường hợp"),
                "reusable": False,
                "template": "",
            }
        )
    return components


def _legal_basis(text: str) -> str:
    text = (text or "").replace("Tên văn bản pháp lýMã văn bản", "", 1)
    # The document number ends each entry: "…hộ tịch04/2020/TT-BTPNghị định…"
    return re.sub(r"(\d+(?:\.\d+)?/\d{4}/[A-ZĐ0-9-]+)", r" (\1)\n", text).strip()


def _applicant_types(text: str) -> list[str]:
    t = normalise(text)
    types = []
    if "cong dan" in t or "nguoi viet nam" in t or "ca nhan" in t or "can bo" in t:
        types.append("citizen")
    if "to chuc" in t or "doanh nghiep" in t:
        types.append("business")
    return types or ["citizen"]


def parse_detail(data: dict[str, Any]) -> tuple[dict[str, Any], str, list[str]]:
    """A draft content from a scraped detail page, its field name, and warnings on
    what could not be kept (fees in a foreign currency...). The service level is not on the page: a
    procedure with an online channel is taken as level 3 / partly online until the
    province sets it."""
    warnings: list[str] = []
    field_name = (data.get("linh_vuc") or "").strip()
    c = content_mod.defaults(
        data.get("ma_thu_tuc", "").strip(),
        " ".join((data.get("ten_thu_tuc") or "").split()),
        slug(field_name)[:40],
    )
    c["tiers"] = tiers_of("\n".join((data.get("cap_thuc_hien") or "").split(",")))
    c["applicant_types"] = _applicant_types(data.get("doi_tuong_thuc_hien", ""))
    modes = parse_modes(data.get("cach_thuc_thuc_hien", ""))
    c["channels"] = [
        ch for ch in ("counter", "post", "online") if any(m["channel"] == ch for m in modes)
    ] or ["counter"]
    times = [m["time_amount"] for m in modes if m["time_amount"] is not None]
    c["time_amount"] = max(times) if times else Decimal(0)
    if any("giờ" in m["time_text"].lower() for m in modes):
        c["time_unit"] = "working_hours"
    if "online" in c["channels"]:
        c["service_level"], c["online_class"] = 3, "partial"
    fees, seen = [], set()
    for m in modes:
        if m["fee_amount"] is None:
            continue
        if m["fee_currency"] == "USD":
            warnings.append(f"fee of {m['fee_amount']} USD {m['fee_unit']} not in VND: left out")
            continue
        key = (m["fee_amount"], m["fee_unit"], m["description"])
        if key in seen:
            continue
        seen.add(key)
        note = " ".join(x for x in (m["fee_unit"], m["description"]) if x)
        fees.append(
            {
                "name": "Lệ phí" if m["fee_free"] else "Phí, lệ phí",
                "amount": m["fee_amount"],
                "collector": "",
                "payable_online": False,
                "note": note[:1000],
            }
        )
    c["fees"] = fees
    c["results"] = parse_results(data.get("ket_qua_xu_ly", ""))
    c["components"] = parse_components(data.get("thanh_phan_ho_so", ""))
    c["legal_basis"] = _legal_basis(data.get("can_cu_phap_ly", ""))
    partners = [p.strip() for p in (data.get("co_quan_phoi_hop") or "").split(",") if p.strip()]
    if partners:
        lead = (data.get("cap_thuc_hien") or "").split(",")[0].strip()
        c["participants"] = [
            {
                "is_lead": True,
                "agency_name": f"Cơ quan thực hiện ({lead})",
                "agency": "",
                "tier": "",
                "task": "Chủ trì giải quyết",
                "time_share": Decimal(0),
            }
        ] + [
            {
                "is_lead": False,
                "agency_name": p,
                "agency": "",
                "tier": "",
                "task": "Phối hợp",
                "time_share": Decimal(0),
            }
            for p in partners
        ]
    c["description"] = f"Nguồn: {data.get('detail_url', '')}".strip()
    return c, field_name, warnings
