"""Fees and the return of the result (issue 12 point 4): the desk does not return a
result while fees are owed (a clear message saying what is owed), unless they were
exempted with a reason or the procedure collects them on return, in which case the
return records the payment and its receipt. Through the services, the REST API and
the dossier page."""

from __future__ import annotations

import json

import pytest

from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers import actions
from egov.dossiers import services as dossiers
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist
from egov.payments.models import Method, Payment

pytestmark = pytest.mark.django_db

API = "/api/v1/dossiers/"


def _fees(on_return: bool = False) -> list[dict]:
    return [
        {
            "name": "Lệ phí cấp giấy chứng nhận",
            "amount": 100_000,
            "collector": "",
            "payable_online": False,
            "collected_on_return": on_return,
            "note": "",
        },
        {"name": "Phí thẩm định", "amount": 25_000, "collector": "", "note": ""},
    ]


def _finished(people, *, on_return: bool = False, refused: bool = False) -> Dossier:
    version = district_procedure(fees=_fees(on_return))
    dossier = dossiers.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        components=full_checklist(version),
        applicant=APPLICANT,
    )
    dossier = dossiers.forward(actor=people.desk_officer, dossier=dossier)
    dossier = dossiers.advance(actor=people.specialist, dossier=dossier)
    if refused:
        return dossiers.refuse(actor=people.agency_leader, dossier=dossier, reason="Không đủ ĐK")
    return dossiers.record_result(actor=people.agency_leader, dossier=dossier)


def _counts() -> tuple[int, ...]:
    return (
        Payment.objects.count(),
        DossierEvent.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_the_result_is_not_returned_while_fees_are_owed_and_nothing_is_written(people):
    dossier = _finished(people)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        dossiers.return_result(actor=people.desk_officer, dossier=dossier)
    error = caught.value
    assert (error.code, error.status, error.details["outstanding"]) == ("fees_due", 409, 125_000)
    assert "125.000 đồng" in error.message and "125.000 đồng" in error.message_en
    assert _counts() == before
    assert Dossier.objects.get(pk=dossier.pk).status == Status.FINISHED
    names = actions.offered_names(people.desk_officer, Dossier.objects.get(pk=dossier.pk))
    assert "record_payment" in names and "return_result" not in names


def test_paid_in_part_then_the_rest_then_returned(people):
    from egov.payments.services import record_payment

    dossier = _finished(people)
    record_payment(actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=25_000)
    with pytest.raises(DomainError) as caught:
        dossiers.return_result(
            actor=people.desk_officer, dossier=Dossier.objects.get(pk=dossier.pk)
        )
    assert caught.value.details["outstanding"] == 100_000
    record_payment(
        actor=people.desk_officer, dossier=dossier, method=Method.TRANSFER, reference="FT26337"
    )
    returned = dossiers.return_result(
        actor=people.desk_officer, dossier=Dossier.objects.get(pk=dossier.pk)
    )
    assert returned.status == Status.RETURNED and returned.fee_paid == 125_000
    history = list(returned.events.filter(action="record_payment").values_list("data", flat=True))
    assert [h["amount"] for h in history] == [25_000, 100_000]


def test_an_exemption_with_its_reason_lets_the_result_be_returned(people):
    from egov.payments.services import record_payment

    dossier = _finished(people)
    with pytest.raises(DomainError) as caught:
        record_payment(actor=people.desk_officer, dossier=dossier, method=Method.EXEMPT)
    assert caught.value.code == "exemption_reason_required"
    record_payment(
        actor=people.desk_officer,
        dossier=dossier,
        method=Method.EXEMPT,
        exemption_reason="Người có công với cách mạng",
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.fee_paid, dossier.fee_exempted) == (0, 125_000)
    assert dossiers.return_result(actor=people.desk_officer, dossier=dossier).status == "returned"


def test_a_procedure_that_collects_on_return_records_the_payment_as_it_returns(people):
    dossier = _finished(people, on_return=True)
    # 25,000 (the appraisal fee) is collected before; 100,000 on return.
    with pytest.raises(DomainError) as caught:
        dossiers.return_result(actor=people.desk_officer, dossier=dossier)
    assert caught.value.details["outstanding"] == 25_000
    from egov.payments.services import record_payment

    record_payment(actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=25_000)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.fee_paid == 25_000
    returned = dossiers.return_result(
        actor=people.desk_officer, dossier=dossier, fee_method=Method.TRANSFER
    )
    assert returned.status == Status.RETURNED and returned.fee_paid == 125_000
    last = Payment.objects.filter(dossier=dossier).latest("id")
    assert (last.method, last.amount, last.received_at) == (
        "transfer",
        100_000,
        returned.returned_at,
    )
    event = returned.events.get(action="return_result")
    assert event.data["receipt_number"] == last.receipt_number


def test_on_return_only_money_is_taken(people):
    dossier = _finished(people, on_return=True)
    from egov.payments.services import record_payment

    record_payment(actor=people.desk_officer, dossier=dossier, method=Method.CASH, amount=25_000)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        dossiers.return_result(
            actor=people.desk_officer,
            dossier=Dossier.objects.get(pk=dossier.pk),
            fee_method="exempt",
        )
    assert (caught.value.code, caught.value.field) == ("payment_method_invalid", "fee_method")
    assert _counts() == before


def test_a_refusal_is_handed_over_without_collecting_fees(people):
    dossier = _finished(people, on_return=True, refused=True)
    returned = dossiers.return_result(actor=people.desk_officer, dossier=dossier)
    assert returned.status == Status.RETURNED and returned.fee_paid == 0
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_no_payment_on_a_dossier_refused_at_reception(people):
    from egov.payments.services import record_payment

    version = district_procedure(fees=_fees())
    dossier = dossiers.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        components=full_checklist(version),
        applicant=APPLICANT,
        outcome="refused",
        reason="Không thuộc thẩm quyền",
    )
    assert dossier.status == Status.NOT_RECEIVED
    before = _counts()
    with pytest.raises(DomainError) as caught:
        record_payment(actor=people.desk_officer, dossier=dossier, method=Method.CASH)
    assert caught.value.code == "transition_not_allowed"
    assert _counts() == before


def _act(client, dossier, name, body):
    version = Dossier.objects.get(pk=dossier.pk).version
    return client.post(
        f"{API}{dossier.code}/actions/{name}",
        json.dumps(body),
        content_type="application/json",
        headers={"If-Match": f'"{version}"'},
    )


def test_the_api_refuses_the_return_then_records_the_payment(client, people):
    dossier = _finished(people)
    client.force_login(people.desk_officer)
    response = _act(client, dossier, "return-result", {"channel": "counter"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "fees_due" and error["details"]["outstanding"] == 125_000
    detail = client.get(f"{API}{dossier.code}/").json()
    assert (detail["fee_outstanding"], detail["fee_paid"]) == (125_000, 0)
    assert "record_payment" in detail["allowed_actions"]
    response = _act(client, dossier, "record-payment", {"method": "cheque"})
    assert response.status_code == 400 and "method" in json.dumps(response.json())
    response = _act(client, dossier, "record-payment", {"method": "cash", "amount": 125_000})
    assert response.status_code == 200, response.json()
    response = _act(client, dossier, "return-result", {"channel": "counter"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert response.json()["fee_outstanding"] == 0


def test_the_dossier_page_says_what_is_owed_and_prints_the_receipt(client, people):
    dossier = _finished(people)
    client.force_login(people.desk_officer)
    url = f"/mot-cua/ho-so/{dossier.code}/"
    page = client.get(url).content.decode()
    assert "Chưa trả được kết quả: công dân còn phải nộp 125.000 đ" in page
    assert "chưa nộp phí" in page and 'id="act-return_result"' not in page
    response = client.post(
        f"{url}thao-tac/record_payment/",
        {"version": dossier.version, "method": "cash", "amount": "125000"},
    )
    payment = Payment.objects.get(dossier=dossier)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?bien-lai={payment.receipt_number}")
    page = client.get(response["Location"]).content.decode()
    assert f"/bien-lai/{payment.receipt_number}/" in page and "autofocus" in page
    assert "đã nộp phí" in page and 'id="act-return_result"' in page
    assert 'id="act-record_payment"' not in page


def test_the_public_look_up_shows_what_is_owed_once_verified(client, people):
    from egov.payments.services import record_payment

    dossier = _finished(people)
    url = f"/tra-cuu/{dossier.code}/"
    assert 'id="fee-status"' not in client.get(url).content.decode()  # not without a proof
    page = client.post(url, {"id_number": APPLICANT["id_number"]}).content.decode()
    assert "Còn phải nộp 125.000 đ" in page
    record_payment(actor=people.desk_officer, dossier=dossier, method=Method.CASH)
    page = client.post(url, {"id_number": APPLICANT["id_number"]}).content.decode()
    assert "Đã nộp đủ" in page and "Còn phải nộp" not in page
