"""Process-local cache of published procedure versions with everything they contain.

A published (or retired) version never changes: only drafts can be edited
(``rules.check_version_editable``); a change is a new version. So a version read once
by its primary key, with its components, fees, agencies, tiers and workflows, stays
true for the life of the process, and the hot paths (online submission, reception,
the dossier lists and page) need no catalogue query beyond "which version is in force
for this code today". Only the version's ``status`` may still move (published ->
retired): never read it from here; ``version_in_force`` asks the database.

Bounded (least recently used out first). Tests clear it between tests because a
rolled-back SQLite database gives primary keys out again (egov/conftest.py).
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections import OrderedDict

from django.db import connection

from egov.catalog.models import Procedure, ProcedureVersion, WorkflowStep
from egov.catalog.queries import _local_date, versions_with_items

MAX_VERSIONS = 2048

_versions: OrderedDict[int, ProcedureVersion] = OrderedDict()
_steps: dict[int, WorkflowStep] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _versions.clear()
        _steps.clear()


def _store(version: ProcedureVersion) -> None:
    with _lock:
        _versions[version.pk] = version
        _versions.move_to_end(version.pk)
        for workflow in version.workflows.all():
            for step in workflow.steps.all():
                _steps[step.pk] = step
        while len(_versions) > MAX_VERSIONS:
            _pk, old = _versions.popitem(last=False)
            for workflow in old.workflows.all():
                for step in workflow.steps.all():
                    _steps.pop(step.pk, None)


def versions(pks: set[int] | list[int]) -> dict[int, ProcedureVersion]:
    """Published versions by primary key, with their items (one query per missing
    batch, none when all are cached). Drafts are read but not kept."""
    found = {pk: _versions[pk] for pk in pks if pk in _versions}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        for version in versions_with_items(ProcedureVersion.objects.filter(pk__in=missing)):
            if version.status != ProcedureVersion.Status.DRAFT:
                _store(version)
            found[version.pk] = version
    return found


def version(pk: int) -> ProcedureVersion:
    return versions([pk])[pk]


def steps(pks: set[int] | list[int]) -> dict[int, WorkflowStep]:
    """Workflow steps by primary key (they belong to published versions, so they are
    cached with them; a step not seen yet costs one query)."""
    found = {pk: _steps[pk] for pk in pks if pk in _steps}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        version_ids = set(
            WorkflowStep.objects.filter(pk__in=missing).values_list(
                "workflow__version_id", flat=True
            )
        )
        versions(version_ids)
        found.update({pk: _steps[pk] for pk in missing if pk in _steps})
        still = [pk for pk in missing if pk not in found]
        if still:  # steps of drafts (not cached)
            found.update(WorkflowStep.objects.in_bulk(still))
    return found


def version_in_force(
    code: str, at: datetime.datetime | datetime.date | None = None
) -> ProcedureVersion | None:
    """Like ``queries.version_in_force`` (the database decides which version is in
    force, in one query on the primary keys), with the version and its items from the
    cache."""
    with connection.cursor() as cursor:
        cursor.execute(_in_force_sql(), [code, ProcedureVersion.Status.PUBLISHED, _local_date(at)])
        row = cursor.fetchone()
    return version(row[0]) if row else None


@functools.cache
def _in_force_sql() -> str:
    """``queries.version_in_force`` as a statement written once (it runs on every
    reception and online submission; see egov.core.sql)."""
    versions, procedures = ProcedureVersion._meta.db_table, Procedure._meta.db_table
    return (
        f"SELECT v.id FROM {versions} v JOIN {procedures} p ON p.id = v.procedure_id "
        "WHERE p.code = %s AND v.status = %s AND v.effective_from <= %s "
        "ORDER BY v.effective_from DESC, v.number DESC LIMIT 1"
    )
