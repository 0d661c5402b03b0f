"""A tutorial for newcomers: how a test in egov is written.

1. Use the ``people`` fixture (egov/conftest.py) for named personas instead of
   creating users by hand: ``people.desk_officer`` works at ``places.district``.
2. Call services with ``actor=`` exactly as views do; assert on what a user
   would see (rows, status codes, error codes), never on private helpers.
3. Assert the failure case too: a test that cannot fail checks nothing.
4. The network is closed (pytest-socket); only loopback is allowed, so external
   systems are reached through the fake servers in ``fakes/``.
"""

import pytest

from egov.core.errors import DomainError, NotPermitted
from egov.core.models import AuditEntry
from egov.directory import services


def test_an_agency_admin_creates_a_department_and_it_is_audited(people, places):
    department = services.create_department(
        actor=people.agency_admin, agency=places.district, code="tp", name="Phòng Tư pháp"
    )

    assert department.agency == places.district
    entry = AuditEntry.objects.get(action="department.create")
    assert entry.actor == people.agency_admin
    assert entry.changes["after"]["name"] == "Phòng Tư pháp"


def test_a_desk_officer_may_not_create_a_department(people, places):
    with pytest.raises(NotPermitted):
        services.create_department(
            actor=people.desk_officer, agency=places.district, code="tp", name="Phòng Tư pháp"
        )
    assert not AuditEntry.objects.filter(action="department.create").exists()


def test_errors_carry_a_stable_code_and_both_languages(people, places):
    with pytest.raises(DomainError) as caught:
        services.create_department(
            actor=people.agency_admin, agency=places.district, code="", name="Phòng Tư pháp"
        )
    assert caught.value.code == "required"
    assert caught.value.field == "code"
    assert caught.value.message.startswith("Thiếu")
    assert "required" in caught.value.message_en


def test_the_api_answers_json(client):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
