# ruff: noqa: F811  (the fixtures imported from sso_fixtures are used as parameters)
"""Log-in through the national SSO against the real fake provider (fakes/oidc/, an
OpenID Connect provider by django-oauth-toolkit) over HTTP: PKCE, nonce and
acr_values sent; state, nonce, audience, issuer and level checked; accounts created,
linked by ID number or tax code, and refreshed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from egov.core.models import AuditEntry
from egov.directory.models import ApplicantProfile, SsoIdentity, User
from egov.directory.tests.factories import ApplicantFactory, OfficerFactory
from egov.portal.tests.sso_fixtures import (  # noqa: F401
    callback_path,
    log_in_at_provider,
    provider_redirect,
    sso,
    sso_login,
    sso_provider,
)

pytestmark = pytest.mark.django_db


def counts():
    return (
        User.objects.count(),
        ApplicantProfile.objects.count(),
        SsoIdentity.objects.count(),
    )


def refusals(code: str) -> int:
    return AuditEntry.objects.filter(action="auth.sso_refused", object_id=code).count()


def test_the_request_carries_pkce_nonce_and_the_level(client, sso):
    query = parse_qs(urlsplit(provider_redirect(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [sso.client_id]
    assert query["acr_values"] == ["LoA2"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["nonce"][0]) >= 32 and len(query["state"][0]) >= 32
    assert query["redirect_uri"] == ["http://testserver/sso/callback/"]


def test_first_login_creates_the_account_and_the_second_one_finds_it(client, sso):
    answer = sso_login(client)
    assert answer.status_code == 302 and answer.url == "/tai-khoan/ho-so/"
    link = SsoIdentity.objects.select_related("user__applicant").get()
    user = link.user
    assert (link.issuer, link.subject, link.acr) == (sso.issuer, "vneid-0001-citizen", "LoA2")
    assert user.kind == User.Kind.CITIZEN and not user.has_usable_password()
    assert user.full_name == "Nguyễn Văn An"
    assert (user.phone, user.email) == ("0912345678", "nguyen.van.an@example.vn")
    profile = user.applicant
    assert profile.id_number == "001090012345"
    assert profile.date_of_birth.isoformat() == "1990-03-15"
    assert profile.address.startswith("Số 12 phố Hàng Bông")
    assert (
        AuditEntry.objects.filter(action="account.sso_created", object_id=str(user.pk)).count() == 1
    )

    page = client.get("/tai-khoan/ho-so/")
    text = page.content.decode()
    assert page.status_code == 200 and "Nguyễn Văn An" in text
    assert "••••••••2345" in text and "001090012345" not in text
    assert "mức LoA2" in text and 'id="profile-form"' not in text

    client.logout()
    again = sso_login(client)
    assert again.status_code == 302
    assert counts() == (1, 1, 1), "the second login found the same account"
    assert AuditEntry.objects.filter(action="account.sso_returning").count() == 1
    assert client.get("/tai-khoan/ho-so/").context["account"].pk == user.pk


def test_an_existing_account_is_linked_by_id_number_and_refreshed(client, sso):
    existing = ApplicantFactory(
        user__username="0912345678", user__full_name="Nguyen Van An", id_number="001090012345"
    ).user
    before = User.objects.count()
    assert sso_login(client).status_code == 302
    assert User.objects.count() == before, "no second account"
    link = SsoIdentity.objects.get()
    assert link.user_id == existing.pk
    existing.refresh_from_db()
    assert existing.full_name == "Nguyễn Văn An", "the profile takes the SSO's values"
    assert existing.applicant.date_of_birth.isoformat() == "1990-03-15"
    entry = AuditEntry.objects.get(action="account.sso_linked")
    assert "full_name" in entry.changes["refreshed"]
    # The account keeps its password: its owner can still log in with it.
    assert existing.check_password("mat-khau-thu-nghiem")


def test_a_business_gets_a_business_account_linked_by_tax_code_later(client, sso):
    assert sso_login(client, "doanhnghiep").status_code == 302
    user = User.objects.get(sso_identities__subject="vneid-0003-business")
    assert user.kind == User.Kind.BUSINESS
    assert user.applicant.tax_code == "4700123456"
    assert user.applicant.organisation_name == "Công ty TNHH Nam Châu"

    # Another provider subject with the same tax code finds the same business account.
    SsoIdentity.objects.all().delete()
    client.logout()
    assert sso_login(client, "doanhnghiep").status_code == 302
    assert User.objects.filter(kind=User.Kind.BUSINESS).count() == 1
    assert AuditEntry.objects.filter(action="account.sso_linked").count() == 1


def test_the_profile_is_refreshed_from_the_claims_on_later_logins(client, sso):
    sso_login(client)
    user = User.objects.get(sso_identities__subject="vneid-0001-citizen")
    ApplicantProfile.objects.filter(user=user).update(address="địa chỉ cũ")
    client.logout()
    sso_login(client)
    user.applicant.refresh_from_db()
    assert user.applicant.address.startswith("Số 12 phố Hàng Bông")
    entry = AuditEntry.objects.filter(action="account.sso_returning").get()
    assert entry.changes["refreshed"] == ["address"]


def test_a_wrong_state_is_refused_and_audited(client, sso):
    def forge(callback):
        return callback.replace("state=", "state=forged")

    before = counts()
    answer = sso_login(client, before_callback=forge)
    assert answer.status_code == 403
    text = answer.content.decode()
    assert "state sai" in text and "wrong or reused state" in text
    assert counts() == before and refusals("sso_state_mismatch") == 1
    assert "_auth_user_id" not in client.session


def test_a_replayed_callback_is_refused(client, sso):
    callback = callback_path(log_in_at_provider(provider_redirect(client), "congdan"))
    assert client.get(callback).status_code == 302
    client.logout()
    assert client.get(callback).status_code == 403
    assert refusals("sso_state_mismatch") == 1


@pytest.mark.parametrize(
    "claim, value, code, words",
    [
        ("nonce", "forged-nonce", "sso_nonce_mismatch", "nonce sai"),
        ("aud", "another-portal", "sso_audience_mismatch", "audience sai"),
        ("iss", "http://127.0.0.1:1/o", "sso_issuer_mismatch", "không do hệ thống định danh"),
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(client, sso, claim, value, code, words):
    before = counts()

    def tamper(callback):
        sso.tamper_next_token(**{claim: value})

    answer = sso_login(client, before_callback=tamper)
    assert answer.status_code == 403
    assert words in answer.content.decode()
    assert counts() == before and refusals(code) == 1
    assert "_auth_user_id" not in client.session


def test_a_level_below_the_minimum_is_refused(client, sso):
    answer = sso_login(client, "congdan-muc1")
    assert answer.status_code == 403
    assert "mức LoA1" in answer.content.decode()
    assert counts() == (0, 0, 0) and refusals("sso_level_too_low") == 1


def test_the_provider_echoes_the_level_asked_for(client, sso, settings):
    settings.EGOV_SSO_ACR_VALUES = "LoA1"
    settings.EGOV_SSO_MIN_ACR = "LoA1"
    assert sso_login(client, "congdan").status_code == 302
    assert SsoIdentity.objects.get().acr == "LoA1"


def test_an_officer_never_logs_in_by_sso(client, sso, places):
    officer = OfficerFactory(user__username="canbo", agency=places.district).user
    ApplicantProfile.objects.create(user=officer, id_number="001090012345")
    before = counts()
    answer = sso_login(client)
    assert answer.status_code == 403 and "Tài khoản cán bộ" in answer.content.decode()
    assert counts() == before and refusals("sso_officer") == 1


def test_a_cancelled_login_at_the_provider_is_refused_clearly(client, sso):
    query = parse_qs(urlsplit(provider_redirect(client)).query)
    answer = client.get(f"/sso/callback/?error=access_denied&state={query['state'][0]}")
    assert answer.status_code == 403 and "đã hủy" in answer.content.decode()
    assert refusals("sso_provider_error") == 1
    assert not client.session.get("oidc_states")


def test_every_sso_and_account_variable_is_documented(settings):
    import re
    from pathlib import Path

    source = (Path(settings.BASE_DIR) / "egov" / "portal" / "sso_settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    documented = (Path(settings.BASE_DIR) / "docs" / "operations.md").read_text()
    assert len(names) >= 12
    assert sorted(n for n in names if f"`{n}`" not in documented) == []


def test_an_unreachable_provider_is_a_clear_refusal(client, sso, settings):
    callback = callback_path(log_in_at_provider(provider_redirect(client), "congdan"))
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"  # nothing listens there
    answer = client.get(callback)
    assert answer.status_code == 502
    assert "Không kết nối được hệ thống định danh" in answer.content.decode()
    assert counts() == (0, 0, 0) and refusals("sso_provider_unreachable") == 1


def test_the_provider_requires_pkce(client, sso):
    """The fake is strict as the national SSO should be: a code without its verifier
    buys no token."""
    import requests

    callback = log_in_at_provider(provider_redirect(client), "congdan")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = requests.post(
        f"{sso.issuer}/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://testserver/sso/callback/",
            "client_id": sso.client_id,
            "client_secret": sso.client_secret,
        },
        timeout=10,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
