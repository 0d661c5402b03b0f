"""Catalogue statistics: the seed's KPI, the number and share of procedures offered
online at level 3 and at level 4 (and "toàn trình"), per level of government, tier
and agency.

"Level 3" counts procedures offered at level 3 *or higher* (a level 4 service is
also a level 3 one): that is how the seed's figures read (province 77% at level 3,
24% at level 4; the two would not fit in 100% otherwise).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from egov.catalog import queries
from egov.catalog.models import OnlineClass, ProcedureVersion
from egov.directory.models import Agency, Tier

# Level of government ("cấp") of each tier: departments and the service centre are
# provincial bodies; the seed reports province and district.
GOVERNMENT_LEVEL = {
    "central": "central",
    "province": "province",
    "department": "province",
    "service_centre": "province",
    "district": "district",
    "commune": "commune",
    "other": "other",
}
LEVEL_NAMES = {
    "central": ("Trung ương", "Central"),
    "province": ("Cấp tỉnh", "Province"),
    "district": ("Cấp huyện", "District"),
    "commune": ("Cấp xã", "Commune"),
    "other": ("Khác", "Other"),
}


def _share(part: int, total: int) -> float:
    if not total:
        return 0.0
    return float((Decimal(100 * part) / total).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _row(ids: set[int], levels: dict[int, tuple[int, str]], **extra: Any) -> dict[str, Any]:
    total = len(ids)
    l3 = sum(1 for i in ids if levels[i][0] >= 3)
    l4 = sum(1 for i in ids if levels[i][0] == 4)
    full = sum(1 for i in ids if levels[i][1] == OnlineClass.FULL)
    return {
        **extra,
        "total": total,
        "level_3": l3,
        "level_4": l4,
        "fully_online": full,
        "share_level_3": _share(l3, total),
        "share_level_4": _share(l4, total),
        "share_fully_online": _share(full, total),
    }


def level_stats(on: datetime.date | None = None, *, agencies: bool = True) -> dict[str, Any]:
    """Counts and shares (percent, one decimal) over the versions in force ``on``."""
    on = on or timezone.localdate()
    versions = queries.in_force(ProcedureVersion.objects.all(), on)
    levels = {
        pk: (level, online)
        for pk, level, online in versions.values_list("pk", "service_level", "online_class")
    }
    through_tiers = ProcedureVersion.tiers.through.objects.filter(
        procedureversion_id__in=versions.values("pk")
    )
    by_tier: dict[str, set[int]] = defaultdict(set)
    for version_id, tier_code in through_tiers.values_list("procedureversion_id", "tier__code"):
        by_tier[tier_code].add(version_id)
    through_agencies = ProcedureVersion.agencies.through.objects.filter(
        procedureversion_id__in=versions.values("pk")
    )
    by_agency: dict[int, set[int]] = defaultdict(set)
    for version_id, agency_id in through_agencies.values_list("procedureversion_id", "agency_id"):
        by_agency[agency_id].add(version_id)
    # A tier's row counts each procedure once, whether it is offered by the whole tier
    # or by some of its agencies, so that it is never below one of its agencies' rows.
    offered = dict(by_tier)
    for agency_id, tier_code in Agency.objects.filter(pk__in=by_agency).values_list(
        "pk", "tier__code"
    ):
        offered[tier_code] = offered.get(tier_code, set()) | by_agency[agency_id]

    by_level: dict[str, set[int]] = defaultdict(set)
    for tier_code, ids in offered.items():
        by_level[GOVERNMENT_LEVEL.get(tier_code, "other")] |= ids

    tier_names = dict(Tier.objects.values_list("code", "name"))
    tier_rank = dict(Tier.objects.values_list("code", "rank"))
    result: dict[str, Any] = {
        "on": on.isoformat(),
        "overall": _row(set(levels), levels),
        "levels": [
            _row(ids, levels, level=code, name=LEVEL_NAMES[code][0], name_en=LEVEL_NAMES[code][1])
            for code in ("central", "province", "district", "commune", "other")
            if (ids := by_level.get(code))
        ],
        "tiers": [
            _row(offered[code], levels, tier=code, name=tier_names.get(code, code))
            for code in sorted(offered, key=lambda c: (tier_rank.get(c, 99), c))
        ],
    }
    if agencies:
        rows = []
        for agency in Agency.objects.in_force(on).select_related("tier").order_by("path"):
            ids = by_tier.get(agency.tier.code, set()) | by_agency.get(agency.pk, set())
            if ids:
                rows.append(
                    _row(ids, levels, agency=agency.code, name=agency.name, tier=agency.tier.code)
                )
        result["agencies"] = rows
    return result
