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

import functools
from typing import Any

from django.db import connections, models

__all__ = ["by_pk", "columns", "fetch", "insert", "instance", "placeholders"]


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


def insert(obj: models.Model, using: str = "default") -> models.Model:
    """Insert ``obj`` (a new instance of a model with an automatic primary key) as
    ``obj.save(force_insert=True)`` would, defaults and ``auto_now`` included, but
    without signals: for the rows every dossier action appends (history, audit,
    outbox), which have no signal receivers."""
    model = type(obj)
    statement, fields, returning = _insert_statement(model, using)
    connection = connections[using]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj
