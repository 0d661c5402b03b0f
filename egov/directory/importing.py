"""Import of agencies and officers from CSV/XLSX files (docs/directory.md).

Two phases. ``plan_*`` reads every row, resolves codes against the file and the
database and collects EVERY problem (row as the operator sees it, column, code,
Vietnamese and English message) without writing. ``run_import`` then writes the
planned rows through the service functions (so each row is checked again and
audited) in one transaction: all or nothing, unless ``valid_only`` asks to write
the rows without problems and report the others.

Parents may come after their children in the file: rows are written in
dependency order (parent and successor first); cycles are reported.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from egov.core.errors import DomainError
from egov.core.permissions import Action, can
from egov.directory import rules, services
from egov.directory.models import Agency, Department, Tier, User
from egov.directory.roles import Role
from egov.directory.tabular import Column, FileRejected, Row, Table, normalise, read_table

AGENCY_COLUMNS = [
    Column(
        "code",
        (
            "ma",
            "ma_dinh_danh",
            "ma_co_quan",
            "ma_don_vi",
            "organid",
            "organ_id",
            "ma_dinh_danh_qcvn_102",
            "ma_dinh_danh_co_quan",
            "agency_code",
        ),
        required=True,
    ),
    Column(
        "name",
        ("ten", "ten_co_quan", "ten_don_vi", "ten_co_quan_don_vi", "agency_name"),
        required=True,
    ),
    Column("short_name", ("ten_viet_tat", "viet_tat")),
    Column("tier", ("cap", "cap_hanh_chinh", "tier_code")),
    Column(
        "parent_code",
        (
            "parent",
            "ma_cap_tren",
            "ma_co_quan_cap_tren",
            "ma_don_vi_cap_tren",
            "ma_cha",
            "parent_id",
            "parentid",
        ),
    ),
    Column("address", ("dia_chi",)),
    Column("valid_from", ("hieu_luc_tu", "tu_ngay", "ngay_hieu_luc")),
    Column("valid_to", ("hieu_luc_den", "den_ngay", "het_hieu_luc", "ngay_het_hieu_luc")),
    Column("successor_code", ("successor", "ma_ke_thua", "ma_co_quan_ke_thua", "co_quan_ke_thua")),
]
OFFICER_COLUMNS = [
    Column("username", ("ten_dang_nhap", "tai_khoan", "login", "user"), required=True),
    Column("full_name", ("ho_ten", "ho_va_ten", "ten_can_bo", "name"), required=True),
    Column("email", ("e_mail", "thu_dien_tu", "hop_thu")),
    Column("phone", ("dien_thoai", "so_dien_thoai", "sdt")),
    Column(
        "agency_code",
        ("ma_co_quan", "ma_don_vi", "ma_dinh_danh", "organid", "agency"),
        required=True,
    ),
    Column("department_code", ("ma_phong", "ma_phong_ban", "department")),
    Column("roles", ("role", "vai_tro", "quyen")),
    Column("position", ("chuc_vu",)),
]
AUTO_TIER = "auto"
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or the whole file when ``row`` is None)."""

    row: int | None
    column: str  # canonical column name; "file" for the whole file
    code: str
    message: str
    message_en: str
    label: str = ""  # the column as named in the file

    def __str__(self) -> str:
        where = "toàn tệp / whole file" if self.row is None else f"dòng/row {self.row}"
        col = self.label or self.column
        if self.label and self.label != self.column:
            col = f"{self.label} ({self.column})"
        return f"{where}, cột/column {col}: {self.message} / {self.message_en} [{self.code}]"

    def key(self) -> tuple[int | None, str, str]:
        return (self.row, self.column, self.code)


@dataclass
class ImportReport:
    """What happened to one file."""

    kind: str  # "agencies" or "officers"
    filename: str = ""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # codes / usernames written
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})

    def keys(self) -> set[tuple[int | None, str, str]]:
        return {p.key() for p in self.problems}

    def add(self, row: Row | None, table: Table | None, column: str, error: DomainError) -> None:
        label = table.label(column) if table is not None else ""
        self.problems.append(
            Problem(
                row.number if row else None,
                column,
                error.code,
                error.message,
                error.message_en,
                label,
            )
        )


@dataclass
class ImportResult:
    reports: list[ImportReport]
    dry_run: bool
    valid_only: bool
    written: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.reports for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = []
        for report in self.reports:
            out.append(f"== {report.kind}: {report.filename} ({report.rows} dòng/rows)")
            out.extend(f"   {note}" for note in report.notes)
            if report.ignored_columns:
                out.append(
                    "   cột không dùng / ignored columns: " + ", ".join(report.ignored_columns)
                )
            for problem in sorted(report.problems, key=lambda p: (p.row or 0, p.column)):
                out.append(f"   {problem}")
            if report.problems:
                out.append(
                    f"   {len(report.problems)} lỗi ở {len(report.rejected_rows)} dòng / "
                    f"{len(report.problems)} problem(s) in {len(report.rejected_rows)} row(s)"
                )
            if self.written:
                out.append(f"   đã ghi / written: {len(report.created)}")
        if self.dry_run:
            out.append("Chạy thử: không ghi gì. / Dry run: nothing written.")
        elif not self.written:
            out.append(
                "Có lỗi: không ghi gì (dùng --valid-only để chỉ nhập các dòng hợp lệ). / "
                "Problems found: nothing written (use --valid-only to import the valid rows)."
            )
        return out


def _err(code: str, message: str, message_en: str) -> DomainError:
    return DomainError(code, message, message_en)


def _catch(check, *args: Any) -> DomainError | None:
    try:
        check(*args)
    except DomainError as error:
        return error
    return None


def parse_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parent_candidates(code: str) -> list[str]:
    """Ancestors implied by a QCVN 102:2016 code ``V1V2V3.Z1Z2.Y1Y2.MX1X2``, nearest
    first: the groups name level-4, level-3 and level-2 units inside the level-1 unit
    M X1X2, so the parent is found by zeroing the lowest non-zero group
    (``000.21.31.H53`` -> ``000.00.31.H53`` -> ``000.00.00.H53``)."""
    v, z, y, m = code.split(".")
    out = []
    if v != "000":
        out.append(f"000.{z}.{y}.{m}")
    if z != "00":
        out.append(f"000.00.{y}.{m}")
    if y != "00":
        out.append(f"000.00.00.{m}")
    return out


_COMMUNE = re.compile(r"^(ubnd|uy_ban_nhan_dan)_(xa|phuong|thi_tran)_")
_DISTRICT = re.compile(r"^(ubnd|uy_ban_nhan_dan)_(huyen|quan|thi_xa|thanh_pho)_")


def guess_tier(code: str, name: str) -> str:
    """Tier for files without a tier column (``--default-tier auto``)."""
    v, z, y, m = code.split(".")
    key = normalise(name)
    if (v, z, y) == ("000", "00", "00"):
        return {"H": "province", "G": "central"}.get(m[0], "other")
    if _COMMUNE.match(key):
        return "commune"
    if _DISTRICT.match(key):
        return "district"
    if "trung_tam_phuc_vu_hanh_chinh_cong" in key or "trung_tam_hanh_chinh_cong" in key:
        return "service_centre"
    if m[0] == "H" and (v, z) == ("000", "00"):
        return "department"
    return "other"


# ---------------------------------------------------------------------------- agencies


@dataclass
class AgencyRow:
    row: Row
    code: str = ""
    name: str = ""
    short_name: str = ""
    tier: Tier | None = None
    address: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    parent_code: str = ""  # given in the file (or inferred)
    successor_code: str = ""
    parent: Agency | None = None  # resolved: in the database...
    parent_row: AgencyRow | None = None  # ...or another row of the file
    successor: Agency | None = None
    successor_row: AgencyRow | None = None
    bad: bool = False
    created: Agency | None = None

    def deps(self) -> list[tuple[str, AgencyRow]]:
        out = []
        if self.parent_row is not None:
            out.append(("parent_code", self.parent_row))
        if self.successor_row is not None:
            out.append(("successor_code", self.successor_row))
        return out


@dataclass
class AgencyPlan:
    table: Table
    report: ImportReport
    rows: list[AgencyRow]  # every row; .bad marks the rejected ones
    order: list[AgencyRow]  # good rows, parents and successors first


def plan_agencies(
    data: bytes,
    *,
    actor: Any,
    filename: str = "",
    default_tier: str = AUTO_TIER,
    infer_parents: bool | None = None,
) -> AgencyPlan:
    report = ImportReport("agencies", filename)
    table = read_table(data, AGENCY_COLUMNS, filename=filename)
    report.rows = len(table.rows)
    report.ignored_columns = table.ignored
    tiers = {t.code: t for t in Tier.objects.all()}
    tiers_by_label = {normalise(t.name): t for t in tiers.values()}
    tiers_by_label.update({normalise(t.name_en): t for t in tiers.values() if t.name_en})
    if default_tier != AUTO_TIER and default_tier not in tiers:
        raise FileRejected(
            "tier_unknown",
            f"Cấp mặc định '{default_tier}' không tồn tại. Các cấp: {', '.join(tiers)}.",
            f"Default tier '{default_tier}' does not exist. Tiers: {', '.join(tiers)}.",
        )
    if infer_parents is None:
        infer_parents = not table.has("parent_code")
    if not table.has("parent_code"):
        report.notes.append(
            "Tệp không có cột cơ quan cấp trên: suy ra từ cấu trúc mã QCVN 102. / "
            "No parent column: parents inferred from the QCVN 102 code structure."
            if infer_parents
            else "Tệp không có cột cơ quan cấp trên: mọi cơ quan là gốc. / "
            "No parent column: every agency is a root."
        )
    if not table.has("tier"):
        report.notes.append(
            f"Tệp không có cột cấp: dùng '{default_tier}'. / "
            f"No tier column: using '{default_tier}'."
        )

    def problem(item: AgencyRow, column: str, error: DomainError) -> None:
        item.bad = True
        report.add(item.row, table, column, error)

    items = [
        _parse_agency_row(row, table, tiers, tiers_by_label, default_tier, problem)
        for row in table.rows
    ]

    # Duplicate codes, in the file and against the database.
    counts = Counter(i.code for i in items if i.code)
    rows_by_code: dict[str, list[AgencyRow]] = defaultdict(list)
    for item in items:
        if item.code:
            rows_by_code[item.code].append(item)
    for item in items:
        if item.code and counts[item.code] > 1:
            others = ", ".join(str(o.row.number) for o in rows_by_code[item.code] if o is not item)
            problem(
                item,
                "code",
                _err(
                    "agency_code_duplicate_in_file",
                    f"Mã định danh '{item.code}' bị trùng trong tệp (cũng ở dòng {others}).",
                    f"Agency identifier '{item.code}' appears more than once in the file "
                    f"(also on row {others}).",
                ),
            )
    wanted = set(rows_by_code)
    for item in items:
        wanted.update(c for c in (item.parent_code, item.successor_code) if c)
        if infer_parents and item.code and not item.parent_code:
            wanted.update(parent_candidates(item.code))
    existing = {a.code: a for a in Agency.objects.filter(code__in=wanted)}
    for item in items:
        if item.code in existing:
            problem(
                item,
                "code",
                _err(
                    "agency_code_duplicate",
                    f"Mã định danh '{item.code}' đã được dùng cho '{existing[item.code].name}'.",
                    f"Agency identifier '{item.code}' is already used by "
                    f"'{existing[item.code].name}'.",
                ),
            )

    # Parents and successors: in the file (unique code) or in the database.
    for item in items:
        if not item.code:
            continue
        if not item.parent_code and infer_parents:
            for candidate in parent_candidates(item.code):
                if candidate in rows_by_code or candidate in existing:
                    item.parent_code = candidate
                    break
        _resolve(item, "parent_code", rows_by_code, existing, problem)
        _resolve(item, "successor_code", rows_by_code, existing, problem)
        if item.parent is None and item.parent_row is None and not item.bad:
            if not item.parent_code and not getattr(actor, "is_superuser", False):
                problem(
                    item,
                    "parent_code",
                    _err(
                        "permission_denied",
                        "Chỉ quản trị nền tảng mới tạo được cơ quan gốc (không có cấp trên).",
                        "Only the platform operator may create a root agency (one without parent).",
                    ),
                )
        if item.parent is not None and not can(actor, Action.ADMINISTER, item.parent):
            problem(
                item,
                "parent_code",
                _err(
                    "permission_denied",
                    f"Bạn không có quyền quản trị cơ quan cấp trên '{item.parent.name}'.",
                    f"You may not administer the parent agency '{item.parent.name}'.",
                ),
            )

    order = _dependency_order(items, problem)
    return AgencyPlan(table, report, items, order)


def _parse_agency_row(row, table, tiers, tiers_by_label, default_tier, problem) -> AgencyRow:
    item = AgencyRow(row=row)
    item.code = row.text("code")
    if (error := _catch(rules.check_agency_code, item.code)) is not None:
        problem(item, "code", error)
        item.code = ""  # unusable as a key
    item.name = row.text("name")
    if (
        error := _catch(rules.check_required, item.name, "name", "tên cơ quan", "Agency name")
    ) is not None:
        problem(item, "name", error)
    for column, limit in (("name", 255), ("short_name", 30), ("address", 255)):
        value = row.text(column)
        if len(value) > limit:
            problem(
                item,
                column,
                _err(
                    "too_long",
                    f"Quá dài: {len(value)} ký tự, tối đa {limit}.",
                    f"Too long: {len(value)} characters, at most {limit}.",
                ),
            )
    item.short_name = row.text("short_name")[:30]
    item.address = row.text("address")[:255]
    tier_text = row.text("tier")
    if tier_text:
        item.tier = (
            tiers.get(tier_text)
            or tiers.get(tier_text.lower())
            or tiers_by_label.get(normalise(tier_text))
        )
        if item.tier is None:
            problem(
                item,
                "tier",
                _err(
                    "tier_unknown",
                    f"Cấp '{tier_text}' không tồn tại. Các cấp: {', '.join(tiers)}.",
                    f"Unknown tier '{tier_text}'. Tiers: {', '.join(tiers)}.",
                ),
            )
    elif default_tier == AUTO_TIER:
        if item.code:
            item.tier = tiers.get(guess_tier(item.code, item.name)) or tiers.get("other")
    else:
        item.tier = tiers[default_tier]
    for column in ("valid_from", "valid_to"):
        try:
            setattr(item, column, parse_date(row.values.get(column)))
        except ValueError:
            problem(
                item,
                column,
                _err(
                    "date_invalid",
                    f"Ngày '{row.text(column)}' không hợp lệ (dùng YYYY-MM-DD hoặc DD/MM/YYYY).",
                    f"Invalid date '{row.text(column)}' (use YYYY-MM-DD or DD/MM/YYYY).",
                ),
            )
    if item.valid_to is not None:
        error = _catch(
            rules.check_validity, item.valid_from or datetime.date(2000, 1, 1), item.valid_to
        )
        if error is not None:
            problem(item, "valid_to", error)
    for column in ("parent_code", "successor_code"):
        value = row.text(column)
        if value and (error := _catch(rules.check_agency_code, value)) is not None:
            problem(item, column, DomainError(error.code, error.message, error.message_en))
            value = ""
        setattr(item, column, value)
    if item.code and item.parent_code == item.code:
        problem(
            item,
            "parent_code",
            _err(
                "agency_tree_cycle",
                "Cơ quan không thể là cấp trên của chính nó.",
                "An agency cannot be its own parent.",
            ),
        )
        item.parent_code = ""
    if item.code and item.successor_code == item.code:
        problem(
            item,
            "successor_code",
            _err(
                "successor_is_self",
                "Cơ quan kế thừa không thể là chính cơ quan đó.",
                "An agency cannot be its own successor.",
            ),
        )
        item.successor_code = ""
    return item


def _resolve(item: AgencyRow, column: str, rows_by_code, existing, problem) -> None:
    code = getattr(item, column)
    if not code:
        return
    target = "parent" if column == "parent_code" else "successor"
    in_file = rows_by_code.get(code, [])
    if code in existing:
        # The database wins: a file row with the same code is itself an error.
        setattr(item, target, existing[code])
    elif len(in_file) == 1:
        setattr(item, f"{target}_row", in_file[0])
    elif len(in_file) > 1:
        problem(
            item,
            column,
            _err(
                f"agency_{target}_ambiguous",
                f"Mã '{code}' xuất hiện nhiều lần trong tệp nên không xác định được.",
                f"Code '{code}' appears several times in the file, so it is ambiguous.",
            ),
        )
    else:
        label_vi = "cơ quan cấp trên" if target == "parent" else "cơ quan kế thừa"
        problem(
            item,
            column,
            _err(
                f"agency_{target}_unknown",
                f"Không tìm thấy {label_vi} có mã '{code}' (trong tệp hay trong hệ thống).",
                f"No {target} agency with code '{code}' (neither in the file nor in the system).",
            ),
        )


def _dependency_order(items: list[AgencyRow], problem) -> list[AgencyRow]:
    """Rows in creation order; rows on a cycle or depending on a rejected row are
    rejected with a message naming the row they depend on."""
    nodes = [i for i in items if i.code]
    # Cycles: a row that reaches itself through its parent (or successor) links.
    for item in nodes:
        for column, only_parent in (("parent_code", True), ("successor_code", False)):
            if _reaches_itself(item, only_parent):
                chain = _chain(item, only_parent)
                code = "agency_tree_cycle" if only_parent else "agency_successor_cycle"
                problem(
                    item,
                    column,
                    _err(
                        code,
                        f"Vòng lặp trong cây cơ quan: {chain}.",
                        f"Cycle in the agency tree: {chain}."
                        if only_parent
                        else f"Cycle of successors: {chain}.",
                    ),
                )
                break
    order: list[AgencyRow] = []
    state: dict[int, int] = {}  # id(row) -> 1 visiting, 2 done

    def visit(item: AgencyRow) -> None:
        if state.get(id(item)):
            return
        state[id(item)] = 1
        for column, dep in item.deps():
            if state.get(id(dep)) != 1:  # cycles were reported above
                visit(dep)
            if dep.bad and not item.bad:
                what = "cấp trên" if column == "parent_code" else "kế thừa"
                what_en = "parent" if column == "parent_code" else "successor"
                problem(
                    item,
                    column,
                    _err(
                        f"agency_{what_en}_rejected",
                        f"Cơ quan {what} '{dep.code}' (dòng {dep.row.number}) có lỗi nên dòng này "
                        "không nhập được.",
                        f"The {what_en} agency '{dep.code}' (row {dep.row.number}) has problems, "
                        "so this row cannot be imported.",
                    ),
                )
        state[id(item)] = 2
        if not item.bad:
            order.append(item)

    for item in nodes:
        visit(item)
    return order


def _next(item: AgencyRow, only_parent: bool) -> list[AgencyRow]:
    return [dep for column, dep in item.deps() if not only_parent or column == "parent_code"]


def _reaches_itself(start: AgencyRow, only_parent: bool) -> bool:
    seen: set[int] = set()
    stack = _next(start, only_parent)
    while stack:
        item = stack.pop()
        if item is start:
            return True
        if id(item) in seen:
            continue
        seen.add(id(item))
        stack.extend(_next(item, only_parent))
    return False


def _chain(start: AgencyRow, only_parent: bool) -> str:
    codes, item = [start.code], start
    for _ in range(50):
        nxt = _next(item, only_parent)
        if not nxt:
            break
        item = nxt[0]
        codes.append(f"{item.code} (dòng/row {item.row.number})")
        if item is start:
            break
    return " -> ".join(codes)


# ---------------------------------------------------------------------------- officers

_USERNAME = UnicodeUsernameValidator()


def _role_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Role.choices:
        lookup[normalise(value)] = value
        vi, _, en = str(label).partition(" (")
        lookup[normalise(vi)] = value
        lookup[normalise(en.rstrip(")"))] = value
    return lookup


@dataclass
class OfficerRow:
    row: Row
    username: str = ""
    full_name: str = ""
    email: str = ""
    phone: str = ""
    agency: Agency | None = None
    agency_row: AgencyRow | None = None
    department: Department | None = None
    roles: list[str] = field(default_factory=list)
    position: str = ""
    bad: bool = False


@dataclass
class OfficerPlan:
    table: Table
    report: ImportReport
    rows: list[OfficerRow]

    @property
    def order(self) -> list[OfficerRow]:
        return [r for r in self.rows if not r.bad]


def plan_officers(
    data: bytes, *, actor: Any, filename: str = "", agencies: AgencyPlan | None = None
) -> OfficerPlan:
    report = ImportReport("officers", filename)
    table = read_table(data, OFFICER_COLUMNS, filename=filename)
    report.rows = len(table.rows)
    report.ignored_columns = table.ignored
    roles_by_label = _role_lookup()
    planned = {r.code: r for r in agencies.rows if r.code} if agencies is not None else {}

    def problem(item: OfficerRow, column: str, error: DomainError) -> None:
        item.bad = True
        report.add(item.row, table, column, error)

    items: list[OfficerRow] = []
    agency_codes: set[str] = set()
    for row in table.rows:
        item = OfficerRow(row=row)
        item.username = row.text("username")
        item.full_name = row.text("full_name")
        item.email = row.text("email")
        item.phone = row.text("phone")
        item.position = row.text("position")
        if (
            error := _catch(
                rules.check_required, item.username, "username", "tên đăng nhập", "Username"
            )
        ) is not None:
            problem(item, "username", error)
        else:
            try:
                _USERNAME(item.username)
                if len(item.username) > 150:
                    raise ValidationError("too long")
            except ValidationError:
                problem(
                    item,
                    "username",
                    _err(
                        "username_invalid",
                        f"Tên đăng nhập '{item.username}' không hợp lệ (tối đa 150 ký tự: chữ, số "
                        "và @ . + - _).",
                        f"Username '{item.username}' is invalid (at most 150 letters, digits and "
                        "@ . + - _).",
                    ),
                )
        if (
            error := _catch(
                rules.check_required, item.full_name, "full_name", "họ tên", "Full name"
            )
        ) is not None:
            problem(item, "full_name", error)
        if item.email:
            try:
                validate_email(item.email)
            except ValidationError:
                problem(
                    item,
                    "email",
                    _err(
                        "email_invalid",
                        f"Địa chỉ thư '{item.email}' không hợp lệ.",
                        f"E-mail address '{item.email}' is invalid.",
                    ),
                )
        for column, limit in (("full_name", 150), ("phone", 20), ("position", 100)):
            if len(row.text(column)) > limit:
                problem(
                    item,
                    column,
                    _err(
                        "too_long",
                        f"Quá dài: tối đa {limit} ký tự.",
                        f"Too long: at most {limit} characters.",
                    ),
                )
        code = row.text("agency_code")
        if not code:
            problem(item, "agency_code", _catch(rules.check_officer_agency, None))
        elif (error := _catch(rules.check_agency_code, code)) is not None:
            problem(item, "agency_code", error)
        else:
            agency_codes.add(code)
        unknown = []
        for part in re.split(r"[;,]", row.text("roles")):
            if not part.strip():
                continue
            role = roles_by_label.get(normalise(part))
            if role is None:
                unknown.append(part.strip())
            elif role not in item.roles:
                item.roles.append(role)
        if unknown:
            problem(
                item,
                "roles",
                _err(
                    "role_unknown",
                    f"Vai trò không hợp lệ: {', '.join(unknown)}. Các vai trò: "
                    f"{', '.join(Role.values)}.",
                    f"Unknown role(s): {', '.join(unknown)}. "
                    f"Known roles: {', '.join(Role.values)}.",
                ),
            )
        items.append(item)

    existing = {a.code: a for a in Agency.objects.filter(code__in=agency_codes)}
    departments = {
        (d.agency_id, d.code): d
        for d in Department.objects.filter(agency__in=list(existing.values()))
    }
    usernames = Counter(i.username for i in items if i.username)
    taken = set(
        User.objects.filter(username__in=list(usernames)).values_list("username", flat=True)
    )
    rows_by_username: dict[str, list[int]] = defaultdict(list)
    for item in items:
        rows_by_username[item.username].append(item.row.number)
    for item in items:
        if item.username and usernames[item.username] > 1:
            others = ", ".join(
                str(n) for n in rows_by_username[item.username] if n != item.row.number
            )
            problem(
                item,
                "username",
                _err(
                    "username_duplicate_in_file",
                    f"Tên đăng nhập '{item.username}' bị trùng trong tệp (cũng ở dòng {others}).",
                    f"Username '{item.username}' appears more than once in the file "
                    f"(also on row {others}).",
                ),
            )
        if item.username in taken:
            problem(
                item,
                "username",
                _err(
                    "username_taken",
                    f"Tên đăng nhập '{item.username}' đã tồn tại.",
                    f"Username '{item.username}' is already taken.",
                ),
            )
        code = item.row.text("agency_code")
        if code not in agency_codes:
            continue
        item.agency = existing.get(code)
        item.agency_row = planned.get(code) if item.agency is None else None
        if item.agency is None and item.agency_row is None:
            problem(
                item,
                "agency_code",
                _err(
                    "agency_unknown",
                    f"Không tìm thấy cơ quan có mã '{code}'.",
                    f"No agency with code '{code}'.",
                ),
            )
            continue
        if item.agency_row is not None and item.agency_row.bad:
            problem(
                item,
                "agency_code",
                _err(
                    "agency_rejected",
                    f"Cơ quan '{code}' (dòng {item.agency_row.row.number} của tệp cơ quan) "
                    "có lỗi nên cán bộ này không nhập được.",
                    f"Agency '{code}' (row {item.agency_row.row.number} of the agencies file) has "
                    "problems, so this officer cannot be imported.",
                ),
            )
            continue
        if item.agency is not None and not can(actor, Action.ADMINISTER, item.agency):
            problem(
                item,
                "agency_code",
                _err(
                    "permission_denied",
                    f"Bạn không có quyền quản trị cơ quan '{item.agency.name}'.",
                    f"You may not administer the agency '{item.agency.name}'.",
                ),
            )
        department_code = item.row.text("department_code")
        if department_code:
            agency_id = item.agency.pk if item.agency is not None else None
            item.department = departments.get((agency_id, department_code))
            if item.department is None:
                problem(
                    item,
                    "department_code",
                    _err(
                        "department_unknown",
                        f"Cơ quan '{code}' không có phòng, ban mã '{department_code}'.",
                        f"Agency '{code}' has no department with code '{department_code}'.",
                    ),
                )
    return OfficerPlan(table, report, items)


# ---------------------------------------------------------------------------- running


def run_import(
    *,
    actor: Any,
    agencies: bytes | None = None,
    officers: bytes | None = None,
    agencies_name: str = "agencies",
    officers_name: str = "officers",
    dry_run: bool = False,
    valid_only: bool = False,
    default_tier: str = AUTO_TIER,
    infer_parents: bool | None = None,
) -> ImportResult:
    """Plan, then (unless ``dry_run``) write. ``FileRejected`` propagates for an
    unreadable file: nothing is written then either."""
    agency_plan = officer_plan = None
    if agencies is not None:
        agency_plan = plan_agencies(
            agencies,
            actor=actor,
            filename=agencies_name,
            default_tier=default_tier,
            infer_parents=infer_parents,
        )
    if officers is not None:
        officer_plan = plan_officers(
            officers, actor=actor, filename=officers_name, agencies=agency_plan
        )
    reports = [p.report for p in (agency_plan, officer_plan) if p is not None]
    result = ImportResult(reports, dry_run=dry_run, valid_only=valid_only)
    if dry_run or (not result.ok and not valid_only):
        return result
    try:
        with transaction.atomic():
            if agency_plan is not None:
                _write_agencies(agency_plan, actor=actor, valid_only=valid_only)
            if officer_plan is not None:
                _write_officers(officer_plan, actor=actor, valid_only=valid_only)
            if not valid_only and not result.ok:
                raise _RollBack
    except _RollBack:
        for report in reports:
            report.created.clear()
        return result
    result.written = True
    return result


class _RollBack(Exception):
    pass


def _write_agencies(plan: AgencyPlan, *, actor: Any, valid_only: bool) -> None:
    for item in plan.order:
        parent = item.parent_row.created if item.parent_row is not None else item.parent
        successor = item.successor_row.created if item.successor_row is not None else item.successor
        if (item.parent_row is not None and parent is None) or (
            item.successor_row is not None and successor is None
        ):
            dep = item.parent_row if parent is None else item.successor_row
            item.bad = True
            plan.report.add(
                item.row,
                plan.table,
                "parent_code",
                _err(
                    "agency_parent_rejected",
                    f"Cơ quan '{dep.code}' (dòng {dep.row.number}) không nhập được nên dòng này "
                    "cũng không.",
                    f"Agency '{dep.code}' (row {dep.row.number}) was not imported, so neither "
                    "is this row.",
                ),
            )
            continue
        try:
            with transaction.atomic():
                item.created = services.create_agency(
                    actor=actor,
                    code=item.code,
                    name=item.name,
                    tier=item.tier,
                    parent=parent,
                    short_name=item.short_name,
                    address=item.address,
                    valid_from=item.valid_from,
                    valid_to=item.valid_to,
                    successor=successor,
                )
        except DomainError as error:
            item.bad = True
            plan.report.add(item.row, plan.table, error.field or "code", error)
            if not valid_only:
                raise _RollBack from None
            continue
        plan.report.created.append(item.code)


def _write_officers(plan: OfficerPlan, *, actor: Any, valid_only: bool) -> None:
    for item in plan.order:
        agency = item.agency if item.agency is not None else item.agency_row.created
        if agency is None:
            plan.report.add(
                item.row,
                plan.table,
                "agency_code",
                _err(
                    "agency_rejected",
                    f"Cơ quan '{item.agency_row.code}' không nhập được nên cán bộ này cũng không.",
                    f"Agency '{item.agency_row.code}' was not imported, "
                    "so neither is this officer.",
                ),
            )
            continue
        try:
            with transaction.atomic():
                services.create_officer(
                    actor=actor,
                    username=item.username,
                    full_name=item.full_name,
                    agency=agency,
                    roles=item.roles,
                    department=item.department,
                    email=item.email,
                    phone=item.phone,
                    position=item.position,
                )
        except DomainError as error:
            plan.report.add(item.row, plan.table, error.field or "username", error)
            if not valid_only:
                raise _RollBack from None
            continue
        plan.report.created.append(item.username)
