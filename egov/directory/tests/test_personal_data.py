"""Personal data by need (issue 11, finding 4): ``GET /api/v1/applicants/<id>/personal-data``
answers an officer only through a dossier in their scope (``?dossier=<code>``) or, at
the desk or as an auditor, a counter look-up with its reason (``?reason=...``); every
answer writes one audit entry naming the purpose, every refusal writes none."""

from __future__ import annotations

import pytest

from egov.core.models import AuditEntry
from egov.directory.tests.factories import ApplicantFactory
from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

REASON = "Tiếp nhận hồ sơ tại quầy"


def url(profile_id: int) -> str:
    return f"/api/v1/applicants/{profile_id}/personal-data"


def reads() -> int:
    return AuditEntry.objects.filter(action="personal_data.read").count()


@pytest.fixture
def dossier(people):
    """Received at the district's desk under the citizen's ID number (APPLICANT)."""
    version = district_procedure()
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )


def get(client, user, profile_id, **params):
    client.force_login(user)
    return client.get(url(profile_id), params)


@pytest.mark.parametrize("persona", ["other_officer", "commune_officer", "specialist"])
def test_an_officer_without_a_purpose_is_refused_and_nothing_is_shown(client, people, persona):
    """The finding: any front-line officer of any agency read anyone's data by id."""
    profile = people.citizen.applicant
    response = get(client, getattr(people, persona), profile.pk)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "personal_data_purpose_required"
    assert error["field"] == "dossier" and error["message_en"]
    assert profile.id_number not in response.content.decode()
    assert reads() == 0


def test_an_unknown_id_is_refused_the_same_way_without_a_purpose(client, people):
    assert get(client, people.specialist, 999_999).json()["error"]["code"] == (
        "personal_data_purpose_required"
    )


def test_an_officer_of_another_agency_naming_a_dossier_outside_their_scope(client, people, dossier):
    profile = people.citizen.applicant
    for code in (dossier.code, "000.00.12.H06-260101-9999"):
        response = get(client, people.other_officer, profile.pk, dossier=code)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "dossier_not_in_scope"
    assert reads() == 0


def test_through_a_dossier_in_scope_it_answers_and_writes_one_entry(client, people, dossier):
    profile = people.citizen.applicant
    response = get(client, people.specialist, profile.pk, dossier=dossier.code)
    assert response.status_code == 200
    assert response.json()["id_number"] == profile.id_number
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert entry.actor == people.specialist
    assert entry.object_id == str(profile.pk)
    assert entry.changes["purpose"] == "dossier" and entry.changes["dossier"] == dossier.code
    assert "id_number" in entry.changes["fields"]
    assert entry.agency_id == dossier.processing_agency_id


def test_a_dossier_in_scope_does_not_open_someone_elses_data(client, people, dossier):
    stranger = ApplicantFactory()
    response = get(client, people.specialist, stranger.pk, dossier=dossier.code)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "applicant_not_on_dossier"
    assert stranger.id_number not in response.content.decode()
    assert reads() == 0


def test_a_counter_look_up_records_its_reason(client, people):
    profile = people.citizen.applicant
    response = get(client, people.desk_officer, profile.pk, reason=f"  {REASON} ")
    assert response.status_code == 200
    assert response.json()["id_number"] == profile.id_number
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert entry.changes["purpose"] == "counter_lookup"
    assert entry.changes["reason"] == REASON
    assert entry.agency_id == people.desk_officer.officer.agency_id


@pytest.mark.parametrize("reason", ["x", "   tra cứu ", "x" * 501])
def test_a_counter_look_up_needs_a_real_reason(client, people, reason):
    response = get(client, people.desk_officer, people.citizen.applicant.pk, reason=reason)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "lookup_reason_invalid"
    assert response.json()["error"]["field"] == "reason"
    assert reads() == 0


def test_only_the_desk_and_auditors_look_up_by_reason(client, people):
    profile = people.citizen.applicant
    for persona in ("specialist", "department_head", "agency_leader", "clerk"):
        response = get(client, getattr(people, persona), profile.pk, reason=REASON)
        assert response.status_code == 403, persona
        assert response.json()["error"]["code"] == "permission_denied"
    assert reads() == 0
    assert get(client, people.auditor, profile.pk, reason=REASON).status_code == 200
    assert get(client, people.desk_officer, 999_999, reason=REASON).status_code == 404
    assert reads() == 1


def test_an_applicant_reads_their_own_data_only(client, people, dossier):
    mine = people.citizen.applicant
    assert get(client, people.citizen, mine.pk).status_code == 200
    assert AuditEntry.objects.get(action="personal_data.read").changes["purpose"] == "own"
    someone = ApplicantFactory()
    for params in ({}, {"reason": REASON}, {"dossier": dossier.code}):
        response = get(client, people.citizen, someone.pk, **params)
        assert response.status_code == 403, params
    assert reads() == 1


LOOKUP = "/api/v1/applicants/lookup"


def test_the_desk_looks_up_the_person_at_the_counter_by_id_number(client, people):
    profile = people.citizen.applicant
    client.force_login(people.desk_officer)
    response = client.get(LOOKUP, {"id_number": profile.id_number, "reason": REASON})
    assert response.status_code == 200
    assert response.json()["id"] == profile.pk
    assert response.json()["full_name"] == "Hoàng Thị Lan"
    [entry] = AuditEntry.objects.filter(action="personal_data.read")
    assert entry.changes["reason"] == REASON and entry.object_id == str(profile.pk)
    missing = client.get(LOOKUP, {"id_number": "006190999999", "reason": REASON})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "applicant_not_found"
    assert reads() == 1


@pytest.mark.parametrize(
    "persona,params,status,code",
    [
        ("desk_officer", {"id_number": "006190001234"}, 400, "lookup_reason_invalid"),
        ("desk_officer", {"id_number": "12345", "reason": REASON}, 400, "id_number_invalid"),
        ("specialist", {"id_number": "006190001234", "reason": REASON}, 403, "permission_denied"),
        ("citizen", {"id_number": "006190001234", "reason": REASON}, 403, "permission_denied"),
    ],
)
def test_a_counter_look_up_is_refused_without_a_reason_or_the_role(
    client, people, persona, params, status, code
):
    client.force_login(getattr(people, persona))
    response = client.get(LOOKUP, params)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "Hoàng Thị Lan" not in response.content.decode()
    assert reads() == 0
