"""Import of agencies and officers (egov.directory.importing, import_directory)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from egov.core.models import AuditEntry
from egov.core.permissions import SYSTEM
from egov.core.tests.samples import sample
from egov.directory.importing import parent_candidates, run_import
from egov.directory.models import Agency, Officer, User
from egov.directory.tabular import FileRejected


def _tay_ninh():
    return sample("agency_codes", "tay_ninh_edoc_dynamiccontact.csv")


QCVN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def _sample_rows() -> list[tuple[int, dict]]:
    """(line number in the file, row) read independently of the importer."""
    with _tay_ninh().open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return [(reader.line_num, row) for row in reader]


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ the real sample


@pytest.mark.django_db
def test_dry_run_of_the_tay_ninh_list_reports_exactly_its_defects():
    rows = _sample_rows()
    assert len(rows) == 455
    counts = Counter(row["OrganId"] for _, row in rows)
    duplicates = {
        (line, "code", "agency_code_duplicate_in_file")
        for line, row in rows
        if counts[row["OrganId"]] > 1
    }
    assert len({row["OrganId"] for _, row in rows if counts[row["OrganId"]] > 1}) == 7
    assert len(duplicates) == 14

    result = run_import(actor=SYSTEM, agencies=_tay_ninh().read_bytes(), dry_run=True)

    malformed = {(183, "code", "agency_code_invalid")}
    assert result.reports[0].keys() == duplicates | malformed
    [bad] = [p for p in result.problems if p.row == 183]
    assert "000.1137.H53" in bad.message and "QCVN 102" in bad.message_en
    assert bad.label == "OrganId"
    duplicate = next(p for p in result.problems if p.code == "agency_code_duplicate_in_file")
    assert "trùng" in duplicate.message and "more than once" in duplicate.message_en
    assert not result.written
    assert Agency.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_importing_the_tay_ninh_list_is_all_or_nothing():
    with pytest.raises(CommandError):
        call_command("import_directory", "--agencies", str(_tay_ninh()), stdout=io.StringIO())
    assert Agency.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_valid_only_imports_exactly_the_valid_rows_and_reports_the_others():
    rows = _sample_rows()
    counts = Counter(row["OrganId"] for _, row in rows)
    valid = {
        row["OrganId"]
        for _, row in rows
        if counts[row["OrganId"]] == 1 and QCVN.match(row["OrganId"])
    }
    out = io.StringIO()

    call_command("import_directory", "--agencies", str(_tay_ninh()), "--valid-only", stdout=out)

    assert set(Agency.objects.values_list("code", flat=True)) == valid
    assert len(valid) == 440
    assert AuditEntry.objects.filter(action="agency.create", actor_label="system").count() == 440
    text = out.getvalue()
    assert "dòng/row 183" in text and "000.1137.H53" in text
    assert "15 problem(s) in 15 row(s)" in text
    # Parents come from the QCVN 102 structure; tiers from the code and the name.
    commune = Agency.objects.select_related("parent__parent").get(code="000.21.31.H53")
    assert commune.parent.code == "000.00.31.H53"
    assert commune.parent.parent.code == "000.00.00.H53"
    assert commune.tier.code == "commune"
    assert commune.parent.tier.code == "district"
    assert Agency.objects.get(code="000.00.00.H53").tier.code == "province"
    assert Agency.objects.get(code="000.00.00.G14").tier.code == "central"
    assert commune.path.startswith(Agency.objects.get(code="000.00.00.H53").path)


def test_parent_candidates_follow_the_qcvn_102_levels():
    assert parent_candidates("000.21.31.H53") == ["000.00.31.H53", "000.00.00.H53"]
    assert parent_candidates("001.02.31.H53") == ["000.02.31.H53", "000.00.31.H53", "000.00.00.H53"]
    assert parent_candidates("000.00.00.H53") == []


# ------------------------------------------------------------------ formats


@pytest.mark.django_db
def test_xlsx_with_title_rows_and_children_before_parents():
    data = _xlsx(
        [
            ["ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"],
            ["DANH SÁCH CƠ QUAN, ĐƠN VỊ"],
            [],
            ["STT", "Mã định danh", "Tên cơ quan", "Cấp", "Mã cơ quan cấp trên", "Hiệu lực từ"],
            [
                1,
                "000.01.65.H06",
                "UBND thị trấn Đồng Tâm",
                "commune",
                "000.00.65.H06",
                "01/02/2020",
            ],
            [2, "000.00.65.H06", "UBND huyện Chợ Mới", "district", "000.00.00.H06", None],
            [3, "000.00.00.H06", "UBND tỉnh Bắc Kạn", "province", "", None],
        ]
    )
    result = run_import(actor=SYSTEM, agencies=data, agencies_name="coquan.xlsx")

    assert result.ok and result.written
    commune = Agency.objects.get(code="000.01.65.H06")
    assert commune.parent.code == "000.00.65.H06"
    assert commune.parent.parent.code == "000.00.00.H06"
    assert str(commune.valid_from) == "2020-02-01"
    assert result.reports[0].ignored_columns == ["STT"]


@pytest.mark.django_db
def test_xlsx_problems_name_the_sheet_row():
    data = _xlsx(
        [
            ["DANH SÁCH"],
            ["code", "name", "tier", "parent_code"],
            ["000.00.00.H06", "UBND tỉnh", "province", ""],
            ["000.00.65.H06", "UBND huyện Chợ Mới", "hamlet", "000.00.00.H06"],
            ["000.00.66.H06", "UBND huyện Na Rì", "district", "000.00.99.H06"],
        ]
    )
    result = run_import(actor=SYSTEM, agencies=data, dry_run=True)
    assert result.reports[0].keys() == {
        (4, "tier", "tier_unknown"),
        (5, "parent_code", "agency_parent_unknown"),
    }


@pytest.mark.django_db
def test_semicolon_csv_with_bom_and_vietnamese_headers_in_any_case():
    data = (
        "\ufeffMÃ ĐỊNH DANH;Tên cơ quan;CẤP;Tên viết tắt\n000.00.00.H06;UBND tỉnh;Cấp tỉnh;UBND\n"
    )
    result = run_import(actor=SYSTEM, agencies=data.encode("utf-8"))
    assert result.written
    agency = Agency.objects.get(code="000.00.00.H06")
    assert agency.tier.code == "province" and agency.short_name == "UBND"


# ------------------------------------------------------------------ bad rows


@pytest.mark.django_db
def test_cycles_in_the_parent_chain_are_reported_and_their_children_rejected():
    data = _csv(
        "code,name,parent_code\n"
        "000.00.01.H06,A,000.00.02.H06\n"
        "000.00.02.H06,B,000.00.01.H06\n"
        "000.01.01.H06,child of A,000.00.01.H06\n"
        "000.00.03.H06,self,000.00.03.H06\n"
    )
    result = run_import(actor=SYSTEM, agencies=data, dry_run=True, default_tier="department")
    assert result.reports[0].keys() == {
        (2, "parent_code", "agency_tree_cycle"),
        (3, "parent_code", "agency_tree_cycle"),
        (4, "parent_code", "agency_parent_rejected"),
        (5, "parent_code", "agency_tree_cycle"),
    }
    assert "000.00.02.H06" in next(p for p in result.problems if p.row == 2).message


@pytest.mark.django_db
def test_duplicates_against_the_database_and_other_row_problems(places):
    before = Agency.objects.count()
    data = _csv(
        "code,name,tier,parent_code,valid_from,valid_to,successor_code\n"
        "000.00.00.H06,UBND tỉnh again,province,,,,\n"  # 2: exists in the database
        "000.00.20.H06,,department,000.00.00.H06,,,\n"  # 3: no name
        "000.00.21.H06,Sở X,department,000.00.00.H06,2020-13-01,,\n"  # 4: bad date
        "000.00.22.H06,Sở Y,department,000.00.00.H06,2020-01-01,2019-01-01,\n"  # 5: period
        "000.00.23.H06,Sở Z,department,00.00.00.H06,,,\n"  # 6: malformed parent code
        "000.00.24.H06,Sở W,department,000.00.00.H06,,,000.00.98.H06\n"  # 7: successor?
        "000.00.25.H06,Sở V,department,000.00.00.H06,,,\n"  # 8: fine
    )
    result = run_import(actor=SYSTEM, agencies=data)
    assert result.reports[0].keys() == {
        (2, "code", "agency_code_duplicate"),
        (3, "name", "required"),
        (4, "valid_from", "date_invalid"),
        (5, "valid_to", "validity_period_invalid"),
        (6, "parent_code", "agency_code_invalid"),
        (7, "successor_code", "agency_successor_unknown"),
    }
    assert not result.written
    assert Agency.objects.count() == before


@pytest.mark.django_db
def test_an_agency_admin_may_import_only_inside_their_subtree(people, places):
    data = _csv(
        "code,name,tier,parent_code\n"
        "000.02.12.H06,UBND xã mới,commune,000.00.12.H06\n"
        "000.00.40.H06,Sở mới,department,000.00.00.H06\n"
        "000.00.00.H07,Tỉnh mới,province,\n"
    )
    result = run_import(actor=people.agency_admin, agencies=data, valid_only=True)
    assert result.reports[0].keys() == {
        (3, "parent_code", "permission_denied"),
        (4, "parent_code", "permission_denied"),
    }
    assert result.reports[0].created == ["000.02.12.H06"]
    entry = AuditEntry.objects.get(action="agency.create")
    assert entry.actor == people.agency_admin


# ------------------------------------------------------------------ malformed files


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"  \n\n", "file_empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_format_unknown"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_format_xls"),
        (b"PK\x03\x04not really a zip", "file_xlsx_invalid"),
        ("code,name\n000.00.00.H06,Phòng Tài chính\n".encode("latin-1"), "file_encoding"),
        (b"ma,ten viet tat\n000.00.00.H06,UBND\n", "file_columns_missing"),
        (b"code,name\n", "file_no_rows"),
    ],
)
@pytest.mark.django_db
def test_malformed_files_are_rejected_with_a_clear_message(data, code):
    with pytest.raises(FileRejected) as caught:
        run_import(actor=SYSTEM, agencies=data, agencies_name="x.csv")
    assert caught.value.code == code
    assert caught.value.field == "file"
    assert caught.value.message and caught.value.message_en
    assert Agency.objects.count() == 0


@pytest.mark.django_db
def test_missing_columns_are_named():
    with pytest.raises(FileRejected) as caught:
        run_import(actor=SYSTEM, officers=b"username;email\nan;an@example.vn\n")
    assert caught.value.details == {"missing": ["full_name", "agency_code"]}
    assert "full_name" in caught.value.message_en


@pytest.mark.django_db
def test_the_command_explains_a_rejected_file(tmp_path):
    path = tmp_path / "coquan.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="nothing written"):
        call_command("import_directory", "--agencies", str(path), stdout=io.StringIO())


# ------------------------------------------------------------------ officers

OFFICERS = (
    "username;full_name;email;phone;agency_code;department_code;roles;position\n"
    "an.nv;Nguyễn Văn An;an@backan.gov.vn;0209387000;000.00.12.H06;vp;desk_officer, specialist;"
    "Chuyên viên\n"  # 2: fine, two roles
    "binh.tt;Trần Thị Bình;;;000.00.12.H06;;Chuyên viên;\n"  # 3: role by its Vietnamese name
    "chi.lt;Lê Thị Chi;;;;;clerk;\n"  # 4: no agency
    "dung.pv;Phạm Văn Dũng;;;000.00.77.H06;;clerk;\n"  # 5: unknown agency
    "em.hv;Hoàng Văn Em;;;000.00.12.H06;khong-co;clerk;\n"  # 6: unknown department
    "gia.nt;Nông Thị Gia;;;000.00.12.H06;;thủ kho;\n"  # 7: unknown role
    "desk;Trùng Tên;;;000.00.12.H06;;clerk;\n"  # 8: username taken
    "hai.dv;Đỗ Văn Hải;not-an-email;;000.00.12.H06;;clerk;\n"  # 9: bad e-mail
    "an.nv;Nguyễn Văn An 2;;;000.00.12.H06;;clerk;\n"  # 10: duplicate in file
)


@pytest.mark.django_db
def test_officer_import_reports_every_problem(people, places):
    users_before = User.objects.count()
    result = run_import(actor=SYSTEM, officers=_csv(OFFICERS), dry_run=True)
    assert result.reports[0].keys() == {
        (4, "agency_code", "officer_agency_required"),
        (5, "agency_code", "agency_unknown"),
        (6, "department_code", "department_unknown"),
        (7, "roles", "role_unknown"),
        (8, "username", "username_taken"),
        (9, "email", "email_invalid"),
        (2, "username", "username_duplicate_in_file"),
        (10, "username", "username_duplicate_in_file"),
    }
    missing_agency = next(p for p in result.problems if p.row == 4)
    assert missing_agency.message == "Cán bộ phải thuộc một cơ quan."
    assert missing_agency.message_en == "An officer must belong to an agency."
    assert User.objects.count() == users_before


@pytest.mark.django_db
def test_officer_import_valid_only_writes_through_the_service(people, places):
    result = run_import(actor=people.agency_admin, officers=_csv(OFFICERS), valid_only=True)
    assert result.reports[0].created == ["binh.tt"]
    officer = Officer.objects.get(user__username="binh.tt")
    assert officer.agency == places.district
    assert officer.role_codes() == ["specialist"]
    assert not officer.user.has_usable_password()
    entry = AuditEntry.objects.get(action="officer.create")
    assert entry.actor == people.agency_admin


@pytest.mark.django_db
def test_agencies_and_officers_in_one_run(tmp_path):
    agencies = tmp_path / "coquan.csv"
    agencies.write_text("code,name,tier\n000.00.00.H06,UBND tỉnh Bắc Kạn,province\n")
    officers = tmp_path / "canbo.xlsx"
    officers.write_bytes(
        _xlsx(
            [
                ["Tên đăng nhập", "Họ và tên", "Mã cơ quan", "Vai trò"],
                ["quantri", "Nông Thị Hạnh", "000.00.00.H06", "province_admin;auditor"],
            ]
        )
    )
    out = io.StringIO()
    call_command(
        "import_directory", "--agencies", str(agencies), "--officers", str(officers), stdout=out
    )
    officer = Officer.objects.get(user__username="quantri")
    assert officer.agency.code == "000.00.00.H06"
    assert sorted(officer.role_codes()) == ["auditor", "province_admin"]
    assert "written: 1" in out.getvalue()


@pytest.mark.django_db
def test_an_officer_of_a_rejected_agency_is_rejected_too():
    agencies = _csv("code,name,tier\n000.00.00.H06,,province\n")
    officers = _csv("username,full_name,agency_code\nan,An,000.00.00.H06\n")
    result = run_import(actor=SYSTEM, agencies=agencies, officers=officers, dry_run=True)
    assert result.reports[1].keys() == {(2, "agency_code", "agency_rejected")}


@pytest.mark.django_db
def test_import_as_user(people, places, tmp_path):
    path = tmp_path / "coquan.csv"
    path.write_text("code,name,tier,parent_code\n000.05.12.H06,UBND xã A,commune,000.00.12.H06\n")
    call_command(
        "import_directory",
        "--agencies",
        str(path),
        "--as-user",
        "agency_admin",
        stdout=io.StringIO(),
    )
    assert AuditEntry.objects.get(action="agency.create").actor == people.agency_admin
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_directory", "--agencies", str(path), "--as-user", "nobody")
