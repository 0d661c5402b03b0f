"""The portal's "Lấy thông tin từ CSDL dân cư" on the applicant step, through the pages
(Django's test client; the browser journey is test_journey_prefill.py), against the
fake registries over HTTP."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.directory.models import User
from egov.directory.tests.factories import ApplicantFactory
from egov.dossiers.tests.factories import district_procedure
from egov.portal import services as portal
from egov.registries.tests.fixtures import CITIZEN, COMPANY, registries

__all__ = ["registries"]


@pytest.fixture
def version(db):
    return district_procedure("2.000720")


def _started(actor, places, version):
    return portal.start(
        actor=actor, procedure_code=version.procedure.code, agency_id=places.district.pk
    )


def _step(application) -> str:
    return reverse("portal:apply", kwargs={"pk": application.pk, "step": "nguoi-nop"})


def test_the_button_fills_the_address_and_phone_from_the_registry(
    client, people, places, version, registries
):
    application = _started(people.citizen, places, version)
    client.force_login(people.citizen)
    page = client.get(_step(application)).content.decode()
    assert 'id="registry-fill"' in page and "Lấy thông tin từ CSDL dân cư" in page
    answer = client.post(
        _step(application),
        # A number typed into the request is ignored: only the account's is looked up.
        {
            "go": "registry",
            "address": "",
            "phone": "",
            "email": "lan@example.vn",
            "id_number": "001090012345",
        },
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'id="registry-notice"' in page and "12/04/1990" in page
    application.refresh_from_db()
    assert application.data["address"] == CITIZEN["ThuongTru"]
    assert application.data["phone"] == CITIZEN["SoDienThoai"]
    assert application.data["email"] == "lan@example.vn"  # typed, kept
    assert f'value="{CITIZEN["ThuongTru"]}"' in page  # in the field, editable
    assert [r["body"] for r in registries.received()] == [{"SoDinhDanh": CITIZEN["SoDinhDanh"]}]
    assert AuditEntry.objects.filter(action="registry.population_lookup").count() == 1


def test_a_phone_already_typed_is_not_replaced(client, people, places, version, registries):
    application = _started(people.citizen, places, version)
    client.force_login(people.citizen)
    client.post(_step(application), {"go": "registry", "address": "", "phone": "0988777666"})
    application.refresh_from_db()
    assert application.data["phone"] == "0988777666"
    assert application.data["address"] == CITIZEN["ThuongTru"]


@pytest.mark.parametrize(("mode", "status"), [("fail", 503), ("hang", 504)])
def test_an_unavailable_registry_says_so_and_loses_nothing_typed(
    client, people, places, version, registries, settings, mode, status
):
    settings.EGOV_REGISTRY_TIMEOUT_SECONDS = 0.5
    application = _started(people.citizen, places, version)
    client.force_login(people.citizen)
    registries.control(mode=mode, status=503)
    typed = {"address": "Số 9 ngõ 3, Đức Xuân", "phone": "0987654321", "email": "a@b.vn"}
    answer = client.post(_step(application), {"go": "registry", **typed})
    registries.control(mode="ok")
    assert answer.status_code == status
    page = answer.content.decode()
    assert 'role="alert" id="registry-notice"' in page
    assert "CSDL quốc gia về dân cư" in page and "vẫn được giữ nguyên" in page
    assert 'value="Số 9 ngõ 3, Đức Xuân"' in page and 'value="0987654321"' in page
    application.refresh_from_db()
    assert {k: application.data[k] for k in typed} == typed


def test_no_button_when_no_registry_is_configured(client, people, places, version, settings):
    settings.EGOV_POPULATION_PROVIDER = "none"
    application = _started(people.citizen, places, version)
    client.force_login(people.citizen)
    assert 'id="registry-fill"' not in client.get(_step(application)).content.decode()
    answer = client.post(_step(application), {"go": "registry", "address": "Nhà", "phone": ""})
    assert answer.status_code == 503 and "chưa kết nối" in answer.content.decode()


def test_a_business_fills_its_head_office_from_the_business_registry(
    client, places, version, registries
):
    account = ApplicantFactory(
        user__kind=User.Kind.BUSINESS,
        user__full_name="Công ty TNHH Thử Nghiệm Chợ Mới",
        id_number="",
        tax_code=COMPANY["MaSoThue"],
    ).user
    application = _started(account, places, version)
    client.force_login(account)
    assert "Lấy thông tin từ CSDL doanh nghiệp" in client.get(_step(application)).content.decode()
    page = client.post(_step(application), {"go": "registry", "address": "", "phone": ""})
    assert "Đang hoạt động" in page.content.decode()
    application.refresh_from_db()
    assert application.data["address"] == COMPANY["DiaChiTruSo"]
    assert [r["path"] for r in registries.received()] == ["/doanh-nghiep/tra-cuu"]


def test_the_button_and_the_notice_in_english(client, people, places, version, registries):
    application = _started(people.citizen, places, version)
    client.force_login(people.citizen)
    client.cookies["django_language"] = "en"
    page = client.post(_step(application), {"go": "registry", "address": "", "phone": ""})
    text = page.content.decode()
    assert "Get the details from the population database" in text
    assert "From the national population database" in text and "Permanent residence" in text


def test_an_account_that_differs_from_the_registry_is_warned(client, places, version, registries):
    account = ApplicantFactory(
        user__full_name="Nông Văn Minh",
        id_number="006085006789",  # in the fake's demo population
        date_of_birth=datetime.date(1985, 9, 3),  # the registry says 02/09/1985
    ).user
    application = _started(account, places, version)
    client.force_login(account)
    page = client.post(_step(application), {"go": "registry", "address": "", "phone": ""})
    text = page.content.decode()
    assert 'id="registry-differs"' in text and "02/09/1985" in text
