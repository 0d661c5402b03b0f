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

import dataclasses
import datetime
import decimal
import functools
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import InterfaceError, OperationalError, connections, models, router
from django.db.models import signals
from django.db.models.base import ModelState
from psycopg import _queries as psycopg_queries

# psycopg keeps the parsing of a statement (placeholders to $n) only for statements of
# up to 4 KB; the one writing a new dossier is about 5 KB and would be parsed again on
# every submission (a test checks that it is kept).
psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(
    psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, 16 * 1024
)

__all__ = [
    "Key",
    "Part",
    "Token",
    "by_pk",
    "columns",
    "fetch",
    "insert",
    "insert_all",
    "instance",
    "new",
    "placeholders",
    "prepared_cursor",
    "read",
    "token",
]


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
    if model.from_db.__func__ is not _DJANGO_FROM_DB or _has_init_receivers(model):
        return model.from_db(using, names, values)
    # What ``Model.from_db`` makes (fields not read stay deferred), without
    # ``Model.__init__``'s walk over every field: rows read on every request.
    obj = model.__new__(model)
    state = obj._state = ModelState()
    state.adding, state.db = False, using
    obj.__dict__.update(zip(names, values, strict=True))
    return obj


_DJANGO_FROM_DB = models.Model.from_db.__func__


def _has_init_receivers(model: type[models.Model]) -> bool:
    return signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)


def fetch(
    model: type[models.Model],
    where: str,
    params: list[Any],
    using: str = "default",
    only: tuple[str, ...] | None = None,
):
    """The instances of ``model`` matching the SQL condition ``where`` (column names
    as in the table, ``%s`` placeholders); ``only``: the fields to read (the primary
    key among them), the others deferred. The statement is prepared on PostgreSQL
    (``prepared_cursor``): these are the reads of every request."""
    rows = read(_statement(model, where, only), params, using)
    return [_from_row(model, row, using, only) for row in rows]


def read(statement: str, params: list[Any], using: str = "default") -> list[tuple]:
    """The rows of a read-only ``statement``, through ``prepared_cursor``.

    With ``CONN_HEALTH_CHECKS``, Django checks a kept connection with a ``SELECT 1`` round
    trip before the first statement of each request. A read can make that check itself:
    it is sent at once, and if the connection turns out dead (the server restarted, a
    proxy dropped it), it runs again on a new connection, which is what the check would
    have led to. So a request whose first statement is a read (the session, on every
    authenticated request) makes one round trip instead of two. Inside a transaction
    (a read there cannot be run again elsewhere) and for writes, Django's check stays."""
    connection = connections[using]
    if (
        connection.vendor == "postgresql"
        and connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
        and not connection.pool
    ):
        connection.health_check_done = True
        try:
            return _rows(statement, params, using)
        except (OperationalError, InterfaceError):
            raw = connection.connection
            if raw is not None and not (raw.closed or raw.broken):
                raise  # an error of the statement, not of the connection
            connection.close()  # and read again on a new connection, below
    return _rows(statement, params, using)


def _rows(statement: str, params: list[Any], using: str) -> list[tuple]:
    with prepared_cursor(using) as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def prepared_cursor(using: str = "default"):
    """A cursor whose statements PostgreSQL prepares once per connection (parsed and
    planned once: planning the statement that writes a new dossier costs more than
    running it) with server-side parameters (nothing quoted in Python). For the few
    statements every busy request runs; written once, so each has one prepared plan.
    Elsewhere an ordinary cursor. A Django cursor (errors, query logging) around it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    # One cursor per database connection, kept open and reused: making a cursor (its
    # adapters, its type cache) costs more than running a prepared statement.
    kept = getattr(connection, "_egov_prepared_cursor", None)
    logged = connection.queries_logged
    if kept is None or kept[0] is not connection.connection or kept[1] != logged:
        with connection.wrap_database_errors:
            # Django's own cursor wrapping (thread check, debug logging): internal API.
            wrapper = connection._prepare_cursor(_preparing_cursor_class()(connection.connection))
        kept = connection._egov_prepared_cursor = (connection.connection, logged, _Kept(wrapper))
    return kept[2]


class _Kept:
    """A kept cursor used as a context manager: leaving the block does not close it."""

    __slots__ = ("cursor",)

    def __init__(self, cursor):
        self.cursor = cursor

    def __enter__(self):
        return self.cursor

    def __exit__(self, *exc) -> None:
        return None


@functools.cache
def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        def _maybe_prepare_gen(self, pgq, *, prepare=None, binary=None):
            # Every statement prepared; and kept as the last query, which psycopg does
            # only for statements it does not prepare (Django's query log reads it).
            self._query = pgq
            return super()._maybe_prepare_gen(pgq, prepare=True, binary=binary)

    return PreparingCursor


def new(model: type[models.Model], **values: Any) -> models.Model:
    """A new, unsaved instance, as ``model(**values)`` makes it (the defaults of the
    fields not given; a foreign key given by name as an instance, or by attname as its
    key), without ``Model.__init__``'s walk over every field: for the rows a busy write
    makes (a dossier has 50 fields). Models with ``pre_init``/``post_init`` receivers
    are made by ``Model.__init__``."""
    plan = _new_plan(model)
    if plan is None or _has_init_receivers(model):
        return model(**values)
    defaults, called, relations = plan
    obj = model.__new__(model)
    state = obj._state = ModelState()
    data = obj.__dict__
    data.update(defaults)
    for attname, default in called:
        if attname not in values:
            data[attname] = default()
    for name, value in values.items():
        relation = relations.get(name)
        if relation is not None:  # a foreign key given as an instance
            attname, target = relation
            data[attname] = getattr(value, target) if value is not None else None
            state.fields_cache[name] = value
            if value is not None and state.db is None:  # as the descriptor does
                state.db = router.db_for_write(model, instance=value)
        elif name in data:
            data[name] = value
        elif name == "pk":
            data[model._meta.pk.attname] = value
        else:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument '{name}'")
    return obj


@functools.cache
def _new_plan(model: type[models.Model]):
    """(plain defaults by attname, (attname, callable default), foreign keys by name:
    (attname, target attname)) of ``model``; None if it has fields ``new`` cannot make
    (deferred loading aside, only concrete fields with plain defaults)."""
    if model._meta.private_fields or model._meta.abstract:
        return None
    if any(f.one_to_one for f in model._meta.concrete_fields):
        return None  # the descriptor also caches the reverse side
    defaults: dict[str, Any] = {}
    called = []
    relations = {}
    for field in model._meta.concrete_fields:
        if field.is_relation:
            relations[field.name] = (field.attname, field.target_field.attname)
        if field.has_default() and callable(field.default):
            called.append((field.attname, field.default))
            defaults[field.attname] = None
        else:
            defaults[field.attname] = field.get_default()
    return defaults, tuple(called), relations


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


class Token(str):
    """A value that the statement writing the rows computes (``Key``): stands in the
    instances until the statement has run, then ``insert_all`` puts the real value in."""


# Per process and unguessable, so that no value sent by a user can contain it.
_TOKEN_PREFIX = f"@egov-{secrets.token_hex(8)}:"


# The value types that may hold a token (whole, in text, or inside JSON).
_MAY_HOLD = frozenset({Token, str, dict, list})


def token(name: str) -> Token:
    """The stand-in for the column ``name`` of a ``Key``'s row."""
    return Token(_TOKEN_PREFIX + name)


@dataclass
class Key:
    """The first part of an ``insert_all`` statement (PostgreSQL): ``statement`` returns
    at most one row, with the ``columns``; each of them replaces ``token(name)``
    wherever the rows hold it, as a whole value or inside a JSON value. When the
    statement returns no row (a condition in it failed), nothing is written.

    So a new dossier is written with the code and primary key that the same statement
    takes from the agency's counter: one round trip and no transaction."""

    statement: str
    params: list
    columns: tuple[str, ...]
    values: dict[str, Any] = dataclasses.field(default_factory=dict)  # its row, once written
    # (instance, attname, number column) of the values holding tokens (``_document``).
    holders: list[tuple[models.Model, str, bool]] = dataclasses.field(default_factory=list)

    def resolve(self, values: dict[str, Any]) -> None:
        """Put the key's row (``values``) in the instances where they hold tokens: a
        token that is a number column's whole value becomes the number, elsewhere (text,
        inside JSON) its text."""
        self.values = values
        for obj, attname, numeric in self.holders:
            value = obj.__dict__[attname]
            if type(value) is Token and numeric:
                obj.__dict__[attname] = values[value[len(_TOKEN_PREFIX) :]]
            else:
                obj.__dict__[attname] = _resolved(value, values)


def fill(text_sql: str, columns: tuple[str, ...], *, as_text: bool = False) -> str:
    """SQL: the text ``text_sql`` (JSON) with the token of each key column, quoted as
    JSON writes it, replaced by the value of ``k.<column>`` written as JSON
    (``as_text``: every value as a JSON string, as the audit text has them)."""
    for name in columns:
        value = f"k.{name}::text" if as_text else f"k.{name}"
        text_sql = f"replace({text_sql}, '\"{token(name)}\"', to_json({value})::text)"
    return text_sql


def _holds_token(value: Any) -> bool:
    if isinstance(value, str):
        return _TOKEN_PREFIX in value
    if isinstance(value, dict):
        return any(_holds_token(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_token(v) for v in value)
    return False


def _resolved(value: Any, row: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if _TOKEN_PREFIX not in value:
            return value
        for name, item in row.items():
            value = value.replace(token(name), str(item))
        return str(value)
    if isinstance(value, dict):
        return {k: _resolved(v, row) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, row) for v in value]
    return value


@dataclass(frozen=True)
class Part:
    """A data-modifying part of an ``insert_all`` statement (PostgreSQL): ``statement``
    with its ``params``; its rows, if any, under its ``name`` in the statement's JSON
    document (``d.doc -> 'name'`` in the statement)."""

    name: str
    statement: str
    params: tuple = ()
    rows: Any = None


def insert_all(
    objs: list[models.Model],
    using: str = "default",
    also: list[Part] | None = None,
    key: Key | None = None,
) -> tuple | None:
    """Insert the new instances ``objs`` (any models, in this order) as ``insert`` does.

    On PostgreSQL in one statement, whatever their number: the rows of every instance go
    as one JSON document (one parameter, parsed once), and each run of instances of one
    model is one ``INSERT ... RETURNING`` of its part of it (``_insert_rows``) in a
    ``WITH`` clause; instances whose primary key is already set (reserved with
    ``next_id_sql``, or a ``token`` of the ``key``) are written with it.
    ``also``: more data-modifying parts (``Part``) added to the same ``WITH``
    (PostgreSQL only); the row returned by the last of them is returned.
    ``key`` (PostgreSQL only): the part that comes first and computes the tokens the
    rows hold (``Key``); with a key, None is returned when its statement gave no row
    (then nothing was written).
    Elsewhere one ``INSERT`` per instance, in order. A failure writes nothing either way:
    one statement is atomic, and elsewhere the caller runs in a transaction."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        if also or key:
            raise ValueError("insert_all(also=..., key=...) is PostgreSQL only")
        for obj in objs:
            insert(obj, using)
        return None
    runs: list[tuple[tuple[type[models.Model], bool], list[models.Model]]] = []
    for obj in objs:
        run_key = (type(obj), obj.pk is not None)
        if runs and runs[-1][0] == run_key:
            runs[-1][1].append(obj)
        else:
            runs.append((run_key, [obj]))
    document: dict[str, Any] = {}
    for index, ((model, with_pk), run) in enumerate(runs):
        writers = _writers(model, with_pk)
        document[f"w{index}"] = [_document(obj, writers, connection, key) for obj in run]
    parts = also or []
    for part in parts:
        if part.rows is not None:
            document[part.name] = part.rows
    statement = _insert_all_sql(
        tuple((model, with_pk) for (model, with_pk), _run in runs),
        tuple((part.name, part.statement) for part in parts),
        key.statement if key else None,
        key.columns if key else (),
        using,
    )
    params = [
        *(key.params if key else ()),
        json.dumps(document, default=_json, ensure_ascii=False),
        *(p for part in parts for p in part.params),
    ]
    with prepared_cursor(using) as cursor:
        cursor.execute(statement, params)
        result = cursor.fetchone()
    if result is None:  # the key gave no row: nothing was written
        return None
    if key:
        key.resolve(dict(zip(key.columns, result[len(result) - len(key.columns) :], strict=True)))
        result = result[: len(result) - len(key.columns)]
    for index, (_run_key, run) in enumerate(runs):
        for obj, pk in zip(run, result[index], strict=True):
            _saved(obj, pk, using)
    return tuple(result[len(runs) :]) if also else None


@functools.cache
def _insert_all_sql(
    runs: tuple[tuple[type[models.Model], bool], ...],
    parts: tuple[tuple[str, str], ...],
    key: str | None,
    key_columns: tuple[str, ...],
    using: str,
) -> str:
    """The statement of ``insert_all`` for this shape (written once per shape: it is
    prepared on the server, ``prepared_cursor``). ``d``: the JSON document, with the
    key's values in place of its tokens; without a key row, ``d`` has no row either and
    nothing is written."""
    quote = connections[using].ops.quote_name
    document = (
        f"SELECT {fill('%s::text', key_columns)}::jsonb AS doc FROM k"
        if key
        else ("SELECT %s::jsonb AS doc")
    )
    withs = [f"k AS ({key})"] if key else []
    withs.append(f"d AS ({document})")
    withs += [
        f"w{index} AS ({_insert_rows(model, with_pk, using, f'w{index}')})"
        for index, (model, with_pk) in enumerate(runs)
    ]
    withs += [f"{name} AS ({body})" for name, body in parts]
    select = [
        f"ARRAY(SELECT {quote(model._meta.pk.column)} FROM w{index})"
        for index, (model, _with_pk) in enumerate(runs)
    ]
    tables = []
    if parts:
        select.append(f"{parts[-1][0]}.*")
        tables.append(parts[-1][0])
    if key:
        select.append("k.*")
        tables.append("k")
    statement = "WITH " + ", ".join(withs) + " SELECT " + ", ".join(select)
    return statement + (" FROM " + ", ".join(tables) if tables else "")


@functools.cache
def _relations(model: type[models.Model]) -> tuple[tuple[str, str, str], ...] | None:
    """(name, attname, target attname) of each foreign key of ``model``; None when it
    has generic relations (``_relate`` leaves those to Django)."""
    if model._meta.private_fields:
        return None
    return tuple(
        (f.name, f.attname, f.target_field.attname)
        for f in model._meta.concrete_fields
        if f.is_relation
    )


def _relate(obj: models.Model) -> None:
    """What ``Model._prepare_related_fields_for_save`` does before an insert: a related
    instance assigned before it was saved gives its key now; an unsaved one is refused."""
    relations = _relations(type(obj))
    if relations is None:
        obj._prepare_related_fields_for_save(operation_name="insert")
        return
    cache = obj._state.fields_cache
    values = obj.__dict__
    for name, attname, target in relations:
        related = cache.get(name)
        if related is None:
            continue
        if related.pk is None:
            raise ValueError(
                f"insert() prohibited to prevent data loss due to unsaved related object '{name}'."
            )
        if values[attname] is None:
            values[attname] = getattr(related, target)
        elif getattr(related, target) != values[attname]:
            del cache[name]


def _plain(field: models.Field) -> tuple[frozenset, bool]:
    """The value types of ``field`` that ``_document`` writes without the field's own
    preparation, and whether they are written as ISO text (dates, aware datetimes).
    Any other value (a number given to a text field, a file, a decimal, an
    ``auto_now`` field...) goes through the field as in ``save()``."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return frozenset(), False
    if isinstance(field, models.ForeignKey):
        return _plain(field.target_field)
    if isinstance(field, models.DateTimeField):
        return frozenset({datetime.datetime}), True
    if isinstance(field, models.DateField):
        return frozenset({datetime.date}), True
    if isinstance(field, models.JSONField) and field.encoder is None:
        return frozenset({dict, list, str, int, float, bool}), False
    if isinstance(field, models.BooleanField):
        return frozenset({bool}), False
    if isinstance(field, models.AutoField | models.BigAutoField | models.IntegerField):
        return frozenset({int}), False
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        # A file field's text is the name of a stored file (or none): as it is. A new
        # upload is a File, which the field's pre_save stores first.
        return frozenset({str}), False
    return frozenset(), False


@functools.cache
def _writers(model: type[models.Model], with_pk: bool) -> tuple:
    """(column, attname, plain types, as ISO text, holds a number, field) of each
    inserted column."""
    return tuple(
        (f.column, f.attname, *_plain(f), int in _plain(f)[0], f)
        for f in _insert_fields(model, with_pk)
    )


def _document(
    obj: models.Model, writers: tuple, connection, key: Key | None = None
) -> dict[str, Any]:
    """The row of ``obj`` keyed by column, as ``jsonb_populate_recordset`` reads it:
    what ``save()`` would write, without walking every field's preparation for the
    plain values (a dossier has 50 columns). NULLs are left out: a missing key is NULL.
    With a ``key``, the values holding its tokens are noted (``Key.holders``) to be
    resolved once the statement has run."""
    _relate(obj)
    values = obj.__dict__
    row = {}
    holders = key.holders if key is not None else None
    for column, attname, plain, iso, numeric, field in writers:
        value = values[attname]
        if value is None and plain:
            continue  # a key left out is NULL for jsonb_populate_record(set)
        kind = type(value)
        if kind in plain and not iso:  # text, numbers, booleans, JSON: as they are
            row[column] = value
            if holders is not None and (
                (kind is str and _TOKEN_PREFIX in value)
                or (kind is not str and kind in _MAY_HOLD and _holds_token(value))
            ):
                holders.append((obj, attname, numeric))
        elif kind is Token:  # replaced in the statement (``fill``)
            row[column] = value
            if holders is not None:
                holders.append((obj, attname, numeric))
        elif kind in plain:  # a date or datetime
            if kind is datetime.date or value.tzinfo is not None:
                row[column] = value.isoformat()
            else:  # a naive datetime: the field warns and makes it aware
                row[column] = field.get_db_prep_save(field.pre_save(obj, True), connection)
        else:  # written by ``json.dumps(default=_json)``
            row[column] = field.get_db_prep_save(field.pre_save(obj, True), connection)
    return row


@functools.cache
def _insert_fields(model: type[models.Model], with_pk: bool) -> list:
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


def _insert_rows(model: type[models.Model], with_pk: bool, using: str, name: str) -> str:
    """PostgreSQL: insert the rows under ``name`` in the statement's JSON document
    (``d``), each object keyed by column name, as the table's row type. One parameter
    for every row and column: one placeholder per value (~150 for a new dossier) would
    be split and quoted in Python on every call, the largest part of the cost of
    writing a dossier."""
    quote = connections[using].ops.quote_name
    table = quote(model._meta.db_table)
    source = f"d, jsonb_populate_recordset(NULL::{table}, d.doc -> '{name}') r"
    pk = quote(model._meta.pk.column)
    if with_pk:  # every column, in the table's order
        return f"INSERT INTO {table} SELECT r.* FROM {source} RETURNING {pk}"
    names = ", ".join(quote(f.column) for f in _insert_fields(model, with_pk))
    columns = ", ".join(f"r.{quote(f.column)}" for f in _insert_fields(model, with_pk))
    return f"INSERT INTO {table} ({names}) SELECT {columns} FROM {source} RETURNING {pk}"


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
