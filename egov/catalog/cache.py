"""Published procedure versions with everything they contain, in Django's cache
framework (alias ``CACHE``: local memory by default, Redis when ``EGOV_REDIS_URL`` is set;
docs/operations.md).

A published (or retired) version never changes: only drafts can be edited
(``rules.check_version_editable``); a change is a new version. So a version read once
by its primary key, with its components, fees, agencies, tiers and workflows, stays
true, and the hot paths (online submission, reception, the dossier lists and page)
need no catalogue query beyond "which version is in force for this code today",
which the database answers every time (``version_in_force``). Only the version's
``status`` may still move (published -> retired): never read it from here.

Keys carry ``KEY_VERSION``: raise it when what is cached changes shape (a model
field added to a version or its items), so that processes of the new release never
read objects pickled by the old one from a shared cache. Tests clear the cache between
tests because a rolled-back database gives primary keys out again (egov/conftest.py).
"""

from __future__ import annotations

import datetime

from django.core.cache import caches

from egov.catalog.models import ProcedureVersion, WorkflowStep
from egov.catalog.queries import _local_date, versions_with_items

CACHE = "reference"
KEY_VERSION = 3  # 2: FeeItem.collected_on_return (issue 12); 3: form_fields (issue 14)
# Published versions do not change; a week bounds what a removed row leaves behind.
TIMEOUT = 7 * 24 * 3600


def _cache():
    return caches[CACHE]


def clear() -> None:
    _cache().clear()


def _keys(kind: str, pks) -> dict[str, int]:
    return {f"catalog:{kind}:{pk}": pk for pk in pks}


def versions(pks: set[int] | list[int]) -> dict[int, ProcedureVersion]:
    """Published versions by primary key, with their items and workflows (one query
    per kind of row for the missing ones, none when all are cached). Drafts are read
    but not kept."""
    keys = _keys("version", pks)
    cached = _cache().get_many(list(keys), version=KEY_VERSION)
    found = {keys[key]: value for key, value in cached.items()}
    missing = [pk for pk in keys.values() if pk not in found]
    if missing:
        keep = {}
        for version in versions_with_items(ProcedureVersion.objects.filter(pk__in=missing)):
            found[version.pk] = version
            if version.status != ProcedureVersion.Status.DRAFT:
                version.items  # noqa: B018 (computed once, kept with the version)
                keep[f"catalog:version:{version.pk}"] = version
                for workflow in version.workflows.all():
                    for step in workflow.steps.all():
                        keep[f"catalog:step:{step.pk}"] = step
        _cache().set_many(keep, timeout=TIMEOUT, version=KEY_VERSION)
    return found


def step_heads(pks: set[int] | list[int]) -> dict[int, WorkflowStep]:
    """Workflow steps by primary key on their own (a step read with its version carries
    the version's whole workflow when pickled), for list rows."""
    keys = _keys("step-head", pks)
    found = {keys[k]: v for k, v in _cache().get_many(list(keys), version=KEY_VERSION).items()}
    missing = [pk for pk in keys.values() if pk not in found]
    if missing:
        rows = WorkflowStep.objects.in_bulk(missing)
        found.update(rows)
        keep = {f"catalog:step-head:{pk}": step for pk, step in rows.items()}
        _cache().set_many(keep, timeout=TIMEOUT, version=KEY_VERSION)
    return found


def version(pk: int) -> ProcedureVersion:
    return versions([pk])[pk]


def heads(pks: set[int] | list[int]) -> dict[int, ProcedureVersion]:
    """Published versions by primary key with their procedure only, for lists (code
    and name): a row of a queue page unpickles a small object, not the version with all
    its items (which took most of a queue page's time at a million dossiers,
    docs/performance-notes.md, eighth round). One query for the missing ones."""
    keys = _keys("head", pks)
    found = {keys[k]: v for k, v in _cache().get_many(list(keys), version=KEY_VERSION).items()}
    missing = [pk for pk in keys.values() if pk not in found]
    if missing:
        rows = ProcedureVersion.objects.select_related("procedure").filter(pk__in=missing)
        keep = {}
        for head in rows:
            found[head.pk] = head
            if head.status != ProcedureVersion.Status.DRAFT:
                keep[f"catalog:head:{head.pk}"] = head
        _cache().set_many(keep, timeout=TIMEOUT, version=KEY_VERSION)
    return found


def steps(pks: set[int] | list[int]) -> dict[int, WorkflowStep]:
    """Workflow steps by primary key (they belong to published versions, so they are
    cached with them; a step not seen yet costs a query or two)."""
    keys = _keys("step", pks)
    found = {keys[k]: v for k, v in _cache().get_many(list(keys), version=KEY_VERSION).items()}
    missing = [pk for pk in keys.values() if pk not in found]
    if missing:
        rows = WorkflowStep.objects.filter(pk__in=missing)
        versions(set(rows.values_list("workflow__version_id", flat=True)))
        found.update(rows.in_bulk())
    return found


def version_in_force(
    code: str, at: datetime.datetime | datetime.date | None = None
) -> ProcedureVersion | None:
    """Like ``queries.version_in_force`` (the database decides which version is in
    force, reading primary keys only), with the version and its items from the cache."""
    pk = (
        ProcedureVersion.objects.filter(
            procedure__code=code,
            status=ProcedureVersion.Status.PUBLISHED,
            effective_from__lte=_local_date(at),
        )
        .order_by("-effective_from", "-number")
        .values_list("pk", flat=True)
        .first()
    )
    return version(pk) if pk is not None else None
