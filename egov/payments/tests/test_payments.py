"""Fees at the counter: payments in cash or by transfer, exemptions with a reason,
receipts numbered without gaps, the A5 receipt, and nothing written when refused."""

from __future__ import annotations

import pytest

from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.directory.tests.helpers import login_verified
from egov.dossiers import services as dossiers
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist
from egov.payments import queries, rules, services
from egov.payments.models import Method, Payment

pytestmark = pytest.mark.django_db

FEES = [
    {"name": "Lệ phí đăng ký hộ kinh doanh", "amount": 100_000, "collector": "", "note": ""},
    {"name": "Phí cung cấp thông tin", "amount": 25_000, "collector": "", "note": ""},
]


@pytest.fixture
def dossier(people):
    version = district_procedure(fees=[{**f, "payable_online": False} for f in FEES])
    return dossiers.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        components=full_checklist(version),
        applicant=APPLICANT,
    )


def _refused(call) -> DomainError:
    payments, entries, events = (
        Payment.objects.count(),
        AuditEntry.objects.count(),
        (OutboxEvent.objects.count()),
    )
    with pytest.raises(DomainError) as caught:
        call()
    assert (Payment.objects.count(), AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        payments,
        entries,
        events,
    )
    return caught.value


def test_the_fee_due_comes_from_the_procedure(dossier):
    assert dossier.fee_due == 125_000
    assert services.outstanding(dossier) == 125_000
    assert queries.fee_summary(dossier)["settled"] is False


def test_cash_then_transfer_settle_the_fee_with_numbered_receipts(people, dossier):
    first = services.record_payment(
        actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=100_000
    )
    second = services.record_payment(
        actor=people.desk_officer,
        dossier=dossier,
        method=Method.TRANSFER,
        amount=25_000,
        reference="FT26337123456",
    )
    year = first.received_at.year
    assert (first.receipt_number, second.receipt_number) == (f"{year}-000001", f"{year}-000002")
    dossier.refresh_from_db()
    assert dossier.fee_paid == 125_000 and services.outstanding(dossier) == 0
    entry = AuditEntry.objects.filter(action="payments.record").latest("id")
    assert entry.changes["amount"] == 25_000 and entry.changes["outstanding_after"] == 0
    event = OutboxEvent.objects.filter(topic="dossier.fee_recorded").latest("id")
    assert event.payload["receipt_number"] == second.receipt_number
    assert (
        _refused(
            lambda: services.record_payment(
                actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=1
            )
        ).code
        == "nothing_due"
    )


def test_a_payment_moves_the_dossier_version_on(people, dossier):
    before = dossier.version
    services.record_payment(
        actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=1_000
    )
    dossier.refresh_from_db()
    assert dossier.version == before + 1
    error = _refused(
        lambda: services.record_payment(
            actor=people.desk_officer,
            dossier=dossier,
            method=Method.CASH,
            amount=1_000,
            expected_version=before,
        )
    )
    assert error.code == "version_mismatch"


@pytest.mark.parametrize(
    "kwargs,code,field",
    [
        ({"method": "cheque", "amount": 1}, "payment_method_invalid", "method"),
        ({"method": Method.CASH, "amount": 0}, "amount_invalid", "amount"),
        ({"method": Method.CASH, "amount": -5}, "amount_invalid", "amount"),
        ({"method": Method.CASH, "amount": 125_001}, "amount_over_due", "amount"),
        (
            {"method": Method.EXEMPT, "exemption_reason": " "},
            "exemption_reason_required",
            "exemption_reason",
        ),
    ],
)
def test_bad_payments_are_refused_and_write_nothing(people, dossier, kwargs, code, field):
    error = _refused(
        lambda: services.record_payment(actor=people.desk_officer, dossier=dossier, **kwargs)
    )
    assert (error.code, error.field) == (code, field)
    assert error.message and error.message_en


def test_an_exemption_with_its_reason_settles_everything_without_money(people, dossier):
    payment = services.record_payment(
        actor=people.desk_officer,
        dossier=dossier,
        method=Method.EXEMPT,
        exemption_reason="Hộ nghèo (Nghị định 07/2021/NĐ-CP)",
    )
    dossier.refresh_from_db()
    assert payment.amount == 125_000 and dossier.fee_paid == 0
    summary = queries.fee_summary(dossier)
    assert summary == {
        "due": 125_000,
        "paid": 0,
        "exempted": 125_000,
        "outstanding": 0,
        "on_return": 0,
        "before_return": 0,
        "settled": True,
    }


@pytest.mark.parametrize("who", ["specialist", "other_officer", "citizen", "auditor"])
def test_only_the_receiving_desk_collects(people, dossier, who):
    error = _refused(
        lambda: services.record_payment(
            actor=getattr(people, who), dossier=dossier, method=Method.CASH, amount=1_000
        )
    )
    assert error.code == "permission_denied"


def test_receipt_numbers_run_per_agency_and_year(people, dossier):
    a = services.record_payment(
        actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=1_000
    )
    other = dossiers.receive(
        actor=people.desk_officer,
        procedure_code=dossier.procedure_version.code,
        channel="counter",
        components=full_checklist(dossier.procedure_version),
        applicant=APPLICANT,
    )
    b = services.record_payment(
        actor=people.desk_officer, dossier=other, method=Method.CASH, amount=1_000
    )
    assert int(b.receipt_number[-6:]) == int(a.receipt_number[-6:]) + 1


def test_the_receipt_prints_the_amount_in_words(client, people, dossier):
    payment = services.record_payment(
        actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=125_000
    )
    url = f"/mot-cua/ho-so/{dossier.code}/bien-lai/{payment.receipt_number}/"
    client.force_login(people.desk_officer)
    page = client.get(url).content.decode()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in page and payment.receipt_number in page
    assert dossier.code in page and "125.000 đồng" in page
    assert "Một trăm hai mươi lăm nghìn đồng" in page
    pdf = client.get(url + "pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    login_verified(client, people.foreign_officer)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_a_result_is_not_returned_while_fees_are_due():
    with pytest.raises(DomainError) as caught:
        rules.check_fees_settled(25_000)
    assert caught.value.code == "fees_due" and "25.000 đồng" in caught.value.message
    rules.check_fees_settled(0)


@pytest.mark.parametrize(
    "amount,words",
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (1_005, "Một nghìn không trăm lẻ năm đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (125_000, "Một trăm hai mươi lăm nghìn đồng"),
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (1_000_005_000, "Một tỷ không trăm lẻ năm nghìn đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert rules.amount_in_words(amount) == words
