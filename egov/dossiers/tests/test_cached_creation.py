"""A new dossier is written by one statement that also takes its code (PostgreSQL),
from what the process caches had read: the version in force and the agencies. The
statement checks they are still true; when they are not, it writes nothing and the
service reads them again and writes once more. The code sequence stays gap-free."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov.catalog import cache as catalog_cache
from egov.core import sql
from egov.core.models import AuditEntry, OutboxEvent
from egov.directory import cache as directory_cache
from egov.directory.models import Agency
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierCounter
from egov.dossiers.services.base import Stale, _code_key
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

API = "/api/v1/dossiers/online"


def _submit(people, places, version, agency=None):
    return services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=agency or places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
    )


def _number(dossier) -> int:
    return int(dossier.code.rsplit("-", 1)[1])


def test_a_version_published_after_it_was_cached_is_the_one_pinned(db, people, places):
    first = district_procedure(effective_from=datetime.date(2024, 1, 1))
    before = _submit(people, places, first)
    assert before.procedure_version_id == first.pk
    # Published since the cache read the versions of this procedure, in force today.
    second = district_procedure(effective_from=timezone.localdate())
    after = _submit(people, places, second)
    assert after.procedure_version_id == second.pk
    assert Dossier.objects.get(pk=after.pk).procedure_version_id == second.pk
    assert _number(after) == _number(before) + 1  # the refused write took no number


def test_an_agency_changed_after_it_was_cached_is_read_again(client, people, places):
    version = district_procedure()
    body = {
        "procedure": version.code,
        "receiving_agency": places.district.code,
        "applicant": APPLICANT,
        "components": [{"component_id": c.pk, "originals": 1} for c in version.components.all()],
    }
    client.force_login(people.citizen)
    first = client.post(API, body, content_type="application/json")
    assert first.status_code == 201, first.json()
    Agency.objects.filter(pk=places.district.pk).update(name="UBND huyện Chợ Mới (mới)")
    second = client.post(API, body, content_type="application/json")
    assert second.status_code == 201, second.json()
    assert second.json()["receiving_agency"]["name"] == "UBND huyện Chợ Mới (mới)"
    numbers = [int(r.json()["code"].rsplit("-", 1)[1]) for r in (first, second)]
    assert numbers[1] == numbers[0] + 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_stale_guard_writes_nothing(db, people, places):
    version = district_procedure()
    _submit(people, places, version)  # the counter row exists
    counts = (
        Dossier.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
        list(DossierCounter.objects.values_list("last", flat=True)),
    )
    cached = directory_cache.agency_by_code(places.district.code)
    Agency.objects.filter(pk=cached.pk).update(short_name="Chợ Mới")  # the stamp moves on
    guards = [directory_cache.condition(cached)]
    dossier = services.base._new_dossier(
        cached,
        services.base._now(None),
        procedure_version=version,
        processing_agency=cached,
        channel="online",
        status="submitted",
        applicant_name="Lan",
    )
    with pytest.raises(Stale):
        services.base._created(
            dossier,
            actor=people.citizen,
            now=services.base._now(None),
            action="submit_online",
            components=[],
            guards=guards,
        )
    assert counts == (
        Dossier.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
        list(DossierCounter.objects.values_list("last", flat=True)),
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_one_prepared_statement_takes_the_code_and_writes_everything(db, people, places):
    version = district_procedure()
    _submit(people, places, version)
    with CaptureQueriesContext(connection) as captured:
        dossier = _submit(people, places, version)
    writes = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("WITH k AS (INSERT INTO")
    assert not any(q["sql"] in ("BEGIN", "COMMIT") for q in captured.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(statement.startswith("WITH k AS") for statement in prepared)
    # The tokens were replaced everywhere, in the database and in the objects.
    entry = AuditEntry.objects.get(action="dossier.submit_online", object_id=str(dossier.pk))
    assert entry.object_repr == dossier.code and entry.changes["after"]["code"] == dossier.code
    event = OutboxEvent.objects.get(aggregate_id=str(dossier.pk))
    assert event.payload["code"] == dossier.code
    assert sql._TOKEN_PREFIX not in str(entry.__dict__) + str(dossier.__dict__)
    assert [c.dossier_id for c in dossier.written_rows["components"]] == [dossier.pk] * len(
        dossier.written_rows["components"]
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_codes_beyond_9999_keep_every_digit(db, places):
    key = _code_key(places.district, datetime.date(2026, 3, 2), [])
    DossierCounter.objects.create(agency=places.district, day=datetime.date(2026, 3, 2), last=9999)
    with connection.cursor() as cursor:
        cursor.execute(key.statement, key.params)
        _id, code = cursor.fetchone()
    assert code == f"{places.district.code}-260302-10000"


def test_the_caches_are_per_process_and_cleared_between_tests(db, places):
    """(egov/conftest.py clears them: a rolled-back database gives keys out again.)"""
    assert catalog_cache._in_force == {}
    found = directory_cache.agency_by_code(places.district.code)
    assert found.pk == places.district.pk
    assert (places.district.code in directory_cache._by_code) == (connection.vendor == "postgresql")
