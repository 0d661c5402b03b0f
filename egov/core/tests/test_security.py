import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core.models import AuditEntry

PASSWORD = "mat-khau-thu-nghiem"


def test_passwords_are_hashed_with_argon2_in_production_settings():
    import egov.settings

    # Read the settings module itself: tests switch to a fast hasher (egov/conftest.py).
    assert egov.settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_argon2_hash_is_stored(settings, people):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    people.desk_officer.set_password("mot-mat-khau-dai")
    assert people.desk_officer.password.startswith("argon2$")


def test_login_works_and_is_audited(client, people):
    response = client.post("/accounts/login/", {"username": "desk", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor=people.desk_officer).exists()
    assert "Chợ Mới" in client.get("/").content.decode()


def test_repeated_failures_lock_the_account_out(client, people, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        client.post("/accounts/login/", {"username": "desk", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "desk", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tài khoản tạm khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _totp_now(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_administrators_must_pass_the_second_factor(client, people):
    device = TOTPDevice.objects.create(user=people.province_admin, name="app", confirmed=True)
    client.post("/accounts/login/", {"username": "province_admin", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/otp/verify/")
    api = client.get("/api/v1/agencies/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"

    bad = client.post("/accounts/otp/verify/", {"token": "000000", "next": "/"})
    assert "Mã không đúng" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    good = client.post("/accounts/otp/verify/", {"token": _totp_now(device), "next": "/"})
    assert good.status_code == 302
    assert client.get("/api/v1/agencies/").status_code == 200


def test_an_administrator_without_a_device_is_sent_to_enrol(client, people):
    client.post("/accounts/login/", {"username": "agency_admin", "password": PASSWORD})
    response = client.get("/accounts/otp/verify/")
    assert response.status_code == 302 and response.url.startswith("/accounts/otp/setup/")
    page = client.get("/accounts/otp/setup/")
    assert b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=people.agency_admin, confirmed=False)
    assert client.post("/accounts/otp/setup/", {"token": _totp_now(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_officers_without_admin_roles_need_no_second_factor(client, people):
    client.post("/accounts/login/", {"username": "specialist", "password": PASSWORD})
    assert client.get("/api/v1/agencies/").status_code == 200


def test_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_pages_have_no_inline_scripts(client, people):
    client.force_login(people.desk_officer)
    for path in ("/", "/accounts/login/", "/api/v1/docs/"):
        client.logout() if path == "/accounts/login/" else None
        html = client.get(path).content.decode()
        for chunk in html.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, path


def test_hsts_and_secure_cookies_when_served_over_https(monkeypatch):
    import importlib

    import egov.settings as module

    monkeypatch.setenv("EGOV_HTTPS", "true")
    https = importlib.reload(module)
    try:
        assert https.SECURE_HSTS_SECONDS >= 31536000
        assert https.SESSION_COOKIE_SECURE and https.CSRF_COOKIE_SECURE
        assert https.SECURE_SSL_REDIRECT
    finally:
        monkeypatch.delenv("EGOV_HTTPS")
        importlib.reload(module)


def test_csrf_is_enforced(people):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "desk", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize("language,text", [("vi", "Đăng nhập"), ("en", "Log in")])
def test_language_switch(client, db, language, text):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert f"<h1>{text}</h1>" in client.get("/accounts/login/").content.decode()


def test_an_officer_who_enrolled_must_use_the_second_factor(client, people):
    device = TOTPDevice.objects.create(user=people.specialist, name="app", confirmed=True)
    client.post("/accounts/login/", {"username": "specialist", "password": PASSWORD})
    assert client.get("/api/v1/agencies/").status_code == 403
    client.post("/accounts/otp/verify/", {"token": _totp_now(device), "next": "/"})
    assert client.get("/api/v1/agencies/").status_code == 200


def test_vietnamese_first_whatever_the_browser_asks(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "<h1>Đăng nhập</h1>" in page.content.decode()
    assert page["Content-Language"] == "vi"


def test_api_writes_with_a_session_need_the_csrf_token(people):
    """Session-authenticated API requests (the browser's) must carry the CSRF token of
    the cookie: without it, or with another one, 403; with it, the request goes on."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.citizen)
    token = "apitestcsrfsecret0123456789abcde"  # a cookie's secret: 32 characters
    client.cookies["csrftoken"] = token
    url = "/api/v1/dossiers/online"
    assert client.post(url, {}, content_type="application/json").status_code == 403
    wrong = client.post(url, {}, content_type="application/json", HTTP_X_CSRFTOKEN="x" * 32)
    assert wrong.status_code == 403
    right = client.post(url, {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert right.status_code == 400  # past the CSRF check: the empty body is refused
    assert right.json()["error"]["code"] == "validation_error"
