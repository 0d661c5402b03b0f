"""The checkpoint file outside the database: signed, chained lines, written only over a
verified log, by the command and by the periodic task."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from egov.core import audit, audit_checkpoint, guards
from egov.core.tasks import write_audit_checkpoint


def _record(partition, n=1):
    connection.egov_audit_partition = partition
    return [
        audit.record(actor=None, action="test.event", object_type="x", object_id=i)
        for i in range(n)
    ]


def _lines(settings):
    return settings.AUDIT_CHECKPOINT_PATH.read_text().splitlines()


def test_each_checkpoint_records_every_head_and_the_count_and_chains_to_the_last(db, settings):
    first = _record(0, 2)
    call_command("audit_checkpoint")
    second = _record(3, 1)
    call_command("audit_checkpoint")
    one, two = (json.loads(line) for line in _lines(settings))
    assert (one["n"], one["count"], two["n"], two["count"]) == (1, 2, 2, 3)
    assert len(two["heads"]) == settings.AUDIT_PARTITIONS
    assert [0, 2, first[-1].hash] in two["heads"]
    assert [3, 1, second[0].hash] in two["heads"]
    assert [5, 0, audit.GENESIS] in two["heads"]
    assert one["prev"] == audit.GENESIS and two["prev"] == one["sig"]
    assert audit_checkpoint.read(settings.AUDIT_CHECKPOINT_PATH, audit.audit_keys.load())[1] == []


def test_a_log_with_entries_and_no_checkpoint_does_not_verify(db, settings, capsys):
    _record(0, 1)
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "no checkpoint at" in capsys.readouterr().err


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda lines: [lines[0].replace('"count":1', '"count":9'), *lines[1:]], "bad signature"),
        (lambda lines: [lines[0], lines[2]], "does not follow checkpoint 1"),
        (lambda lines: lines[1:], "the file does not start with checkpoint 1"),
        (lambda lines: [lines[0], "{not json"], "is not a checkpoint"),
    ],
)
def test_a_changed_checkpoint_file_is_named(db, settings, capsys, edit, message):
    for _ in range(3):
        _record(0, 1)
        call_command("audit_checkpoint")
    path = settings.AUDIT_CHECKPOINT_PATH
    path.write_text("\n".join(edit(_lines(settings))) + "\n")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert message in capsys.readouterr().err


def test_an_incomplete_last_line_is_named(db, settings, capsys):
    _record(0, 1)
    call_command("audit_checkpoint")
    with settings.AUDIT_CHECKPOINT_PATH.open("a") as file:
        file.write('{"n": 2, "at"')
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "the last line (2) of the checkpoint file is incomplete" in capsys.readouterr().err


def test_no_checkpoint_is_written_over_a_broken_chain(db, settings, capsys):
    _record(2, 3)
    call_command("audit_checkpoint")
    since = _record(2, 2)  # seq 4 and 5, verified by the next checkpoint
    guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [since[0].pk])
    guards.install(connection)
    with pytest.raises(CommandError, match="no checkpoint written: 1 problem"):
        call_command("audit_checkpoint")
    assert (
        f"partition 2, seq 4 (entry id {since[0].pk}): content changed" in capsys.readouterr().err
    )
    assert len(_lines(settings)) == 1


def test_the_periodic_task_writes_a_checkpoint(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _record(1, 2)
    result = write_audit_checkpoint.enqueue()
    assert result.return_value == 1
    assert json.loads(_lines(settings)[0])["count"] == 2
