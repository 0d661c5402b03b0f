"""The dossier REST API: every action through HTTP, preconditions, idempotency,
errors in the project's format, query counts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.core.models import AuditEntry, IdempotencyKey
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import (
    APPLICANT,
    district_procedure,
    full_checklist,
    pdf_bytes,
)

API = "/api/v1/dossiers/"
PDF = pdf_bytes()


@pytest.fixture
def version(db):
    return district_procedure()


def as_(client, user):
    client.force_login(user)
    return client


def act(client, dossier, name, body=None, *, version=None, **headers):
    """POST an action with If-Match = the given (or the dossier's current) version."""
    if version is None:
        version = Dossier.objects.get(pk=dossier.pk).version
    if version is not False:
        headers.setdefault("If-Match", f'"{version}"')
    return client.post(
        f"{API}{dossier.code}/actions/{name}",
        json.dumps(body or {}),
        content_type="application/json",
        headers=headers,
    )


def reception_body(version, **overrides):
    body = {
        "procedure": version.code,
        "channel": "counter",
        "applicant": APPLICANT,
        "components": [{"component_id": c.pk, "originals": 1} for c in version.components.all()],
    }
    body.update(overrides)
    return body


def receive(people, version, **kwargs):
    kwargs.setdefault("components", full_checklist(version))
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        **kwargs,
    )


def processing(people, version):
    dossier = receive(people, version)
    return services.forward(actor=people.desk_officer, dossier=dossier)


def online(people, places, version):
    return services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
    )


def status_of(dossier):
    return Dossier.objects.get(pk=dossier.pk).status


# ---------------------------------------------------------------- creation


def test_reception_at_the_counter(client, people, places, version):
    response = as_(client, people.desk_officer).post(
        API, reception_body(version), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["code"].startswith(places.district.code)
    assert data["status"] == "received" and data["national_status"] == 2
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"{API}{data['code']}/"
    assert "forward" in data["allowed_actions"]
    assert [c["provided"] for c in data["components"]] == [True, True]


def test_creation_answers_show_the_dossier_as_stored(client, people, places, version):
    """The 201 answer is built from what the service wrote, not read back: it must
    equal what a later read shows (components, missing items, history)."""
    components = [c.pk for c in version.components.all()]
    bodies = [
        reception_body(version),
        reception_body(
            version,
            outcome="incomplete",
            components=[{"component_id": components[0], "originals": 1}],
            missing=components[1:],
            confirm_warnings=True,  # the same person, the same procedure, still open
        ),
        reception_body(version, outcome="refused", reason="Không thuộc thẩm quyền"),
    ]
    client = as_(client, people.desk_officer)
    for body in bodies:
        created = client.post(API, body, content_type="application/json")
        assert created.status_code == 201, created.json()
        again = client.get(created["Location"])
        assert again.json() == created.json()
        assert again["ETag"] == created["ETag"]
    client = as_(client, people.citizen)
    online_body = {
        "procedure": version.code,
        "receiving_agency": places.district.code,
        "applicant": APPLICANT,
        "components": [{"component_id": pk, "originals": 1} for pk in components],
    }
    created = client.post(f"{API}online", online_body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert client.get(created["Location"]).json() == created.json()


def test_reception_validation_errors_name_the_field(client, people, version):
    client = as_(client, people.desk_officer)
    response = client.post(API, {"channel": "counter"}, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "procedure" in error["fields"]
    bad_id = reception_body(version, applicant={**APPLICANT, "id_number": "12345"})
    error = client.post(API, bad_id, content_type="application/json").json()["error"]
    assert error["code"] == "id_number_invalid" and error["field"] == "applicant.id_number"
    assert error["message"] and error["message_en"]


def test_only_desk_officers_receive(client, people, version):
    response = as_(client, people.specialist).post(
        API, reception_body(version), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_reception_with_scans_checks_the_file_content(client, people, version):
    client = as_(client, people.desk_officer)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        API,
        {"data": json.dumps(reception_body(version)), "components[0].file": fake},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "file_type_not_accepted" and error["field"] == "components[0].file"
    assert not Dossier.objects.exists()
    scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/octet-stream")
    response = client.post(
        API, {"data": json.dumps(reception_body(version)), "components[1].file": scan}
    )
    assert response.status_code == 201, response.json()
    component = response.json()["components"][1]
    assert component["content_type"] == "application/pdf" and component["file"]


def test_online_submission_then_acceptance(client, people, places, version):
    body = {
        "procedure": version.code,
        "receiving_agency": places.district.code,
        "applicant": APPLICANT,
        "components": [{"component_id": c.pk, "originals": 1} for c in version.components.all()],
    }
    response = as_(client, people.citizen).post(
        f"{API}online", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["national_status"] == 1
    assert all(e["actor_name"] == "" for e in data["events"])  # applicants see no officer
    dossier = Dossier.objects.get(code=data["code"])
    assert dossier.applicant_user == people.citizen
    # An officer cannot submit online; an unknown agency names its field.
    officer = as_(client, people.desk_officer).post(
        f"{API}online", body, content_type="application/json"
    )
    assert officer.status_code == 403
    client.force_login(people.citizen)
    unknown = client.post(
        f"{API}online",
        {**body, "receiving_agency": "000.99.99.H99"},
        content_type="application/json",
    )
    assert unknown.json()["error"]["field"] == "receiving_agency"
    response = act(as_(client, people.desk_officer), dossier, "accept")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "received" and response["ETag"] == '"2"'


# ---------------------------------------------------------------- reading


def test_list_search_and_queue(client, people, version):
    received = receive(people, version)
    other = processing(people, version)
    client = as_(client, people.desk_officer)
    data = client.get(API).json()
    assert data["count"] == 2
    item = data["results"][0]
    assert set(item) >= {
        "code",
        "procedure",
        "applicant_name",
        "status",
        "national_status",
        "received_at",
        "due_at",
        "current_step",
        "assignee",
        "processing_agency",
        "version",
    }
    assert item["procedure"] == {"code": version.code, "name": version.name}
    queue = client.get(API, {"queue": "to_forward"}).json()
    assert [d["code"] for d in queue["results"]] == [received.code]
    found = client.get(API, {"q": other.code}).json()
    assert [d["code"] for d in found["results"]] == [other.code]
    both = client.get(API, {"queue": "to_forward", "q": other.code}).json()
    assert both["results"] == []
    assert client.get(API, {"status": "processing"}).json()["count"] == 1
    assert client.get(API, {"queue": "nope"}).json()["error"]["fields"]["queue"]
    assert client.get(API, {"from": "03/02/2026"}).json()["error"]["fields"]["from"]
    today = datetime.date.today().isoformat()
    assert client.get(API, {"from": "2000-01-01", "to": today}).status_code == 200


def test_queue_counts(client, people, version):
    receive(people, version)
    rows = as_(client, people.desk_officer).get(f"{API}queues").json()
    counts = {row["name"]: row["count"] for row in rows}
    assert counts["to_forward"] == 1 and counts["to_receive"] == 0
    assert rows[0]["label"] and rows[0]["label_en"]


def test_the_list_takes_a_constant_number_of_queries(
    client, people, version, django_assert_max_num_queries
):
    client = as_(client, people.desk_officer)
    first = processing(people, version)
    services.assign(actor=people.specialist, dossier=first, assignee=people.specialist)
    # The session's last activity is written once a minute (the idle timeout): not
    # by the measured requests.
    assert client.get(API).status_code == 200
    with django_assert_max_num_queries(9) as one:
        assert client.get(API).status_code == 200
    for _ in range(6):
        dossier = processing(people, version)
        services.assign(actor=people.specialist, dossier=dossier, assignee=people.specialist)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(API).json()["count"] == 7
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(API, {"queue": "overdue"}).status_code == 200


def test_detail_with_etag_and_bounded_queries(
    client, people, version, django_assert_max_num_queries
):
    dossier = processing(people, version)
    client = as_(client, people.specialist)
    with django_assert_max_num_queries(20):
        response = client.get(f"{API}{dossier.code}/")
    assert response.status_code == 200
    data = response.json()
    assert response["ETag"] == f'"{dossier.version}"'
    assert data["current_step"] == "Thẩm định"
    assert [e["action"] for e in data["events"]] == ["receive_complete", "forward"]
    assert "request_supplement" in data["allowed_actions"]
    assert data["applicant"]["id_number"] == APPLICANT["id_number"]
    # Reading the applicant's ID number is audited.
    assert AuditEntry.objects.filter(action="personal_data.read").count() == 1
    unchanged = client.get(f"{API}{dossier.code}/", headers={"If-None-Match": response["ETag"]})
    assert unchanged.status_code == 304


def test_a_dossier_outside_the_scope_is_404(client, people, places, version):
    from egov.directory.roles import Role
    from egov.directory.tests.factories import OfficerFactory

    dossier = receive(people, version)
    # A desk officer of another province (administrators need a second factor first).
    foreign = OfficerFactory(agency=places.other_province, roles=[Role.DESK_OFFICER]).user
    client = as_(client, foreign)
    response = client.get(f"{API}{dossier.code}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert act(client, dossier, "forward").status_code == 404
    assert client.get(API).json()["count"] == 0


# ---------------------------------------------------------------- actions


def test_full_path_through_http(client, people, version):
    dossier = receive(people, version)
    desk = as_(client, people.desk_officer)
    response = act(desk, dossier, "forward")
    assert response.status_code == 200 and response.json()["status"] == "processing"
    specialist = as_(client, people.specialist)
    response = act(specialist, dossier, "assign", {"assignee": "specialist"})
    assert response.json()["assignee"]["username"] == "specialist"
    response = act(specialist, dossier, "advance", {"action": "forward", "note": "Đủ điều kiện"})
    assert response.json()["current_step"] == "Phê duyệt, ký, trả kết quả"
    leader = as_(client, people.agency_leader)
    current = Dossier.objects.get(pk=dossier.pk).version
    pdf = SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf")
    response = leader.post(
        f"{API}{dossier.code}/actions/record-result",
        {"data": json.dumps({"version": current, "names": ["Giấy chứng nhận"]}), "files": pdf},
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "finished" and data["national_status"] == 9
    assert data["result_files"][0]["name"] == "Giấy chứng nhận"
    response = act(as_(client, people.desk_officer), dossier, "return-result", {"channel": "post"})
    assert response.status_code == 200
    assert response.json()["national_status"] == 10 and response.json()["allowed_actions"] == []


def test_result_files_are_checked_by_content(client, people, version):
    dossier = processing(people, version)
    dossier = services.advance(actor=people.specialist, dossier=dossier)
    fake = SimpleUploadedFile("kq.pdf", b"<html>", content_type="application/pdf")
    response = as_(client, people.agency_leader).post(
        f"{API}{dossier.code}/actions/record-result",
        {"version": str(dossier.version), "files": fake},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_type_not_accepted"
    assert status_of(dossier) == "processing"


def test_reception_supplement_supply_and_refusal(client, people, places, version):
    dossier = online(people, places, version)
    missing = [version.components.first().pk]
    desk = as_(client, people.desk_officer)
    response = act(desk, dossier, "request-reception-supplement", {"missing": missing})
    assert response.json()["status"] == "reception_supplement"
    citizen = as_(client, people.citizen)
    response = act(
        citizen, dossier, "supply-at-reception", {"components": [{"component_id": missing[0]}]}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    desk = as_(client, people.desk_officer)
    response = act(desk, dossier, "refuse-at-reception", {"reason": ""})
    assert response.json()["error"]["code"] == "reason_required"
    response = act(desk, dossier, "refuse-at-reception", {"reason": "Không thuộc thẩm quyền"})
    assert response.json()["national_status"] == 3


def test_supplement_and_financial_obligation(client, people, version):
    dossier = processing(people, version)
    specialist = as_(client, people.specialist)
    missing = [version.components.first().pk]
    response = act(
        specialist, dossier, "request-supplement", {"missing": missing, "reason": "Bản sao mờ"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["national_status"] == 5
    desk = as_(client, people.desk_officer)
    response = act(
        desk, dossier, "supply", {"components": [{"component_id": missing[0], "originals": 1}]}
    )
    assert response.json()["status"] == "processing"
    specialist = as_(client, people.specialist)
    response = act(specialist, dossier, "request-financial-obligation", {"amount": 50000})
    assert response.json()["national_status"] == 6 and response.json()["fee_due"] == 50000
    response = act(specialist, dossier, "fulfil-financial-obligation", {"paid": 50000})
    assert response.json()["status"] == "processing" and response.json()["fee_paid"] == 50000


def test_consultation_asked_and_answered(client, people, places, version):
    dossier = processing(people, version)
    specialist = as_(client, people.specialist)
    response = act(
        specialist,
        dossier,
        "consult",
        {"agency": places.department.code, "question": "Xin ý kiến", "hours": 8},
    )
    assert response.status_code == 200, response.json()
    consultation = response.json()["consultations"][0]
    assert consultation["agency"]["code"] == places.department.code
    other = as_(client, people.other_officer)
    response = act(
        other, dossier, "answer-consultation", {"consultation": consultation["id"], "answer": "Ok"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["code"] == dossier.code
    again = act(
        other, dossier, "answer-consultation", {"consultation": consultation["id"], "answer": "x"}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_answered"


def test_send_back_apology_and_transfer(client, people, places, version):
    from egov.catalog.tests.factories import published

    dossier = processing(people, version)
    dossier = services.advance(actor=people.specialist, dossier=dossier)
    leader = as_(client, people.agency_leader)
    response = act(leader, dossier, "send-back", {"to_order": 2, "reason": "Thiếu xác minh"})
    assert response.json()["current_step"] == "Thẩm định"
    due = datetime.datetime.fromisoformat(response.json()["due_at"])
    specialist = as_(client, people.specialist)
    new_due = (due + datetime.timedelta(days=14)).isoformat()
    response = act(
        specialist, dossier, "apologise-late", {"new_due": new_due, "reason": "Xác minh thực địa"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["extended"] is True
    wide = published("1.000001", tiers=["district", "province"])
    moved = processing(people, wide)
    leader = as_(client, people.agency_leader)
    response = act(leader, moved, "transfer", {"agency": places.province.code})
    assert response.status_code == 200, response.json()
    assert response.json()["processing_agency"] == places.province.code


def test_stop_withdraw_and_refuse(client, people, version):
    leader = as_(client, people.agency_leader)
    a = processing(people, version)
    assert act(leader, a, "stop", {"reason": "Quá hạn bổ sung"}).json()["national_status"] == 8
    b = processing(people, version)
    assert act(leader, b, "refuse", {"reason": "Không đủ điều kiện"}).json()["outcome"] == "refused"
    c = processing(people, version)
    desk = as_(client, people.desk_officer)
    assert act(desk, c, "withdraw", {"reason": "Công dân đề nghị"}).json()["national_status"] == 7


def test_inter_agency_task_completed(client, people, places):
    from decimal import Decimal

    version = district_procedure(
        "2.002000",
        participants=[
            {
                "is_lead": True,
                "agency_name": "UBND huyện",
                "agency": "",
                "tier": "district",
                "task": "Chủ trì",
                "time_share": Decimal(2),
            },
            {
                "is_lead": False,
                "agency_name": "Sở Tư pháp",
                "agency": places.department.code,
                "tier": "",
                "task": "Xác minh",
                "time_share": Decimal(1),
            },
        ],
    )
    dossier = processing(people, version)
    other = as_(client, people.other_officer)
    detail = other.get(f"{API}{dossier.code}/").json()
    assert [t["agency"]["code"] for t in detail["tasks"]] == [places.department.code]
    task = detail["tasks"][0]["id"]
    response = act(other, dossier, "complete-task", {"task": task, "note": "Đã xác minh"})
    assert response.status_code == 200, response.json()
    assert response.json()["tasks"][0]["state"] == "done"
    assert act(other, dossier, "complete-task", {"task": 999999}).status_code == 400


# ---------------------------------------------------------------- negative cases


def test_illegal_transition_is_409_with_the_allowed_list(client, people, version):
    dossier = receive(people, version)
    response = act(as_(client, people.desk_officer), dossier, "return-result")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert "forward" in error["details"]["allowed"]


def test_wrong_role_is_403(client, people, version):
    dossier = processing(people, version)
    response = act(
        as_(client, people.desk_officer), dossier, "request-financial-obligation", {"amount": 1}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_an_action_without_version_is_428(client, people, version):
    dossier = receive(people, version)
    response = act(as_(client, people.desk_officer), dossier, "forward", version=False)
    assert response.status_code == 428
    error = response.json()["error"]
    assert error["code"] == "precondition_required" and error["message"] and error["message_en"]
    # The version may come in the body instead.
    response = act(client, dossier, "forward", {"version": 1}, version=False)
    assert response.status_code == 200 and response["ETag"] == '"2"'


def test_a_stale_if_match_is_409(client, people, version):
    dossier = processing(people, version)
    client = as_(client, people.specialist)
    response = act(client, dossier, "advance", version=1)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "version_mismatch"
    assert response.json()["error"]["details"]["current_version"] == 2
    assert act(client, dossier, "advance", version="x").json()["error"]["code"] == (
        "if_match_invalid"
    )
    assert act(client, dossier, "advance", {"version": 1}, version=2).status_code == 400


def test_unknown_action_is_404(client, people, version):
    dossier = receive(people, version)
    response = as_(client, people.desk_officer).post(f"{API}{dossier.code}/actions/explode")
    assert response.status_code == 404


# ---------------------------------------------------------------- idempotency


def test_idempotent_reception_creates_one_dossier(client, people, version):
    client = as_(client, people.desk_officer)
    body = reception_body(version)
    headers = {"Idempotency-Key": "counter-42"}
    first = client.post(API, body, content_type="application/json", headers=headers)
    again = client.post(API, body, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert again["ETag"] == first["ETag"] and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1
    other = client.post(
        API, {**body, "summary": "khác"}, content_type="application/json", headers=headers
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_idempotent_action_runs_once(client, people, version):
    dossier = receive(people, version)
    client = as_(client, people.desk_officer)
    first = act(client, dossier, "forward", version=1, **{"Idempotency-Key": "fw-1"})
    again = act(client, dossier, "forward", version=1, **{"Idempotency-Key": "fw-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Dossier.objects.get(pk=dossier.pk).version == 2
    assert dossier.events.filter(action="forward").count() == 1
    # Keys are per actor: another officer's same key is a new request.
    assert IdempotencyKey.objects.filter(key="fw-1").count() == 1


def test_a_failed_request_does_not_keep_its_key(client, people, version):
    dossier = receive(people, version)
    client = as_(client, people.desk_officer)
    stale = act(client, dossier, "forward", version=7, **{"Idempotency-Key": "k"})
    assert stale.status_code == 409
    assert not IdempotencyKey.objects.exists()


# ---------------------------------------------------------------- scans of components


def _attach(client, dossier, line_id, upload, version=None):
    version = version or Dossier.objects.get(pk=dossier.pk).version
    return client.post(
        f"{API}{dossier.code}/actions/attach-file",
        {"data": json.dumps({"component": line_id, "version": version}), "file": upload},
    )


def test_the_desk_attaches_a_scan_to_a_component_line(client, people, version):
    dossier = receive(people, version)
    line = dossier.components.order_by("pk").first()
    client = as_(client, people.desk_officer)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf")
    response = _attach(client, dossier, line.pk, fake)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_type_not_accepted"
    response = _attach(client, dossier, line.pk, SimpleUploadedFile("a.pdf", PDF))
    assert response.status_code == 200, response.json()
    data = response.json()
    shown = next(c for c in data["components"] if c["id"] == line.pk)
    assert shown["content_type"] == "application/pdf" and shown["file"] and shown["provided"]
    assert data["status"] == "received" and data["version"] == 2  # the state is unchanged
    assert data["events"][-1]["action"] == "attach_file"
    assert AuditEntry.objects.filter(action="dossier.attach_file").count() == 1
    # A second scan replaces the first; the history names the one it replaced.
    again = _attach(client, dossier, line.pk, SimpleUploadedFile("b.pdf", PDF))
    assert again.status_code == 200
    event = again.json()["events"][-1]
    line.refresh_from_db()
    assert event["data"]["replaced"] != line.file.name and event["data"]["file"] == line.file.name
    assert event["data"]["file_name"] == "b.pdf" and line.original_name == "b.pdf"
    # A stale version, a line of another dossier, no file: clear errors, nothing changed.
    stale = _attach(client, dossier, line.pk, SimpleUploadedFile("c.pdf", PDF), version=2)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "version_mismatch"
    other = receive(people, version).components.first()
    unknown = _attach(client, dossier, other.pk, SimpleUploadedFile("c.pdf", PDF))
    assert unknown.json()["error"]["code"] == "component_unknown"
    missing = client.post(
        f"{API}{dossier.code}/actions/attach-file",
        {"data": json.dumps({"component": line.pk, "version": 3})},
    )
    assert missing.json()["error"]["code"] == "file_required"
    assert Dossier.objects.get(pk=dossier.pk).version == 3


def test_who_may_attach_scans_and_when(client, people, places, version):
    dossier = online(people, places, version)
    line = dossier.components.first()
    # The applicant, while the desk waits for the dossier; an officer of another agency not.
    owner = _attach(as_(client, people.citizen), dossier, line.pk, SimpleUploadedFile("a.pdf", PDF))
    assert owner.status_code == 200, owner.json()
    stranger = _attach(
        as_(client, people.other_officer), dossier, line.pk, SimpleUploadedFile("a.pdf", PDF)
    )
    assert stranger.status_code in (403, 404)
    # Once received, only the desk scans; once returned, nobody.
    services.accept(actor=people.desk_officer, dossier=dossier)
    late = _attach(as_(client, people.citizen), dossier, line.pk, SimpleUploadedFile("a.pdf", PDF))
    assert late.status_code == 403
    desk = _attach(
        as_(client, people.desk_officer), dossier, line.pk, SimpleUploadedFile("a.pdf", PDF)
    )
    assert desk.status_code == 200
    Dossier.objects.filter(pk=dossier.pk).update(status="returned")
    closed = _attach(client, dossier, line.pk, SimpleUploadedFile("a.pdf", PDF))
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "transition_not_allowed"
