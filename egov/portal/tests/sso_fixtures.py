"""The fake national SSO (fakes/oidc/, django-oauth-toolkit) for the tests: started
once per run as a subprocess on a free loopback port, and egov configured to use it.
``sso_login`` walks a login through it over HTTP, as a browser would: egov's test
client on our side, ``requests`` on the provider's pages."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from egov.portal.sso_settings import provider_endpoints
from fakes.oidc import identities
from fakes.oidc.server import Provider


@pytest.fixture(scope="session")
def sso_provider(tmp_path_factory):
    with Provider(tmp_path_factory.mktemp("fake-oidc")) as provider:
        yield provider


@pytest.fixture
def sso(settings, sso_provider):
    settings.EGOV_SSO_ISSUER = sso_provider.issuer
    for name, value in provider_endpoints(sso_provider.issuer).items():
        setattr(settings, name, value)
    settings.OIDC_RP_CLIENT_ID = sso_provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = sso_provider.client_secret
    settings.EGOV_SSO_ACR_VALUES = "LoA2"
    settings.EGOV_SSO_MIN_ACR = "LoA2"
    sso_provider.tamper_next_token()  # no switch left over from another test
    return sso_provider


def provider_redirect(client, next_url: str = "") -> str:
    """Start a login at egov: the URL of the provider's authorization endpoint."""
    started = client.get("/sso/dang-nhap/" + (f"?next={next_url}" if next_url else ""))
    assert started.status_code == 302
    return started.url


def log_in_at_provider(authorize_url: str, username: str) -> str:
    """Log in at the fake SSO; returns the callback URL it sends the browser back to."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    assert page.status_code == 200 and 'id="fake-sso-login"' in page.text
    next_field = html.unescape(re.search(r'name="next" value="([^"]*)"', page.text).group(1))
    logged_in = browser.post(
        page.url,
        data={
            "username": username,
            "password": identities.PASSWORD,
            "next": next_field,
            "csrfmiddlewaretoken": browser.cookies["fake_sso_csrftoken"],
        },
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    assert logged_in.status_code == 302, logged_in.text[:500]
    base = f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
    authorized = browser.get(
        base + logged_in.headers["Location"], allow_redirects=False, timeout=10
    )
    assert authorized.status_code == 302, authorized.text[:500]
    return authorized.headers["Location"]


def callback_path(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    assert "code" in parse_qs(parts.query), callback_url
    return f"{parts.path}?{parts.query}"


def sso_login(client, username: str = "congdan", *, before_callback=None):
    """A whole login; returns egov's answer to the callback."""
    callback = callback_path(log_in_at_provider(provider_redirect(client), username))
    if before_callback is not None:
        callback = before_callback(callback) or callback
    return client.get(callback)
