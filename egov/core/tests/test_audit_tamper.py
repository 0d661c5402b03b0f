"""Issue 11, finding 3: tampering by a database owner (who drops the triggers, rewrites
rows with plain SQL and may put the triggers back) is named by ``verify_audit``.

Every one of these passed ``verify_audit`` with "OK" before the keyed hashes, the
chain-head guards and the checkpoints outside the database. They run on whichever
database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL)."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from egov.core import audit, guards
from egov.core.models import AuditChainHead, AuditEntry
from egov.directory import services


def _write(partition: int, n: int, people=None, places=None) -> list[AuditEntry]:
    """``n`` entries in ``partition`` (this connection writes there from now on)."""
    connection.egov_audit_partition = partition
    written = []
    for i in range(n):
        if people is not None and i == 0:  # one through a real service
            services.create_department(
                actor=people.agency_admin,
                agency=places.district,
                code=f"t{partition}x{AuditEntry.objects.count()}",
                name="Phòng thử",
            )
            written.append(AuditEntry.objects.order_by("-id").first())
        else:
            written.append(
                audit.record(actor=None, action="test.event", object_type="x", object_id=i)
            )
    return written


def _tamper(*statements, restore=True):
    """What an owner of the database can do: drop the guards, run ``statements`` (SQL
    and parameters), and put the guards back so that nothing looks missing."""
    guards.remove(connection)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    if restore:
        guards.install(connection)


def _verify_fails(capsys) -> str:
    with pytest.raises(CommandError):
        call_command("verify_audit")
    captured = capsys.readouterr()
    assert "OK" not in captured.out
    return captured.err


def _set_head(partition: int, seq: int, last_hash: str, prev_hash: str):
    return (
        "UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s, last_prev_hash = %s "
        'WHERE "partition" = %s',
        [seq, last_hash, prev_hash, partition],
    )


def test_an_untampered_log_passes(people, places, capsys):
    _write(0, 3, people, places)
    _write(5, 2)
    call_command("audit_checkpoint")
    _write(0, 2)  # after the checkpoint: still fine
    call_command("verify_audit")
    assert "OK: 7 audit entries verified" in capsys.readouterr().out


def test_deleting_the_last_entry_and_rolling_the_head_back_is_detected(people, places, capsys):
    entries = _write(3, 4, people, places)
    call_command("audit_checkpoint")
    last, before = entries[-1], entries[-2]
    _tamper(
        ("DELETE FROM core_auditentry WHERE id = %s", [last.pk]),
        _set_head(3, before.seq, before.hash, before.prev_hash),
    )
    err = _verify_fails(capsys)
    assert (
        f"partition 3, seq {last.seq}: entry missing: checkpoint 1 of" in err
        and "recorded it; entries removed at the end" in err
    )
    assert "the database holds 3 entries, fewer than the 4 recorded by checkpoint 1" in err


def test_editing_an_entry_and_rehashing_the_chain_without_the_key_is_detected(
    people, places, capsys
):
    entries = _write(2, 5, people, places)
    call_command("audit_checkpoint")
    # Rewrite entry 2's content, then recompute its hash and every later one (plain
    # SHA-256 as before the key, the only hash the attacker can compute) and the head.
    victim = entries[1]
    statements = []
    prev = victim.prev_hash
    for entry in entries[1:]:
        if entry.pk == victim.pk:
            entry.changes = {"after": {"name": "giả mạo"}}
        entry.prev_hash = prev
        entry.hash = hashlib.sha256(
            (entry.prev_hash + audit._dumps(audit._body(entry))).encode()
        ).hexdigest()
        prev = entry.hash
        statements.append(
            (
                "UPDATE core_auditentry SET changes = %s, prev_hash = %s, hash = %s WHERE id = %s",
                ['{"after": {"name": "giả mạo"}}', entry.prev_hash, entry.hash, entry.pk]
                if entry.pk == victim.pk
                else [
                    audit._dumps(entry.changes),
                    entry.prev_hash,
                    entry.hash,
                    entry.pk,
                ],
            )
        )
    statements.append(_set_head(2, entries[-1].seq, entries[-1].hash, entries[-1].prev_hash))
    _tamper(*statements)
    err = _verify_fails(capsys)
    assert (
        f"partition 2, seq {victim.seq} (entry id {victim.pk}): content changed: keyed hash "
        f"(key {victim.key_id}) does not match" in err
    )
    assert (
        f"partition 2, seq {entries[-1].seq} (entry id {entries[-1].pk}): hash differs from "
        "the one checkpoint 1 of" in err
    )


def test_an_entry_stripped_of_its_key_id_is_detected(people, places, capsys):
    entries = _write(1, 2, people, places)
    victim = entries[0]
    victim.key_id = ""
    digest = hashlib.sha256(
        (victim.prev_hash + audit._dumps(audit._body(victim))).encode()
    ).hexdigest()
    _tamper(
        ("UPDATE core_auditentry SET key_id = '', hash = %s WHERE id = %s", [digest, victim.pk])
    )
    err = _verify_fails(capsys)
    assert f"partition 1, seq 1 (entry id {victim.pk}): no key id" in err


def test_deleting_a_whole_partition_and_its_head_is_detected(people, places, capsys):
    _write(0, 2, people, places)
    gone = _write(7, 3)
    call_command("audit_checkpoint")
    _tamper(
        ('DELETE FROM core_auditentry WHERE "partition" = %s', [7]),
        ('DELETE FROM core_auditchainhead WHERE "partition" = %s', [7]),
    )
    err = _verify_fails(capsys)
    assert f"partition 7, seq {gone[-1].seq}: partition missing: checkpoint 1 of" in err
    assert f"recorded it up to seq {gone[-1].seq}" in err
    assert "partition 7, seq 3: chain head missing" in err


def test_deleting_the_entire_log_is_detected(people, places, capsys):
    _write(0, 2, people, places)
    _write(4, 2)
    call_command("audit_checkpoint")
    _tamper(("DELETE FROM core_auditentry", []), ("DELETE FROM core_auditchainhead", []))
    err = _verify_fails(capsys)
    assert "the audit log is empty, but checkpoint 1 of" in err
    assert "recorded 4 entries" in err


def test_dropped_triggers_are_named(people, places, capsys):
    _write(0, 1, people, places)
    call_command("audit_checkpoint")
    _tamper(restore=False)
    err = _verify_fails(capsys)
    if connection.vendor == "postgresql":
        names = ["core_auditentry_no_change", "core_auditentry_no_truncate"]
        names += ["core_auditchainhead_forward_only", "core_auditchainhead_no_truncate"]
    else:
        names = ["core_auditentry_no_update", "core_auditentry_no_delete"]
        names += ["core_auditchainhead_no_delete", "core_auditchainhead_forward_only"]
    for name in names:
        assert f"trigger {name} on core_audit" in err and "is missing" in err
    guards.install(connection)
    call_command("verify_audit")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_disabled_or_replaced_triggers_are_named_on_postgresql(people, places, capsys):
    _write(0, 1, people, places)
    call_command("audit_checkpoint")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for none
        cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_change")
        cursor.execute(
            "CREATE OR REPLACE FUNCTION core_auditchainhead_forward_only() RETURNS trigger "
            "AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
    err = _verify_fails(capsys)
    assert "trigger core_auditentry_no_change on core_auditentry is disabled" in err
    assert "trigger function core_auditchainhead_forward_only() differs from its definition" in err


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_weakened_trigger_is_named_on_sqlite(people, places, capsys):
    _write(0, 1, people, places)
    call_command("audit_checkpoint")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_auditchainhead_forward_only")
        cursor.execute(
            "CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE ON "
            "core_auditchainhead WHEN 0 BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    err = _verify_fails(capsys)
    assert "trigger core_auditchainhead_forward_only on core_auditchainhead differs" in err


def test_the_chain_heads_refuse_deletion_and_going_back(people, places):
    entries = _write(6, 3, people, places)
    last, before = entries[-1], entries[-2]
    head = AuditChainHead.objects.filter(partition=6)
    with pytest.raises(DatabaseError), transaction.atomic():
        head.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        head.update(last_seq=before.seq, last_hash=before.hash, last_prev_hash=before.prev_hash)
    with pytest.raises(DatabaseError), transaction.atomic():
        head.update(last_hash="f" * 64, last_prev_hash=last.hash)  # same seq, a made-up hash
    with pytest.raises(DatabaseError), transaction.atomic():
        head.update(partition=9)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE core_auditchainhead")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE core_auditentry CASCADE")
    assert head.get().last_seq == last.seq
    # Appending still moves the head forward.
    assert _write(6, 1)[0].seq == last.seq + 1
    assert head.get().last_seq == last.seq + 1
