"""The synthetic-dossier generator (manage.py generate_dossiers): well-formed unique
codes, daily counters that a real reception continues, no audit or outbox rows, and
on PostgreSQL the bulk mode puts back every index and foreign key it dropped."""

import io
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers import services
from egov.dossiers.management.commands import generate_dossiers
from egov.dossiers.models import Dossier, DossierComponent, DossierCounter, DossierEvent
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

CODE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.H\d{2})-(\d{6})-(\d{4,})$")


def _receive(people, version):
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )


def _check_codes_and_counters():
    numbers = defaultdict(list)
    for code, agency_code, submitted in Dossier.objects.values_list(
        "code", "receiving_agency__code", "submitted_at"
    ):
        match = CODE.match(code)
        assert match, code
        assert match.group(1) == agency_code
        assert match.group(2) == f"{timezone.localtime(submitted):%y%m%d}"
        numbers[agency_code, match.group(2)].append(int(match.group(3)))
    counters = {
        (c.agency.code, f"{c.day:%y%m%d}"): c.last
        for c in DossierCounter.objects.select_related("agency")
    }
    assert set(numbers) <= set(counters)
    for key, used in numbers.items():
        assert sorted(used) == list(range(1, len(used) + 1)), key  # unique, gap-free
        assert counters[key] == len(used), key


@pytest.mark.django_db
def test_generated_dossiers_continue_the_daily_sequence_without_audit_or_outbox(people, places):
    version = district_procedure()
    before = _receive(people, version)  # a real dossier already received today
    assert before.code.endswith("-0001")
    audit, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()

    summary = generate_dossiers.generate(count=400, days=4, seed=3, progress=_quiet(400))

    assert summary.dossiers == 400
    assert Dossier.objects.count() == 401
    assert AuditEntry.objects.count() == audit
    assert OutboxEvent.objects.count() == outbox
    before.refresh_from_db()
    assert before.code.endswith("-0001")  # kept its number
    _check_codes_and_counters()
    assert len(set(Dossier.objects.values_list("code", flat=True))) == 401

    # Every generated dossier has its components and a history.
    generated = Dossier.objects.exclude(pk=before.pk)
    per_dossier = version.components.count()
    assert DossierComponent.objects.filter(dossier__in=generated).count() == 400 * per_dossier
    assert not generated.exclude(events__isnull=False).exists()
    assert DossierEvent.objects.filter(dossier__in=generated).count() >= 400
    # Realistic spread: several statuses, due dates on received dossiers.
    assert generated.values("status").distinct().count() >= 3
    assert not generated.filter(received_at__isnull=False, due_at__isnull=True).exists()

    # A real reception later today continues the sequence.
    today = f"{timezone.localdate():%y%m%d}"
    last = DossierCounter.objects.get(agency=places.district, day=timezone.localdate()).last
    after = _receive(people, version)
    assert after.code == f"{places.district.code}-{today}-{last + 1:04d}"
    _check_codes_and_counters()


@pytest.mark.django_db
def test_the_command_prints_a_progress_bar_and_a_summary(people, places):
    district_procedure()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_dossiers", "--count", "50", "--days", "2", "--no-history", stdout=out, stderr=err
    )
    assert "50 synthetic dossiers" in out.getvalue()
    assert "no audit or outbox rows" in out.getvalue()
    assert "50/50" in err.getvalue()
    assert DossierComponent.objects.count() == 0
    _check_codes_and_counters()


@pytest.mark.django_db
def test_without_procedures_it_says_what_to_load(places):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_dossiers", "--count", "5", stderr=io.StringIO())


@pytest.mark.django_db
def test_bulk_mode_restores_every_index_and_foreign_key(people, places):
    """PostgreSQL drops and rebuilds the indexes and keys; elsewhere bulk mode is the
    plain path in one transaction. Either way the schema ends as it began."""
    district_procedure()
    tables = generate_dossiers.BULK_TABLES

    def schema():
        with connection.cursor() as cursor:
            return {t: connection.introspection.get_constraints(cursor, t) for t in tables}

    expected = schema()
    generate_dossiers.generate(count=200, days=3, seed=5, bulk=True, progress=_quiet(200))
    assert schema() == expected
    _check_codes_and_counters()


def _quiet(total):
    return generate_dossiers.Progress(total, stream=io.StringIO())
