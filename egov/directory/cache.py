"""Process-local cache of agencies by code, for the busiest writes (online submission,
reception), which name their agencies by code on every request.

An agency can change (renamed, reorganised: ``valid_to``, another tier), so what is
cached is checked where it is used: each cached agency carries its row's stamp on
PostgreSQL (``ctid`` and ``xmin``, which change with every update of the row, even
within one transaction), and the statement that writes a new dossier writes nothing if
the stamp is no longer the row's (``condition``); the service then reads the agency
again (``fresh``) and writes once more. Elsewhere (SQLite) nothing is cached.

Tests clear it between tests, as the catalogue cache (egov/conftest.py).
"""

from __future__ import annotations

import functools
import threading

from django.db import connection

from egov.core import sql
from egov.directory.models import Agency

MAX_AGENCIES = 20_000

_by_code: dict[str, Agency] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _by_code.clear()


@functools.cache
def _statement() -> str:
    select, _names = sql.columns(Agency)
    return (
        f"SELECT {select}, ctid::text || '/' || xmin::text "
        f"FROM {connection.ops.quote_name(Agency._meta.db_table)} WHERE "
    )


def _read(where: str, params: list) -> Agency | None:
    with connection.cursor() as cursor:
        cursor.execute(_statement() + where, params)
        row = cursor.fetchone()
    if row is None:
        return None
    agency, end = sql.instance(Agency, row, 0)
    agency._egov_stamp = row[end]
    with _lock:
        if len(_by_code) >= MAX_AGENCIES:
            _by_code.clear()
        _by_code[agency.code] = agency
    return agency


def agency_by_code(code: str) -> Agency | None:
    """The agency with this code (as the cache has it, on PostgreSQL)."""
    if connection.vendor != "postgresql":
        found = sql.fetch(Agency, "code = %s", [code])
        return found[0] if found else None
    agency = _by_code.get(code)
    return agency if agency is not None else _read("code = %s", [code])


def fresh(agency: Agency) -> Agency:
    """The agency read again from the database (and cached again)."""
    with _lock:
        _by_code.pop(agency.code, None)
    if connection.vendor != "postgresql":
        return Agency.objects.get(pk=agency.pk)
    return _read("id = %s", [agency.pk]) or Agency.objects.get(pk=agency.pk)


def condition(agency: Agency) -> tuple[str, list]:
    """SQL true while ``agency`` is as it was read (an agency that did not come from
    this cache: always true)."""
    stamp = getattr(agency, "_egov_stamp", None)
    if stamp is None:
        return "TRUE", []
    table = connection.ops.quote_name(Agency._meta.db_table)
    return (
        f"EXISTS (SELECT 1 FROM {table} WHERE id = %s AND ctid::text || '/' || xmin::text = %s)",
        [agency.pk, stamp],
    )
