"""Hot-path reads as SQL written once from the models' metadata.

Building a query through the ORM costs about a millisecond of Python on a small
server, more than PostgreSQL needs to run a primary-key look-up. The few reads made
on every request (session, user, officer) or on the busiest public pages go through
``fetch``: the statement is composed once per model and condition, then only
executed. The objects are ordinary model instances (``Model.from_db``), with every
concrete field loaded and converted as the ORM converts it (tests compare both).
Anything else goes through the ORM.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import uuid
from typing import Any

from django.db import connections, models

__all__ = ["by_pk", "columns", "fetch", "insert", "insert_all", "instance", "placeholders"]


def _fields(model: type[models.Model], only: tuple[str, ...] | None) -> list:
    if only is None:
        return list(model._meta.concrete_fields)
    wanted = {model._meta.get_field(name) for name in only}
    # In the model's order: ``Model.from_db`` expects it when fields are deferred.
    return [f for f in model._meta.concrete_fields if f in wanted]


@functools.cache
def columns(
    model: type[models.Model], alias: str = "", only: tuple[str, ...] | None = None
) -> tuple[str, tuple[str, ...]]:
    """The select list of every concrete field of ``model`` (or of the fields ``only``;
    the others are deferred), qualified by ``alias`` when given, and the matching
    attribute names."""
    quote = connections["default"].ops.quote_name
    prefix = f"{quote(alias)}." if alias else ""
    fields = _fields(model, only)
    select = ", ".join(prefix + quote(f.column) for f in fields)
    return select, tuple(f.attname for f in fields)


@functools.cache
def _statement(model: type[models.Model], where: str, only: tuple[str, ...] | None) -> str:
    select, _names = columns(model, only=only)
    table = connections["default"].ops.quote_name(model._meta.db_table)
    return f"SELECT {select} FROM {table} WHERE {where}"


@functools.cache
def _converters(
    model: type[models.Model], using: str, only: tuple[str, ...] | None
) -> list[tuple[int, list, Any]]:
    """What the ORM applies to each column read (time zones on SQLite, JSON, ...):
    (position, converters, column expression) for the fields that have any."""
    connection = connections[using]
    result = []
    for index, field in enumerate(_fields(model, only)):
        col = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            result.append((index, found, col))
    return result


def _from_row(
    model: type[models.Model], row: tuple, using: str, only: tuple[str, ...] | None = None
) -> models.Model:
    _select, names = columns(model, only=only)
    values = list(row)
    connection = connections[using]
    for index, converters, col in _converters(model, using, only):
        value = values[index]
        for converter in converters:
            value = converter(value, col, connection)
        values[index] = value
    return model.from_db(using, names, values)


def fetch(
    model: type[models.Model],
    where: str,
    params: list[Any],
    using: str = "default",
    only: tuple[str, ...] | None = None,
):
    """The instances of ``model`` matching the SQL condition ``where`` (column names
    as in the table, ``%s`` placeholders); ``only``: the fields to read (the primary
    key among them), the others deferred."""
    with connections[using].cursor() as cursor:
        cursor.execute(_statement(model, where, only), params)
        rows = cursor.fetchall()
    return [_from_row(model, row, using, only) for row in rows]


def placeholders(values: list) -> str:
    """``%s, %s, ...`` for an ``IN (...)`` condition over ``values``."""
    return ", ".join(["%s"] * len(values))


def by_pk(
    model: type[models.Model], pks, only: tuple[str, ...] | None = None
) -> dict[Any, models.Model]:
    """The instances of ``model`` with these primary keys, by primary key."""
    if not pks:
        return {}
    ordered = sorted(set(pks))
    where = f"{model._meta.pk.column} IN ({placeholders(ordered)})"
    return {row.pk: row for row in fetch(model, where, ordered, only=only)}


def instance(model: type[models.Model], row: tuple, start: int, using: str = "default"):
    """A ``model`` instance from ``row[start:]`` laid out as ``columns(model)``; returns
    it and the index after its columns (several models read in one joined row)."""
    _select, names = columns(model)
    end = start + len(names)
    return _from_row(model, row[start:end], using), end


@functools.cache
def _insert_statement(model: type[models.Model], using: str) -> tuple[str, list, bool]:
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    returning = connection.features.can_return_columns_from_insert
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if returning:
        statement += f" RETURNING {quote(model._meta.pk.column)}"
    return statement, fields, returning


def _values(obj: models.Model, fields: list, connection) -> list:
    # Foreign keys to instances saved since they were assigned get their ids, as in save().
    obj._prepare_related_fields_for_save(operation_name="insert")
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _saved(obj: models.Model, pk: Any, using: str) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using


def insert(obj: models.Model, using: str = "default") -> models.Model:
    """Insert ``obj`` (a new instance of a model with an automatic primary key) as
    ``obj.save(force_insert=True)`` would, defaults and ``auto_now`` included, but
    without signals: for the rows every dossier action appends (history, audit,
    outbox), which have no signal receivers."""
    model = type(obj)
    statement, fields, returning = _insert_statement(model, using)
    connection = connections[using]
    values = _values(obj, fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    _saved(obj, pk, using)
    return obj


def insert_all(
    objs: list[models.Model],
    using: str = "default",
    also: list[tuple[str, str, list]] | None = None,
) -> tuple | None:
    """Insert the new instances ``objs`` (any models, in this order) as ``insert`` does.

    On PostgreSQL in one statement, whatever their number: each run of instances of
    one model is one ``INSERT ... RETURNING`` of a JSON array of rows (``_insert_rows``)
    in a ``WITH`` clause; instances whose primary key is already set (reserved with
    ``next_id_sql``) are written with it.
    ``also``: more data-modifying parts ``(name, statement, params)`` added to the same
    ``WITH`` (PostgreSQL only); the row returned by the last of them is returned.
    Elsewhere one ``INSERT`` per instance, in order. A failure writes nothing either way:
    one statement is atomic, and elsewhere the caller runs in a transaction."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        if also:
            raise ValueError("insert_all(also=...) is PostgreSQL only")
        for obj in objs:
            insert(obj, using)
        return None
    parts: list[tuple[str, str, list]] = []
    runs: list[tuple[tuple[type[models.Model], bool], list[models.Model]]] = []
    for obj in objs:
        key = (type(obj), obj.pk is not None)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(obj)
        else:
            runs.append((key, [obj]))
    for index, ((model, with_pk), run) in enumerate(runs):
        fields = _insert_fields(model, with_pk)
        document = [
            dict(zip((f.column for f in fields), _values(obj, fields, connection), strict=True))
            for obj in run
        ]
        params = [json.dumps(document, default=_json)]
        parts.append((f"w{index}", _insert_rows(model, with_pk, using), params))
    parts.extend(also or [])
    quote = connection.ops.quote_name
    select = ", ".join(
        f"ARRAY(SELECT {quote(model._meta.pk.column)} FROM w{index})"
        for index, ((model, _with_pk), _run) in enumerate(runs)
    )
    statement = "WITH " + ", ".join(f"{name} AS ({body})" for name, body, _ in parts)
    if also:
        statement += f" SELECT {select}{', ' if select else ''}{also[-1][0]}.* FROM {also[-1][0]}"
    else:
        statement += f" SELECT {select}"
    with connection.cursor() as cursor:
        cursor.execute(statement, [p for _name, _body, params in parts for p in params])
        result = cursor.fetchone()
    for index, (_key, run) in enumerate(runs):
        for obj, pk in zip(run, result[index], strict=True):
            _saved(obj, pk, using)
    return tuple(result[len(runs) :]) if also else None


@functools.cache
def _insert_fields(model: type[models.Model], with_pk: bool) -> list:
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


@functools.cache
def _insert_rows(model: type[models.Model], with_pk: bool, using: str) -> str:
    """PostgreSQL: insert the rows of a JSON array (one parameter, whatever the number
    of rows and columns), each object keyed by column name, as the table's row type.
    A short statement with one parameter is parsed once by psycopg and then cached;
    one placeholder per value (~150 for a new dossier) would be split and quoted in
    Python on every call, the largest part of the cost of writing a dossier."""
    quote = connections[using].ops.quote_name
    table = quote(model._meta.db_table)
    rows = f"jsonb_populate_recordset(NULL::{table}, %s::jsonb)"
    pk = quote(model._meta.pk.column)
    if with_pk:  # every column, in the table's order
        return f"INSERT INTO {table} SELECT * FROM {rows} RETURNING {pk}"
    names = ", ".join(quote(f.column) for f in _insert_fields(model, with_pk))
    return f"INSERT INTO {table} ({names}) SELECT {names} FROM {rows} RETURNING {pk}"


def _json(value: Any) -> Any:
    """Database values that JSON has no type for, as PostgreSQL reads them back."""
    from psycopg.types.json import Jsonb

    if isinstance(value, Jsonb):  # a JSONField's value
        return value.obj
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"insert_all cannot write {type(value).__name__} values")


@functools.cache
def _sequence(model: type[models.Model], using: str) -> str:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [connections[using].ops.quote_name(model._meta.db_table), model._meta.pk.column],
        )
        return cursor.fetchone()[0]


def next_id_sql(model: type[models.Model], using: str = "default") -> str | None:
    """An SQL expression taking the next automatic primary key of ``model`` now (so that
    rows referring to a new row can be written in the same statement as it), or None
    where the database cannot (SQLite: the key comes with the insert)."""
    if connections[using].vendor != "postgresql":
        return None
    return f"nextval('{_sequence(model, using)}')"
