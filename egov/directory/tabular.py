"""Reading the tables officials exchange: CSV (UTF-8 with or without BOM, comma or
semicolon) and XLSX (first sheet). Real government exports put title rows above
the header ("UBND TỈNH ...", "DANH SÁCH ..."), so the header is the first row
whose cells name every required column. Column names are matched without case
or accents, against a list of accepted names per column.

A file that cannot be read raises ``FileRejected`` (a ``DomainError``) naming the
problem; nothing else in the file is looked at."""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from egov.core.errors import DomainError

# How far down a file the header may be (title rows, blank lines above it).
HEADER_SEARCH_ROWS = 30


class FileRejected(DomainError):
    """The whole file is unusable; ``field`` is ``"file"``."""

    def __init__(self, code: str, message: str, message_en: str, **kwargs) -> None:
        kwargs.setdefault("field", "file")
        super().__init__(code, message, message_en, **kwargs)


def normalise(label: object) -> str:
    """``"Mã định danh (QCVN 102)"`` -> ``"ma_dinh_danh_qcvn_102"``: lower case, no
    accents, ``đ`` -> ``d``, runs of other characters -> ``_``."""
    text = str(label or "").replace("\ufeff", "").strip().lower()
    text = text.replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@dataclass(frozen=True)
class Column:
    name: str  # canonical name used in code and in problem reports
    aliases: tuple[str, ...] = ()
    required: bool = False

    def matches(self, label: str) -> bool:
        key = normalise(label)
        return key == self.name or key in {normalise(a) for a in self.aliases}


@dataclass
class Row:
    number: int  # row number as the operator sees it (1-based line or sheet row)
    values: dict[str, object]

    def text(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    header_row: int
    headers: dict[str, str]  # canonical column name -> label as written in the file
    ignored: list[str] = field(default_factory=list)  # labels of columns not used
    rows: list[Row] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.headers

    def label(self, name: str) -> str:
        return self.headers.get(name, name)


def read_table(data: bytes, columns: Iterable[Column], *, filename: str = "") -> Table:
    """Parse ``data`` (the bytes of a CSV or XLSX file) into rows keyed by column."""
    columns = list(columns)
    if not data or not data.strip():
        raise FileRejected("file_empty", "Tệp rỗng, không có dữ liệu.", "The file is empty.")
    if data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data, columns)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRejected(
            "file_format_xls",
            "Tệp Excel cũ (.xls) không được hỗ trợ: hãy lưu lại thành .xlsx hoặc .csv.",
            "Old Excel files (.xls) are not supported: save the file as .xlsx or .csv.",
        )
    elif data[:5] == b"%PDF-" or b"\x00" in data[:4096]:
        raise FileRejected(
            "file_format_unknown",
            f"Tệp '{filename or '?'}' không phải CSV hay XLSX.",
            f"The file '{filename or '?'}' is neither CSV nor XLSX.",
        )
    else:
        table = _read_csv(data, columns)
    if not table.rows:
        raise FileRejected(
            "file_no_rows",
            f"Tệp có dòng tiêu đề (dòng {table.header_row}) nhưng không có dòng dữ liệu nào.",
            f"The file has a header (row {table.header_row}) but no data rows.",
        )
    return table


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            "file_encoding",
            f"Tệp CSV không phải mã UTF-8 (byte không đọc được ở dòng {line}, vị trí "
            f"{exc.start}). Hãy lưu lại tệp với mã UTF-8.",
            f"The CSV file is not UTF-8 (undecodable byte on line {line}, offset {exc.start}). "
            "Save it again as UTF-8.",
            details={"line": line, "offset": exc.start},
        ) from None


def _read_csv(data: bytes, columns: list[Column]) -> Table:
    text = _decode(data)
    best: _Header | None = None
    for delimiter in (",", ";", "\t"):
        records = _csv_records(text, delimiter)
        header = _find_header(records, columns)
        if header.complete:
            return _table("csv", header, records)
        if best is None or header.score > best.score:
            best = header
    raise _missing_columns(columns, best.labels if best else [])


def _csv_records(text: str, delimiter: str) -> list[tuple[int, list]]:
    """(first line number of the record, cells) for every record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRejected(
            "file_csv_invalid",
            f"Tệp CSV hỏng ở dòng {reader.line_num}: {exc}.",
            f"The CSV file is malformed at line {reader.line_num}: {exc}.",
        ) from None
    return records


def _read_xlsx(data: bytes, columns: list[Column]) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRejected(
            "file_xlsx_invalid",
            f"Không đọc được tệp XLSX ({exc.__class__.__name__}). Tệp có thể bị hỏng.",
            f"The XLSX file cannot be read ({exc.__class__.__name__}); it may be damaged.",
        ) from None
    sheet = workbook.worksheets[0]
    records = [
        (number, [_cell(v) for v in values])
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    ]
    header = _find_header(records, columns)
    if not header.complete:
        raise _missing_columns(columns, header.labels)
    return _table("xlsx", header, records)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    return value


@dataclass
class _Header:
    row: int = 0
    labels: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # column name -> cell index
    score: int = -1  # number of required columns found
    complete: bool = False


def _find_header(records: list[tuple[int, list]], columns: list[Column]) -> _Header:
    """The first row naming every required column, else the row naming the most."""
    required = [c for c in columns if c.required]
    best = _Header()
    for number, cells in records[:HEADER_SEARCH_ROWS]:
        labels = [str(c if c is not None else "").strip() for c in cells]
        positions: dict[str, int] = {}
        for index, label in enumerate(labels):
            for column in columns:
                if label and column.name not in positions and column.matches(label):
                    positions[column.name] = index
                    break
        score = sum(1 for c in required if c.name in positions)
        complete = score == len(required) and bool(positions)
        if complete or score > best.score:
            best = _Header(number, labels, positions, score, complete)
        if complete:
            break
    return best


def _table(kind: str, header: _Header, records: list[tuple[int, list]]) -> Table:
    used = set(header.positions.values())
    table = Table(
        kind=kind,
        header_row=header.row,
        headers={name: header.labels[i] for name, i in header.positions.items()},
        ignored=[label for i, label in enumerate(header.labels) if i not in used and label],
    )
    for number, cells in records:
        if number <= header.row or all(str(c).strip() == "" for c in cells):
            continue  # title rows, the header itself, blank lines
        values = {
            name: (cells[index] if index < len(cells) else "")
            for name, index in header.positions.items()
        }
        table.rows.append(Row(number=number, values=values))
    return table


def _missing_columns(columns: list[Column], labels: list[str]) -> FileRejected:
    present = {c.name for c in columns if any(c.matches(label) for label in labels if label)}
    missing = [c.name for c in columns if c.required and c.name not in present]
    seen = ", ".join(label for label in labels if label) or "(không có / none)"
    return FileRejected(
        "file_columns_missing",
        f"Không tìm thấy dòng tiêu đề có đủ các cột bắt buộc. Thiếu cột: {', '.join(missing)}. "
        f"Các cột đọc được: {seen}.",
        f"No header row with every required column was found. Missing: {', '.join(missing)}. "
        f"Columns seen: {seen}.",
        details={"missing": missing},
    )
