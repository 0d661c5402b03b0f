"""OAuth2 client credentials: tokens issued for a client's active secrets (two at
once while rotating), refused once revoked or expired, errors as OAuth2 JSON."""

from __future__ import annotations

import pytest
from django.core import signing

from egov.gateway import services, tokens
from egov.gateway.tests.factories import registry
from egov.gateway.tests.helpers import basic, call

pytestmark = pytest.mark.django_db


def _token(client, client_id, secret, **form):
    return client.post(
        "/gateway/token",
        {"grant_type": "client_credentials", **form},
        headers={"Authorization": basic(client_id, secret)} if secret is not None else {},
    )


def test_a_client_gets_a_short_lived_bearer_token(client, settings):
    settings.EGOV_GATEWAY_TOKEN_SECONDS = 120
    reg = registry()
    answer = _token(client, reg.client.identifier, reg.secret)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 120
    assert answer["Cache-Control"] == "no-store"
    assert tokens.client_of(body["access_token"]) == reg.client.identifier
    # The credentials may come in the form instead of HTTP Basic.
    form = client.post(
        "/gateway/token",
        {
            "grant_type": "client_credentials",
            "client_id": reg.client.identifier,
            "client_secret": reg.secret,
        },
    )
    assert form.status_code == 200


def test_wrong_credentials_are_refused_as_oauth2_errors(client):
    reg = registry()
    wrong = _token(client, reg.client.identifier, "not-the-secret")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong["WWW-Authenticate"].startswith("Basic")
    unknown = _token(client, "VN/GOV/nobody/X", reg.secret)
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    grant = _token(client, reg.client.identifier, reg.secret, grant_type="password")
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    missing = _token(client, "", None)
    assert missing.status_code == 401 and missing.json()["error"] == "invalid_client"
    assert client.get("/gateway/token").status_code == 405


def test_rotation_two_secrets_are_valid_until_the_old_one_is_revoked(client):
    reg = registry()
    old = reg.client.secrets.get()
    new, new_text = services.issue_secret(actor=None, subsystem=reg.client)
    # Both work while the client switches over.
    assert _token(client, reg.client.identifier, reg.secret).status_code == 200
    assert _token(client, reg.client.identifier, new_text).status_code == 200
    # A third is refused: rotation is new-then-revoke, never more than two.
    with pytest.raises(Exception) as refused:
        services.issue_secret(actor=None, subsystem=reg.client)
    assert refused.value.code == "gateway_too_many_secrets"
    services.revoke_secret(actor=None, secret=old)
    assert _token(client, reg.client.identifier, reg.secret).status_code == 401
    assert _token(client, reg.client.identifier, new_text).status_code == 200
    with pytest.raises(Exception) as again:
        services.revoke_secret(actor=None, secret=old)
    assert again.value.code == "gateway_secret_revoked"
    from egov.core.models import AuditEntry

    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("gateway.secret.issued") == 2
    assert actions.count("gateway.secret.revoked") == 1


def test_an_inactive_subsystem_gets_no_token(client):
    reg = registry()
    reg.client.is_active = False
    services.save_subsystem(actor=None, subsystem=reg.client)
    assert _token(client, reg.client.identifier, reg.secret).status_code == 401


def test_expired_forged_or_missing_tokens_are_refused_by_the_proxy(client, settings):
    reg = registry()
    expired = signing.dumps({"client": reg.client.identifier}, salt=tokens.SALT)
    settings.EGOV_GATEWAY_TOKEN_SECONDS = -1  # every token is already too old
    answer = call(client, reg, bearer=expired)
    assert answer.status_code == 401
    assert answer["X-Road-Error"] == "Client.InvalidToken"
    assert answer.json()["type"] == "Client.InvalidToken"
    settings.EGOV_GATEWAY_TOKEN_SECONDS = 300
    forged = signing.dumps({"client": reg.client.identifier}, salt="another.salt")
    assert call(client, reg, bearer=forged).status_code == 401
    assert call(client, reg, bearer=False).status_code == 401
