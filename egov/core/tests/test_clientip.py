"""The client address behind EGOV_TRUSTED_PROXIES proxies (issue 11, finding 6)."""

import pytest
from django.test import RequestFactory

from egov.core.clientip import client_ip


@pytest.mark.parametrize(
    "proxies,forwarded,expected",
    [
        (0, "1.2.3.4", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the forged left part is never read
        (2, "6.6.6.6, 1.2.3.4, 172.16.0.9", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.1"),  # fewer entries than proxies: the peer
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_nth_address_from_the_right(settings, proxies, forwarded, expected):
    settings.EGOV_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
