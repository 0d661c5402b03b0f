"""Shared pieces of the online payment tests: the fake national payment platform
(fakes/payment.py) on a free loopback port, a dossier of people.citizen with fees
owed, and re-signing a message as the platform (or a forger) would."""

from __future__ import annotations

import pytest

from egov.dossiers import services as dossiers
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist
from fakes.payment import CALLBACK, Platform, checksum

KEY = "khoa-thu-nghiem-thanh-toan"
FEES = [
    {"name": "Lệ phí đăng ký hộ kinh doanh", "amount": 100_000, "collector": "", "note": ""},
    {"name": "Phí cung cấp thông tin", "amount": 25_000, "collector": "", "note": ""},
]
SITE = "http://egov.test"  # where the platform would call back (no server in most tests)


@pytest.fixture
def platform(settings):
    with Platform(key=KEY) as running:
        settings.EGOV_PAYMENT_URL = running.url
        settings.EGOV_PAYMENT_KEY = KEY
        settings.EGOV_PAYMENT_PARTNER = "UBND-CHO-MOI"
        yield running


def owned_dossier(people, *, code: str = "2.000884", online: bool = True, **kwargs) -> Dossier:
    """A dossier received at the desk for people.citizen's account, 125,000 đ owed."""
    version = district_procedure(
        code, fees=[{**f, "payable_online": online} for f in FEES], **kwargs
    )
    dossier = dossiers.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        components=full_checklist(version),
        applicant=APPLICANT,
    )
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=people.citizen)
    dossier.refresh_from_db()
    return dossier


def resigned(payload: dict, key: str = KEY, **changes) -> dict:
    """``payload`` with ``changes``, signed again with ``key`` (a wrong key: a forgery)."""
    message = {**payload, **changes}
    message["MaXacThuc"] = checksum(key, message, CALLBACK)
    return message


def withheld(platform: Platform) -> list[dict]:
    """The callbacks the platform kept back (``callback: none``), oldest first."""
    return [r["payload"] for r in platform.of_kind("callback_withheld")]
