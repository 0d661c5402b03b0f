"""Export of the catalogue in the documented layout (``layout.SHEETS``): an XLSX
workbook, or a ZIP of CSV files (UTF-8 with BOM so that Excel opens them)."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook

from egov.catalog import content as content_mod
from egov.catalog import queries
from egov.catalog.layout import LIST_SEPARATOR, SHEETS
from egov.catalog.models import Field, ProcedureVersion


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def _bool(value: bool) -> int:
    return 1 if value else 0


def rows(versions: QuerySet[ProcedureVersion] | None = None) -> dict[str, list[list[Any]]]:
    """The rows of every sheet (without headers) for ``versions`` (default: the latest
    version of every procedure, drafts included)."""
    if versions is None:
        versions = queries.latest_versions()
    out: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    field_codes: set[str] = set()
    for version in queries.versions_with_items(versions).order_by("procedure__code"):
        c = content_mod.of_version(version)
        code = c["code"]
        field_codes.add(c["field_code"])
        out["procedures"].append(
            [
                code,
                c["name"],
                c["field_code"],
                LIST_SEPARATOR.join(c["tiers"]),
                LIST_SEPARATOR.join(c["agencies"]),
                LIST_SEPARATOR.join(c["applicant_types"]),
                LIST_SEPARATOR.join(c["channels"]),
                _num(c["time_amount"]),
                c["time_unit"],
                _bool(c["same_day"]),
                _bool(c["cutoff_15h"]),
                c["service_level"],
                c["online_class"],
                c["legal_basis"],
                c["description"],
                version.status,
                version.effective_from.isoformat() if version.effective_from else "",
            ]
        )
        for i, x in enumerate(c["components"], start=1):
            out["components"].append(
                [
                    code,
                    i,
                    x["name"],
                    x["originals"],
                    x["certified_copies"],
                    x["photocopies"],
                    _bool(x["mandatory"]),
                    _bool(x["reusable"]),
                    x["template"],
                ]
            )
        for i, x in enumerate(c["fees"], start=1):
            out["fees"].append(
                [
                    code,
                    i,
                    x["name"],
                    x["amount"],
                    x["collector"],
                    _bool(x["payable_online"]),
                    x["note"],
                    _bool(x.get("collected_on_return", False)),
                ]
            )
        for wf in c["workflows"]:
            for s in wf["steps"]:
                out["workflow_steps"].append(
                    [
                        code,
                        wf["agency"],
                        wf["tier"],
                        s["order"],
                        s["name"],
                        s["role"],
                        s["department"],
                        _num(s["hours"]),
                        LIST_SEPARATOR.join(s["actions"]),
                        _bool(s["is_final"]),
                    ]
                )
        for i, x in enumerate(c["results"], start=1):
            out["results"].append([code, i, x["name"], x["code"]])
        for i, x in enumerate(c["participants"], start=1):
            out["participants"].append(
                [
                    code,
                    i,
                    _bool(x["is_lead"]),
                    x["agency_name"],
                    x["agency"],
                    x["tier"],
                    x["task"],
                    _num(x["time_share"]),
                ]
            )
    for f in Field.objects.filter(code__in=field_codes).order_by("code"):
        out["fields"].append([f.code, f.name])
    return out


def to_xlsx(versions: QuerySet[ProcedureVersion] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, data in rows(versions).items():
        ws = wb.create_sheet(name)
        ws.append(SHEETS[name])
        for row in data:
            ws.append(row)
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_csv_zip(versions: QuerySet[ProcedureVersion] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in rows(versions).items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(SHEETS[name])
            writer.writerows(data)
            archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()
