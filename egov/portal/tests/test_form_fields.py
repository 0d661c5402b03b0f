"""A procedure's own fields ("tờ khai điện tử", issue 14 point 2): defined per version
in the catalogue, asked in the application's second step with every error at once,
checked again by the back office's service, kept with the dossier and shown to the
desk; the API takes and returns them too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from egov.catalog import eform
from egov.catalog.tests.factories import content
from egov.core.errors import DomainError
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import district_procedure
from egov.portal import services
from egov.portal.tests.test_apply import FEE, pdf

FIELDS = [
    {"name": "ten_ho", "label": "Tên hộ kinh doanh", "kind": "text", "required": True},
    {"name": "von", "label": "Vốn kinh doanh (đồng)", "kind": "number", "required": True},
    {"name": "ngay", "label": "Ngày bắt đầu", "kind": "date", "required": False},
    {"name": "loai", "label": "Loại hình", "kind": "choice", "choices": ["Cá nhân", "Nhóm"]},
]


@pytest.fixture
def version(db):
    return district_procedure("2.000720", fees=[FEE], form_fields=FIELDS)


def test_values_are_cleaned_and_every_error_is_given_at_once():
    kept, errors = eform.clean(FIELDS, {"ten_ho": "  Tạp hoá Lan ", "von": "50.000.000"})
    assert kept == {"ten_ho": "Tạp hoá Lan", "von": 50_000_000} and errors == []
    kept, errors = eform.clean(FIELDS, {"von": "năm triệu", "ngay": "31/02/2026", "loai": "X"})
    assert [(e.field, e.code) for e in errors] == [
        ("ten_ho", "form_field_required"),
        ("von", "form_field_invalid"),
        ("ngay", "form_field_invalid"),
        ("loai", "form_field_invalid"),
    ]
    assert eform.clean(FIELDS, {"ten_ho": "A", "von": "1", "ngay": "05/01/2027"})[0]["ngay"] == (
        "2027-01-05"
    )


def test_the_catalogue_refuses_a_broken_field_list(db):
    from egov.catalog import services as catalog_services
    from egov.core.permissions import SYSTEM

    bad = [
        {"name": "Tên", "label": "", "kind": "colour"},
        {"name": "x", "label": "X", "kind": "choice"},
    ]
    with pytest.raises(DomainError) as refused:
        catalog_services.save_draft(actor=SYSTEM, content=content("2.000999", form_fields=bad))
    assert "form_field_invalid" in str(refused.value.details)


def test_the_fields_are_asked_kept_and_shown_to_the_desk(people, places, version):
    client = Client()
    client.force_login(people.citizen)
    application = services.start(
        actor=people.citizen, procedure_code=version.code, agency_id=places.district.pk
    )
    url = reverse("portal:apply", args=[application.pk, "thong-tin"])
    page = client.get(url).content.decode()
    assert 'id="f-ten_ho"' in page and "Vốn kinh doanh (đồng)" in page
    bad = client.post(url, {"delivery": "counter", "von": "nhiều", "go": "next"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Hãy nhập: Tên hộ kinh doanh." in text and "phải là số nguyên" in text
    assert 'value="nhiều"' in text  # kept as typed
    ok = client.post(
        url, {"delivery": "counter", "ten_ho": "Tạp hoá Lan", "von": "50.000.000", "go": "next"}
    )
    assert ok.status_code == 302
    services.save(
        actor=people.citizen,
        application=application,
        step="nguoi-nop",
        data={"address": "Tổ 1", "phone": "0912345678"},
    )
    services.attach(
        actor=people.citizen,
        application=application,
        files={f"c{c.pk}-file": pdf() for c in version.components.all()},
    )
    review = client.get(reverse("portal:apply", args=[application.pk, "xem-lai"])).content
    assert "Tạp hoá Lan".encode() in review
    dossier = services.submit(actor=people.citizen, application=application, consent=True)
    assert dossier.form_data == {"ten_ho": "Tạp hoá Lan", "von": 50_000_000}
    desk = Client()
    desk.force_login(people.desk_officer)
    page = desk.get(reverse("dossiers:dossier", args=[dossier.code])).content.decode()
    assert "Tên hộ kinh doanh" in page and "Tạp hoá Lan" in page
    api = desk.get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert api["form_data"] == {"ten_ho": "Tạp hoá Lan", "von": 50_000_000}


def test_the_back_office_checks_the_fields_again(people, places, version):
    from egov.dossiers import services as dossier_services
    from egov.dossiers.services.base import ComponentInput
    from egov.dossiers.tests.factories import scan

    with pytest.raises(DomainError) as refused:
        dossier_services.submit_online(
            actor=people.citizen,
            procedure_code=version.code,
            receiving_agency=places.district,
            applicant={
                "name": people.citizen.full_name,
                "id_number": people.citizen.applicant.id_number,
            },
            components=[
                ComponentInput(component_id=c.pk, file=scan()) for c in version.components.all()
            ],
            form_data={"von": "-5"},
        )
    assert refused.value.field == "form_data.ten_ho"
    assert [e["field"] for e in refused.value.details["errors"]] == [
        "form_data.ten_ho",
        "form_data.von",
    ]
    assert not Dossier.objects.exists()
