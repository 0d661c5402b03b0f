"""The demo catalogue loads, is idempotent, and gives the seed's level figures."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from egov.catalog import queries, stats
from egov.catalog.models import ProcedureVersion
from egov.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo_catalog", stdout=None)


def test_demo_catalogue_loads_and_is_idempotent(demo):
    versions = ProcedureVersion.objects.filter(status="published")
    assert versions.count() == 62
    assert queries.public_versions().count() == 62
    inter_agency = versions.filter(participants__is_lead=True).distinct().count()
    assert inter_agency >= 3
    entries = AuditEntry.objects.count()
    call_command("load_demo_catalog")
    assert ProcedureVersion.objects.count() == 62
    assert AuditEntry.objects.count() == entries


def test_demo_templates_download(demo, client):
    version = queries.public_detail("1.001193")
    component = version.components.get(order=1)
    assert component.template.name.endswith(".txt")
    response = client.get(f"/thu-tuc/1.001193/mau/{component.pk}/")
    assert response.status_code == 200
    assert "MẪU DEMO" in b"".join(response.streaming_content).decode()


def test_level_statistics_on_demo(demo):
    figures = stats.level_stats()
    levels = {row["level"]: row for row in figures["levels"]}
    province, district = levels["province"], levels["district"]
    assert (province["total"], province["level_3"], province["level_4"]) == (26, 20, 6)
    assert (province["share_level_3"], province["share_level_4"]) == (76.9, 23.1)
    assert (district["total"], district["level_3"], district["level_4"]) == (21, 17, 2)
    assert (district["share_level_3"], district["share_level_4"]) == (81.0, 9.5)
    assert levels["commune"]["total"] == 15
    assert figures["overall"]["total"] == 62
    assert province["fully_online"] == 6


def test_level_statistics_per_agency(places):
    call_command("load_demo_catalog")
    figures = stats.level_stats()
    by_agency = {row["agency"]: row for row in figures["agencies"]}
    assert by_agency[places.commune.code]["total"] == 15
    assert by_agency[places.district.code]["total"] == 21


def test_stats_api(demo, client):
    data = client.get("/api/v1/procedures/stats/").json()
    assert {row["level"] for row in data["levels"]} == {"province", "district", "commune"}


def test_tier_rows_are_never_below_their_agencies(places):
    """ "Sở, ban, ngành" showed 0 above department rows adding to more: procedures given
    to single departments, not to the whole tier, were left out of the tier's row."""
    call_command("load_demo")
    call_command("load_demo_catalog")
    figures = stats.level_stats()
    tiers = {row["tier"]: row for row in figures["tiers"]}
    by_tier: dict[str, list[dict]] = {}
    for row in figures["agencies"]:
        by_tier.setdefault(row["tier"], []).append(row)
    assert tiers["department"]["total"] > 0
    for code, rows in by_tier.items():
        for field in ("total", "level_3", "level_4", "fully_online"):
            assert tiers[code][field] >= max(r[field] for r in rows), (code, field)
            assert tiers[code][field] <= sum(r[field] for r in rows), (code, field)
    levels = {row["level"]: row for row in figures["levels"]}
    assert levels["province"]["total"] >= tiers["department"]["total"]
