"""Online payment through the national payment platform's model, against the fake
platform (fakes/payment.py) over HTTP: the INIT message, who may pay, one pending
attempt at a time, a confirmed payment becoming the desk's payment with its receipt,
a failure and a retry, the platform down, and the reconciliation of attempts the
platform never called back about."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers.models import Dossier
from egov.payments import services
from egov.payments.models import Method, OnlineTransaction, Payment, TransactionState
from egov.payments.tests.online import SITE, owned_dossier, withheld

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=10)


@pytest.fixture
def dossier(people):
    return owned_dossier(people)


def _counts() -> tuple[int, ...]:
    return (
        OnlineTransaction.objects.count(),
        Payment.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def _start(people, dossier) -> OnlineTransaction:
    return services.start_online_payment(actor=people.citizen, dossier=dossier, site_url=SITE)


def test_the_init_message_carries_the_dossier_and_its_fees(people, dossier, platform):
    txn = _start(people, dossier)
    assert txn.state == TransactionState.PENDING and txn.amount == 125_000
    assert txn.reference == f"{dossier.code}-TT01"
    assert txn.platform_id.startswith("NTTT") and txn.pay_url.startswith(platform.url + "/pay/")
    (init,) = platform.of_kind("init")
    message = init["message"]
    assert message["MaDoiTac"] == "UBND-CHO-MOI"
    assert message["MaThamChieu"] == txn.reference and dossier.code in message["MaThamChieu"]
    assert (message["SoTien"], message["MaTienTe"]) == (125_000, "VND")
    assert dossier.code in message["ThongTinGiaoDich"]
    local = timezone.localtime(txn.created_at)  # Asia/Ho_Chi_Minh
    assert re.fullmatch(r"\d{14}", message["ThoiGianGD"])
    assert message["ThoiGianGD"] == local.strftime("%Y%m%d%H%M%S")
    receipt = message["ThongTinBienLai"]
    assert receipt["MaHoSo"] == dossier.code
    assert receipt["MaTTHC"] == dossier.procedure_version.code
    assert receipt["MaDonVi"] == dossier.receiving_agency.code
    assert [f["SoTien"] for f in receipt["PhiLePhi"]] == [100_000, 25_000]
    assert message["UrlThongBao"] == f"{SITE}/thanh-toan/thong-bao/"
    assert message["UrlTraVe"] == f"{SITE}/thanh-toan/{dossier.code}/ket-qua/{txn.reference}/"
    assert len(message["MaXacThuc"]) == 64  # the platform verified it (else no MaGiaoDich)
    entry = AuditEntry.objects.get(action="payments.online.start")
    assert entry.changes["amount"] == 125_000 and entry.actor_id == people.citizen.pk


def test_a_second_click_gets_the_same_attempt(people, dossier, platform):
    first = _start(people, dossier)
    second = _start(people, dossier)
    assert first.pk == second.pk and second.pay_url == first.pay_url
    assert len(platform.of_kind("init")) == 1
    assert OnlineTransaction.objects.count() == 1


def test_only_the_account_that_filed_the_dossier_pays_it(people, dossier, platform):
    before = _counts()
    for actor in (people.desk_officer, people.specialist):
        with pytest.raises(DomainError) as refused:
            services.start_online_payment(actor=actor, dossier=dossier, site_url=SITE)
        assert refused.value.code == "permission_denied"
    assert _counts() == before and platform.received == []


def test_nothing_to_pay_online_is_refused_and_writes_nothing(people, platform):
    offline = owned_dossier(people, code="2.000885", online=False)
    paid = owned_dossier(people, code="2.000886")
    services.record_payment(actor=people.desk_officer, dossier=paid, method=Method.CASH)
    before = _counts()
    for dossier, code in ((offline, "online_payment_not_offered"), (paid, "nothing_due")):
        with pytest.raises(DomainError) as refused:
            _start(people, dossier)
        assert refused.value.code == code
    assert _counts() == before and platform.received == []


def test_a_confirmed_payment_is_the_desks_payment_with_its_receipt(people, dossier, platform):
    platform.control(callback="none")
    txn = _start(people, dossier)
    back = platform.press(txn.platform_id)
    assert back.startswith(f"{SITE}/thanh-toan/{dossier.code}/ket-qua/{txn.reference}/?")
    (callback,) = withheld(platform)
    assert callback["MaLoi"] == "00" and callback["SoTien"] == 125_000

    settled = services.handle_callback(callback)
    assert settled.state == TransactionState.SUCCEEDED and settled.callback == callback
    payment = settled.payment
    assert (payment.method, payment.amount, payment.reference) == (
        Method.ONLINE,
        125_000,
        txn.platform_id,
    )
    assert payment.receipt_number == f"{timezone.localtime().year}-000001"
    assert payment.received_by is None and payment.payer_name == dossier.applicant_name
    dossier.refresh_from_db()
    assert dossier.fee_paid == 125_000 and services.outstanding(dossier) == 0
    assert services.due_before_return(dossier) == 0
    assert dossier.events.filter(action="record_payment").get().data["method"] == "online"
    event = OutboxEvent.objects.get(topic="dossier.fee_recorded")
    assert event.payload["method"] == "online" and event.payload["outstanding"] == 0
    entry = AuditEntry.objects.get(action="payments.online.succeeded")
    assert entry.changes["receipt_number"] == payment.receipt_number


def test_the_desk_and_online_share_one_receipt_series(people, dossier, platform):
    services.record_payment(
        actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=25_000
    )
    platform.control(callback="none")
    txn = _start(people, dossier)
    assert txn.amount == 100_000
    platform.press(txn.platform_id)
    settled = services.handle_callback(withheld(platform)[0])
    year = timezone.localtime().year
    assert settled.payment.receipt_number == f"{year}-000002"


def test_a_failure_then_a_retry_that_succeeds(people, dossier, platform):
    platform.control(callback="none", fail_next=1)
    first = _start(people, dossier)
    platform.press(first.platform_id)
    failed = services.handle_callback(withheld(platform)[0])
    assert failed.state == TransactionState.FAILED and failed.payment is None
    assert failed.code == "51" and Payment.objects.count() == 0
    assert AuditEntry.objects.filter(action="payments.online.failed").count() == 1

    second = _start(people, dossier)
    assert second.pk != first.pk and second.reference == f"{dossier.code}-TT02"
    platform.press(second.platform_id)
    assert services.handle_callback(withheld(platform)[1]).state == TransactionState.SUCCEEDED
    dossier.refresh_from_db()
    assert services.outstanding(dossier) == 0


def test_the_payer_cancelling_fails_the_attempt(people, dossier, platform):
    platform.control(callback="none")
    txn = _start(people, dossier)
    platform.press(txn.platform_id, "cancel")
    assert services.handle_callback(withheld(platform)[0]).state == TransactionState.FAILED


def test_the_platform_down_fails_the_attempt_and_says_so(people, dossier, settings):
    settings.EGOV_PAYMENT_URL = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(DomainError) as refused:
        _start(people, dossier)
    assert refused.value.code == "payment_platform_unavailable" and refused.value.status == 503
    txn = OnlineTransaction.objects.get()
    assert txn.state == TransactionState.FAILED
    assert AuditEntry.objects.filter(action="payments.online.init_failed").count() == 1
    assert Payment.objects.count() == 0


def test_reconciliation_finds_a_payment_the_platform_never_called_back_about(
    people, dossier, platform
):
    platform.control(callback="none")
    txn = _start(people, dossier)
    platform.press(txn.platform_id)
    # Too young: not asked yet.
    assert services.reconcile_pending(now=timezone.now())["checked"] == 0
    counts = services.reconcile_pending(now=timezone.now() + LATER)
    assert counts["checked"] == 1 and counts["succeeded"] == 1
    (query,) = platform.of_kind("query")
    assert query["message"]["MaThamChieu"] == txn.reference
    txn.refresh_from_db()
    assert txn.state == TransactionState.SUCCEEDED and txn.status_answer["TrangThaiGD"] == 1
    assert txn.payment.method == Method.ONLINE
    assert services.reconcile_pending(now=timezone.now() + LATER)["checked"] == 0


def test_reconciliation_keeps_asking_while_the_platform_says_pending(people, dossier, platform):
    platform.control(callback="delay", delay_seconds=3600)
    txn = _start(people, dossier)
    platform.press(txn.platform_id)
    for _ in range(2):  # polled again on the next round, until final
        counts = services.reconcile_pending(now=timezone.now() + LATER)
        assert counts["checked"] == 1 and counts["pending"] == 1
    txn.refresh_from_db()
    assert txn.state == TransactionState.PENDING and txn.status_answer["TrangThaiGD"] == 3
    assert len(platform.of_kind("query")) == 2 and Payment.objects.count() == 0
    # A pending attempt is the one a second click gets back.
    assert _start(people, dossier).pk == txn.pk


def test_a_failed_attempt_found_by_reconciliation(people, dossier, platform):
    platform.control(callback="none", fail_next=1)
    txn = _start(people, dossier)
    platform.press(txn.platform_id)
    assert services.reconcile_pending(now=timezone.now() + LATER)["failed"] == 1
    txn.refresh_from_db()
    assert txn.state == TransactionState.FAILED and txn.code == "4"


def test_the_reconcile_command(people, dossier, platform, capsys):
    platform.control(callback="none")
    txn = _start(people, dossier)
    platform.press(txn.platform_id)
    call_command("reconcile_payments", "--older-than", "0")
    assert "1 pending payment(s) checked: 1 succeeded" in capsys.readouterr().out
    assert Dossier.objects.get(pk=dossier.pk).fee_paid == 125_000


def test_the_reconcile_task_runs_the_reconciliation(people, dossier, platform, settings):
    from egov.payments.tasks import reconcile_online_payments

    settings.EGOV_PAYMENT_RECONCILE_AFTER_SECONDS = 0
    platform.control(callback="none")
    txn = _start(people, dossier)
    platform.press(txn.platform_id)
    assert reconcile_online_payments.call()["succeeded"] == 1


def test_paid_at_the_desk_meanwhile_leaves_the_money_to_review(people, dossier, platform):
    platform.control(callback="none")
    txn = _start(people, dossier)
    platform.press(txn.platform_id)
    services.record_payment(actor=people.desk_officer, dossier=dossier, method=Method.CASH)
    settled = services.handle_callback(withheld(platform)[0])
    assert settled.state == TransactionState.REVIEW and settled.payment is None
    assert Payment.objects.count() == 1  # the desk's only
    entry = AuditEntry.objects.get(action="payments.online.review")
    assert entry.changes["outstanding"] == 0


def test_the_desk_cannot_record_an_online_payment(people, dossier):
    before = _counts()
    with pytest.raises(DomainError) as refused:
        services.record_payment(actor=people.desk_officer, dossier=dossier, method=Method.ONLINE)
    assert refused.value.code == "payment_method_invalid" and _counts() == before


def test_a_platform_that_does_not_share_our_key_is_not_used(people, dossier, settings):
    from fakes.payment import Platform

    with Platform(key="khoa-cua-nen-tang-khac") as other:
        settings.EGOV_PAYMENT_URL = other.url
        with pytest.raises(DomainError) as refused:
            _start(people, dossier)
        assert refused.value.code == "payment_platform_unavailable"
        assert other.of_kind("init")  # it got the message and refused its checksum
    assert OnlineTransaction.objects.get().state == TransactionState.FAILED
    assert Payment.objects.count() == 0
