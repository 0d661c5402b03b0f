"""Import of the national portal's real exports (../shared/samples/tthc)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from egov.catalog import portal, queries, services
from egov.catalog.importing import ImportFailed
from egov.catalog.models import Field, ProcedureVersion
from egov.core.permissions import SYSTEM
from egov.core.tests.samples import sample


def _detail(code: str) -> dict:
    return json.loads(sample("tthc", "raw_json", f"{code}.json").read_text(encoding="utf-8"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["danh-sach-tthc-BoTuPhap.xlsx", "danh-sach-tthc-BoTuPhap.csv"])
def test_portal_list_import(name):
    data = sample("tthc", name).read_bytes()
    summary = portal.import_list(data, name, actor=SYSTEM)
    assert summary["created"] == 271
    assert ProcedureVersion.objects.filter(status="draft").count() == 271
    assert Field.objects.count() == 19
    version = ProcedureVersion.objects.get(procedure__code="1.014966")
    assert version.name.startswith("Cấp lại chứng chỉ hành nghề Quản tài viên")
    assert not version.name.endswith(" ")
    assert sorted(t.code for t in version.tiers.all()) == ["department", "province"]
    assert version.field.name == "Quản tài viên"
    commune = ProcedureVersion.objects.get(procedure__code="1.000094")
    assert [t.code for t in commune.tiers.all()] == ["commune"]
    # Drafts: nothing is offered to the public or to reception yet.
    assert not queries.public_versions().exists()
    # A second import changes nothing.
    again = portal.import_list(data, name, actor=SYSTEM)
    assert (again["created"], again["unchanged"]) == (0, 271)


@pytest.mark.django_db
def test_portal_list_errors():
    text = (
        "Danh sách\n,,,,\nMã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực\n"
        "1.000001,Thủ tục A,Bộ Tư pháp,Sở Tư pháp,Hộ tịch\n"
        "1.000001,Thủ tục B,Bộ Tư pháp,Sở Tư pháp,Hộ tịch\n"
        "1-2,Thủ tục C,Bộ Tư pháp,Sở Tư pháp,Hộ tịch\n"
        "1.000003,,Bộ Tư pháp,Sở Tư pháp,Hộ tịch\n"
    )
    with pytest.raises(ImportFailed) as exc:
        portal.import_list(text.encode(), "list.csv", actor=SYSTEM)
    assert [(e["row"], e["column"], e["code"]) for e in exc.value.details] == [
        (5, "Mã số", "procedure_code_duplicate"),
        (6, "Mã số", "procedure_code_invalid"),
        (7, "Tên", "required"),
    ]
    assert not ProcedureVersion.objects.exists()
    with pytest.raises(ImportFailed) as exc:
        portal.import_list(b"Ma,Ten\n1.000001,A\n", "list.csv", actor=SYSTEM)
    assert exc.value.details[0]["code"] == "header_missing"


def test_flattened_modes_birth_registration():
    modes = portal.parse_modes(_detail("1.001193")["cach_thuc_thuc_hien"])
    assert [(m["channel"], m["time_amount"], m["fee_amount"]) for m in modes] == [
        ("online", Decimal(1), 0),
        ("post", Decimal(1), 0),
        ("counter", Decimal(1), 0),
    ]


def test_flattened_modes_with_descriptions_and_units():
    death = portal.parse_modes(_detail("1.000656")["cach_thuc_thuc_hien"])
    assert death[0]["fee_free"] and death[0]["description"].startswith("Mức lệ phí cụ thể")
    copy = portal.parse_modes(_detail("2.000815")["cach_thuc_thuc_hien"])
    assert [
        (m["channel"], m["time_amount"], m["fee_amount"], m["fee_currency"], m["fee_unit"])
        for m in copy
    ] == [("counter", None, 2000, "VND", "/trang"), ("counter", None, 10, "USD", "/bản")]
    joint = portal.parse_modes(_detail("2.000986")["cach_thuc_thuc_hien"])
    assert joint[0]["time_amount"] == Decimal(20) and joint[0]["time_text"] == "20 Ngày"
    assert "tối đa không quá 20 ngày làm việc" in joint[0]["description"]


@pytest.mark.django_db
def test_parse_detail_gives_a_valid_draft():
    content, field_name, warnings = portal.parse_detail(_detail("2.000815"))
    assert field_name == "Chứng thực"
    assert content["fees"][0]["amount"] == 2000 and "/trang" in content["fees"][0]["note"]
    assert warnings == ["fee of 10 USD /bản not in VND: left out"]
    assert content["results"] == [
        {"name": "Bản sao được chứng thực từ bản chính", "code": "KQ.G15.000021"}
    ]
    assert content["applicant_types"] == ["citizen", "business"]
    assert content["tiers"] == ["commune", "other"]

    joint, _, _ = portal.parse_detail(_detail("2.000986"))
    assert joint["time_amount"] == Decimal(20)
    assert [r["code"] for r in joint["results"]] == [
        "KQ.G01.000065",
        "KQ.G01.000067",
        "KQ.G15.000031",
        "KQ.G18.000047",
    ]
    marital, _, _ = portal.parse_detail(_detail("1.004873"))
    assert marital["time_amount"] == Decimal(3)
    assert [p["agency_name"] for p in marital["participants"]][1:] == ["Bộ Công an"]
    marriage, _, _ = portal.parse_detail(_detail("1.000894"))
    assert marriage["components"][0]["name"].startswith("Hộ chiếu/Thẻ căn cước")
    assert marriage["components"][0]["originals"] == 1
    assert "(04/2020/TT-BTP)" in marriage["legal_basis"]

    for code in ("1.000656", "1.000894", "1.001193", "1.004873", "2.000815", "2.000986"):
        content, field_name, _ = portal.parse_detail(_detail(code))
        services.save_field(actor=SYSTEM, code=content["field_code"], name=field_name)
        services.save_draft(actor=SYSTEM, content=content)
    assert ProcedureVersion.objects.count() == 6
