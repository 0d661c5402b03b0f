"""The whole path over real HTTP: a client system gets a token from the running
server and calls the fake provider through it; the streamed answer arrives whole."""

from __future__ import annotations

import requests

from egov.gateway import ratelimit
from egov.gateway.models import Exchange
from egov.gateway.tests.factories import registry
from egov.gateway.tests.helpers import basic


def test_a_client_system_calls_through_the_running_gateway(committed_db, live_server, provider):
    ratelimit.buckets().clear()
    reg = registry(base_url=provider.url + "/")
    with requests.Session() as http:
        issued = http.post(
            f"{live_server.url}/gateway/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": basic(reg.client.identifier, reg.secret)},
            timeout=10,
        )
        assert issued.status_code == 200, issued.text
        headers = {
            "Authorization": f"Bearer {issued.json()['access_token']}",
            "X-Road-Client": reg.client.identifier,
            "X-Road-Id": "live-0001",
        }
        echo = http.post(
            f"{live_server.url}{reg.service_path}/echo",
            json={"xin": "chào"},
            headers=headers,
            timeout=10,
        )
        assert echo.status_code == 200
        assert echo.json()["body"] == '{"xin": "ch\\u00e0o"}'
        assert echo.headers["X-Road-Id"] == "live-0001"
        big = http.get(
            f"{live_server.url}{reg.service_path}/large?bytes=3000000&chunked=1",
            headers=headers,
            stream=True,
            timeout=10,
        )
        assert big.status_code == 200
        assert sum(len(chunk) for chunk in big.iter_content(65536)) == 3_000_000
    statuses = list(Exchange.objects.order_by("id").values_list("method", "status", "error_type"))
    assert statuses == [("POST", 200, ""), ("GET", 200, "")]
