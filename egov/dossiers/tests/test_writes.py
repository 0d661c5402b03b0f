"""A new dossier is written through the ORM in one transaction, the same way on every
database: its rows, its code, its audit entry (hash computed in Python) and its
outbox event."""

import datetime

import pytest

from egov.core import audit
from egov.core.audit import verify_chain
from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierComponent, DossierCounter, DossierEvent
from egov.dossiers.services.base import next_code
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

TRICKY = 'Giấy "đặc biệt" \\ C:\\tệp ‘nháy’ 😀 %s %(x)s $1 \'; --'


def _receive(people, version, **applicant):
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant={**APPLICANT, **applicant},
        components=full_checklist(version),
        summary=TRICKY,
    )


def test_a_submission_writes_its_audit_entry_with_a_valid_hash(db, people, places):
    version = district_procedure()
    dossier = _receive(people, version, name=TRICKY)
    entry = AuditEntry.objects.get(action="dossier.receive_complete")
    assert (entry.object_id, entry.object_repr) == (str(dossier.pk), dossier.code)
    assert entry.changes == {"after": {"status": dossier.status, "code": dossier.code}}
    assert entry.hash == audit.entry_digest(entry)
    assert verify_chain()[1] == []
    # The next entry of the partition chains to it; the head keeps both ends.
    later = audit.record(actor=people.desk_officer, action="test.next", changes={"t": TRICKY})
    if later.partition == entry.partition:
        assert later.prev_hash == entry.hash and later.seq == entry.seq + 1
    assert verify_chain()[1] == []


def test_the_rows_written_are_what_the_database_holds(db, people, places):
    version = district_procedure()
    dossier = _receive(people, version, name=TRICKY)
    stored = Dossier.objects.get(pk=dossier.pk)
    assert (stored.code, stored.applicant_name, stored.summary) == (
        dossier.code,
        TRICKY,
        TRICKY,
    )
    written = dossier.written_rows
    assert [c.pk for c in written["components"]] == list(
        DossierComponent.objects.filter(dossier=dossier).order_by("id").values_list("id", flat=True)
    )
    assert [e.pk for e in written["events"]] == list(
        DossierEvent.objects.filter(dossier=dossier).values_list("id", flat=True)
    )
    event = OutboxEvent.objects.get(topic="dossier.receive_complete")
    assert event.aggregate_id == str(dossier.pk)
    assert event.payload["code"] == dossier.code


def test_a_refused_creation_writes_nothing_and_gives_its_number_back(db, people, places):
    version = district_procedure()
    first = _receive(people, version)
    before = (Dossier.objects.count(), AuditEntry.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(DomainError):
        services.receive(
            actor=people.desk_officer,
            procedure_code=version.code,
            channel="counter",
            applicant=APPLICANT,
            components=[services.ComponentInput(component_id=-1, originals=1)],
        )
    after = (Dossier.objects.count(), AuditEntry.objects.count(), OutboxEvent.objects.count())
    assert after == before
    second = _receive(people, version)
    assert int(second.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1


def test_codes_beyond_9999_keep_every_digit(db, places):
    day = datetime.date(2026, 3, 2)
    DossierCounter.objects.create(agency=places.district, day=day, last=9999)
    assert next_code(places.district, day) == f"{places.district.code}-260302-10000"
    assert next_code(places.district, datetime.date(2026, 3, 3)).endswith("-260303-0001")


def test_one_write_path_on_every_database(db, people, places, django_assert_max_num_queries):
    """The same statements on SQLite and PostgreSQL: no vendor branch in the services."""
    version = district_procedure()
    _receive(people, version)  # warm the catalogue cache
    with django_assert_max_num_queries(20) as captured:
        _receive(people, version)
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    tables = [sql.split()[2].strip('"') for sql in inserts]
    assert tables[:2] == ["dossiers_dossiercounter", "dossiers_dossier"]
    assert {"dossiers_dossiercomponent", "dossiers_dossierevent", "core_outboxevent"} <= set(tables)
    assert tables[-1] == "core_auditentry"
