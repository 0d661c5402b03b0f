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
# Procedure code -> its published versions [(id, effective from)], newest first.
_in_force: dict[str, list[tuple[int, datetime.date]]] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _versions.clear()
        _steps.clear()
        _in_force.clear()


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


def version_in_force_cached(
    code: str, at: datetime.datetime | datetime.date | None = None
) -> ProcedureVersion | None:
    """``version_in_force`` from the published versions of ``code`` read once: for a
    write that checks, in its own statement, that the version is still the one in
    force (``in_force_condition``) and asks again (``forget``) if it is not: a version
    published or retired since. When the cache knows none, the database is asked."""
    if connection.vendor != "postgresql":
        return version_in_force(code, at)
    on = _local_date(at)
    candidates = _in_force.get(code)
    if candidates is None:
        with connection.cursor() as cursor:
            cursor.execute(_candidates_sql(), [code, ProcedureVersion.Status.PUBLISHED])
            candidates = cursor.fetchall()  # newest first, as the in-force order
        with _lock:
            if len(_in_force) >= MAX_VERSIONS:
                _in_force.clear()
            _in_force[code] = candidates
    for pk, effective_from in candidates:
        if effective_from <= on:
            return version(pk)
    forget(code)
    return version_in_force(code, at)


def forget(code: str) -> None:
    """Forget which versions of ``code`` are published (``version_in_force_cached``)."""
    with _lock:
        _in_force.pop(code, None)


def in_force_condition(
    code: str, at: datetime.datetime | datetime.date | None, version: ProcedureVersion
) -> tuple[str, list]:
    """SQL true while ``version`` is the version of ``code`` in force at ``at``."""
    return (
        f"({_in_force_sql()}) = %s",
        [code, ProcedureVersion.Status.PUBLISHED, _local_date(at), version.pk],
    )


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


@functools.cache
def _candidates_sql() -> str:
    versions, procedures = ProcedureVersion._meta.db_table, Procedure._meta.db_table
    return (
        f"SELECT v.id, v.effective_from FROM {versions} v "
        f"JOIN {procedures} p ON p.id = v.procedure_id WHERE p.code = %s AND v.status = %s "
        "ORDER BY v.effective_from DESC, v.number DESC"
    )
