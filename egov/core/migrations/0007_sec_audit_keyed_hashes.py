"""Keyed audit hashes (docs/decisions/0008-audit-anchored.md).

Adds ``key_id`` to the entries and seals the existing ones with the current audit key:
each partition's plain SHA-256 chain is verified first (a broken chain stops the
migration, naming the entry: it must not be laundered by a new seal), then every entry
of it is given the key id and its keyed hash, in order, and the head follows. Installs
the guards of the chain-head table. Not reversible in effect: going back leaves keyed
hashes that the old code reads as broken.
"""

import datetime
import hashlib
import json

from django.db import migrations, models

from egov.core import guards

GENESIS = "0" * 64


def _legacy_body(entry):
    return {
        "partition": entry.partition,
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.astimezone(datetime.UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "agency_id": entry.agency_id,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "client_ip": entry.client_ip,
    }


def _legacy_digest(entry):
    text = json.dumps(
        _legacy_body(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256((entry.prev_hash + text).encode()).hexdigest()


def seal(apps, schema_editor):
    from egov.core.audit import entry_digest

    Entry = apps.get_model("core", "AuditEntry")
    Head = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    guards.remove(schema_editor.connection)
    partitions = sorted(
        set(Entry.objects.using(db).values_list("partition", flat=True).distinct())
    )
    for partition in partitions:
        entries = list(Entry.objects.using(db).filter(partition=partition).order_by("seq"))
        seq, prev = 0, GENESIS
        for entry in entries:
            if entry.seq != seq + 1 or entry.prev_hash != prev or _legacy_digest(entry) != entry.hash:
                raise RuntimeError(
                    f"audit chain broken before sealing: partition {partition}, seq "
                    f"{entry.seq} (entry id {entry.pk}); run the previous verify_audit and "
                    "investigate before upgrading"
                )
            seq, prev = entry.seq, entry.hash
        prev = GENESIS
        for entry in entries:
            entry.prev_hash, entry.key_id = prev, ""
            entry.hash = entry_digest(entry)
            prev = entry.hash
        Entry.objects.using(db).bulk_update(entries, ["prev_hash", "hash", "key_id"], 1000)
        last = entries[-1]
        Head.objects.using(db).filter(partition=partition).update(
            last_seq=last.seq, last_hash=last.hash, last_prev_hash=last.prev_hash
        )
    guards.install(schema_editor.connection)


def unseal(apps, schema_editor):
    guards.install(schema_editor.connection)  # the guards of 0003 and this one


class Migration(migrations.Migration):
    dependencies = [("core", "0006_session_with_user")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(seal, unseal),
    ]
