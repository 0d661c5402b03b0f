"""The public look-up by dossier code (Circular 01/2018/TT-VPCP art. 16): anyone sees
the code, procedure and completion status; the owner, logged in, the status down to
the department."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from egov.core.tests.servers import fresh_window
from egov.directory.tests.factories import ApplicantFactory
from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

API = "/api/v1/public/dossiers/"
PUBLIC_FIELDS = {
    "code",
    "procedure",
    "national_status",
    "status_label",
    "status_label_en",
    "finished",
    "owner",
}


@pytest.fixture(autouse=True)
def _fresh_throttle(db):
    cache.clear()
    fresh_window(needed=3)  # the limits count in clock windows
    yield
    cache.clear()


@pytest.fixture
def dossier(people, places, db):
    version = district_procedure()
    dossier = services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    dossier = services.accept(actor=people.desk_officer, dossier=dossier)
    return services.forward(actor=people.desk_officer, dossier=dossier)


def test_anonymous_sees_code_procedure_and_status_only(client, dossier):
    response = client.get(f"{API}{dossier.code}")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == PUBLIC_FIELDS
    assert data["national_status"] == 4 and data["status_label"] == "Đang xử lý"
    assert data["procedure"] == dossier.procedure_version.name
    assert data["owner"] is False and data["finished"] is False
    text = response.content.decode()
    assert APPLICANT["name"] not in text and APPLICANT["id_number"] not in text
    assert dossier.processing_agency.name not in text and "Thẩm định" not in text


def test_the_owner_sees_the_department_and_history_without_officers(client, people, dossier):
    client.force_login(people.citizen)
    data = client.get(f"{API}{dossier.code}").json()
    assert data["owner"] is True
    assert data["current_step"] == "Thẩm định" and data["department"] == "Phòng Tư pháp"
    assert data["processing_agency"] == dossier.processing_agency.name
    assert data["due_at"]
    assert [h["status"] for h in data["history"]] == ["submitted", "received", "processing"]
    assert set(data["history"][0]) == {"at", "status", "status_label", "step"}
    text = client.get(f"{API}{dossier.code}").content.decode()
    assert str(people.desk_officer) not in text


def test_another_citizen_sees_only_the_public_part(client, dossier):
    other = ApplicantFactory(user__username="other_citizen").user
    client.force_login(other)
    data = client.get(f"{API}{dossier.code}").json()
    assert set(data) == PUBLIC_FIELDS and data["owner"] is False


def test_an_unknown_code_is_404_with_a_clear_message(client, db):
    response = client.get(f"{API}000.00.12.H06-260101-9999")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "dossier_not_found"
    assert "Không tìm thấy" in error["message"] and "No dossier" in error["message_en"]


def test_the_api_is_rate_limited(client, dossier, settings):
    settings.EGOV_RATE_PUBLIC_LOOKUP = "2/min"
    assert client.get(f"{API}{dossier.code}").status_code == 200
    assert client.get(f"{API}{dossier.code}").status_code == 200
    response = client.get(f"{API}{dossier.code}")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_the_page_for_anonymous_visitors(client, people, dossier):
    form = client.get("/tra-cuu/")
    assert form.status_code == 200 and "Tra cứu" in form.content.decode()
    redirect = client.get("/tra-cuu/", {"code": dossier.code})
    assert redirect.status_code == 302 and redirect["Location"] == f"/tra-cuu/{dossier.code}/"
    page = client.get(f"/tra-cuu/{dossier.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert dossier.code in html and "Đang xử lý" in html
    assert dossier.procedure_version.name in html
    assert APPLICANT["name"] not in html and "Phòng Tư pháp" not in html
    # Strict CSP: no inline script or style.
    assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_the_page_for_the_owner(client, people, dossier):
    client.force_login(people.citizen)
    html = client.get(f"/tra-cuu/{dossier.code}/").content.decode()
    assert "Thẩm định" in html and "Phòng Tư pháp" in html
    assert dossier.processing_agency.name in html
    assert "Quá trình xử lý" in html
    assert str(people.desk_officer) not in html


def test_the_page_for_an_unknown_code(client, db):
    page = client.get("/tra-cuu/000.00.12.H06-260101-9999/")
    assert page.status_code == 404
    assert "Không tìm thấy hồ sơ" in page.content.decode()


def test_the_page_is_rate_limited(client, dossier, settings):
    settings.EGOV_RATE_PUBLIC_LOOKUP = "1/min"
    assert client.get(f"/tra-cuu/{dossier.code}/").status_code == 200
    assert client.get(f"/tra-cuu/{dossier.code}/").status_code == 429
