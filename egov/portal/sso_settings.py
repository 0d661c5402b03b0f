"""Settings of the national single sign-on and of local applicant accounts, read
from environment variables (egov/settings.py imports this module; the variables are
listed in docs/operations.md). The defaults point at the local fake provider that
``manage.py serve`` starts (fakes/oidc/)."""

from __future__ import annotations

from egov.env import env_bool, env_int, env_str

EGOV_SSO_ENABLED = env_bool("EGOV_SSO_ENABLED", True)
EGOV_SSO_ISSUER = env_str("EGOV_SSO_ISSUER", "http://127.0.0.1:8028/o").rstrip("/")
# Levels of assurance asked for (space-separated) and the lowest one accepted.
EGOV_SSO_ACR_VALUES = env_str("EGOV_SSO_ACR_VALUES", "LoA2")
EGOV_SSO_MIN_ACR = env_str("EGOV_SSO_MIN_ACR", "LoA2")


def provider_endpoints(issuer: str) -> dict[str, str]:
    """mozilla-django-oidc's endpoint settings for a provider laid out as
    django-oauth-toolkit (and the fake) lays it out; each can be overridden."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": env_str(
            "EGOV_SSO_AUTHORIZATION_URL", f"{issuer}/authorize/"
        ),
        "OIDC_OP_TOKEN_ENDPOINT": env_str("EGOV_SSO_TOKEN_URL", f"{issuer}/token/"),
        "OIDC_OP_USER_ENDPOINT": env_str("EGOV_SSO_USERINFO_URL", f"{issuer}/userinfo/"),
        "OIDC_OP_JWKS_ENDPOINT": env_str("EGOV_SSO_JWKS_URL", f"{issuer}/.well-known/jwks.json"),
    }


_endpoints = provider_endpoints(EGOV_SSO_ISSUER)
OIDC_OP_AUTHORIZATION_ENDPOINT = _endpoints["OIDC_OP_AUTHORIZATION_ENDPOINT"]
OIDC_OP_TOKEN_ENDPOINT = _endpoints["OIDC_OP_TOKEN_ENDPOINT"]
OIDC_OP_USER_ENDPOINT = _endpoints["OIDC_OP_USER_ENDPOINT"]
OIDC_OP_JWKS_ENDPOINT = _endpoints["OIDC_OP_JWKS_ENDPOINT"]
OIDC_RP_CLIENT_ID = env_str("EGOV_SSO_CLIENT_ID", "egov-portal")
OIDC_RP_CLIENT_SECRET = env_str("EGOV_SSO_CLIENT_SECRET", "egov-portal-demo-secret")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env_str("EGOV_SSO_SCOPES", "openid")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_TIMEOUT = env_int("EGOV_SSO_TIMEOUT_SECONDS", 10)
OIDC_CREATE_USER = True

# Applicants log in with their phone number or e-mail address (egov.portal.accounts),
# and by SSO (egov.portal.sso); both after django-axes and Django's own backend.
PORTAL_AUTHENTICATION_BACKENDS = [
    "egov.portal.accounts.PhoneOrEmailBackend",
    "egov.portal.sso.NationalSsoBackend",
]
# A registration code: valid this long, this many tries (as the SMS reset code).
EGOV_REGISTRATION_CODE_SECONDS = env_int("EGOV_REGISTRATION_CODE_SECONDS", 600)
EGOV_REGISTRATION_CODE_TRIES = env_int("EGOV_REGISTRATION_CODE_TRIES", 5)
EGOV_RATE_REGISTRATION = env_str("EGOV_RATE_REGISTRATION", "10/hour")
