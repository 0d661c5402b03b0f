"""A new dossier is written in one statement on PostgreSQL (``sql.insert_all`` through
``audit.record``): the rows must be exactly what ``Model.save()`` writes."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from egov.core import audit, outbox, sql
from egov.core.audit import verify_chain
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierComponent, DossierEvent
from egov.dossiers.services.base import _take_code
from egov.dossiers.tests.factories import APPLICANT, at, district_procedure, full_checklist

TRICKY = 'Giấy "đặc biệt" \\ C:\\tệp\n\ttab ‘nháy’ 😀 %s %(x)s $1 \'; --'


def _row(obj, *skip: str) -> dict:
    fresh = type(obj).objects.get(pk=obj.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.attname not in {"id", *skip}
    }


def _set(people, places, version, code: str) -> list:
    component = version.components.first()
    dossier = Dossier(
        code=code,
        procedure_version=version,
        receiving_agency=places.district,
        processing_agency=places.district,
        channel="online",
        status="received",
        applicant_user=people.citizen,
        applicant_name=TRICKY,
        applicant_id_number="006190001234",
        applicant_birth_date=datetime.date(1990, 2, 28),
        summary=TRICKY,
        submitted_at=at(2026, 3, 2, 9, 15, 30),
        received_at=at(2026, 3, 2, 9, 16),
        due_at=at(2026, 3, 9, 17, 0),
        original_due_at=at(2026, 3, 9, 17, 0),
        extended=True,
        fee_due=150000,
        sets=2,
    )
    return [
        dossier,
        DossierComponent(
            dossier=dossier, component=component, name=TRICKY, originals=1, provided=True
        ),
        DossierComponent(dossier=dossier, name="Bản sao", photocopies=2, file="dossiers/x.pdf"),
        DossierEvent(
            dossier=dossier,
            at=at(2026, 3, 2, 9, 16),
            actor=people.citizen,
            actor_name=TRICKY,
            agency=places.district,
            action="submit_online",
            to_status="submitted",
            note=TRICKY,
            data={"missing": [TRICKY, 1, None, True], "nested": {"ngày": "2026-03-02"}},
        ),
        outbox.event(topic="dossier.test", aggregate=dossier, payload={"x": TRICKY, "n": [1, 2.5]}),
    ]


def _reserve(rows: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql.next_id_sql(Dossier)}")
        rows[0].pk = cursor.fetchone()[0]
    rows[-1].aggregate_id = str(rows[0].pk)


def test_insert_all_writes_what_save_writes(db, people, places, django_assert_num_queries):
    version = district_procedure()
    saved = _set(people, places, version, "A-1")
    for obj in saved:
        obj._prepare_related_fields_for_save(operation_name="save")
        obj.save()
    written = _set(people, places, version, "A-2")
    if connection.vendor == "postgresql":
        _reserve(written)  # all rows in one statement
        with django_assert_num_queries(1):
            sql.insert_all(written)
    else:
        sql.insert_all(written)
    assert all(obj.pk and not obj._state.adding for obj in written)
    assert written[1].pk < written[2].pk  # ids given back in order
    for a, b in zip(saved, written, strict=True):
        skip = {"code", "dossier_id", "aggregate_id", "created_at", "updated_at", "next_attempt_at"}
        assert _row(a, *skip) == _row(b, *skip)
    assert Dossier.objects.get(pk=written[0].pk).code == "A-2"
    assert written[3].dossier_id == written[0].pk
    assert OutboxEvent.objects.get(pk=written[-1].pk).payload == {"x": TRICKY, "n": [1, 2.5]}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_failing_part_writes_nothing(db, people, places):
    version = district_procedure()
    rows = _set(people, places, version, "B-1")
    _reserve(rows)
    rows[1].originals = -1  # PositiveIntegerField: the database refuses it
    before = (Dossier.objects.count(), AuditEntry.objects.count(), OutboxEvent.objects.count())
    # Without a key the rows and the entry are no longer one statement (issue 11: the
    # entry's keyed hash is computed in Python), so the failure rolls back a savepoint.
    with pytest.raises(DatabaseError), transaction.atomic():
        audit.record(actor=people.citizen, action="test.write", rows=rows)
    after = (Dossier.objects.count(), AuditEntry.objects.count(), OutboxEvent.objects.count())
    assert after == before


def test_a_submission_writes_its_audit_entry_with_a_valid_hash(db, people, places):
    version = district_procedure()
    applicant = {**APPLICANT, "name": TRICKY.replace("\n", " ").replace("\t", " ")}
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=applicant,
        components=full_checklist(version),
    )
    entry = AuditEntry.objects.get(action="dossier.receive_complete")
    assert (entry.object_id, entry.object_repr) == (str(dossier.pk), dossier.code)
    assert entry.hash == audit.entry_digest(entry)
    assert verify_chain()[1] == []
    # The next entry of the partition chains to it; the head keeps both ends.
    later = audit.record(actor=people.desk_officer, action="test.next", changes={"t": TRICKY})
    if later.partition == entry.partition:
        assert later.prev_hash == entry.hash and later.seq == entry.seq + 1
    assert verify_chain()[1] == []


def test_take_code_reserves_the_key_on_postgresql(db, places):
    code, pk = _take_code(places.district, datetime.date(2026, 3, 2))
    assert code == f"{places.district.code}-260302-0001"
    assert (pk is not None) == (connection.vendor == "postgresql")
