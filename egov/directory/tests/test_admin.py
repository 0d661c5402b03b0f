"""The directory admin: entry by role, scope by policy, writes through services."""

from __future__ import annotations

import pytest

from egov.core.models import AuditEntry, OutboxEvent
from egov.directory.models import Agency, Department, Officer
from egov.directory.tests.factories import tier
from egov.directory.tests.helpers import login_verified


@pytest.fixture
def as_user(client):
    def login(user):
        login_verified(client, user)
        return client

    return login


@pytest.mark.django_db
def test_admins_and_auditors_enter_the_admin_others_do_not(client, people):
    for user in (people.province_admin, people.agency_admin, people.auditor):
        login_verified(client, user)
        assert client.get("/admin/").status_code == 200, user.username
    for user in (people.desk_officer, people.citizen):
        login_verified(client, user)
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_an_unverified_admin_is_sent_to_the_second_factor(client, people):
    client.force_login(people.province_admin)
    response = client.get("/admin/directory/agency/")
    assert response.status_code == 302 and "/accounts/otp/verify/" in response["Location"]


@pytest.mark.django_db
def test_lists_are_scoped_by_the_policy(as_user, people, places):
    client = as_user(people.agency_admin)
    officers = client.get("/admin/directory/officer/").context["cl"].queryset
    assert {o.agency for o in officers} == {places.district, places.commune}  # subtree
    agencies = client.get("/admin/directory/agency/").context["cl"].queryset
    assert places.other_province not in agencies and places.province in agencies

    client = as_user(people.province_admin)
    officers = client.get("/admin/directory/officer/").context["cl"].queryset
    assert people.officer("foreign_officer") not in officers
    assert people.officer("commune_officer") in officers
    assert (
        client.get(f"/admin/directory/agency/{places.other_province.pk}/change/").status_code == 302
    )  # not in scope: admin redirects to the index


@pytest.mark.django_db
def test_an_agency_admin_may_change_only_their_subtree(as_user, people, places):
    client = as_user(people.agency_admin)
    assert client.get(f"/admin/directory/agency/{places.commune.pk}/change/").status_code == 200
    response = client.get(f"/admin/directory/agency/{places.province.pk}/change/")
    assert response.status_code == 200
    assert not response.context["has_change_permission"]  # view only


def _agency_form(**overrides):
    data = {
        "code": "000.07.12.H06",
        "name": "UBND xã Thanh Mai",
        "short_name": "UBND",
        "tier": tier("commune").pk,
        "parent": "",
        "address": "",
        "valid_from": "2000-01-01",
        "valid_to": "",
        "successor": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_creating_an_agency_goes_through_the_service(as_user, people, places):
    client = as_user(people.agency_admin)
    response = client.post("/admin/directory/agency/add/", _agency_form(parent=places.district.pk))
    assert response.status_code == 302
    agency = Agency.objects.get(code="000.07.12.H06")
    assert agency.path == f"{places.district.path}{agency.pk}/"
    entry = AuditEntry.objects.get(action="agency.create")
    assert entry.actor == people.agency_admin


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "000.1137.H53"}, "QCVN 102:2016"),
        ({"code": "000.00.12.H06"}, "đã được dùng"),
    ],
)
@pytest.mark.django_db
def test_a_refused_agency_shows_the_bilingual_message(as_user, people, places, overrides, message):
    client = as_user(people.agency_admin)
    count = Agency.objects.count()
    response = client.post(
        "/admin/directory/agency/add/", _agency_form(parent=places.district.pk, **overrides)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["code"])
    assert "(" in errors["code"][0]  # Vietnamese (English)
    assert Agency.objects.count() == count
    assert not AuditEntry.objects.filter(action="agency.create").exists()


@pytest.mark.django_db
def test_a_cycle_in_the_tree_is_a_form_error(as_user, people, places):
    client = as_user(people.province_admin)
    data = _agency_form(
        code=places.district.code,
        name=places.district.name,
        tier=places.district.tier_id,
        parent=places.commune.pk,
    )
    response = client.post(f"/admin/directory/agency/{places.district.pk}/change/", data)
    assert response.status_code == 200
    assert "sub-units" in " ".join(response.context["adminform"].form.errors["parent"])
    places.district.refresh_from_db()
    assert places.district.parent == places.province


@pytest.mark.django_db
def test_departments_are_created_and_changed_through_services(as_user, people, places):
    client = as_user(people.agency_admin)
    response = client.post(
        "/admin/directory/department/add/",
        {"agency": places.district.pk, "code": "tp", "name": "Phòng Tư pháp", "is_active": "on"},
    )
    assert response.status_code == 302
    department = Department.objects.get(agency=places.district, code="tp")
    response = client.post(
        f"/admin/directory/department/{department.pk}/change/",
        {"code": "vp", "name": "Phòng Tư pháp", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "department" in " ".join(response.context["adminform"].form.errors["code"])
    actions = AuditEntry.objects.filter(action__startswith="department.")
    assert [e.action for e in actions] == ["department.create"]


def _officer_form(places, **overrides):
    data = {
        "username": "moi",
        "full_name": "Cán Bộ Mới",
        "email": "",
        "phone": "",
        "is_active": "on",
        "agency": places.district.pk,
        "department": "",
        "position": "",
        "roles-TOTAL_FORMS": "2",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": "desk_officer",
        "roles-1-role": "specialist",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_officer_with_inline_roles_is_created_by_one_service_call(as_user, people, places):
    client = as_user(people.agency_admin)
    response = client.post("/admin/directory/officer/add/", _officer_form(places))
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer = Officer.objects.get(user__username="moi")
    assert sorted(officer.role_codes()) == ["desk_officer", "specialist"]
    [entry] = AuditEntry.objects.filter(action__startswith="officer.")
    assert entry.action == "officer.create" and entry.actor == people.agency_admin

    roles = officer.roles.order_by("role")
    data = _officer_form(
        places,
        **{
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "2",
            "roles-0-id": roles[0].pk,
            "roles-0-officer": officer.pk,
            "roles-0-role": "desk_officer",
            "roles-1-id": roles[1].pk,
            "roles-1-officer": officer.pk,
            "roles-1-role": "specialist",
            "roles-1-DELETE": "on",
            "position": "Cán bộ một cửa",
        },
    )
    response = client.post(f"/admin/directory/officer/{officer.pk}/change/", data)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.role_codes() == ["desk_officer"] and officer.position == "Cán bộ một cửa"
    assert {e.action for e in AuditEntry.objects.filter(action__startswith="officer.")} == {
        "officer.create",
        "officer.update",
        "officer.set_roles",
    }


@pytest.mark.django_db
def test_an_officer_without_an_agency_is_a_form_error(as_user, people, places):
    client = as_user(people.province_admin)
    response = client.post("/admin/directory/officer/add/", _officer_form(places, agency=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["agency"]
    assert errors == ["Cán bộ phải thuộc một cơ quan. (An officer must belong to an agency.)"]
    assert not Officer.objects.filter(user__username="moi").exists()


@pytest.mark.django_db
def test_tiers_are_read_only_for_administrators(as_user, people):
    client = as_user(people.province_admin)
    response = client.get(f"/admin/directory/tier/{tier('commune').pk}/change/")
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert client.get("/admin/directory/tier/add/").status_code == 403


@pytest.mark.django_db
def test_applicant_id_numbers_are_masked(as_user, people):
    client = as_user(people.auditor)
    response = client.get("/admin/directory/applicantprofile/")
    assert response.status_code == 200
    profile = people.citizen.applicant
    body = response.content.decode()
    assert profile.id_number not in body
    assert profile.id_number[:4] + "******" + profile.id_number[-2:] in body


@pytest.mark.django_db
def test_audit_log_is_visible_read_only_per_policy(as_user, people, places):
    from egov.directory import services

    services.create_department(
        actor=people.agency_admin, agency=places.district, code="tp", name="Phòng Tư pháp"
    )
    client = as_user(people.auditor)
    response = client.get("/admin/core/auditentry/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    entry = AuditEntry.objects.get(action="department.create")
    response = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert response.status_code == 200 and not response.context["has_change_permission"]
    client = as_user(people.desk_officer)
    assert client.get("/admin/core/auditentry/").status_code == 302


@pytest.mark.django_db
def test_a_province_admin_redrives_a_dead_outbox_event(as_user, people):
    event = OutboxEvent.objects.create(
        topic="test.event",
        aggregate_type="x",
        aggregate_id="1",
        status=OutboxEvent.Status.DEAD,
        attempts=8,
    )
    client = as_user(people.province_admin)
    response = client.post(
        "/admin/core/outboxevent/", {"action": "redrive", "_selected_action": [event.pk]}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.PENDING and event.attempts == 0
    assert AuditEntry.objects.get(action="outbox.redrive").actor == people.province_admin

    client = as_user(people.auditor)  # may look, may not re-drive
    response = client.get("/admin/core/outboxevent/")
    assert response.status_code == 200
    action_form = response.context["action_form"]
    assert action_form is None or "redrive" not in repr(action_form.fields["action"].choices)
