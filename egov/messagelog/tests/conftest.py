"""Fixtures of the message log tests: the local timestamp authority (fakes/tsa.py, a
real HTTP server on loopback running ``openssl ts``) with its development PKI, and the
settings that point the log at it."""

from __future__ import annotations

import pytest

from egov.signing import devpki
from egov.signing.tests import tools
from fakes.tsa import Authority


@pytest.fixture(scope="session")
def tsa(tmp_path_factory):
    tools.need("openssl ts")
    directory = tmp_path_factory.mktemp("messagelog-pki")
    with Authority(directory) as running:
        running.pki = devpki.create(directory, url=running.url)
        running.tsa_url = running.url + "/tsa"
        yield running


@pytest.fixture
def sealing(tsa, settings, tmp_path):
    """The log timestamped by the local TSA, its certificate trusted, archives in a
    temporary directory."""
    settings.MESSAGELOG_TSA_URL = tsa.tsa_url
    settings.MESSAGELOG_TSA_CERT = str(tsa.pki.path("tsa.pem"))
    settings.MESSAGELOG_ARCHIVE_DIR = str(tmp_path / "archive")
    return tsa


@pytest.fixture
def unguarded(db):
    """The append-only triggers dropped for this test (rolled back with it), so that
    the test can tamper with rows as someone who dropped them would."""
    from django.db import connection

    from egov.messagelog import guards

    guards.remove(connection)
