"""Fixtures of the notification tests: the SMS catcher next to the SMTP one."""

from __future__ import annotations

import pytest

from egov.dossiers.tests.factories import district_procedure
from egov.notifications.tests.helpers import PORTAL


@pytest.fixture
def sms(settings):
    from fakes.sms import Catcher

    with Catcher() as catcher:
        settings.EGOV_SMS_URL = catcher.url
        yield catcher


@pytest.fixture
def notify(settings, smtp, sms):
    """Both catchers, links on the portal's address, retries due at once."""
    settings.EGOV_PUBLIC_URL = PORTAL
    settings.OUTBOX_BACKOFF_SECONDS = 0
    return smtp, sms


@pytest.fixture
def version(db):
    return district_procedure()
