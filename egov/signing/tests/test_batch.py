"""Batch signing: the key unlocked once, each dossier signed and moved on or not at
all, failures reported per document; a wrong passphrase refuses the whole batch."""

from __future__ import annotations

import pytest

from egov.core.errors import DomainError
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier, ResultFile
from egov.signing import devpki, queries, services
from egov.signing.models import Batch, BatchItem, SignedResult
from egov.signing.tests.conftest import counts


def test_batch_signs_each_or_reports_why(people, signing_setup, to_leader):
    ready = [to_leader(), to_leader()]
    # One already decided by someone else: its item fails, the others are signed.
    decided = to_leader()
    from egov.dossiers import services as dossier_services

    dossier_services.record_result(actor=people.agency_leader, dossier=decided)
    assert {d.pk for d in queries.waiting_for_signature(people.agency_leader)} == {
        d.pk for d in ready
    }
    seen = []
    batch = services.sign_batch(
        actor=people.agency_leader,
        dossier_ids=[ready[0].pk, decided.pk, ready[1].pk],
        passphrase=devpki.DEV_PASSPHRASE,
        progress=lambda item: seen.append((item.dossier_id, item.state)),
    )
    assert seen == [
        (ready[0].pk, "signed"),
        (decided.pk, "failed"),
        (ready[1].pk, "signed"),
    ]
    items = list(batch.items.order_by("id"))
    assert [i.state for i in items] == ["signed", "failed", "signed"]
    failed = items[1]
    assert failed.error_code and failed.message and failed.message_en
    assert batch.finished_at is not None and batch.total == 3
    for dossier in ready:
        assert Dossier.objects.get(pk=dossier.pk).status == Status.FINISHED
        assert queries.signed_result(dossier) is not None
    # Nothing half-signed: the failed dossier has no signed result nor a new file.
    assert not SignedResult.objects.filter(dossier=decided).exists()
    assert not ResultFile.objects.filter(dossier=decided).exists()


def test_batch_with_a_wrong_passphrase_writes_nothing(people, signing_setup, to_leader):
    ids = [to_leader().pk, to_leader().pk]
    before = counts()
    with pytest.raises(DomainError) as refused:
        services.sign_batch(actor=people.agency_leader, dossier_ids=ids, passphrase="sai")
    assert refused.value.code == "passphrase_wrong"
    assert counts() == before
    assert not BatchItem.objects.exists()


def test_empty_batch(people, signing_setup):
    with pytest.raises(DomainError) as refused:
        services.sign_batch(
            actor=people.agency_leader, dossier_ids=[], passphrase=devpki.DEV_PASSPHRASE
        )
    assert refused.value.code == "batch_empty"


def test_batch_pages(client, people, signing_setup, to_leader):
    from django.urls import reverse

    ready = to_leader()
    client.force_login(people.agency_leader)
    page = client.get(reverse("signing:batch"))
    assert page.status_code == 200 and ready.code in page.text
    answer = client.post(
        reverse("signing:batch"),
        {"dossiers": [ready.pk], "passphrase": "sai"},
    )
    assert answer.status_code == 400 and "Mật khẩu của tệp chứng thư số không đúng." in answer.text
    other = to_leader()
    answer = client.post(
        reverse("signing:batch"),
        {"dossiers": [ready.pk, other.pk], "passphrase": devpki.DEV_PASSPHRASE},
    )
    assert answer.status_code == 200 and answer.streaming
    # The page goes out in pieces: the head first, then one row per dossier signed.
    chunks = [c.decode() if isinstance(c, bytes) else c for c in answer.streaming_content]
    rows = [c for c in chunks if c.startswith('<tr class="item-')]
    assert [r.split("<td>")[1].split("</td>")[0] for r in rows] == ["1/2", "2/2"]
    assert ready.code in rows[0] and other.code in rows[1]
    assert chunks.index(rows[0]) > 0  # after the head
    page = "".join(chunks)
    assert "2/2 hồ sơ đã xử lý: 2 đã ký, 0 không ký được." in page
    assert page.rstrip().endswith("</html>")
    batch = Batch.objects.latest("id")
    assert batch.finished_at is not None
    detail = client.get(reverse("signing:batch_detail", args=[batch.pk]))
    assert "2/2 hồ sơ đã xử lý: 2 đã ký, 0 không ký được." in detail.text
