"""Dossier codes under concurrency: several processes receiving at one agency on one
day get unique, gap-free sequence numbers (Circular 01/2018 art. 19). They all write
to one audit chain too, which must stay intact."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from egov.core.audit import verify_chain
from egov.core.models import AuditEntry
from egov.core.tests.processes import child_env
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist


def test_parallel_receptions_at_one_agency_get_unique_gap_free_codes(committed_db, people, places):
    version = district_procedure()
    processes, per_process = 4, 15
    # One audit partition: every reception also contends for the same chain head.
    env = child_env(EGOV_AUDIT_PARTITIONS="1")
    entries_before = AuditEntry.objects.count()
    script = Path(__file__).with_name("reception_process.py")
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), "desk", version.code, str(per_process)],
            cwd=settings.BASE_DIR,
            env=env,
        )
        for _ in range(processes)
    ]
    for worker in workers:
        assert worker.wait(timeout=180) == 0
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    day = timezone.localdate().strftime("%y%m%d")
    expected = [f"{places.district.code}-{day}-{n:04d}" for n in range(1, 61)]
    assert codes == expected  # unique and without gaps
    assert AuditEntry.objects.filter(action="dossier.receive_complete").count() == 60
    assert AuditEntry.objects.count() == entries_before + 60
    assert verify_chain()[1] == []


def test_a_rolled_back_reception_gives_its_number_back(people, places):
    version = district_procedure()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.receive(
            actor=people.desk_officer,
            procedure_code=version.code,
            channel="counter",
            applicant=APPLICANT,
            components=full_checklist(version),
        )
        raise RuntimeError("connection dropped before commit")
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    assert dossier.code.endswith("-0001")
    assert Dossier.objects.count() == 1


def test_the_code_never_changes_when_the_agency_is_reorganised(people, places):
    from egov.directory import services as directory

    version = district_procedure()
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    code = dossier.code
    directory.retire_agency(
        actor=people.province_admin,
        agency=places.district,
        valid_to=timezone.localdate(),
        successor=places.province,
    )
    directory.update_agency(
        actor=people.province_admin, agency=places.district, code="000.00.99.H06"
    )
    dossier.refresh_from_db()
    assert dossier.code == code
