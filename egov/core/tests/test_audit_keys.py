"""The audit key: outside the database, created on first use, rotated without losing
what old keys sealed, and required to verify."""

import importlib
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from egov.core import audit, audit_keys, guards, migrations
from egov.core.models import AuditEntry


def _record(n=1):
    return [
        audit.record(actor=None, action="test.event", object_type="x", object_id=i)
        for i in range(n)
    ]


def test_the_key_file_is_created_on_first_write_readable_by_its_owner_only(db, settings, tmp_path):
    settings.AUDIT_KEY_FILE = tmp_path / "var" / "audit-key"
    entry = _record()[0]
    mode = stat.S_IMODE(settings.AUDIT_KEY_FILE.stat().st_mode)
    assert mode == 0o600
    keys = audit_keys.load()
    assert entry.key_id == keys.current_id
    assert AuditEntry.objects.get(pk=entry.pk).key_id == keys.current_id
    # The hash is keyed: not the plain SHA-256 of the same text, and not made by another key.
    assert entry.hash == audit.entry_digest(entry)
    other = audit_keys.parse(f"{keys.current_id}:{'ab' * 32}", "test")
    assert audit._verify_digest(entry, other) != entry.hash


def test_a_missing_key_file_refuses_to_verify_and_is_not_created(db, settings, tmp_path):
    _record(2)
    call_command("audit_checkpoint")
    settings.AUDIT_KEY_FILE = tmp_path / "lost-key"
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit")
    assert (
        f"cannot verify the audit log: the audit key file {tmp_path / 'lost-key'} does not "
        "exist" in str(refused.value)
    )
    assert "Restore it from its backup" in str(refused.value)
    assert not (tmp_path / "lost-key").exists()


def test_rotation_keeps_old_entries_verifiable(db, settings, tmp_path, capsys):
    old = f"old-key:{'11' * 32}"
    settings.AUDIT_KEY_FILE = tmp_path / "audit-key"
    settings.AUDIT_KEY_FILE.write_text(f"{old}\n")
    connection.egov_audit_partition = 0
    before = _record(3)
    call_command("audit_checkpoint")
    # Rotation: a new last line; the old one stays for what it sealed.
    settings.AUDIT_KEY_FILE.write_text(f"# rotated\n{old}\nnew-key:{'22' * 32}\n")
    after = _record(2)
    call_command("audit_checkpoint")
    assert {e.key_id for e in before} == {"old-key"}
    assert {e.key_id for e in after} == {"new-key"}
    assert after[0].prev_hash == before[-1].hash  # one chain across the rotation
    call_command("verify_audit")
    assert "OK: 5 audit entries verified" in capsys.readouterr().out
    # Verifying needs every key: without the old one its entries and checkpoint cannot be.
    settings.AUDIT_KEY_FILE.write_text(f"new-key:{'22' * 32}\n")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert (
        f"partition 0, seq 1 (entry id {before[0].pk}): audit key id 'old-key' is not among "
        "the configured keys: cannot be verified" in err
    )
    assert "checkpoint 1 of" in err and "its signature cannot be verified" in err


def test_keys_can_come_from_the_environment_setting(db, settings, tmp_path, capsys):
    settings.AUDIT_KEY = f"a:{'33' * 32}, b:{'44' * 32}"
    settings.AUDIT_KEY_FILE = tmp_path / "unused"
    entry = _record()[0]
    assert entry.key_id == "b"
    assert not settings.AUDIT_KEY_FILE.exists()
    call_command("audit_checkpoint")
    call_command("verify_audit")
    assert "OK: 1 audit entries verified" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "no key in it"),
        ("k1", "is not 'id:hex secret'"),
        ("k1:zz", "is not hex"),
        (f"k1:{'ab' * 16}", "has 16 bytes, at least 32 are needed"),
        (f"k1:{'ab' * 32},k1:{'cd' * 32}", "given twice with different secrets"),
    ],
)
def test_malformed_keys_are_refused_clearly(text, message):
    with pytest.raises(audit_keys.AuditKeyError, match=message):
        audit_keys.parse(text, "EGOV_AUDIT_KEY")


def _sealing_migration():
    # Found by its name, whatever number the migration ends up with.
    folder = Path(migrations.__file__).parent
    name = next(folder.glob("*_sec_audit_keyed_hashes.py")).stem
    return importlib.import_module(f"egov.core.migrations.{name}")


def _as_before_keys(entries):
    """Rewrite ``entries`` (one partition) as the code before keyed hashes wrote them."""
    migration = _sealing_migration()
    prev = audit.GENESIS
    guards.remove(connection)
    with connection.cursor() as cursor:
        for entry in entries:
            entry.prev_hash, entry.key_id = prev, ""
            entry.hash = migration._legacy_digest(entry)
            prev = entry.hash
            cursor.execute(
                "UPDATE core_auditentry SET prev_hash = %s, hash = %s, key_id = '' WHERE id = %s",
                [entry.prev_hash, entry.hash, entry.pk],
            )
        cursor.execute(
            "UPDATE core_auditchainhead SET last_hash = %s, last_prev_hash = %s "
            'WHERE "partition" = %s',
            [entries[-1].hash, entries[-1].prev_hash, entries[0].partition],
        )
    guards.install(connection)


def test_the_upgrade_seals_the_old_entries_with_the_key(db):
    connection.egov_audit_partition = 4
    entries = _record(3)
    _as_before_keys(entries)
    assert "no key id" in audit.verify_chain()[1][0].reason
    _sealing_migration().seal(django_apps, SimpleNamespace(connection=connection))
    assert audit.verify_chain()[1] == []
    assert set(AuditEntry.objects.values_list("key_id", flat=True)) == {
        audit_keys.load().current_id
    }
    assert guards.check(connection) == []


def test_the_upgrade_refuses_to_seal_a_broken_chain(db):
    connection.egov_audit_partition = 4
    entries = _record(3)
    _as_before_keys(entries)
    guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entries[1].pk]
        )
    with pytest.raises(RuntimeError, match=f"partition 4, seq 2 \\(entry id {entries[1].pk}\\)"):
        _sealing_migration().seal(django_apps, SimpleNamespace(connection=connection))
