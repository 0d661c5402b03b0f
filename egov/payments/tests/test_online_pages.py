"""The citizen's payment pages: only for the account that filed the dossier (404
for anyone else), the fees one line each, the button that goes to the platform, the
return page in each state, and the citizen's receipt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.directory.tests.factories import ApplicantFactory
from egov.payments import services
from egov.payments.models import Method, OnlineTransaction, TransactionState
from egov.payments.tests.online import owned_dossier, withheld

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def dossier(people):
    return owned_dossier(people)


@pytest.fixture
def citizen(client, people):
    client.force_login(people.citizen)
    return client


def _url(dossier) -> str:
    return reverse("payments:pay_online", args=[dossier.code])


def test_the_page_lists_each_fee_and_offers_to_pay(citizen, dossier):
    assert _url(dossier) == f"/thanh-toan/{dossier.code}/"
    with CaptureQueriesContext(connection) as queries:
        page = citizen.get(_url(dossier))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lệ phí đăng ký hộ kinh doanh" in body and "100.000 đ" in body
    assert "Phí cung cấp thông tin" in body and "25.000 đ" in body
    assert "125.000 đ" in body and "Thanh toán trực tuyến" in body
    # The button's form is redirected to the platform: the policy allows it, only it.
    policy = page["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:8027;" in policy and "script-src 'self';" in policy
    assert len(queries) <= 10, [q["sql"] for q in queries.captured_queries]


def test_nobody_else_sees_the_page(client, people, dossier):
    assert client.get(_url(dossier)).status_code == 302  # to the login page
    for user in (people.desk_officer, ApplicantFactory(user__username="citizen2").user):
        client.force_login(user)
        assert client.get(_url(dossier)).status_code == 404
        assert client.post(_url(dossier)).status_code == 404
    assert OnlineTransaction.objects.count() == 0


def test_the_button_goes_to_the_platform_and_back(citizen, dossier, platform):
    platform.control(callback="none")
    answer = citizen.post(_url(dossier))
    txn = OnlineTransaction.objects.get()
    assert answer.status_code == 302 and answer["Location"] == txn.pay_url
    message = platform.of_kind("init")[0]["message"]
    assert (
        message["UrlTraVe"]
        == f"http://testserver/thanh-toan/{dossier.code}/ket-qua/{txn.reference}/"
    )
    back = platform.press(txn.platform_id, "pay")
    # The platform sends the payer back before its callback: the page asks it.
    page = citizen.get(back.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Thanh toán thành công." in page.content.decode()
    txn.refresh_from_db()
    assert txn.state == TransactionState.SUCCEEDED
    receipt = reverse("payments:citizen_receipt", args=[dossier.code, txn.payment.receipt_number])
    assert receipt in page.content.decode()
    sheet = citizen.get(receipt)
    assert sheet.status_code == 200
    text = sheet.content.decode()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and txn.platform_id in text
    assert "Trực tuyến" in text and "Một trăm hai mươi lăm nghìn đồng" in text
    pdf = citizen.get(receipt + "pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_failure_offers_a_retry(citizen, dossier, platform):
    platform.control(callback="none", fail_next=1)
    citizen.post(_url(dossier))
    txn = OnlineTransaction.objects.get()
    platform.press(txn.platform_id)
    services.handle_callback(withheld(platform)[0])
    page = citizen.get(reverse("payments:online_return", args=[dossier.code, txn.reference]))
    body = page.content.decode()
    assert "Thanh toán không thành công." in body and "Thanh toán lại" in body


def test_pending_says_so(citizen, dossier, platform):
    platform.control(callback="delay", delay_seconds=3600)
    citizen.post(_url(dossier))
    txn = OnlineTransaction.objects.get()
    platform.press(txn.platform_id)
    page = citizen.get(reverse("payments:online_return", args=[dossier.code, txn.reference]))
    assert "Đang chờ xác nhận." in page.content.decode()
    assert f'href="{txn.pay_url}"' in page.content.decode()  # "Tiếp tục thanh toán"
    # Pressing again while it is pending goes back to the same attempt.
    again = citizen.post(_url(dossier))
    assert again["Location"] == txn.pay_url and OnlineTransaction.objects.count() == 1


def test_a_refusal_is_shown_on_the_page(citizen, people, dossier, platform):
    services.record_payment(actor=people.desk_officer, dossier=dossier, method=Method.CASH)
    page = citizen.post(_url(dossier))
    assert page.status_code == 409
    body = page.content.decode()
    assert "Hồ sơ không còn phí, lệ phí phải nộp." in body
    assert "Hồ sơ đã nộp đủ phí, lệ phí." in body


def test_the_receipt_is_the_applicants_only(client, people, dossier, platform):
    payment = services.record_payment(
        actor=people.desk_officer, dossier=dossier, method=Method.CASH
    )
    url = reverse("payments:citizen_receipt", args=[dossier.code, payment.receipt_number])
    client.force_login(people.citizen)
    assert client.get(url).status_code == 200
    client.force_login(ApplicantFactory(user__username="citizen2").user)
    assert client.get(url).status_code == 404
    assert client.get(url + "pdf").status_code == 404


def test_the_page_in_english(citizen, dossier, settings):
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = citizen.get(_url(dossier)).content.decode()
    assert "Pay fees online" in body and "Fees and charges" in body


def test_a_double_click_while_the_platform_is_asked_waits_on_the_same_attempt(
    citizen, dossier, platform
):
    # The first click's attempt, its INIT answer not back yet.
    txn = OnlineTransaction.objects.create(
        dossier=dossier, reference=f"{dossier.code}-TT01", provider="national", amount=125_000
    )
    answer = citizen.post(_url(dossier))
    assert answer["Location"] == reverse(
        "payments:online_return", args=[dossier.code, txn.reference]
    )
    assert OnlineTransaction.objects.count() == 1 and platform.of_kind("init") == []
