import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from egov.core import audit
from egov.core.audit import verify_chain
from egov.core.models import AuditChainHead, AuditEntry
from egov.directory import services


def _write_entries(people, places, n=6):
    start = AuditEntry.objects.count()
    for i in range(start, start + n):
        services.create_department(
            actor=people.agency_admin, agency=places.district, code=f"p{i}", name=f"Phòng {i}"
        )


def _raw_update(sql, params):
    """Change an audit row as an attacker with database access would: the append-only
    trigger has to be dropped first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for the session.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
            cursor.execute(sql, params)


def test_entries_form_an_intact_chain(people, places):
    _write_entries(people, places)
    checked, problems = verify_chain()
    assert checked == AuditEntry.objects.count() >= 6
    assert problems == []


def test_entry_records_who_what_and_before_after(people, places):
    agency = services.update_agency(
        actor=people.province_admin, agency=places.commune, name="UBND xã Yên Đĩnh (mới)"
    )
    entry = AuditEntry.objects.get(action="agency.update")
    assert entry.actor == people.province_admin
    assert entry.object_id == str(agency.pk)
    assert entry.agency_id == agency.pk
    assert entry.changes == {
        "before": {"name": "UBND xã Yên Đĩnh"},
        "after": {"name": "UBND xã Yên Đĩnh (mới)"},
    }


def test_the_database_refuses_to_change_or_delete_entries(people, places):
    _write_entries(people, places, 1)
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_verify_command_finds_a_changed_row(people, places, capsys):
    _write_entries(people, places)
    victim = AuditEntry.objects.order_by("partition", "seq")[2]
    _raw_update(
        "UPDATE core_auditentry SET changes = %s WHERE id = %s",
        ['{"after": {"name": "Phòng giả mạo"}}', victim.pk],
    )
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"partition {victim.partition}, seq {victim.seq} (entry id {victim.pk})" in err
    assert "content changed: keyed hash" in err


def test_verify_finds_a_removed_entry_and_a_removed_tail(people, places):
    _write_entries(people, places)
    entries = list(AuditEntry.objects.order_by("partition", "seq"))
    middle = entries[1]
    _raw_update("DELETE FROM core_auditentry WHERE id = %s", [middle.pk])
    _, problems = verify_chain()
    assert problems[0].partition == middle.partition
    assert problems[0].seq == middle.seq
    assert "missing" in problems[0].reason


def test_verify_finds_a_truncated_chain(people, places):
    _write_entries(people, places)
    last = AuditEntry.objects.order_by("-seq").first()
    _raw_update("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    _, problems = verify_chain()
    assert problems and "chain head" in problems[0].reason


def test_verify_command_reports_success(people, places, capsys):
    _write_entries(people, places, 2)
    call_command("audit_checkpoint")
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "chains intact, guards in place, the latest checkpoint agrees" in out


def test_a_failed_transaction_leaves_no_entry_and_no_gap(people, places):
    _write_entries(people, places, 1)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.create_department(
            actor=people.agency_admin, agency=places.district, code="x", name="Rolled back"
        )
        raise ZeroDivisionError("something failed after the write")
    assert not AuditEntry.objects.filter(
        action="department.create", object_repr="Rolled back"
    ).exists()
    _write_entries(people, places, 1)
    assert verify_chain()[1] == []


def test_connections_spread_over_partitions(settings, people, places):
    settings.AUDIT_PARTITIONS = 4
    used = set()
    for i in range(12):
        # A new connection (another process or thread) picks its own partition.
        connection.egov_audit_partition = None
        used.add(
            audit.record(actor=None, action="test.event", object_type="x", object_id=i).partition
        )
    assert len(used) > 1
    assert all(0 <= p < 4 for p in used)
    heads = {h.partition: h.last_seq for h in AuditChainHead.objects.all()}
    for partition in used:
        assert heads[partition] == AuditEntry.objects.filter(partition=partition).count()
    assert verify_chain()[1] == []


def test_reading_an_id_number_through_the_api_is_audited(client, people):
    client.force_login(people.desk_officer)
    profile = people.citizen.applicant
    url = f"/api/v1/applicants/{profile.pk}/personal-data"
    response = client.get(url, {"reason": "Tiếp nhận hồ sơ tại quầy"})
    assert response.status_code == 200
    assert response.json()["id_number"] == profile.id_number
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert entry.actor == people.desk_officer
    assert entry.object_id == str(profile.pk)
    assert "id_number" in entry.changes["fields"]


def test_a_clerk_cannot_read_id_numbers_and_nothing_is_logged(client, people):
    client.force_login(people.clerk)
    url = f"/api/v1/applicants/{people.citizen.applicant.pk}/personal-data"
    response = client.get(url, {"reason": "Tiếp nhận hồ sơ tại quầy"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()
