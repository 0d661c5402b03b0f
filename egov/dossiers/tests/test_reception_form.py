"""The counter reception form keeps what was typed (issue 12 points 5 and 7): every
error at once next to its field, scans kept across a form sent back, warnings the desk
confirms (an ID number used with another name or date of birth; an open dossier of the
same procedure, linked), and the API's refusal of an online file that belongs to no
component."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.core.models import AuditEntry
from egov.dossiers import rules, services
from egov.dossiers.models import Dossier, DossierComponent, StagedUpload
from egov.dossiers.tests.factories import (
    APPLICANT,
    full_checklist,
    pdf_bytes,
)
from egov.dossiers.tests.test_workspace import RECEPTION, desk, reception_post, version

__all__ = ["desk", "version"]  # fixtures of test_workspace.py

pytestmark = pytest.mark.django_db

API = "/api/v1/dossiers/"


def _earlier(people, version, **applicant):
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        components=full_checklist(version),
        applicant={
            **APPLICANT,
            "id_number": "006090001122",
            "name": "Nông Văn Dũng",
            "birth_date": datetime.date(1990, 5, 17),
            **applicant,
        },
    )


# ---------------------------------------------------------------- rules


def test_identity_warnings_name_date_and_open_dossier():
    applicant = {"name": "Nông Văn Dũng", "birth_date": datetime.date(1990, 5, 17)}
    same = [("NÔNG  văn dũng", datetime.date(1990, 5, 17))]
    assert rules.identity_warnings(applicant, same, []) == []  # case and spacing only
    [name] = rules.identity_warnings(applicant, [("Nông Văn Dung", None)], [])
    assert name["code"] == "applicant_identity_mismatch" and "Nông Văn Dung" in name["message"]
    [born] = rules.identity_warnings(applicant, [("Nông Văn Dũng", datetime.date(1991, 1, 2))], [])
    assert "02/01/1991" in born["message"] and born["birth_dates"] == ["1991-01-02"]
    [dup] = rules.identity_warnings(applicant, same, ["000.00.12.H06-261204-0001"])
    assert dup["code"] == "duplicate_open_dossier" and dup["dossiers"] == [
        "000.00.12.H06-261204-0001"
    ]


# ---------------------------------------------------------------- the page


def test_every_error_is_shown_at_once_next_to_its_field(desk, version):
    first = version.components.first()
    data = reception_post(version, name="", id_number="006090001")
    data[f"c{first.pk}-originals"] = "0"  # a mandatory component not handed in
    before = Dossier.objects.count()
    response = desk.post(RECEPTION, data)
    assert response.status_code == 400
    problems = response.context["field_errors"]
    assert {"name", "id_number", "components"} <= set(problems)
    html = response.content.decode()
    for problem in problems.values():
        assert problem.message in html and problem.message_en in html
    assert Dossier.objects.count() == before


def test_a_chosen_scan_is_kept_after_an_error_and_used_on_the_next_send(desk, people, version):
    first = version.components.first()
    scan = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    response = desk.post(RECEPTION, {**reception_post(version, name=""), f"c{first.pk}-file": scan})
    assert response.status_code == 400
    [staged] = StagedUpload.objects.all()
    assert (staged.owner, staged.component, staged.original_name) == (
        people.desk_officer,
        first,
        "to-khai.pdf",
    )
    html = response.content.decode()
    assert "Đã đính kèm" in html and "to-khai.pdf" in html and staged.token in html
    # Another officer cannot use the token.
    desk.force_login(people.foreign_officer)
    assert (
        services.staging.staged(
            actor=people.foreign_officer,
            data={f"c{first.pk}-staged": staged.token},
            components=[first],
        )
        == {}
    )
    desk.force_login(people.desk_officer)
    response = desk.post(
        RECEPTION, {**reception_post(version), f"c{first.pk}-staged": staged.token}
    )
    assert response.status_code == 302, response.context and response.context["field_errors"]
    line = DossierComponent.objects.get(component=first)
    assert line.original_name == "to-khai.pdf" and line.size == staged.size
    assert line.file.read().startswith(b"%PDF-")
    assert not StagedUpload.objects.exists()


def test_a_kept_scan_can_be_removed(desk, version):
    first = version.components.first()
    scan = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    desk.post(RECEPTION, {**reception_post(version, name=""), f"c{first.pk}-file": scan})
    staged = StagedUpload.objects.get()
    response = desk.post(
        RECEPTION,
        {
            **reception_post(version),
            f"c{first.pk}-staged": staged.token,
            f"c{first.pk}-unstage": "1",
        },
    )
    assert response.status_code == 302
    assert DossierComponent.objects.get(component=first).file.name == ""


def test_an_id_used_with_another_name_needs_the_desks_confirmation(desk, people, version):
    _earlier(people, version, name="Nông Văn Dung")
    services.withdraw(actor=people.desk_officer, dossier=Dossier.objects.get(), reason="Rút")
    before = (Dossier.objects.count(), AuditEntry.objects.count())
    response = desk.post(RECEPTION, reception_post(version))
    assert response.status_code == 409
    assert response.context["error"].code == "confirmation_required"
    html = response.content.decode()
    assert "Nông Văn Dung" in html and 'name="confirm_warnings"' in html
    assert response.context["form"]["name"].value() == "Nông Văn Dũng"  # what was typed
    assert (Dossier.objects.count(), AuditEntry.objects.count()) == before
    response = desk.post(RECEPTION, {**reception_post(version), "confirm_warnings": "1"})
    assert response.status_code == 302
    assert Dossier.objects.filter(applicant_name="Nông Văn Dũng").count() == 1


def test_the_same_procedure_still_open_is_a_duplicate_warning_with_its_link(desk, people, version):
    earlier = _earlier(people, version)
    response = desk.post(RECEPTION, reception_post(version))
    assert response.status_code == 409
    [warning] = response.context["warnings"]
    assert warning["code"] == "duplicate_open_dossier"
    assert f'href="/mot-cua/ho-so/{earlier.code}/"' in response.content.decode()


# ---------------------------------------------------------------- the API


def _receive_body(version, **extra):
    return {
        "procedure": version.code,
        "channel": "counter",
        "applicant": {**APPLICANT, "id_number": "006090001122", "name": "Nông Văn Dũng"},
        "components": [{"component_id": c.pk, "originals": 1} for c in version.components.all()],
        **extra,
    }


def test_the_api_asks_for_confirmation_then_receives(client, people, version):
    _earlier(people, version)
    client.force_login(people.desk_officer)
    response = client.post(API, _receive_body(version), content_type="application/json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "confirmation_required" and error["field"] == "confirm_warnings"
    assert error["details"]["warnings"][0]["code"] == "duplicate_open_dossier"
    response = client.post(
        API, _receive_body(version, confirm_warnings=True), content_type="application/json"
    )
    assert response.status_code == 201, response.json()


def test_an_online_file_on_no_component_is_refused(client, people, places, version):
    client.force_login(people.citizen)
    body = {
        "procedure": version.code,
        "receiving_agency": places.district.code,
        "applicant": APPLICANT,
        "components": [
            *({"component_id": c.pk, "originals": 1} for c in version.components.all()),
            {"name": "Giấy tờ khác", "originals": 1},
        ],
    }
    extra = len(body["components"]) - 1
    scan = SimpleUploadedFile("khac.pdf", pdf_bytes(), content_type="application/pdf")
    before = Dossier.objects.count()
    response = client.post(
        f"{API}online", {"data": json.dumps(body), f"components[{extra}].file": scan}
    )
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "file_component_unknown"
    assert error["field"] == f"components[{extra}].component_id"
    assert Dossier.objects.count() == before


def test_stale_staged_scans_are_deleted_by_the_housekeeping(desk, people, version):
    first = version.components.first()
    scan = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    desk.post(RECEPTION, {**reception_post(version, name=""), f"c{first.pk}-file": scan})
    staged = StagedUpload.objects.get()
    assert services.staging.discard_stale() == 0  # a fresh one stays
    later = staged.created_at + services.staging.KEPT_FOR + datetime.timedelta(minutes=1)
    assert services.staging.discard_stale(now=later) == 1
    assert not StagedUpload.objects.exists()


def test_a_warning_never_shows_another_agencys_dossiers(people, version):
    _earlier(people, version, name="Nông Văn Dung")
    applicant = {**APPLICANT, "id_number": "006090001122", "name": "Nông Văn Dũng"}
    mine = services.reception_warnings(
        actor=people.desk_officer, procedure_code=version.code, applicant=applicant
    )
    assert {w["code"] for w in mine} == {"applicant_identity_mismatch", "duplicate_open_dossier"}
    elsewhere = services.reception_warnings(
        actor=people.foreign_officer, procedure_code=version.code, applicant=applicant
    )
    assert elsewhere == []
