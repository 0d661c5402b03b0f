"""egov.core.sql reads the same objects as the ORM, on both databases."""

from django.forms.models import model_to_dict

from egov.core import sql
from egov.core.audit import record
from egov.core.models import AuditEntry, Session


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_fetch_gives_what_the_orm_gives(db, people, client):
    entry = record(
        actor=people.desk_officer,
        action="test.read",
        object_type="x",
        object_id=1,
        changes={"fields": ["a", "b"], "n": 3},
    )
    fetched = sql.fetch(AuditEntry, "id = %s", [entry.pk])
    assert [_fields(o) for o in fetched] == [_fields(AuditEntry.objects.get(pk=entry.pk))]
    assert isinstance(fetched[0].changes, dict) and fetched[0].occurred_at.tzinfo is not None
    client.force_login(people.citizen)
    session = Session.objects.get()
    [again] = sql.fetch(Session, "session_key = %s", [session.session_key])
    assert _fields(again) == _fields(session) and model_to_dict(again)
    assert sql.fetch(Session, "session_key = %s", ["nope"]) == []
    # Some fields only, in any order: the others are deferred, the read ones right.
    [part] = sql.fetch(AuditEntry, "id = %s", [entry.pk], only=("changes", "id", "action"))
    assert (part.pk, part.action, part.changes) == (entry.pk, "test.read", entry.changes)
    assert part.get_deferred_fields() >= {"hash", "occurred_at"}


def test_officer_agency_and_roles_in_one_statement(people, django_assert_num_queries):
    user = type(people.desk_officer).objects.get(pk=people.desk_officer.pk)
    with django_assert_num_queries(1):
        officer = user.officer_or_none
        assert officer.agency.code and "desk_officer" in user.role_set
    assert _fields(officer.agency) == _fields(
        type(officer.agency).objects.get(pk=officer.agency_id)
    )
    assert sorted(user.role_set) == sorted(officer.roles.values_list("role", flat=True))
    citizen = type(people.citizen).objects.get(pk=people.citizen.pk)
    with django_assert_num_queries(0):
        assert citizen.officer_or_none is None and citizen.role_set == frozenset()
