"""Bad input to the directory services: each refusal names the field, speaks both
languages and changes nothing (no row, no audit entry)."""

from __future__ import annotations

import pytest

from egov.core.errors import DomainError
from egov.core.models import AuditEntry
from egov.core.permissions import SYSTEM
from egov.directory import services
from egov.directory.models import Agency, Department, Officer, User
from egov.directory.tests.factories import tier


def _refused(call, code: str, field: str) -> DomainError:
    agencies, departments = Agency.objects.count(), Department.objects.count()
    users, audit = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as caught:
        call()
    error = caught.value
    assert (error.code, error.field) == (code, field)
    assert error.message and error.message_en and error.message != error.message_en
    assert (Agency.objects.count(), Department.objects.count()) == (agencies, departments)
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, audit)
    return error


@pytest.mark.parametrize("code", ["000.1137.H53", "000.00.12.h62", "", "000.00.12.H6", "x"])
@pytest.mark.django_db
def test_a_malformed_agency_code_is_refused(places, code):
    error = _refused(
        lambda: services.create_agency(
            actor=SYSTEM, code=code, name="Sở mới", tier=tier("department"), parent=places.province
        ),
        "agency_code_invalid",
        "code",
    )
    assert "QCVN 102" in error.message_en


@pytest.mark.django_db
def test_a_duplicate_agency_code_is_refused(places):
    error = _refused(
        lambda: services.create_agency(
            actor=SYSTEM,
            code="000.01.00.H06",
            name="Sở trùng",
            tier=tier("department"),
            parent=places.province,
        ),
        "agency_code_duplicate",
        "code",
    )
    assert "Sở Tư pháp" in error.message


@pytest.mark.django_db
def test_changing_a_code_to_a_taken_one_is_refused(places):
    _refused(
        lambda: services.update_agency(actor=SYSTEM, agency=places.commune, code="000.01.00.H06"),
        "agency_code_duplicate",
        "code",
    )
    places.commune.refresh_from_db()
    assert places.commune.code == "000.12.31.H06"


@pytest.mark.django_db
def test_a_cycle_in_the_agency_tree_is_refused(places):
    for new_parent in (places.commune, places.district):
        _refused(
            lambda p=new_parent: services.update_agency(
                actor=SYSTEM, agency=places.district, parent=p
            ),
            "agency_tree_cycle",
            "parent",
        )
    places.district.refresh_from_db()
    assert places.district.parent == places.province


@pytest.mark.django_db
def test_an_officer_without_an_agency_is_refused(people):
    error = _refused(
        lambda: services.create_officer(
            actor=SYSTEM, username="lac", full_name="Lạc Đơn Vị", agency=None, roles=["clerk"]
        ),
        "officer_agency_required",
        "agency",
    )
    assert error.message == "Cán bộ phải thuộc một cơ quan."
    _refused(
        lambda: services.update_officer(actor=SYSTEM, officer=people.officer("clerk"), agency=None),
        "officer_agency_required",
        "agency",
    )
    assert Officer.objects.get(user__username="clerk").agency_id is not None


@pytest.mark.django_db
def test_an_unknown_role_and_a_taken_username_are_refused(people, places):
    _refused(
        lambda: services.create_officer(
            actor=SYSTEM, username="moi", full_name="Mới", agency=places.district, roles=["thu_kho"]
        ),
        "role_unknown",
        "roles",
    )
    _refused(
        lambda: services.create_officer(
            actor=SYSTEM,
            username="desk",
            full_name="Trùng",
            agency=places.district,
            roles=["clerk"],
        ),
        "username_taken",
        "username",
    )


@pytest.mark.django_db
def test_a_department_from_another_agency_is_refused(people, places):
    _refused(
        lambda: services.create_officer(
            actor=SYSTEM,
            username="moi",
            full_name="Mới",
            agency=places.commune,
            department=places.district_office,
            roles=["clerk"],
        ),
        "department_not_in_agency",
        "department",
    )


@pytest.mark.django_db
def test_a_duplicate_department_code_is_refused(places):
    _refused(
        lambda: services.create_department(
            actor=SYSTEM, agency=places.district, code="vp", name="Văn phòng 2"
        ),
        "department_code_duplicate",
        "code",
    )
    other = services.create_department(
        actor=SYSTEM, agency=places.district, code="tp", name="Phòng Tư pháp"
    )
    _refused(
        lambda: services.update_department(actor=SYSTEM, department=other, code="vp"),
        "department_code_duplicate",
        "code",
    )


@pytest.mark.django_db
def test_update_department_and_officer_are_audited(people, places):
    department = services.update_department(
        actor=people.agency_admin,
        department=places.district_office,
        name="Văn phòng HĐND và UBND",
        is_active=False,
    )
    assert department.name == "Văn phòng HĐND và UBND" and not department.is_active
    entry = AuditEntry.objects.get(action="department.update")
    assert entry.changes["after"] == {"name": "Văn phòng HĐND và UBND", "is_active": False}

    officer = services.update_officer(
        actor=people.agency_admin,
        officer=people.officer("clerk"),
        position="Văn thư",
        full_name="Bế Thị Hoa",
    )
    assert officer.user.full_name == "Bế Thị Hoa"
    assert AuditEntry.objects.get(action="officer.update").changes["after"] == {
        "full_name": "Bế Thị Hoa",
        "position": "Văn thư",
    }


@pytest.mark.django_db
def test_an_agency_admin_cannot_move_an_officer_out_of_their_subtree(people, places):
    from egov.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.update_officer(
            actor=people.agency_admin, officer=people.officer("clerk"), agency=places.department
        )
