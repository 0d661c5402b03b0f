"""Named reads of the catalogue. Public reads return published versions only: a
draft is never shown to the public nor pinned by reception."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from egov.catalog.models import (
    CatalogEntry,
    Procedure,
    ProcedureVersion,
    Workflow,
    WorkflowStep,
)
from egov.catalog.text import normalise
from egov.core.permissions import Action, scope
from egov.directory.models import Agency

PUBLISHED = ProcedureVersion.Status.PUBLISHED


def _local_date(at: datetime.datetime | datetime.date | None) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def in_force(qs: QuerySet[ProcedureVersion], on: datetime.date) -> QuerySet[ProcedureVersion]:
    """The versions of ``qs`` in force on ``on``: published, effective, and not
    replaced by a later published version already effective on that day."""
    newer = ProcedureVersion.objects.filter(
        procedure=OuterRef("procedure"),
        status=PUBLISHED,
        effective_from__lte=on,
        effective_from__gt=OuterRef("effective_from"),
    )
    return qs.filter(status=PUBLISHED, effective_from__lte=on).exclude(Exists(newer))


def version_in_force(
    procedure: Procedure | str, at: datetime.datetime | datetime.date | None = None
) -> ProcedureVersion | None:
    """The version a dossier received at ``at`` pins (None: the procedure is not
    offered then). Drafts and retired versions are never returned."""
    on = _local_date(at)
    qs = ProcedureVersion.objects.select_related("procedure", "field")
    if isinstance(procedure, str):
        qs = qs.filter(procedure__code=procedure)
    else:
        qs = qs.filter(procedure=procedure)
    return (
        qs.filter(status=PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def public_versions(on: datetime.date | None = None) -> QuerySet[ProcedureVersion]:
    """Every version in force today (or ``on``), for the public catalogue."""
    qs = ProcedureVersion.objects.select_related("procedure", "field").prefetch_related("tiers")
    return in_force(qs, _local_date(on)).order_by("procedure__code")


def catalogue(on: datetime.date | None = None) -> QuerySet[CatalogEntry]:
    """The public catalogue: an entry per procedure, its version in force today (or
    ``on``), ordered by code. Agrees with ``in_force`` (the source of truth) because
    the services rebuild the entries whenever a version is published or retired."""
    day = _local_date(on)
    return (
        CatalogEntry.objects.filter(effective_from__lte=day)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gt=day))
        .order_by("code")
    )


def search(
    qs: QuerySet[CatalogEntry],
    *,
    q: str = "",
    agency: str = "",
    field: str = "",
    tier: str = "",
    level: str = "",
    online: str = "",
) -> QuerySet[CatalogEntry]:
    """Filter the catalogue: ``q`` matches the name or code ignoring accents and case
    (every word must appear); the other filters are codes."""
    for word in normalise(q).split()[:8]:
        # search_text is already lower case without accents, so a plain (case
        # sensitive) LIKE works the same on SQLite and PostgreSQL.
        qs = qs.filter(search_text__contains=word)
    if field:
        qs = qs.filter(field_code=field)
    if tier:
        qs = qs.filter(tier_codes__contains=f" {tier} ")
    if agency:
        found = Agency.objects.filter(code=agency).values_list("pk", "tier__code").first()
        if found is None:
            return qs.none()
        agency_id, tier_code = found
        by_agency = ProcedureVersion.agencies.through.objects.filter(
            procedureversion_id=OuterRef("version_id"), agency_id=agency_id
        )
        qs = qs.filter(Q(Exists(by_agency)) | Q(tier_codes__contains=f" {tier_code} "))
    if level:
        try:
            qs = qs.filter(service_level=int(level))
        except ValueError:
            return qs.none()
    if online:
        qs = qs.filter(online_class=online)
    return qs


LIST_COLUMNS = (
    "code",
    "name",
    "number",
    "effective_from",
    "field_code",
    "field_name",
    "tier_codes",
    "time_amount",
    "time_unit",
    "same_day",
    "service_level",
    "online_class",
)


def search_page(
    filters: dict[str, str], *, offset: int, limit: int, on: datetime.date | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """One page of search results as plain rows (``LIST_COLUMNS``) and the number of
    all results, with one scan of the table: the ids of every match (in code order),
    then the page's rows by primary key. A search (LIKE '%word%') cannot use an
    index, so a COUNT(*) beside the page query would scan the table a second time;
    COUNT(*) OVER () would sort every matching row in full before the LIMIT."""
    qs = search(catalogue(on), **filters)
    ids = list(qs.values_list("version_id", flat=True))
    wanted = ids[offset : offset + limit]
    rows = CatalogEntry.objects.filter(version_id__in=wanted).order_by("code")
    return len(ids), list(rows.values(*LIST_COLUMNS)) if wanted else []


def _items_prefetch() -> list[Any]:
    return [
        "tiers",
        "agencies",
        "components",
        "fees",
        "results",
        Prefetch("participants", queryset=_participants()),
        Prefetch(
            "workflows",
            queryset=Workflow.objects.select_related("agency", "tier").prefetch_related(
                Prefetch("steps", queryset=WorkflowStep.objects.all())
            ),
        ),
    ]


def _participants():
    from egov.catalog.models import Participant

    return Participant.objects.select_related("agency", "tier")


def version_with_items(pk: int) -> ProcedureVersion:
    """One version with everything it contains, fetched once."""
    return (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related(*_items_prefetch())
        .get(pk=pk)
    )


def versions_with_items(qs: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return qs.select_related("procedure", "field").prefetch_related(*_items_prefetch())


def public_detail(code: str, on: datetime.date | None = None) -> ProcedureVersion | None:
    """The version of ``code`` in force, with its items, or None."""
    qs = in_force(ProcedureVersion.objects.filter(procedure__code=code), _local_date(on))
    pk = qs.values_list("pk", flat=True).first()
    return version_with_items(pk) if pk else None


def editable_versions(actor: Any) -> QuerySet[ProcedureVersion]:
    """Versions (drafts included) the actor may change: catalogue administration."""
    return scope(
        actor, Action.CHANGE, ProcedureVersion.objects.select_related("procedure", "field")
    )


def latest_versions(qs: QuerySet[ProcedureVersion] | None = None) -> QuerySet[ProcedureVersion]:
    """The newest non-retired version of every procedure (exports of the whole
    catalogue, drafts included)."""
    qs = qs if qs is not None else ProcedureVersion.objects.all()
    newer = ProcedureVersion.objects.filter(
        procedure=OuterRef("procedure"), number__gt=OuterRef("number")
    ).exclude(status=ProcedureVersion.Status.RETIRED)
    return (
        qs.exclude(status=ProcedureVersion.Status.RETIRED)
        .exclude(Exists(newer))
        .order_by("procedure__code")
    )
