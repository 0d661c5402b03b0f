"""Sealed batches past the retention period move to hash-chained gzip files; the table
keeps the rest, and the verifier walks files and table as one chain."""

from __future__ import annotations

import datetime
import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from egov.core.models import AuditEntry
from egov.messagelog import archive, conf, log, seal
from egov.messagelog.models import MessageArchive, MessageRecord, MessageSeal
from egov.messagelog.tests.helpers import exchanges
from egov.messagelog.verify import verify

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=31)  # past the default retention of 30 days


def _sealed_batches(settings, count: int = 3, size: int = 4) -> None:
    settings.MESSAGELOG_BATCH_SIZE = size
    exchanges(count * size)
    assert seal.seal_pending().seals == count


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]


def test_old_batches_move_to_chained_files_and_the_log_still_verifies(sealing, settings):
    _sealed_batches(settings)
    assert archive.archive_expired().files == []  # nothing is old yet
    result = archive.archive_expired(now=timezone.now() + LATER)
    assert result.records == 12 and result.refused == ""
    assert result.files == [
        "messagelog-000000000001-000000000004.jsonl.gz",
        "messagelog-000000000005-000000000008.jsonl.gz",
        "messagelog-000000000009-000000000012.jsonl.gz",
    ]
    assert MessageRecord.objects.count() == 0 and MessageSeal.objects.count() == 0
    rows = list(MessageArchive.objects.order_by("first_seq"))
    directory = conf.archive_dir()
    first = _lines(directory / rows[0].file_name)
    assert first[0]["type"] == "header" and first[0]["prev_sha256"] == log.GENESIS
    assert first[1]["type"] == "seal" and [line["seq"] for line in first[2:]] == [1, 2, 3, 4]
    assert _lines(directory / rows[1].file_name)[0]["prev_sha256"] == rows[0].sha256
    assert AuditEntry.objects.filter(action="messagelog.archived").count() == 3

    # The log goes on after the archived part; its first live record chains to it.
    [after] = exchanges(1, start=12)
    assert after.seq == 13 and after.prev_hash == rows[-1].last_hash
    seal.seal_pending()
    report = verify()
    assert report.ok, report.problems
    assert (report.archives, report.archived_records, report.records) == (3, 12, 1)
    assert (report.seals, report.unsealed) == (4, 0)
    out = StringIO()
    call_command("messagelog_verify", stdout=out)
    assert "1 in the table, 12 archived in 3 file(s)" in out.getvalue()


def test_only_sealed_batches_are_archived(sealing, settings):
    _sealed_batches(settings, count=1)
    exchanges(2, start=4)  # not sealed
    result = archive.archive_expired(now=timezone.now() + LATER)
    assert result.records == 4
    assert list(MessageRecord.objects.values_list("seq", flat=True)) == [5, 6]
    assert verify().ok


def test_the_command_archives_with_the_retention_setting(sealing, settings):
    settings.MESSAGELOG_RETENTION_DAYS = 0
    _sealed_batches(settings, count=2)
    out = StringIO()
    call_command("messagelog_archive", stdout=out)
    assert "2 archive file(s), 8 record(s) archived" in out.getvalue()
    assert verify().ok


def test_a_changed_archive_file_is_detected(sealing, settings):
    _sealed_batches(settings)
    archive.archive_expired(now=timezone.now() + LATER)
    row = MessageArchive.objects.order_by("first_seq")[1]
    path = conf.archive_dir() / row.file_name
    lines = _lines(path)
    lines[3]["status"] = 500
    path.write_bytes(gzip.compress(b"\n".join(json.dumps(line).encode() for line in lines)))
    with pytest.raises(CommandError) as failed:
        call_command("messagelog_verify", stdout=StringIO(), stderr=StringIO())
    assert "SHA-256 is not the one recorded" in str(failed.value)
    reasons = [str(p) for p in verify().problems]
    assert any("record seq 6" in r and "content changed" in r for r in reasons)


def test_a_deleted_archive_file_is_detected(sealing, settings):
    _sealed_batches(settings)
    archive.archive_expired(now=timezone.now() + LATER)
    row = MessageArchive.objects.order_by("first_seq")[0]
    (conf.archive_dir() / row.file_name).unlink()
    problem = verify().problems[0]
    assert problem.where == row.file_name and "unreadable" in problem.reason


@pytest.mark.usefixtures("unguarded")
def test_a_batch_that_does_not_verify_stays_in_the_table(sealing, settings):
    _sealed_batches(settings)
    MessageRecord.objects.filter(seq=6).update(status=500)
    result = archive.archive_expired(now=timezone.now() + LATER)
    assert len(result.files) == 1  # the first batch; the second does not verify
    assert "batch 5-8 does not verify: record 6 changed" in result.refused
    assert MessageRecord.objects.filter(seq=6).exists()
    settings.MESSAGELOG_RETENTION_DAYS = 0
    with pytest.raises(CommandError, match="record 6 changed"):
        call_command("messagelog_archive", stdout=StringIO())


def test_live_records_that_do_not_follow_the_archives_are_detected(sealing, settings):
    _sealed_batches(settings)
    archive.archive_expired(now=timezone.now() + LATER)
    exchanges(2, start=12)
    MessageArchive.objects.filter(first_seq=9).delete()  # the last file's row removed
    problems = verify().problems
    assert problems[0].seq == 13 and "record(s) 9-12 missing" in problems[0].reason


def test_archived_bodies_stay_encrypted_and_open_with_the_key(sealing, settings):
    import base64

    from egov.messagelog import crypto
    from egov.messagelog.tests.helpers import CCCD, exchange

    settings.MESSAGELOG_BODIES = True
    record = exchange(0, request_body=f'{{"soDinhDanh": "{CCCD}"}}', response_body=b"{}")
    seal.seal_pending()
    [name] = archive.archive_expired(now=timezone.now() + LATER).files
    data = gzip.decompress((conf.archive_dir() / name).read_bytes())
    assert CCCD.encode() not in data
    [line] = [line for line in _lines(conf.archive_dir() / name) if line["type"] == "record"]
    body = crypto.open_body(
        crypto.key(line["key_id"]),
        base64.b64decode(line["request_body"]),
        message_id=record.message_id,
        which="request",
    )
    assert CCCD.encode() in body
    assert verify().ok


def test_an_unwritable_archive_directory_archives_nothing(sealing, settings, tmp_path):
    _sealed_batches(settings, count=1)
    (tmp_path / "file").write_text("not a directory")
    settings.MESSAGELOG_ARCHIVE_DIR = str(tmp_path / "file" / "archive")
    settings.MESSAGELOG_RETENTION_DAYS = 0
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("messagelog_archive", stdout=StringIO())
    assert MessageRecord.objects.count() == 4 and MessageArchive.objects.count() == 0
