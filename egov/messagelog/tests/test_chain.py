"""Every exchange becomes one hash-chained record; the verifier recomputes the chain
and names the first changed, deleted or inserted record."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from egov.messagelog import log
from egov.messagelog.models import MessageLogHead, MessageRecord
from egov.messagelog.tests.helpers import exchange, exchanges
from egov.messagelog.verify import verify


def _verify_command() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("messagelog_verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _broken() -> str:
    with pytest.raises(CommandError) as failed:
        call_command("messagelog_verify", stdout=StringIO(), stderr=StringIO())
    return str(failed.value)


@pytest.mark.django_db
def test_each_record_chains_to_the_previous_and_the_log_verifies():
    first, second, third = exchanges(3)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == log.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert third.hash == log.digest(MessageRecord.objects.get(seq=3))  # as stored
    head = MessageLogHead.objects.get()
    assert (head.last_seq, head.last_hash) == (3, third.hash)
    out, _err = _verify_command()
    assert "records: 3 in the table" in out and "unsealed records: 3" in out
    assert "OK" in out


@pytest.mark.django_db
def test_an_append_is_three_statements_under_the_head_lock(django_assert_num_queries):
    exchange(0)  # the head row exists from the first append on
    # SAVEPOINT, UPDATE head RETURNING (takes its lock), INSERT record, UPDATE head, RELEASE.
    with django_assert_num_queries(5):
        exchange(1)


@pytest.mark.django_db
@pytest.mark.usefixtures("unguarded")
def test_a_changed_record_is_named():
    exchanges(5)
    MessageRecord.objects.filter(seq=3).update(status=500)
    message = _broken()
    assert "record seq 3" in message and "content changed" in message
    report = verify()
    assert [p.seq for p in report.problems] == [3]  # reported once, not for each after


@pytest.mark.django_db
@pytest.mark.usefixtures("unguarded")
def test_a_changed_hash_breaks_the_link_to_the_next_record():
    exchanges(4)
    MessageRecord.objects.filter(seq=2).update(hash="f" * 64)
    problems = verify().problems
    assert [(p.seq, p.reason.split(":")[0]) for p in problems] == [
        (2, "content changed"),
        (3, "prev_hash does not match the previous record"),
    ]


@pytest.mark.django_db
def test_a_deleted_record_is_named():
    exchanges(5)
    MessageRecord.objects.filter(seq=2).delete()
    message = _broken()
    assert "record seq 3" in message and "record(s) 2-2 missing" in message


@pytest.mark.django_db
def test_a_record_deleted_at_the_end_is_found_by_the_head():
    exchanges(3)
    MessageRecord.objects.filter(seq=3).delete()
    assert "chain head names record 3, the last record found is 2" in _broken()


@pytest.mark.django_db
@pytest.mark.usefixtures("unguarded")
def test_an_inserted_record_is_named():
    records = exchanges(3)
    forged = MessageRecord.objects.get(seq=3)
    forged.pk, forged.seq, forged.prev_hash = None, 4, records[-1].hash
    forged.hash = log.digest(forged)  # a well-formed record, but the head never moved
    forged.save()
    assert "records inserted or removed at the end" in _broken()
    # Inserted in the middle: the following records are renumbered to make room.
    MessageRecord.objects.filter(seq=4).delete()
    for seq in (3, 2):
        MessageRecord.objects.filter(seq=seq).update(seq=seq + 1)
    middle = MessageRecord.objects.get(seq=3)
    middle.pk, middle.seq, middle.client = None, 2, "VN/GOV/forged"
    middle.hash = log.digest(middle)
    middle.save()
    problems = verify().problems
    assert problems[0].seq == 3 and "prev_hash" in problems[0].reason


@pytest.mark.django_db
def test_the_database_refuses_to_change_a_record_or_a_seal():
    exchanges(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        MessageRecord.objects.filter(seq=1).update(status=500)
    assert MessageRecord.objects.get(seq=1).status == 200
    assert verify().warnings == []


@pytest.mark.django_db
def test_verify_warns_when_a_trigger_is_gone():
    from egov.messagelog import guards

    exchanges(1)
    guards.remove(connection)
    err = StringIO()
    call_command("messagelog_verify", stdout=StringIO(), stderr=err)  # the chain is intact
    assert "messagelog_messagerecord_no_update is missing" in err.getvalue()


@pytest.mark.django_db
def test_nothing_is_written_for_a_bad_call():
    exchange(0)
    with pytest.raises(ValueError):
        exchange(1, status="not a number")
    assert MessageRecord.objects.count() == 1
    assert MessageLogHead.objects.get().last_seq == 1
    assert verify().ok


def test_concurrent_appenders_form_one_chain(committed_db):
    """Four threads, each with its own database connection (as separate processes
    would have), append at once."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def appender(worker: int) -> None:
        try:
            start.wait()
            for n in range(25):
                exchange(worker * 100 + n)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=appender, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(MessageRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 101))
    report = verify()
    assert report.ok, report.problems
    assert report.records == 100
    connection.close()


def test_deploy_check_warns_without_a_key(settings):
    from django.core.checks import run_checks

    settings.MESSAGELOG_KEY = ""
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "egov.messagelog.W001" in ids
    settings.MESSAGELOG_KEY = "k1:" + "ab" * 32
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "egov.messagelog.W001" not in ids


@pytest.mark.django_db
def test_long_or_odd_values_are_cut_to_their_columns_not_refused():
    record = exchange(0, path="/gateway/x?" + "a" * 5000, error_type="e\x00" * 300)
    stored = MessageRecord.objects.get(pk=record.pk)
    assert len(stored.path) == 2000 and stored.path == record.path
    assert len(stored.error_type) == 255 and "\x00" not in stored.error_type
    assert verify().ok


APPENDER = """
import os, pathlib, time
import django
django.setup()
from egov.messagelog.tests.helpers import exchange
go = pathlib.Path(os.environ["GO"])
pathlib.Path(os.environ["GO"] + "-ready-" + os.environ["WORKER"]).touch()
while not go.exists():
    time.sleep(0.01)
for n in range(30):
    exchange(int(os.environ["WORKER"]) * 1000 + n)
"""


def test_appenders_in_several_processes_form_one_chain(committed_db, settings, tmp_path):
    import subprocess
    import sys

    from egov.core.tests.processes import child_env

    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER],
            cwd=settings.BASE_DIR,
            env=child_env(GO=str(go), WORKER=str(worker)),
        )
        for worker in range(3)
    ]
    import time

    for _ in range(600):  # every child set up and waiting: then all start at once
        if len(list(tmp_path.glob("go-ready-*"))) == 3:
            break
        time.sleep(0.05)
    go.touch()
    exchanges(30)  # this process too, at the same time
    assert [child.wait(timeout=120) for child in children] == [0, 0, 0]
    seqs = list(MessageRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 121))
    report = verify()
    assert report.ok, report.problems
