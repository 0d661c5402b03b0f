"""The public catalogue's entries (``CatalogEntry``), which the search reads, agree
with the date-based source of truth (``queries.in_force``) after every publication
and retirement, on every day: drafts never listed, a version effective tomorrow not
listed today but listed from tomorrow without anything to run at midnight."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from egov.catalog import queries, services
from egov.catalog.models import CatalogEntry
from egov.catalog.tests.factories import content, published
from egov.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)
DAYS = [
    datetime.date(2023, 12, 31),
    datetime.date(2024, 1, 1),
    TODAY - datetime.timedelta(days=1),
    TODAY,
    TOMORROW,
    TODAY + datetime.timedelta(days=30),
]


def _listed(on: datetime.date) -> list[tuple[str, int]]:
    return list(queries.catalogue(on).values_list("code", "number"))


def _in_force(on: datetime.date) -> list[tuple[str, int]]:
    return list(queries.public_versions(on).values_list("procedure__code", "number"))


def _assert_agree() -> None:
    for day in DAYS:
        assert _listed(day) == _in_force(day), day


def _next(version, effective_from):
    draft = services.new_draft_from(actor=SYSTEM, version=version)
    return services.publish_version(actor=SYSTEM, version=draft, effective_from=effective_from)


def test_drafts_have_no_entry():
    services.save_draft(actor=SYSTEM, content=content())
    assert not CatalogEntry.objects.exists()
    v2 = published(effective_from=datetime.date(2024, 1, 1))  # the draft above is v1
    services.new_draft_from(actor=SYSTEM, version=v2)  # draft v3
    assert list(CatalogEntry.objects.values_list("number", flat=True)) == [2]
    _assert_agree()


def test_a_version_effective_tomorrow_is_listed_from_tomorrow():
    v1 = published(effective_from=datetime.date(2024, 1, 1))
    v2 = _next(v1, TOMORROW)
    assert _listed(TODAY) == [("1.001193", 1)]
    assert _listed(TOMORROW) == [("1.001193", 2)]
    assert v1.entry.effective_until == TOMORROW and v2.entry.effective_until is None
    _assert_agree()


def test_the_api_switches_version_at_midnight_without_a_refresh(client):
    v1 = published(effective_from=datetime.date(2024, 1, 1))
    _next(v1, TOMORROW)

    def versions():
        return [p["version"] for p in client.get("/api/v1/procedures/").json()["results"]]

    assert versions() == [1]
    with mock.patch("egov.catalog.queries.timezone.localdate", return_value=TOMORROW):
        assert versions() == [2]
        assert client.get("/api/v1/procedures/1.001193/").json()["version"] == 2


def test_publishing_a_version_effective_today_replaces_the_listed_one():
    v1 = published(effective_from=datetime.date(2024, 1, 1))
    _next(v1, TODAY)
    assert _listed(TODAY) == [("1.001193", 2)]
    assert _listed(TODAY - datetime.timedelta(days=1)) == [("1.001193", 1)]
    _assert_agree()


def test_retiring_brings_back_the_previous_version():
    v1 = published(effective_from=datetime.date(2024, 1, 1))
    v2 = _next(v1, TODAY)
    v3 = _next(v2, TOMORROW)
    services.retire_version(actor=SYSTEM, version=v2)
    assert _listed(TODAY) == [("1.001193", 1)]
    assert _listed(TOMORROW) == [("1.001193", 3)]
    _assert_agree()
    services.retire_version(actor=SYSTEM, version=v3)
    services.retire_version(actor=SYSTEM, version=v1)
    assert not CatalogEntry.objects.exists()
    _assert_agree()


def test_several_procedures_agree_on_every_day():
    a1 = published("1.000001", name="Thủ tục A", effective_from=datetime.date(2024, 1, 1))
    published("1.000002", name="Thủ tục B", effective_from=TOMORROW)
    a2 = _next(a1, TODAY + datetime.timedelta(days=30))
    published("1.000003", name="Thủ tục C", effective_from=TODAY)
    services.retire_version(actor=SYSTEM, version=a2)
    _assert_agree()
    # A full rebuild gives the same entries as the incremental refreshes.
    before = sorted(CatalogEntry.objects.values_list("version_id", "effective_until"))
    assert services.refresh_catalog_entries() == 3
    assert sorted(CatalogEntry.objects.values_list("version_id", "effective_until")) == before


def test_renaming_a_field_renames_it_in_the_list(client):
    published(effective_from=datetime.date(2024, 1, 1))
    services.save_field(actor=SYSTEM, code="ho-tich", name="Hộ tịch (đổi tên)")
    row = client.get("/api/v1/procedures/").json()["results"][0]
    assert row["field"] == {"code": "ho-tich", "name": "Hộ tịch (đổi tên)"}


def test_search_is_an_alias_of_q(client, places):
    published("1.001193", name="Thủ tục đăng ký khai sinh")
    published("1.000894", name="Thủ tục đăng ký kết hôn")
    api = "/api/v1/procedures/"
    assert client.get(api).json()["count"] == 2
    for params in ({"q": "dang ky khai sinh"}, {"search": "dang ky khai sinh"}):
        data = client.get(api, params).json()
        assert [p["code"] for p in data["results"]] == ["1.001193"], params
        assert data["count"] == 1
    # The page takes the same names and keeps the words in the search box.
    page = client.get("/thu-tuc/", {"search": "dang ky khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in page and "kết hôn" not in page
    assert 'value="dang ky khai sinh"' in page


def test_count_and_pages(client, places):
    for n in range(25):
        published(f"3.{n:06d}", name=f"Thủ tục mẫu số {n}")
    api = "/api/v1/procedures/"
    first = client.get(api, {"q": "mau so"}).json()
    assert first["count"] == 25 and len(first["results"]) == 20 and first["next"]
    second = client.get(api, {"q": "mau so", "offset": 20}).json()
    assert second["count"] == 25 and [p["code"] for p in second["results"]] == [
        f"3.{n:06d}" for n in range(20, 25)
    ]
    assert second["next"] is None
    past = client.get(api, {"q": "mau so", "offset": 100}).json()
    assert past["count"] == 25 and past["results"] == []
