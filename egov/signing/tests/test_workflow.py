"""The workflow's sign actions produce the signed result: ``record_result`` at the
decision step (API, with a passphrase instead of files) and ``advance`` "sign" on a
signing step that is not the decision."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from egov.dossiers import services as dossier_services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist
from egov.signing import devpki, queries

API = "/api/v1/dossiers/"


def _step(order, name, role, actions, final=False, hours=4):
    return {
        "order": order,
        "name": name,
        "role": role,
        "department": "",
        "hours": Decimal(hours),
        "actions": actions,
        "is_final": final,
    }


def test_record_result_with_a_passphrase_over_the_api(client, people, signing_setup, to_leader):
    dossier = to_leader()
    client.force_login(people.agency_leader)
    response = client.post(
        f"{API}{dossier.code}/actions/record-result",
        json.dumps({"passphrase": devpki.DEV_PASSPHRASE, "note": "Ký số"}),
        content_type="application/json",
        headers={"If-Match": f'"{dossier.version}"'},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "finished"
    signed = queries.signed_result(dossier)
    assert [f["name"] for f in body["result_files"]] == [signed.result_file.name]
    # The passphrase is nowhere in the audit trail.
    from egov.core.models import AuditEntry

    assert not any(
        devpki.DEV_PASSPHRASE in json.dumps(e.changes, ensure_ascii=False)
        for e in AuditEntry.objects.all()
    )


def test_wrong_passphrase_over_the_api(client, people, signing_setup, to_leader):
    dossier = to_leader()
    client.force_login(people.agency_leader)
    response = client.post(
        f"{API}{dossier.code}/actions/record-result",
        json.dumps({"passphrase": "sai"}),
        content_type="application/json",
        headers={"If-Match": f'"{dossier.version}"'},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "passphrase_wrong"
    assert Dossier.objects.get(pk=dossier.pk).status == "processing"
    assert queries.signed_result(dossier) is None


@pytest.fixture
def sign_then_approve(db):
    """A workflow where the leader signs and the head then decides."""
    steps = [
        _step(1, "Tiếp nhận", "desk_officer", ["forward"]),
        _step(2, "Thẩm định", "specialist", ["forward"], hours=8),
        _step(3, "Ký duyệt", "agency_leader", ["sign", "send_back"]),
        _step(4, "Phê duyệt", "department_head", ["approve"]),
        _step(5, "Trả kết quả", "desk_officer", ["return_result"], final=True),
    ]
    return district_procedure("2.000721", workflows=[{"agency": "", "tier": "", "steps": steps}])


def test_advance_sign_with_a_passphrase(client, people, signing_setup, sign_then_approve):
    version = sign_then_approve
    dossier = dossier_services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    dossier = dossier_services.forward(actor=people.desk_officer, dossier=dossier)
    dossier = dossier_services.advance(actor=people.specialist, dossier=dossier)
    client.force_login(people.agency_leader)
    response = client.post(
        f"{API}{dossier.code}/actions/advance",
        json.dumps({"action": "sign", "passphrase": devpki.DEV_PASSPHRASE}),
        content_type="application/json",
        headers={"If-Match": f'"{Dossier.objects.get(pk=dossier.pk).version}"'},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["current_step"] == "Phê duyệt"
    assert queries.signed_result(dossier) is not None


def test_public_lookup_notice_and_its_query(client, people, signing_setup, to_leader):
    """The look-up shows "kết quả điện tử đã ký số" with the verification link, at
    the cost of one query, asked for finished dossiers only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.signing import services

    waiting = to_leader()
    with CaptureQueriesContext(connection) as unfinished:
        page = client.get(f"/tra-cuu/{waiting.code}/")
    assert "signed-result-notice" not in page.text
    assert not any("signing_signedresult" in q["sql"] for q in unfinished.captured_queries)
    signed = services.sign_result(
        actor=people.agency_leader, dossier=to_leader(), passphrase=devpki.DEV_PASSPHRASE
    )
    with CaptureQueriesContext(connection) as finished:
        page = client.get(f"/tra-cuu/{signed.dossier.code}/")
    assert "Kết quả điện tử đã ký số" in page.text
    assert f"/xac-thuc-chu-ky-so/?ma={signed.dossier.code}" in page.text
    assert sum("signing_signedresult" in q["sql"] for q in finished.captured_queries) == 1


def test_only_the_sign_button_asks_for_the_passphrase(people, signing_setup, sign_then_approve):
    """ "Chuyển bước tiếp" has one set of inputs, but only its "Ký duyệt" button signs:
    the passphrase field is on that form alone."""
    from egov.dossiers import actions

    version = sign_then_approve
    dossier = dossier_services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    dossier = dossier_services.forward(actor=people.desk_officer, dossier=dossier)
    specialist = [o for o in actions.offers(people.specialist, dossier) if o.key == "advance"]
    assert specialist and all("passphrase" not in [f["name"] for f in o.fields] for o in specialist)
    dossier = dossier_services.advance(actor=people.specialist, dossier=dossier)
    fresh = Dossier.objects.get(pk=dossier.pk)
    leader = {
        o.label: [f["name"] for f in o.fields]
        for o in actions.offers(people.agency_leader, fresh)
        if o.key == "advance"
    }
    assert "passphrase" in leader["Ký duyệt"]
