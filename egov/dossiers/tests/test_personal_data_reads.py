"""Every read that shows an applicant's ID number writes exactly one audit entry
(issue 11, finding 4): the dossier page, the API detail (a 304 writes none), the forms
that print it (HTML and PDF), officers' searches by ID or tax number (page and API)."""

from __future__ import annotations

import pytest

from egov.core.models import AuditEntry
from egov.dossiers import services
from egov.dossiers.forms import context as ctx
from egov.dossiers.forms import render
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

API = "/api/v1/dossiers/"
ID = APPLICANT["id_number"]


def reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="personal_data.read").order_by("id"))


@pytest.fixture
def version(db):
    return district_procedure()


def receive(people, version, **kwargs):
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
        **kwargs,
    )


@pytest.fixture
def dossier(people, version):
    return receive(people, version)


@pytest.fixture
def desk(client, people):
    client.force_login(people.desk_officer)
    return client


def test_the_dossier_page_writes_one_entry(desk, dossier):
    response = desk.get(f"/mot-cua/ho-so/{dossier.code}/")
    assert response.status_code == 200 and ID in response.content.decode()
    [entry] = reads()
    assert entry.object_id == str(dossier.pk) and "applicant_id_number" in entry.changes["fields"]


@pytest.mark.parametrize("suffix,kind", [("", "html"), ("pdf", "pdf")])
def test_form_01_writes_one_entry(desk, people, dossier, suffix, kind):
    """The finding: form 01 printed the ID number without an audit entry."""
    response = desk.get(f"/ho-so/{dossier.code}/mau/01/{suffix}")
    assert response.status_code == 200
    if kind == "html":
        assert ID in response.content.decode()
    else:
        assert response["Content-Type"] == "application/pdf"
    [entry] = reads()
    assert entry.actor == people.desk_officer
    assert entry.object_id == str(dossier.pk)
    assert entry.changes["form"] == f"01 {kind}"


def test_a_form_that_does_not_apply_or_shows_no_id_number_writes_none(desk, dossier):
    assert desk.get(f"/ho-so/{dossier.code}/mau/03/").status_code == 409  # never refused
    assert desk.get(f"/ho-so/{dossier.code}/mau/06/").status_code == 200  # no applicant block
    assert reads() == []


def test_a_form_outside_the_scope_writes_none(client, people, dossier):
    client.force_login(people.other_officer)
    assert client.get(f"/ho-so/{dossier.code}/mau/01/").status_code == 404
    assert reads() == []


def test_the_forms_audited_are_exactly_those_that_print_the_id_number(people, version):
    """``SHOWS_ID_NUMBER`` follows the templates: each form is rendered for a dossier it
    applies to and the ID number looked for."""
    received = receive(people, version)
    incomplete = receive(
        people, version, outcome="incomplete", missing=[full_checklist(version)[0].component_id]
    )
    refused = receive(people, version, outcome="refused", reason="Không thuộc thẩm quyền")
    stopped = receive(people, version)
    Dossier.objects.filter(pk=stopped.pk).update(status=Status.STOPPED)
    stopped.refresh_from_db()
    # Circular 03/2025 numbers (received today): 05 notice of stopping, 06 control sheet.
    shown = {
        kind
        for number, dossier in [
            ("01", received),
            ("02", incomplete),
            ("03", refused),
            ("05", stopped),
            ("06", received),
        ]
        for kind in [ctx.kind_of(number, dossier)[1]]
        if ID in render.render_form_html(number, dossier)
    }
    assert shown == ctx.SHOWS_ID_NUMBER


@pytest.mark.parametrize("text", [ID, "0000000000000"])
def test_a_search_by_id_number_writes_one_entry_even_when_empty(desk, people, dossier, text):
    response = desk.get("/mot-cua/tim-kiem/", {"q": text})
    assert response.status_code == 200
    [entry] = reads()
    assert entry.changes["purpose"] == "search"
    found = [dossier.code] if text == ID else []
    assert entry.changes["dossiers"] == found and entry.changes["count"] == len(found)
    assert text not in str(entry.changes)  # the log does not keep the number searched


def test_a_search_by_name_or_code_writes_none(desk, dossier):
    assert desk.get("/mot-cua/tim-kiem/", {"q": "Hoàng Thị"}).status_code == 200
    assert desk.get("/mot-cua/tim-kiem/", {"q": dossier.code[:13]}).status_code == 200
    assert desk.get(API, {"q": "Hoàng Thị"}).status_code == 200
    assert reads() == []


def test_an_api_search_by_id_number_writes_one_entry(desk, dossier):
    response = desk.get(API, {"q": ID})
    assert response.status_code == 200 and response.json()["count"] == 1
    [entry] = reads()
    assert entry.changes["dossiers"] == [dossier.code]
    assert desk.get(API, {"q": ID, "queue": "to_forward"}).status_code == 200
    assert len(reads()) == 2


def test_the_api_detail_writes_one_entry_and_a_304_none(desk, dossier):
    """The finding: a 304 answer wrote an entry though nothing was shown."""
    response = desk.get(f"{API}{dossier.code}/")
    assert response.status_code == 200 and response.json()["applicant"]["id_number"] == ID
    assert len(reads()) == 1
    tag = response["ETag"]
    for header in (tag, f"W/{tag}", f'"999", {tag}', "*"):
        unchanged = desk.get(f"{API}{dossier.code}/", headers={"If-None-Match": header})
        assert unchanged.status_code == 304, header
        assert unchanged.content == b"" and unchanged["ETag"] == tag
    assert len(reads()) == 1
    # A stale tag is answered in full, and audited.
    assert desk.get(f"{API}{dossier.code}/", headers={"If-None-Match": '"999"'}).status_code == 200
    assert len(reads()) == 2


def test_the_api_detail_outside_the_scope_writes_none(client, people, dossier):
    client.force_login(people.other_officer)
    assert client.get(f"{API}{dossier.code}/").status_code == 404
    assert reads() == []
