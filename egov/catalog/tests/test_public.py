"""Public catalogue: pages and API, no login; drafts never shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from egov.catalog import services
from egov.catalog.models import Component
from egov.catalog.tests.factories import content, field, published, steps
from egov.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(places):
    published("1.001193", name="Thủ tục đăng ký khai sinh")
    field("xay-dung", "Hoạt động xây dựng")
    published(
        "1.009994",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        field_code="xay-dung",
        tiers=["district"],
        service_level=3,
        online_class="partial",
        time_amount=Decimal(15),
        workflows=[{"agency": "", "tier": "", "steps": steps(120)}],
    )
    published(
        "2.001039",
        name="Đăng ký thành lập hộ kinh doanh",
        tiers=[],
        agencies=[places.district.code],
        service_level=2,
        online_class="",
        channels=["counter"],
    )
    services.save_draft(actor=SYSTEM, content=content("1.000656", name="Đăng ký khai tử (nháp)"))
    return places


def _codes(response):
    return [p["code"] for p in response.json()["results"]]


def test_search_ignores_accents_and_case(client, catalogue):
    for q in ("dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "khai  SINH"):
        assert _codes(client.get("/api/v1/procedures/", {"q": q})) == ["1.001193"]
    assert _codes(client.get("/api/v1/procedures/", {"q": "1.0099"})) == ["1.009994"]
    assert _codes(client.get("/api/v1/procedures/", {"q": "dang ky"})) == ["1.001193", "2.001039"]
    # The draft never shows.
    assert _codes(client.get("/api/v1/procedures/", {"q": "nhap"})) == []


def test_filters(client, catalogue):
    api = "/api/v1/procedures/"
    assert _codes(client.get(api, {"tier": "district"})) == ["1.009994"]
    assert _codes(client.get(api, {"field": "xay-dung"})) == ["1.009994"]
    assert _codes(client.get(api, {"level": "4"})) == ["1.001193"]
    assert _codes(client.get(api, {"online": "partial"})) == ["1.009994"]
    # An agency implements what names it and what its tier implements.
    assert _codes(client.get(api, {"agency": catalogue.district.code})) == ["1.009994", "2.001039"]
    assert _codes(client.get(api, {"agency": catalogue.commune.code})) == ["1.001193"]
    assert _codes(client.get(api, {"agency": "000.99.99.H99"})) == []


def test_list_query_count(client, catalogue, django_assert_max_num_queries):
    for n in range(20):
        published(f"3.{n:06d}", name=f"Thủ tục mẫu số {n}")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/procedures/", {"q": "mau so", "tier": "commune"})
    assert response.json()["count"] == 20


def test_detail(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        data = client.get("/api/v1/procedures/1.001193/").json()
    assert data["name"] == "Thủ tục đăng ký khai sinh"
    assert data["fully_online"] is True
    assert data["components"][0]["name"] == "Tờ khai đăng ký khai sinh"
    assert data["fees"][0]["amount"] == 0
    assert data["workflows"][0]["steps"][2]["is_final"] is True
    assert data["channels"] == ["counter", "post", "online"]
    assert client.get("/api/v1/procedures/1.000656/").status_code == 404
    body = client.get("/api/v1/procedures/9.999999/").json()
    assert body["error"]["code"] == "not_found"


def test_public_pages(client, catalogue):
    page = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and "Cấp giấy phép" not in html
    assert "<script" not in html and "style=" not in html
    detail = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Giấy chứng sinh" in detail and "Tiếp nhận hồ sơ" in detail
    assert client.get("/thu-tuc/1.000656/").status_code == 404
    assert client.get("/thu-tuc/thong-ke/").status_code == 200


def test_template_download(client, catalogue):
    component = Component.objects.get(version__procedure__code="1.001193", order=1)
    component.template.save("to-khai-khai-sinh.txt", ContentFile("TỜ KHAI".encode()))
    detail = client.get("/thu-tuc/1.001193/").content.decode()
    url = f"/thu-tuc/1.001193/mau/{component.pk}/"
    assert url in detail
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "TỜ KHAI".encode()
    api = client.get("/api/v1/procedures/1.001193/").json()
    assert api["components"][0]["template_url"].endswith(url)
    draft = Component.objects.get(version__procedure__code="1.000656", order=1)
    draft.template.save("nhap.txt", ContentFile(b"x"))
    assert client.get(f"/thu-tuc/1.000656/mau/{draft.pk}/").status_code == 404


def test_export_and_import_pages_need_an_editor(client, catalogue, people, rf):
    from egov.catalog import views

    assert client.get("/thu-tuc/quan-tri/xuat.xlsx").status_code == 302  # to the login page
    client.force_login(people.desk_officer)
    assert client.get("/thu-tuc/quan-tri/xuat.xlsx").status_code == 403
    assert client.get("/thu-tuc/quan-tri/nhap/").status_code == 403
    # Province administrators (past their second factor, which the middleware checks).
    request = rf.get("/thu-tuc/quan-tri/xuat.xlsx")
    request.user = people.province_admin
    response = views.export_xlsx(request)
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_import_job_reports_progress_and_errors(catalogue, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.catalog import exporting, jobs
    from egov.catalog.models import ImportJob

    data = exporting.to_xlsx()
    job = ImportJob.objects.create(
        file=SimpleUploadedFile("c.xlsx", data),
        file_name="c.xlsx",
        created_by=people.province_admin,
    )
    job = jobs.run(job)
    assert job.status == "done" and job.summary["unchanged"] == 4
    assert (job.done, job.total) == (4, 4)
    bad = ImportJob.objects.create(
        file=SimpleUploadedFile("c.csv", b"code,name\n1.2,x\n"),
        file_name="c.csv",
        created_by=people.province_admin,
    )
    bad = jobs.run(bad)
    assert bad.status == "failed"
    assert {e["column"] for e in bad.errors} >= {"field_code", "time_amount"} or bad.errors
