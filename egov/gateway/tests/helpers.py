"""Calling the gateway as a client system would: a token, then proxied calls."""

from __future__ import annotations

import base64
from urllib.parse import quote

from egov.gateway.tests.factories import Registry


def basic(client_id: str, secret: str) -> str:
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def token(client, reg: Registry, secret: str | None = None) -> str:
    answer = client.post(
        "/gateway/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(reg.client.identifier, secret or reg.secret)},
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["access_token"]


def call(
    client,
    reg: Registry,
    method: str = "GET",
    path: str = "/hello",
    *,
    bearer=None,
    headers=None,
    **kwargs,
):
    """The proxied call; a streamed body is read whole (``.body``)."""
    sent = {"X-Road-Client": reg.client.identifier}
    if bearer is not False:
        sent["Authorization"] = f"Bearer {bearer or token(client, reg)}"
    sent.update(headers or {})
    answer = client.generic(method, reg.service_path + path, headers=sent, **kwargs)
    if answer.streaming:
        # Read whole, the test client closes the response (which records the exchange).
        answer.body = b"".join(answer.streaming_content)
    else:
        answer.body = answer.content
    return answer
