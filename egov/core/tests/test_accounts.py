"""Issue 11, finding 8: lockout per user name across addresses and per address across
user names; password change and reset (e-mail through the outbox and a real SMTP
server on loopback); idle timeout; no-store on what a logged-in user sees."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client

from egov.core import outbox
from egov.core.idle import LAST_ACTIVITY
from egov.core.models import AuditEntry, OutboxEvent
from egov.core.tests.servers import fresh_window
from egov.directory.tests.factories import ApplicantFactory

PASSWORD = "mat-khau-thu-nghiem"
NEW_PASSWORD = "Ngay-mai-troi-lai-sang-2027"


@pytest.fixture(autouse=True)
def _fresh_counters(db):
    cache.clear()
    fresh_window(needed=3)  # the limits count in clock windows
    yield
    cache.clear()


def _login(client, username, password, ip="192.0.2.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout -----------------------------------------------------------------------


def test_failures_from_many_addresses_lock_the_user_name(people):
    for i in range(5):
        _login(Client(), "desk", "wrong", ip=f"198.51.100.{i}")
    client = Client()
    response = _login(client, "desk", PASSWORD, ip="198.51.100.200")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_password_spraying_from_one_address_is_locked(people, settings):
    assert settings.EGOV_LOGIN_ADDRESS_FAILURE_LIMIT == 20
    # One wrong password for each of 20 names (never 5 for one name) from one address.
    for i in range(20):
        _login(Client(), f"user{i}", "Mua-xuan-2026", ip="203.0.113.5")
    client = Client()
    assert _login(client, "desk", PASSWORD, ip="203.0.113.5").status_code == 429
    assert not _logged_in(client)
    # Another address is not concerned.
    other = Client()
    assert _login(other, "desk", PASSWORD, ip="203.0.113.6").status_code == 302
    assert _logged_in(other)


def test_logging_into_ones_own_account_does_not_reset_the_address_count(people):
    for i in range(19):
        _login(Client(), f"user{i}", "Mua-xuan-2026", ip="203.0.113.9")
    assert _login(Client(), "specialist", PASSWORD, ip="203.0.113.9").status_code == 302
    _login(Client(), "user19", "Mua-xuan-2026", ip="203.0.113.9")
    assert _login(Client(), "specialist", PASSWORD, ip="203.0.113.9").status_code == 429


def test_the_lockout_counts_the_trusted_proxys_address_not_the_header(people, settings):
    settings.EGOV_TRUSTED_PROXIES = 1
    for i in range(5):
        Client().post(
            "/accounts/login/",
            {"username": f"n{i}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 192.0.2.77",
        )
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.77"}


@pytest.mark.parametrize("proxies,expected", [(0, "127.0.0.1"), (1, "192.0.2.44")])
def test_the_audit_log_records_the_client_address_as_configured(
    client, people, settings, proxies, expected
):
    settings.EGOV_TRUSTED_PROXIES = proxies
    client.post(
        "/accounts/login/",
        {"username": "desk", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44",
    )
    assert AuditEntry.objects.get(action="auth.login").client_ip == expected


# --- password change ------------------------------------------------------------------


def test_an_officer_changes_the_password_and_other_sessions_end(people):
    elsewhere = Client()
    assert _login(elsewhere, "desk", PASSWORD, ip="192.0.2.50").status_code == 302
    client = Client()
    _login(client, "desk", PASSWORD)
    wrong = client.post(
        "/accounts/password/change/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "errors" in wrong.content.decode()
    done = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done.url == "/accounts/password/change/done/"
    assert client.get("/").status_code == 200 and _logged_in(client)
    assert AuditEntry.objects.filter(
        action="account.password_changed", actor=people.desk_officer
    ).exists()
    # The session opened with the old password is over.
    assert elsewhere.get("/api/v1/dossiers/").status_code in (401, 403)
    assert _login(Client(), "desk", NEW_PASSWORD, ip="192.0.2.51").status_code == 302


def test_a_weak_new_password_is_refused_in_vietnamese(people):
    client = Client()
    _login(client, "desk", PASSWORD)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "Mật khẩu" in response.content.decode() or "mật khẩu" in response.content.decode()
    people.desk_officer.refresh_from_db()
    assert people.desk_officer.check_password(PASSWORD)


# --- password reset by e-mail -----------------------------------------------------------


@pytest.fixture
def citizen(db):
    user = ApplicantFactory(user__username="congdan.lan", user__email="lan@example.vn").user
    user.set_password(PASSWORD)
    user.save()
    return user


def reset_link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", text).group(0)


def test_a_citizen_resets_the_password_with_the_emailed_link(client, citizen, smtp):
    response = client.post("/accounts/password/reset/", {"email": "LAN@example.vn"})
    assert response.status_code == 302 and response.url == "/accounts/password/reset/sent/"
    event = OutboxEvent.objects.get(topic="account.password_reset")
    # No usable secret waits in the database: the token is made at delivery.
    assert "token" not in event.payload and str(event.payload).count("/") <= 3
    assert AuditEntry.objects.filter(action="account.password_reset_requested").exists()
    assert smtp.messages == []

    outbox.relay_once(relay="test")
    [message] = smtp.wait_for(1)
    assert message["To"] == "lan@example.vn"
    assert "Đặt lại mật khẩu" in message["Subject"] and "Password reset" in message["Subject"]
    link = reset_link(message).replace("http://testserver", "")

    form = client.get(link, follow=True)
    assert 'id="password-set"' in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/accounts/password/reset/done/"
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="account.password_changed", object_id=str(citizen.pk))

    # The link works once.
    again = Client().get(link, follow=True)
    assert 'id="reset-invalid"' in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, citizen, smtp):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.vn"})
    assert response.status_code == 302 and response.url == "/accounts/password/reset/sent/"
    assert not OutboxEvent.objects.filter(topic="account.password_reset").exists()


def test_reset_requests_are_limited_per_address(client, citizen, smtp, settings):
    settings.EGOV_RATE_PASSWORD_RESET = "2/hour"
    for _ in range(2):
        assert (
            client.post("/accounts/password/reset/", {"email": "x@example.vn"}).status_code == 302
        )
    response = client.post("/accounts/password/reset/", {"email": "lan@example.vn"})
    assert response.status_code == 429
    assert not OutboxEvent.objects.filter(topic="account.password_reset").exists()


# --- idle timeout -------------------------------------------------------------------------


def _set_last_activity(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds_ago
    session.save()


def test_an_idle_session_is_logged_out(client, people, settings):
    assert settings.EGOV_IDLE_TIMEOUT_MINUTES == 30
    _login(client, "desk", PASSWORD)
    assert client.get("/api/v1/dossiers/").status_code == 200
    _set_last_activity(client, 29 * 60)
    assert client.get("/api/v1/dossiers/").status_code == 200
    _set_last_activity(client, 31 * 60)
    assert client.get("/api/v1/dossiers/").status_code in (401, 403)
    assert not _logged_in(client)
    page = client.get("/mot-cua/")
    assert page.status_code == 302 and page.url.startswith("/accounts/login/")


def test_the_last_activity_is_written_at_most_once_a_minute(client, people):
    _login(client, "desk", PASSWORD)
    _set_last_activity(client, 30)
    before = client.session[LAST_ACTIVITY]
    client.get("/api/v1/dossiers/")
    assert client.session[LAST_ACTIVITY] == before
    _set_last_activity(client, 61)
    client.get("/api/v1/dossiers/")
    assert client.session[LAST_ACTIVITY] >= int(time.time()) - 2


# --- Cache-Control -----------------------------------------------------------------------


def _no_store(response) -> bool:
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= parts


def test_authenticated_pages_api_and_pdfs_are_not_stored(client, people, places):
    from egov.dossiers import services
    from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

    version = district_procedure()
    dossier = services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    dossier = services.accept(actor=people.desk_officer, dossier=dossier)
    _login(client, "desk", PASSWORD)
    detail = client.get(f"/api/v1/dossiers/{dossier.code}/")
    assert detail.status_code == 200 and _no_store(detail)
    assert detail["ETag"], "the API's ETag is kept"
    for url in ("/", f"/ho-so/{dossier.code}/mau/01/", f"/ho-so/{dossier.code}/mau/01/pdf"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    pdf = client.get(f"/ho-so/{dossier.code}/mau/01/pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_public_responses_keep_their_caching(client, db):
    page = client.get("/tra-cuu/")
    assert "no-store" not in page.get("Cache-Control", "")
    asset = client.get("/static/egov/egov.css")
    assert asset["Cache-Control"] == "public, max-age=3600"
    again = client.get("/static/egov/egov.css", HTTP_IF_MODIFIED_SINCE=asset["Last-Modified"])
    assert again.status_code == 304


# --- password reset by SMS code ---------------------------------------------------------


@pytest.fixture
def sms(settings):
    from fakes.sms import Catcher as SmsCatcher

    with SmsCatcher() as catcher:
        settings.EGOV_SMS_URL = catcher.url
        yield catcher


@pytest.fixture
def phone_citizen(db):
    user = ApplicantFactory(user__username="congdan.minh", user__phone="0987654321").user
    user.set_password(PASSWORD)
    user.save()
    return user


def _ask_sms(client, username="congdan.minh", phone="+84 987 654 321"):
    return client.post("/accounts/password/reset/sms/", {"username": username, "phone": phone})


def test_a_citizen_resets_the_password_with_an_sms_code(client, phone_citizen, sms):
    response = _ask_sms(client)
    assert response.status_code == 302 and response.url == "/accounts/password/reset/sms/code/"
    event = OutboxEvent.objects.get(topic="account.password_reset_sms")
    assert set(event.payload) == {"nonce"}, "no code in the database"
    outbox.relay_once(relay="test")
    [message] = sms.wait_for(1)
    assert message["to"] == "0987654321" and "mã đặt lại mật khẩu" in message["text"]
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)

    # The code works only in the session that asked for it.
    other = Client()
    assert other.post("/accounts/password/reset/sms/code/", {"code": code}).status_code == 410

    opened = client.post("/accounts/password/reset/sms/code/", {"code": code}, follow=True)
    assert 'id="password-set"' in opened.content.decode()
    set_url = opened.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == "/accounts/password/reset/done/"
    phone_citizen.refresh_from_db()
    assert phone_citizen.check_password(NEW_PASSWORD)
    # Used: the code is gone from the session.
    again = client.post("/accounts/password/reset/sms/code/", {"code": code})
    assert again.status_code == 410


def test_wrong_sms_codes_end_after_five_tries(client, phone_citizen, sms):
    _ask_sms(client)
    outbox.relay_once(relay="test")
    code = re.search(r"\b(\d{6})\b", sms.wait_for(1)[0]["text"]).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [
        client.post("/accounts/password/reset/sms/code/", {"code": wrong}).status_code
        for _ in range(5)
    ]
    assert answers == [200, 200, 200, 200, 410]
    assert client.post("/accounts/password/reset/sms/code/", {"code": code}).status_code == 410
    phone_citizen.refresh_from_db()
    assert phone_citizen.check_password(PASSWORD)


def test_a_phone_that_does_not_match_gets_the_same_answer_and_no_sms(client, phone_citizen, sms):
    response = _ask_sms(client, phone="0900000000")
    assert response.status_code == 302 and response.url == "/accounts/password/reset/sms/code/"
    assert not OutboxEvent.objects.filter(topic="account.password_reset_sms").exists()
    page = client.get("/accounts/password/reset/sms/code/")
    assert page.status_code == 200 and 'id="password-reset-sms-code"' in page.content.decode()


def test_sms_requests_for_one_name_are_limited_across_addresses(phone_citizen, sms, settings):
    settings.EGOV_RATE_PASSWORD_RESET = "1/hour"
    first, second = Client(REMOTE_ADDR="192.0.2.10"), Client(REMOTE_ADDR="192.0.2.11")
    assert _ask_sms(first).status_code == 302
    assert _ask_sms(second).status_code == 302  # the same answer...
    # ...but only one code was sent, and the second session can open nothing.
    assert OutboxEvent.objects.filter(topic="account.password_reset_sms").count() == 1
    outbox.relay_once(relay="test")
    code = re.search(r"\b(\d{6})\b", sms.wait_for(1)[0]["text"]).group(1)
    assert second.post("/accounts/password/reset/sms/code/", {"code": code}).status_code == 200
    assert (
        'id="password-set"'
        in first.post(
            "/accounts/password/reset/sms/code/", {"code": code}, follow=True
        ).content.decode()
    )
