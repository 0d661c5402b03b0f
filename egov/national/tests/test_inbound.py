"""Dossiers filed on the national portal arrive here: the portal posts the dossier, its
files are fetched from the portal (the fake, over HTTP) and checked, the applicant's
account is found or created, the dossier waits for the desk (status 1); a repeated
delivery gets the same dossier; refusals write nothing."""

from __future__ import annotations

import json

import pytest

from egov.core.models import AuditEntry
from egov.dossiers.models import Dossier, DossierComponent
from egov.dossiers.tests.factories import district_procedure
from egov.national.models import InboundDossier

pytestmark = pytest.mark.django_db
URL = "/national/inbound/dossiers"
TOKEN = "ma-thong-bao-cong-quoc-gia"


@pytest.fixture
def inbound(national, settings, places):
    settings.NATIONAL_INBOUND_TOKEN = TOKEN
    version = district_procedure("2.000884", channels=["counter", "online"])
    return national, version


def _message(national, version, **changes) -> dict:
    components = list(version.components.all())
    message = {
        "MaHoSoQG": "G22.DVCQG-260302-000123",
        "MaTTHC": version.code,
        "MaCoQuanTiepNhan": "000.00.12.H06",
        "TrichYeuHoSo": "Đăng ký hộ kinh doanh tạp hoá",
        "ChuHoSo": {
            "HoTen": "Nông Văn Dền",
            "LoaiDoiTuong": 1,
            "SoDinhDanh": "006090004321",
            "NgaySinh": "19900215",
            "DiaChi": "Thôn Nà Pài, xã Yên Đĩnh",
            "SoDienThoai": "0987654321",
            "Email": "nong.den@example.vn",
        },
        "TaiLieuNop": [
            {
                "TenThanhPhan": c.name,
                "TenTep": f"tep-{n}.pdf",
                "DuongDan": f"{national.url}/files/tep-{n}.pdf",
            }
            for n, c in enumerate(components)
        ],
    }
    message.update(changes)
    return message


def _post(client, message, token=TOKEN):
    return client.post(
        URL,
        json.dumps(message),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_national_dossier_arrives_ready_for_reception(client, inbound):
    national, version = inbound
    answer = _post(client, _message(national, version))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["error_code"] == 0 and body["created"] is True
    dossier = Dossier.objects.get(code=body["MaHoSo"])
    assert dossier.status == "submitted" and dossier.national_status == 1
    assert dossier.channel == "online" and dossier.receiving_agency.code == "000.00.12.H06"
    assert (
        dossier.applicant_name == "Nông Văn Dền" and dossier.applicant_id_number == "006090004321"
    )
    assert dossier.applicant_user.full_name == "Nông Văn Dền"
    files = DossierComponent.objects.filter(dossier=dossier).exclude(file="")
    assert files.count() == version.components.count() > 0
    assert {f.content_type for f in files} == {"application/pdf"}
    assert [r["name"] for r in national.recorder.items() if r["kind"] == "file"] == [
        f"tep-{n}.pdf" for n in range(files.count())
    ]
    assert InboundDossier.objects.get().dossier == dossier
    assert AuditEntry.objects.filter(action="dossier.submit_online").count() == 1


def test_a_repeated_delivery_gets_the_same_dossier(client, inbound):
    national, version = inbound
    first = _post(client, _message(national, version)).json()
    again = _post(client, _message(national, version))
    assert again.status_code == 200
    assert again.json()["MaHoSo"] == first["MaHoSo"] and again.json()["created"] is False
    assert Dossier.objects.count() == 1 and InboundDossier.objects.count() == 1


def _nothing_written(before: int) -> None:
    assert Dossier.objects.count() == 0 and InboundDossier.objects.count() == 0
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "change, code",
    [
        ({"MaCoQuanTiepNhan": "000.00.00.X99"}, "inbound_agency_unknown"),
        ({"MaTTHC": "9.999999"}, "procedure_not_offered"),
        ({"MaHoSoQG": ""}, "inbound_field_missing"),
    ],
)
def test_a_bad_message_is_refused_and_writes_nothing(client, inbound, change, code):
    national, version = inbound
    before = AuditEntry.objects.count()
    answer = _post(client, _message(national, version, **change))
    assert answer.status_code == 400 and answer.json()["code"] == code
    assert answer.json()["message"] and answer.json()["message_en"]
    _nothing_written(before)


def test_a_file_that_is_not_what_it_says_is_refused(client, inbound):
    national, version = inbound
    message = _message(national, version)
    message["TaiLieuNop"][0]["DuongDan"] = f"{national.url}/files/khong-hop-le.pdf"
    before = AuditEntry.objects.count()
    answer = _post(client, message)
    assert answer.status_code == 400 and answer.json()["code"] == "file_type_not_accepted"
    _nothing_written(before)


def test_files_are_fetched_only_from_the_portal(client, inbound):
    national, version = inbound
    message = _message(national, version)
    message["TaiLieuNop"][0]["DuongDan"] = "http://127.0.0.1:9/files/x.pdf"
    answer = _post(client, message)
    assert answer.status_code == 400 and answer.json()["code"] == "inbound_file_foreign"
    assert not [r for r in national.recorder.items() if r["kind"] == "file"]


def test_a_file_address_that_redirects_elsewhere_is_not_followed(client, inbound):
    national, version = inbound
    message = _message(national, version)
    message["TaiLieuNop"][0]["DuongDan"] = f"{national.url}/files/chuyen-huong.pdf"
    answer = _post(client, message)
    assert answer.status_code == 400 and answer.json()["code"] == "inbound_file_refused"
    assert Dossier.objects.count() == 0


def test_a_portal_that_cannot_give_the_files_gets_a_503_to_retry(client, inbound):
    national, version = inbound
    national.faults.set("fail", status=503)
    answer = _post(client, _message(national, version))
    assert answer.status_code == 503 and answer.json()["code"] == "inbound_file_unavailable"
    assert Dossier.objects.count() == 0


def test_a_wrong_token_is_refused(client, inbound):
    national, version = inbound
    assert _post(client, _message(national, version), token="sai").status_code == 401
    assert client.get(URL).status_code == 405
    assert Dossier.objects.count() == 0


def test_the_fake_portal_delivers_a_dossier_to_the_live_back_office(
    committed_db, live_server, inbound, settings
):
    national, version = inbound
    from django.core.management import call_command

    call_command(
        "national_demo_inbound",
        procedure=version.code,
        agency="000.00.12.H06",
        to=f"{live_server.url}/national/inbound/dossiers",
    )
    (delivery,) = [r for r in national.recorder.items() if r["kind"] == "delivery"]
    assert delivery["status"] == 201 and delivery["error_code"] == 0
    dossier = Dossier.objects.get(code=delivery["MaHoSo"])
    assert dossier.status == "submitted"
    assert dossier.components.exclude(file="").count() == version.components.count()
