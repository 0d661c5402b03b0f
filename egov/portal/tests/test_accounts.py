"""Local applicant accounts: registration by phone (SMS code through the fake SMS
gateway) or by e-mail (SMTP to the local catcher), wrong and expired codes, duplicate
phone, every error at once; log-in by phone or e-mail; the profile page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from egov.core import outbox
from egov.core.models import AuditEntry, OutboxEvent
from egov.directory.models import ApplicantProfile, SsoIdentity, User
from egov.directory.tests.factories import ApplicantFactory
from egov.portal.account_views import PENDING

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dang-ky-2026"
FORM = {
    "full_name": "Phạm Thị Hoa",
    "id_number": "079300001234",
    "date_of_birth": "2000-05-01",
    "password": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture
def sms(settings):
    from fakes.sms import Catcher

    with Catcher() as catcher:
        settings.EGOV_SMS_URL = catcher.url
        yield catcher


def register(client, contact, **changes):
    return client.post("/tai-khoan/dang-ky/", {**FORM, "contact": contact, **changes})


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def counts():
    return User.objects.count(), ApplicantProfile.objects.count(), OutboxEvent.objects.count()


def test_registration_by_phone_with_the_sms_code_then_login_by_phone(client, sms):
    answer = register(client, "+84 933 111 222")
    assert answer.status_code == 302 and answer.url == "/tai-khoan/dang-ky/xac-nhan/"
    event = OutboxEvent.objects.get(topic="account.registration_code")
    assert set(event.payload) == {"channel", "to", "nonce"}, "no code in the database"
    assert not User.objects.filter(username="0933111222").exists(), "nothing before the code"
    page = client.get("/tai-khoan/dang-ky/xac-nhan/")
    assert "093****222" in page.content.decode()

    outbox.relay_once(relay="test")
    [message] = sms.wait_for(1)
    assert message["to"] == "0933111222" and "mã xác nhận đăng ký" in message["text"]
    code = code_in(message["text"])
    # The code works only in the session that asked for it.
    assert Client().post("/tai-khoan/dang-ky/xac-nhan/", {"code": code}).status_code == 410

    done = client.post("/tai-khoan/dang-ky/xac-nhan/", {"code": code})
    assert done.status_code == 302 and done.url == "/tai-khoan/ho-so/"
    user = User.objects.select_related("applicant").get(username="0933111222")
    assert (user.kind, user.phone, user.full_name) == ("citizen", "0933111222", "Phạm Thị Hoa")
    assert user.applicant.id_number == "079300001234"
    assert user.applicant.date_of_birth == datetime.date(2000, 5, 1)
    assert AuditEntry.objects.filter(action="account.registered", object_id=str(user.pk)).exists()
    profile = client.get("/tai-khoan/ho-so/").content.decode()
    assert "Tự khai báo" in profile and "••••••••1234" in profile

    client.logout()
    login = client.post(
        "/accounts/login/", {"username": "0933 111 222", "password": PASSWORD}, follow=True
    )
    assert login.context["user"].pk == user.pk


def test_registration_by_email_with_the_mailed_code_then_login_by_email(client, smtp):
    assert register(client, "Hoa.Pham@Example.vn").status_code == 302
    outbox.relay_once(relay="test")
    [message] = smtp.wait_for(1)
    assert message["To"] == "hoa.pham@example.vn"
    code = code_in(message.get_content())
    assert client.post("/tai-khoan/dang-ky/xac-nhan/", {"code": code}).status_code == 302
    user = User.objects.get(username="hoa.pham@example.vn")
    assert user.email == "hoa.pham@example.vn" and user.phone == ""
    client.logout()
    other = Client()
    login = other.post(
        "/accounts/login/", {"username": "HOA.PHAM@example.vn", "password": PASSWORD}, follow=True
    )
    assert login.context["user"].pk == user.pk


def test_wrong_codes_end_after_five_tries_and_nothing_is_made(client, sms):
    register(client, "0933111222")
    outbox.relay_once(relay="test")
    code = code_in(sms.wait_for(1)[0]["text"])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [client.post("/tai-khoan/dang-ky/xac-nhan/", {"code": wrong}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 410]
    assert "Mã không đúng" in answers[0].content.decode()
    assert client.post("/tai-khoan/dang-ky/xac-nhan/", {"code": code}).status_code == 410
    assert not User.objects.filter(username="0933111222").exists()


def test_an_expired_code_is_refused(client, sms):
    register(client, "0933111222")
    outbox.relay_once(relay="test")
    code = code_in(sms.wait_for(1)[0]["text"])
    session = client.session
    pending = session[PENDING]
    pending["until"] = 0  # the code's time ran out
    session[PENDING] = pending
    session.save()
    answer = client.post("/tai-khoan/dang-ky/xac-nhan/", {"code": code})
    assert answer.status_code == 410 and 'id="register-code-expired"' in answer.content.decode()
    assert not User.objects.filter(username="0933111222").exists()


def test_a_phone_with_an_account_is_refused_and_nothing_is_sent(client):
    ApplicantFactory(user__username="congdan.a", user__phone="0933111222")
    before = counts()
    answer = register(client, "0933 111 222")
    assert answer.status_code == 400
    assert "Số điện thoại này đã có tài khoản" in answer.content.decode()
    assert counts() == before and PENDING not in client.session


def test_every_error_is_shown_at_once_next_to_its_field(client):
    before = counts()
    answer = register(
        client,
        "12345",
        full_name="Hoa",
        id_number="079300001234",
        date_of_birth="1999-05-01",
        password2="something-else",
    )
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert set(errors) == {"contact", "full_name", "id_number", "password2"}
    assert "năm sinh 2000" in errors["id_number"][0]
    html = answer.content.decode()
    assert 'aria-describedby="id_id_number-errors"' in html
    assert counts() == before


def test_an_id_number_with_an_account_is_refused(client):
    ApplicantFactory(id_number="079300001234")
    answer = register(client, "0933111222")
    assert answer.status_code == 400 and "id_number" in answer.context["form"].errors


def test_two_sessions_racing_for_one_phone_make_one_account(sms):
    first, second = Client(), Client()
    register(first, "0933111222")
    register(second, "0933111222", id_number="079300005678")
    outbox.relay_once(relay="test")
    one, two = sms.wait_for(2)
    codes = {m["text"]: code_in(m["text"]) for m in (one, two)}
    answers = []
    for client in (first, second):
        for code in codes.values():
            response = client.post("/tai-khoan/dang-ky/xac-nhan/", {"code": code})
            if response.status_code != 200:
                answers.append(response.status_code)
                break
    assert sorted(answers) == [302, 409]
    assert User.objects.filter(username="0933111222").count() == 1


def test_a_self_declared_profile_is_editable(client, sms):
    user = ApplicantFactory(id_number="079300001234", user__full_name="Pham Thi Hoa").user
    client.force_login(user)
    answer = client.post(
        "/tai-khoan/ho-so/",
        {"full_name": "Phạm Thị Hoa", "date_of_birth": "2000-05-01", "address": "Bắc Kạn"},
    )
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Phạm Thị Hoa" and user.applicant.address == "Bắc Kạn"
    entry = AuditEntry.objects.get(action="account.profile_updated")
    assert set(entry.changes["after"]) == {"full_name", "date_of_birth", "address"}
    # A date of birth that contradicts the ID number is refused, next to its field.
    wrong = client.post(
        "/tai-khoan/ho-so/",
        {"full_name": "Phạm Thị Hoa", "date_of_birth": "1990-05-01", "address": "Bắc Kạn"},
    )
    assert wrong.status_code == 400 and "date_of_birth" in wrong.context["form"].errors
    assert "id_number" not in wrong.context["form"].fields
    assert "năm sinh 2000" in wrong.content.decode()


def test_an_identity_given_by_the_sso_is_not_editable(client):
    user = ApplicantFactory(id_number="001090012345", user__full_name="Nguyễn Văn An").user
    SsoIdentity.objects.create(user=user, issuer="http://sso", subject="s", acr="LoA2")
    client.force_login(user)
    page = client.get("/tai-khoan/ho-so/")
    assert 'id="profile-form"' not in page.content.decode()
    answer = client.post(
        "/tai-khoan/ho-so/",
        {"full_name": "Ai Khác", "date_of_birth": "1990-03-15", "address": "x"},
    )
    assert answer.status_code == 403
    user.refresh_from_db()
    assert user.full_name == "Nguyễn Văn An"
    assert not AuditEntry.objects.filter(action="account.profile_updated").exists()


def test_the_login_page_offers_sso_and_registration(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/sso/dang-nhap/"' in page and 'href="/tai-khoan/dang-ky/"' in page


def test_the_last_wrong_code_is_audited(client, sms):
    register(client, "0933111222")
    for _ in range(5):
        client.post("/tai-khoan/dang-ky/xac-nhan/", {"code": "000000"})
    entry = AuditEntry.objects.get(action="account.registration_code_refused")
    assert entry.object_repr == "093****222" and entry.changes["tries"] == 5


def test_codes_to_one_phone_are_limited_across_addresses(settings):
    settings.EGOV_RATE_REGISTRATION = "1/hour"
    first, second = Client(REMOTE_ADDR="192.0.2.10"), Client(REMOTE_ADDR="192.0.2.11")
    assert register(first, "0933111222").status_code == 302
    answer = register(second, "0933 111 222")
    assert answer.status_code == 429 and "Quá nhiều lượt đăng ký" in answer.content.decode()
    assert OutboxEvent.objects.filter(topic="account.registration_code").count() == 1


def test_the_profile_page_reads_a_fixed_number_of_rows(client, django_assert_num_queries):
    user = ApplicantFactory(id_number="079300001234").user
    client.force_login(user)
    # session, user, applicant profile, SSO link; the session's idle clock saved (3)
    with django_assert_num_queries(7):
        assert client.get("/tai-khoan/ho-so/").status_code == 200
