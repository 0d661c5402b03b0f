"""Bad input on the platform's callback: forged, malformed, for another amount,
currency, partner, transaction or an unknown dossier (each refused with its code,
one audit entry and nothing else written); replayed, second and late callbacks
(nothing new); the callback endpoint over HTTP, with the fake platform calling it
twice and late."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from django.utils import timezone

from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers.models import Dossier, DossierEvent
from egov.payments import services
from egov.payments.models import OnlineTransaction, Payment, TransactionState
from egov.payments.tests.online import SITE, owned_dossier, resigned, withheld

CALLBACK_URL = "/thanh-toan/thong-bao/"


def _counts() -> tuple[int, ...]:
    return (
        Payment.objects.count(),
        OutboxEvent.objects.count(),
        DossierEvent.objects.count(),
        AuditEntry.objects.count(),
        tuple(OnlineTransaction.objects.values_list("state", "code").order_by("id")),
        tuple(Dossier.objects.values_list("fee_paid", "version").order_by("id")),
    )


@pytest.fixture
def paid(people, platform):
    """An attempt the citizen paid on the platform, whose callback was kept back."""
    platform.control(callback="none")
    dossier = owned_dossier(people)
    txn = services.start_online_payment(actor=people.citizen, dossier=dossier, site_url=SITE)
    platform.press(txn.platform_id)
    return txn, withheld(platform)[0]


def _refused(payload, code: str) -> AuditEntry:
    """The callback is refused with ``code``; only its audit entry is written."""
    before = _counts()
    with pytest.raises(DomainError) as refused:
        services.handle_callback(payload)
    assert refused.value.code == code
    after = _counts()
    assert after[:3] == before[:3] and after[4:] == before[4:]
    assert after[3] == before[3] + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "payments.online.callback_refused" and entry.changes["code"] == code
    return entry


@pytest.mark.django_db
def test_a_forged_checksum_is_refused(paid):
    _txn, callback = paid
    entry = _refused(resigned(callback, key="khoa-gia-mao"), "callback_checksum_invalid")
    assert entry.changes["MaThamChieu"] == callback["MaThamChieu"]
    _refused({**callback, "MaXacThuc": ""}, "callback_checksum_invalid")
    # A changed amount under the platform's own signature of the old one.
    _refused({**callback, "SoTien": 1_000}, "callback_checksum_invalid")


@pytest.mark.django_db
def test_a_malformed_callback_is_refused(paid):
    _txn, callback = paid
    _refused(None, "callback_malformed")
    _refused(["MaLoi", "00"], "callback_malformed")
    _refused({k: v for k, v in callback.items() if k != "MaGiaoDich"}, "callback_malformed")


@pytest.mark.django_db
def test_a_wrong_amount_is_refused_even_when_signed(paid):
    _txn, callback = paid
    entry = _refused(resigned(callback, SoTien=1_000), "callback_amount_mismatch")
    assert entry.changes["SoTien"] == "1000"
    _refused(resigned(callback, SoTien=250_000), "callback_amount_mismatch")


@pytest.mark.django_db
def test_a_wrong_currency_is_refused(paid):
    _txn, callback = paid
    _refused(resigned(callback, MaTienTe="USD"), "callback_currency_mismatch")


@pytest.mark.django_db
def test_an_unknown_dossier_or_reference_is_refused(paid):
    _txn, callback = paid
    _refused(
        resigned(callback, MaThamChieu="000.00.12.H06-991231-9999-TT01"),
        "callback_unknown_reference",
    )


@pytest.mark.django_db
def test_another_partner_or_transaction_is_refused(paid):
    _txn, callback = paid
    _refused(resigned(callback, MaDoiTac="DON-VI-KHAC"), "callback_partner_mismatch")
    _refused(resigned(callback, MaGiaoDich="NTTT99999999"), "callback_transaction_mismatch")


@pytest.mark.django_db
def test_a_replayed_callback_changes_nothing(paid):
    txn, callback = paid
    services.handle_callback(callback)
    before = _counts()
    for _ in range(3):
        again = services.handle_callback(callback)
        assert again.pk == txn.pk and again.state == TransactionState.SUCCEEDED
    assert _counts() == before
    # Not even a failure signed by the platform for the same attempt.
    assert services.handle_callback(resigned(callback, MaLoi="51")).payment_id is not None
    assert _counts() == before


@pytest.mark.django_db
def test_a_late_callback_after_reconciliation_changes_nothing(paid):
    txn, callback = paid
    assert services.reconcile_pending(now=timezone.now(), older_than=0)["succeeded"] == 1
    before = _counts()
    late = services.handle_callback(callback)
    assert late.state == TransactionState.SUCCEEDED and late.callback == {}
    assert _counts() == before


@pytest.mark.django_db
def test_the_endpoint_answers_the_platform_in_json(client, paid):
    txn, callback = paid
    answer = client.post(
        CALLBACK_URL, json.dumps(resigned(callback, key="x")), content_type="application/json"
    )
    assert answer.status_code == 403
    assert answer.json()["MaLoi"] == "97" and answer.json()["code"] == "callback_checksum_invalid"
    answer = client.post(CALLBACK_URL, "không phải JSON", content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "callback_malformed"
    assert client.get(CALLBACK_URL).status_code == 405
    ok = client.post(CALLBACK_URL, json.dumps(callback), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["MaLoi"] == "00"
    again = client.post(CALLBACK_URL, json.dumps(callback), content_type="application/json")
    assert again.status_code == 200 and again.json()["MaLoi"] == "00"
    assert Payment.objects.count() == 1


@pytest.fixture
def live(committed_db, live_server, people, platform):
    dossier = owned_dossier(people)
    return dossier, live_server.url


def _start(people, dossier, site) -> OnlineTransaction:
    return services.start_online_payment(actor=people.citizen, dossier=dossier, site_url=site)


def test_the_platform_calling_back_twice_over_http_pays_once(people, live, platform):
    dossier, site = live
    platform.control(callback="twice")
    txn = _start(people, dossier, site)
    platform.press(txn.platform_id)
    sent = platform.wait_for("callback", 2)
    assert [s["status"] for s in sent] == [200, 200]
    assert [json.loads(s["answer"])["MaLoi"] for s in sent] == ["00", "00"]
    txn.refresh_from_db()
    assert txn.state == TransactionState.SUCCEEDED
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert AuditEntry.objects.filter(action="payments.online.succeeded").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).fee_paid == 125_000


def test_a_delayed_callback_over_http_settles_the_pending_attempt(people, live, platform):
    dossier, site = live
    platform.control(callback="delay", delay_seconds=3600)
    txn = _start(people, dossier, site)
    platform.press(txn.platform_id)
    services.reconcile_pending(now=timezone.now(), older_than=0)
    txn.refresh_from_db()
    assert txn.state == TransactionState.PENDING  # the platform says 3, pending
    platform.control(release=True)
    (sent,) = platform.wait_for("callback", 1)
    assert sent["status"] == 200
    txn.refresh_from_db()
    assert txn.state == TransactionState.SUCCEEDED and txn.payment.amount == 125_000


def test_simultaneous_callbacks_pay_once(people, live, platform):
    dossier, site = live
    platform.control(callback="none")
    txn = _start(people, dossier, site)
    platform.press(txn.platform_id)
    body = json.dumps(withheld(platform)[0]).encode()
    answers: list[int] = []

    def post() -> None:
        request = urllib.request.Request(
            site + CALLBACK_URL, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            answers.append(json.loads(answer.read())["MaLoi"] == "00")

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [True] * 6
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert AuditEntry.objects.filter(action="payments.online.succeeded").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).fee_paid == 125_000
