"""The fake registries (fakes/registries.py) on a free loopback port, knowing the
personas of egov/conftest.py (people.citizen), for the look-up tests."""

from __future__ import annotations

import pytest

from fakes.registries import Registries, citizen, enterprise

# people.citizen of egov/conftest.py, as the population database knows her.
CITIZEN = citizen(
    "006190001234",
    "Hoàng Thị Lan",
    "1990-04-12",
    "Tổ 5, phường Đức Xuân, thành phố Bắc Kạn",
    phone="0912000111",
)
COMPANY = enterprise(
    "4700999888",
    "Công ty TNHH Thử Nghiệm Chợ Mới",
    "Số 3 đường Hùng Vương, thị trấn Đồng Tâm, huyện Chợ Mới",
    "Hoàng Thị Lan",
)


@pytest.fixture
def registries(settings):
    with Registries(people=[CITIZEN], businesses=[COMPANY]) as running:
        settings.EGOV_POPULATION_PROVIDER = "fake-http"
        settings.EGOV_BUSINESS_PROVIDER = "fake-http"
        settings.EGOV_POPULATION_URL = running.url
        settings.EGOV_BUSINESS_URL = running.url
        settings.EGOV_REGISTRY_TIMEOUT_SECONDS = 1
        yield running
