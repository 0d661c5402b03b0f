"""Import and export in the documented layout: round trip, all-or-nothing, precise
error reports."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from egov.catalog import exporting, importing, services
from egov.catalog.layout import SHEETS
from egov.catalog.models import Field, Procedure, ProcedureVersion
from egov.catalog.tests.factories import content, published, steps
from egov.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


def _catalogue(places):
    published("1.001193")
    published(
        "2.000986",
        name="Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em "
        "dưới 6 tuổi",
        agencies=[places.commune.code],
        time_amount=Decimal("2.5"),
        participants=[
            {
                "is_lead": True,
                "agency_name": "UBND cấp xã",
                "agency": "",
                "tier": "commune",
                "task": "Đăng ký khai sinh",
                "time_share": Decimal("0.5"),
            },
            {
                "is_lead": False,
                "agency_name": "Công an cấp xã",
                "agency": "",
                "tier": "",
                "task": "Đăng ký thường trú",
                "time_share": Decimal(1),
            },
        ],
        fees=[
            {
                "name": "Phí cấp bản sao trích lục",
                "amount": 8000,
                "collector": "UBND xã",
                "payable_online": False,
                "note": "mỗi bản",
            }
        ],
        workflows=[
            {"agency": "", "tier": "", "steps": steps(20)},
            {"agency": places.commune.code, "tier": "", "steps": steps(20)},
        ],
    )
    services.save_draft(
        actor=SYSTEM, content=content("1.000656", name="Thủ tục đăng ký khai tử", workflows=[])
    )


def _values(xlsx: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(xlsx))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _wipe():
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()


def test_xlsx_round_trip(places):
    _catalogue(places)
    first = exporting.to_xlsx()
    sheets = _values(first)
    assert list(sheets) == list(SHEETS)
    assert sheets["procedures"][0] == tuple(SHEETS["procedures"])
    assert len(sheets["procedures"]) == 4
    # Importing the export into the same catalogue changes nothing.
    summary = importing.import_catalog(first, "catalogue.xlsx", actor=SYSTEM)
    assert summary["unchanged"] == 3 and summary["created"] == summary["published"] == 0
    # Into an empty catalogue: the same procedures, versions and states.
    _wipe()
    summary = importing.import_catalog(first, "catalogue.xlsx", actor=SYSTEM)
    assert (summary["published"], summary["created"], summary["fields"]) == (2, 1, 1)
    assert _values(exporting.to_xlsx()) == sheets
    liên_thông = ProcedureVersion.objects.get(procedure__code="2.000986")
    assert liên_thông.participants.count() == 2
    assert liên_thông.workflows.count() == 2
    assert liên_thông.effective_from == datetime.date(2024, 1, 1)


def test_csv_round_trip(places):
    _catalogue(places)
    first = exporting.to_csv_zip()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{n}.csv" for n in SHEETS)
        before = {n: archive.read(n) for n in archive.namelist()}
    _wipe()
    importing.import_catalog(first, "catalogue.zip", actor=SYSTEM)
    with zipfile.ZipFile(io.BytesIO(exporting.to_csv_zip())) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == before


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _good_sheets() -> dict[str, list[list]]:
    return {
        "fields": [["code", "name"], ["ho-tich", "Hộ tịch"]],
        "procedures": [
            SHEETS["procedures"],
            [
                "1.001193",
                "Đăng ký khai sinh",
                "ho-tich",
                "commune",
                "",
                "citizen",
                "counter, online",
                3,
                "working_days",
                0,
                1,
                3,
                "partial",
                "",
                "",
                "published",
                "2024-01-01",
            ],
        ],
        "components": [SHEETS["components"], ["1.001193", 1, "Tờ khai", 1, 0, 0, 1, 0, ""]],
        "fees": [SHEETS["fees"], ["1.001193", 1, "Lệ phí", "8.000", "UBND xã", 1, ""]],
        "workflow_steps": [SHEETS["workflow_steps"]]
        + [
            [
                "1.001193",
                "",
                "",
                s["order"],
                s["name"],
                s["role"],
                s["department"],
                int(s["hours"]),
                ", ".join(s["actions"]),
                int(s["is_final"]),
            ]
            for s in steps(24)
        ],
    }


def test_good_file_imports_with_thousands_separator():
    summary = importing.import_catalog(_workbook(_good_sheets()), "x.xlsx", actor=SYSTEM)
    assert summary["published"] == 1
    version = ProcedureVersion.objects.get()
    assert version.fees.get().amount == 8000
    assert version.service_level == 3 and version.cutoff_15h


def _errors(sheets) -> list[tuple]:
    with pytest.raises(importing.ImportFailed) as exc:
        importing.import_catalog(_workbook(sheets), "bad.xlsx", actor=SYSTEM)
    assert exc.value.code == "import_failed"
    assert not ProcedureVersion.objects.exists() and not Field.objects.exists()
    return [(e["sheet"], e["row"], e["column"], e["code"]) for e in exc.value.details]


def test_missing_column_reported():
    sheets = _good_sheets()
    sheets["fees"] = [[c for c in SHEETS["fees"] if c != "amount"], ["1.001193", 1, "Lệ phí"]]
    assert _errors(sheets) == [("fees", 1, "amount", "column_missing")]


def test_bad_rows_reported_precisely_and_nothing_imported(places):
    sheets = _good_sheets()
    proc = sheets["procedures"]
    proc.append(
        [
            "1.001193",
            "Trùng mã",
            "ho-tich",
            "commune",
            "",
            "citizen",
            "counter",
            1,
            "working_days",
            0,
            0,
            2,
            "",
            "",
            "",
            "published",
            "",
        ]
    )
    proc.append(
        [
            "2.000815",
            "Chứng thực bản sao",
            "chung-thuc",
            "commune",
            "000.77.77.H06",
            "citizen",
            "counter",
            1,
            "working_days",
            0,
            0,
            2,
            "",
            "",
            "",
            "draft",
            "",
        ]
    )
    sheets["fees"].append(["2.000815", 1, "Phí chứng thực", "hai nghìn", "", 0, ""])
    sheets["workflow_steps"][2][7] = 10  # step 2 of 1.001193: 10 h, total 18 h, not 24
    sheets["components"].append(["9.999999", 1, "Giấy lạ", 1, 0, 0, 1, 0, ""])
    assert _errors(sheets) == [
        ("procedures", 3, "code", "procedure_code_duplicate"),
        ("components", 3, "procedure_code", "procedure_not_in_file"),
        ("fees", 3, "amount", "fee_amount_invalid"),
    ]
    # Once the file reads, the rules: unknown field and agency, allotments.
    sheets["procedures"].pop(2)
    sheets["components"].pop()
    sheets["fees"][2][3] = 2000
    assert _errors(sheets) == [
        ("workflow_steps", 2, "hours", "workflow_allotment_mismatch"),
        ("procedures", 3, "field_code", "field_unknown"),
        ("procedures", 3, "agencies", "agency_unknown"),
    ]


def test_errors_carry_readable_messages():
    sheets = _good_sheets()
    sheets["fees"][1][3] = "Miễn phí"
    with pytest.raises(importing.ImportFailed) as exc:
        importing.import_catalog(_workbook(sheets), "bad.xlsx", actor=SYSTEM)
    assert "fees" in exc.value.message_en and "row 2" in exc.value.message_en
    assert "Miễn phí" in exc.value.details[0]["message"]


def test_progress_reported():
    seen = []
    importing.import_catalog(
        _workbook(_good_sheets()),
        "x.xlsx",
        actor=SYSTEM,
        progress=lambda *args: seen.append(args),
    )
    assert seen == [("checking", 1, 1), ("writing", 1, 1)]
