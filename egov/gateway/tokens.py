"""OAuth2 client credentials (RFC 6749 section 4.4) for the gateway's clients.

A client subsystem proves itself with its identifier (``client_id``, e.g.
``VN/GOV/000.00.00.H06/MOTCUA``) and one of its active secrets; it gets a bearer
token signed with the platform's secret key (``django.core.signing``, its own salt)
that names the client and expires after ``EGOV_GATEWAY_TOKEN_SECONDS``. Checking a
token costs one HMAC, no database query. Secrets are stored hashed
(``make_password``); two may be active at once, so a client switches to a new one
before the old one is revoked."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing

from egov.gateway.models import ClientSecret, Subsystem

SALT = "egov.gateway.token"


@dataclass
class Refused(Exception):
    """An OAuth2 error (RFC 6749 section 5.2) with its HTTP status."""

    error: str
    description: str
    status: int = 400


def authenticate(client_id: str, secret: str) -> Subsystem:
    """The active subsystem ``client_id`` when ``secret`` is one of its active secrets."""
    subsystem = Subsystem.objects.filter(identifier=client_id, is_active=True).first()
    hashes = []
    if subsystem is not None:
        hashes = list(
            ClientSecret.objects.filter(subsystem=subsystem, revoked_at__isnull=True).values_list(
                "secret_hash", flat=True
            )
        )
    if not hashes:
        make_password(secret)  # the same work as a real check: no timing hint
    if not any(check_password(secret, encoded) for encoded in hashes):
        raise Refused(
            "invalid_client",
            "Sai định danh hoặc khoá bí mật của hệ thống (unknown client or wrong secret).",
            401,
        )
    return subsystem


def issue(subsystem: Subsystem) -> dict:
    """The token answer (RFC 6749 section 5.1)."""
    token = signing.dumps({"client": subsystem.identifier}, salt=SALT)
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": settings.EGOV_GATEWAY_TOKEN_SECONDS,
    }


def client_of(token: str) -> str | None:
    """The client identifier a valid, unexpired token names; None otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EGOV_GATEWAY_TOKEN_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    client = data.get("client") if isinstance(data, dict) else None
    return client if isinstance(client, str) else None
