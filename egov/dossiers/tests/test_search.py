"""Officer search as people type (issue 12 point 6): by part of the applicant's name
in any case and without diacritics, by ID, phone, tax code and dossier code, "no
results" said when there are none; the public look-up takes a code in any case and
with spaces around it. Runs on SQLite and PostgreSQL (there through the trigram index
of migration 0008)."""

from __future__ import annotations

import pytest
from django.db import connection
from playwright.sync_api import expect

from egov.dossiers import queries, services
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist
from egov.dossiers.tests.journeys import browser, person

__all__ = ["browser", "person"]  # fixtures of journeys.py

NAMES = ["Nguyễn Thị Ánh Dương", "Đặng Văn Đức", "Nguyễn Văn An"]


def _receive(people, version, name: str, id_number: str, phone: str):
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        components=full_checklist(version),
        applicant={**APPLICANT, "name": name, "id_number": id_number, "phone": phone},
    )


@pytest.fixture
def received(people):
    version = district_procedure()
    ids = ["006190001234", "006090001122", "006090003344"]
    phones = ["0912345678", "0987654321", "0977000111"]
    return {
        name: _receive(people, version, name, i, p)
        for name, i, p in zip(NAMES, ids, phones, strict=True)
    }


def _found(people, text: str) -> set[str]:
    return {d.applicant_name for d in queries.search(people.desk_officer, text=text)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text,names",
    [
        ("nguyen thi anh duong", {"Nguyễn Thị Ánh Dương"}),
        ("NGUYEN THI", {"Nguyễn Thị Ánh Dương"}),
        ("Ánh Dương", {"Nguyễn Thị Ánh Dương"}),
        ("anh  duong", {"Nguyễn Thị Ánh Dương"}),
        ("dang", {"Đặng Văn Đức"}),
        ("ĐỨC", {"Đặng Văn Đức"}),
        ("nguyen", {"Nguyễn Thị Ánh Dương", "Nguyễn Văn An"}),
        ("van", {"Đặng Văn Đức", "Nguyễn Văn An"}),
        ("006090001122", {"Đặng Văn Đức"}),
        ("0977 000 111", {"Nguyễn Văn An"}),
        ("0987654321", {"Đặng Văn Đức"}),
        ("tran", set()),
    ],
)
def test_the_name_is_found_in_any_case_with_or_without_diacritics(people, received, text, names):
    assert _found(people, text) == names


@pytest.mark.django_db
def test_a_code_is_found_in_any_case(people, received):
    dossier = received["Đặng Văn Đức"]
    assert _found(people, f"  {dossier.code.lower()} ") == {"Đặng Văn Đức"}


@pytest.mark.django_db
def test_the_page_says_when_nothing_is_found(client, people, received):
    client.force_login(people.desk_officer)
    page = client.get("/mot-cua/tim-kiem/", {"q": "tran van binh"}).content.decode()
    assert 'id="no-results"' in page and "Không tìm thấy hồ sơ nào phù hợp" in page
    page = client.get("/mot-cua/tim-kiem/", {"q": "dang van duc"}).content.decode()
    assert received["Đặng Văn Đức"].code in page and 'id="no-results"' not in page


@pytest.mark.django_db
def test_the_public_look_up_takes_a_code_in_any_case_with_spaces(client, received):
    code = received["Nguyễn Văn An"].code
    response = client.get("/tra-cuu/", {"code": f"  {code.lower()}  "})
    assert response.status_code == 302 and response["Location"] == f"/tra-cuu/{code}/"
    assert code in client.get(f"/tra-cuu/{code.lower()}/").content.decode()
    assert client.get(f"/api/v1/public/dossiers/{code.lower()}").status_code in (200, 301)


@pytest.mark.django_db
def test_on_postgresql_the_name_search_uses_the_trigram_index(people, received):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only (migration 0008)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'dossier_applicant_search_trgm'"
        )
        [definition] = cursor.fetchone()
        assert "gin_trgm_ops" in definition
        cursor.execute("SET enable_seqscan = off")
        qs = queries.search(people.desk_officer, text="anh duong").order_by()
        plan = qs.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "dossier_applicant_search_trgm" in plan


@pytest.mark.usefixtures("committed_db")
def test_the_desk_finds_a_dossier_by_typing_a_name_without_diacritics(person, people):
    version = district_procedure()
    dossier = _receive(people, version, "Nguyễn Thị Ánh Dương", "006190001234", "0912345678")
    desk = person("desk_officer")
    desk.go("/mot-cua/tim-kiem/")
    desk.page.locator("#q").press_sequentially("nguyen thi anh duong", delay=30)
    # No Enter: the results come as the officer types.
    expect(desk.page.locator("#results")).to_contain_text(dossier.code)
    expect(desk.page.locator("#results")).to_contain_text("Nguyễn Thị Ánh Dương")
    desk.shot("typed")
    desk.page.locator("#q").fill("")
    desk.page.locator("#q").press_sequentially("tran van binh", delay=30)
    expect(desk.page.locator("#no-results")).to_contain_text("Không tìm thấy hồ sơ nào")
    desk.shot("nothing-found")
