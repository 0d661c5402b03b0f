"""egov.core.sql reads the same objects as the ORM, on both databases."""

import psycopg
import pytest
from django.db import DataError, connection, connections
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


def _state(obj):
    values = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    return values, dict(obj._state.fields_cache), obj._state.adding, obj._state.db


def test_new_makes_what_the_model_makes(db, people, places):
    """``sql.new`` builds the rows of a busy write without Model.__init__'s walk: the
    same instance as ``Model(**values)``, foreign keys given as instances or ids,
    defaults filled in, callable ones called."""
    import pytest
    from django.utils import timezone

    from egov.core.models import OutboxEvent
    from egov.dossiers.models import Dossier, DossierComponent

    now = timezone.now()
    cases = [
        (
            Dossier,
            {
                "pk": 7,
                "code": "X-1",
                "receiving_agency": places.district,
                "processing_agency_id": places.district.pk,
                "applicant_user": people.citizen,
                "channel": "online",
                "status": "submitted",
                "submitted_at": now,
            },
        ),
        (DossierComponent, {"dossier_id": 7, "name": "Tờ khai", "originals": 1}),
        (OutboxEvent, {"topic": "t", "aggregate_id": "7", "payload": {"a": [1]}}),
        (AuditEntry, {"partition": 3, "actor_id": None, "changes": {}, "occurred_at": now}),
    ]
    for model, values in cases:
        made, expected = sql.new(model, **values), model(**values)
        made_state, expected_state = _state(made), _state(expected)
        # Callable defaults (now, a new list...) are called: equal but not the same.
        for name in ("submitted_at", "created_at", "next_attempt_at", "updated_at"):
            for state in (made_state[0], expected_state[0]):
                state.pop(name, None)
        assert made_state == expected_state, model
    with pytest.raises(TypeError):
        sql.new(DossierComponent, colour="red")


def _new_request(connection):
    """What Django does when a request starts (``close_old_connections``): the kept
    connection is to be checked again before its first statement."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and not connection.health_check_done


@pytest.fixture
def counted_checks(monkeypatch):
    """The number of Django's own health checks (``is_usable``: a ``SELECT 1``) made."""
    calls = []
    wrapper = connections["default"]
    real = wrapper.is_usable

    def is_usable():
        calls.append(1)
        return real()

    monkeypatch.setattr(wrapper, "is_usable", is_usable)
    return calls


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_read_is_the_requests_health_check(committed_db, counted_checks):
    connection.ensure_connection()
    _new_request(connection)
    assert sql.read("SELECT %s::int + 1", [1]) == [(2,)]
    assert counted_checks == [] and connection.health_check_done
    # A write keeps Django's check: a statement that may have run cannot be sent again.
    _new_request(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert counted_checks == [1]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_read_on_a_dead_connection_runs_again_on_a_new_one(committed_db, counted_checks):
    connection.ensure_connection()
    [(pid,)] = sql.read("SELECT pg_backend_pid()", [])
    other = psycopg.connect(**connection.get_connection_params())
    try:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    _new_request(connection)
    [(new_pid,)] = sql.read("SELECT pg_backend_pid()", [])
    assert new_pid != pid and counted_checks == []
    # The kept prepared cursor belongs to the new connection.
    assert sql.read("SELECT %s::text", ["ok"]) == [("ok",)]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_an_error_of_the_statement_is_not_run_again(committed_db):
    connection.ensure_connection()
    _new_request(connection)
    [(pid,)] = sql.read("SELECT pg_backend_pid()", [])
    _new_request(connection)
    with pytest.raises(DataError):
        sql.read("SELECT 1 / %s::int", [0])
    # Same connection: it was not taken for a dead one.
    assert sql.read("SELECT pg_backend_pid()", []) == [(pid,)]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_inside_a_transaction_the_check_stays_djangos(db, counted_checks):
    connection.health_check_done = False
    assert connection.in_atomic_block
    assert sql.read("SELECT %s::int", [5]) == [(5,)]
    assert counted_checks == [1]
