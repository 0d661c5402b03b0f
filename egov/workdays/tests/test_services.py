"""The calendar in the database: official decisions, office hours, revisions, the
cache, extensions, and the Django admin."""

from __future__ import annotations

import datetime

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core.errors import DomainError, NotPermitted
from egov.core.models import AuditEntry
from egov.core.permissions import SYSTEM
from egov.workdays import services
from egov.workdays.engine import Unit
from egov.workdays.models import CalendarRevision, DeadlineExtension, OfficialDecision
from egov.workdays.tests.conftest import vn

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_2026_official_decisions_are_seeded():
    calendar = services.get_calendar()
    assert services.current_revision() >= 1
    assert not calendar.is_working_day(D(2026, 1, 2))
    assert calendar.is_working_day(D(2026, 1, 10))
    deadline = services.compute_due(start=vn(2026, 2, 13, 10), amount=1, unit=Unit.WORKING_DAYS)
    assert deadline.due == vn(2026, 2, 23, 10)
    assert deadline.calendar_revision == services.current_revision()


def test_a_province_admin_adds_a_day_off_and_issued_deadlines_keep_their_value(people):
    issued = services.compute_due(start=vn(2026, 3, 5, 9), amount=1, unit=Unit.WORKING_DAYS)
    assert issued.due == vn(2026, 3, 6, 9)

    decision = services.save_decision(
        actor=people.province_admin,
        day=D(2026, 3, 6),
        kind="day_off",
        name="Nghỉ đột xuất (ví dụ)",
        document="Thông báo số 01/TB-UBND",
    )

    later = services.compute_due(start=vn(2026, 3, 5, 9), amount=1, unit=Unit.WORKING_DAYS)
    assert later.due == vn(2026, 3, 9, 9)
    assert later.calendar_revision == issued.calendar_revision + 1
    # The stored value of the deadline issued before is not recomputed by anyone.
    assert issued.due == vn(2026, 3, 6, 9)
    entry = AuditEntry.objects.get(action="workdays.decision.save")
    assert entry.actor == people.province_admin
    assert entry.object_id == str(decision.pk)
    assert entry.changes["calendar_revision"] == later.calendar_revision
    assert entry.changes["after"]["name"] == "Nghỉ đột xuất (ví dụ)"


def test_changing_and_deleting_a_decision_bump_the_revision(people):
    decision = OfficialDecision.objects.get(day=D(2026, 1, 10))
    start = services.current_revision()
    services.save_decision(
        actor=people.province_admin,
        day=decision.day,
        kind="day_off",
        name="Không làm bù",
        decision=decision,
    )
    assert not services.get_calendar().is_working_day(D(2026, 1, 10))
    services.delete_decision(actor=people.province_admin, decision=decision)
    assert services.current_revision() == start + 2
    assert not services.get_calendar().is_working_day(D(2026, 1, 10))  # a plain Saturday
    assert AuditEntry.objects.filter(action="workdays.decision.delete").count() == 1


@pytest.mark.parametrize("persona", ["desk_officer", "agency_admin", "citizen", "auditor"])
def test_only_province_admins_edit_the_calendar(people, persona):
    start = services.current_revision()
    with pytest.raises(NotPermitted):
        services.save_decision(
            actor=getattr(people, persona), day=D(2026, 3, 6), kind="day_off", name="x"
        )
    assert services.current_revision() == start
    assert not OfficialDecision.objects.filter(day=D(2026, 3, 6)).exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"day": D(2026, 1, 10), "kind": "day_off", "name": "x"}, "decision_day_taken"),
        ({"day": D(2026, 3, 6), "kind": "holiday", "name": "x"}, "decision_kind_unknown"),
        ({"day": D(2026, 3, 6), "kind": "day_off", "name": "  "}, "required"),
        ({"day": D(2101, 1, 3), "kind": "day_off", "name": "x"}, "date_out_of_range"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_stored(kwargs, code):
    start = services.current_revision()
    count = OfficialDecision.objects.count()
    with pytest.raises(DomainError) as caught:
        services.save_decision(actor=SYSTEM, **kwargs)
    assert caught.value.code == code
    assert services.current_revision() == start
    assert OfficialDecision.objects.count() == count


def test_office_hours_default_and_per_province(people, places):
    services.set_office_hours(
        actor=people.province_admin,
        morning=(datetime.time(7), datetime.time(11, 30)),
        afternoon=(datetime.time(13, 30), datetime.time(17)),
    )
    due = services.compute_due(start=vn(2026, 3, 5, 7), amount=1, unit=Unit.WORKING_DAYS)
    assert due.due == vn(2026, 3, 5, 17)
    services.set_office_hours(
        actor=people.province_admin,
        province=places.province,
        morning=(datetime.time(8), datetime.time(12)),
        afternoon=(datetime.time(13), datetime.time(17)),
    )
    province_due = services.compute_due(
        start=vn(2026, 3, 5, 12, 30), amount=1, unit=Unit.WORKING_HOURS, province=places.province
    )
    assert province_due.due == vn(2026, 3, 5, 14)
    with pytest.raises(DomainError) as caught:
        services.set_office_hours(
            actor=people.province_admin,
            morning=(datetime.time(8), datetime.time(12)),
            afternoon=(datetime.time(11), datetime.time(17)),
        )
    assert caught.value.code == "office_hours_invalid"


def test_the_calendar_is_cached_per_revision(people, django_assert_num_queries):
    first = services.get_calendar()
    with django_assert_num_queries(1):  # only the revision row
        assert services.get_calendar() is first
    services.save_decision(actor=people.province_admin, day=D(2026, 3, 6), kind="day_off", name="x")
    assert services.get_calendar() is not first


def test_a_rolled_back_change_never_poisons_the_cache(people):
    before = services.get_calendar()
    with pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            services.save_decision(
                actor=people.province_admin, day=D(2026, 3, 6), kind="day_off", name="x"
            )
            assert not services.get_calendar().is_working_day(D(2026, 3, 6))
            raise RuntimeError("roll back")
    assert services.get_calendar() is before
    assert services.get_calendar().is_working_day(D(2026, 3, 6))


def test_one_extension_per_dossier(people):
    due = vn(2026, 3, 12, 17, 30)
    extension = services.grant_extension(
        actor=people.specialist,
        object_type="dossiers.dossier",
        object_id=42,
        due=due,
        new_due=D(2026, 3, 17),
        reason="Cần xác minh thực địa",
        now=vn(2026, 3, 10, 9),
    )
    assert extension.new_due == vn(2026, 3, 17, 17, 30)
    entry = AuditEntry.objects.get(action="workdays.extension.grant")
    assert (entry.object_type, entry.object_id) == ("dossiers.dossier", "42")

    with pytest.raises(DomainError) as caught:
        services.grant_extension(
            actor=people.specialist,
            object_type="dossiers.dossier",
            object_id=42,
            due=due,
            new_due=D(2026, 3, 18),
            reason="Lần hai",
            now=vn(2026, 3, 10, 9),
        )
    assert caught.value.code == "extension_already_granted"
    assert DeadlineExtension.objects.count() == 1


def test_a_late_extension_is_refused_and_nothing_is_stored(people):
    with pytest.raises(DomainError) as caught:
        services.grant_extension(
            actor=people.specialist,
            object_type="dossiers.dossier",
            object_id=7,
            due=vn(2026, 3, 12, 17, 30),
            new_due=D(2026, 3, 17),
            reason="Trễ",
            now=vn(2026, 3, 12, 9),
        )
    assert caught.value.code == "extension_too_late"
    assert not DeadlineExtension.objects.exists()
    assert not AuditEntry.objects.filter(action="workdays.extension.grant").exists()
    with pytest.raises(NotPermitted):
        services.grant_extension(
            actor=people.citizen,
            object_type="dossiers.dossier",
            object_id=7,
            due=vn(2026, 3, 12, 17, 30),
            new_due=D(2026, 3, 17),
            reason="x",
            now=vn(2026, 3, 10, 9),
        )


def _login_verified(client, user):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_the_admin_edits_go_through_the_services(client, people):
    admin_user = people.province_admin
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    _login_verified(client, admin_user)
    start = services.current_revision()

    response = client.post(
        "/admin/workdays/officialdecision/add/",
        {
            "day": "2026-03-06",
            "kind": "day_off",
            "name": "Nghỉ đột xuất",
            "document": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = OfficialDecision.objects.get(day=D(2026, 3, 6))
    assert services.current_revision() == start + 1
    assert AuditEntry.objects.filter(action="workdays.decision.save", actor=admin_user).exists()

    response = client.post(
        f"/admin/workdays/officialdecision/{decision.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert services.current_revision() == start + 2
    assert client.get("/admin/workdays/officialdecision/").status_code == 200

    # An ordinary officer with staff status still cannot open it.
    desk = people.desk_officer
    desk.is_staff = True
    desk.save(update_fields=["is_staff"])
    client.force_login(desk)
    assert client.get("/admin/workdays/officialdecision/").status_code == 403
    assert CalendarRevision.objects.get().number == start + 2
