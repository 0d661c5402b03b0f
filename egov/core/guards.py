"""Database-level guards of the audit log (triggers), and the check that they are in place.

What a trigger can enforce, and what it cannot:

- entries (``core_auditentry``): no UPDATE, no DELETE, no TRUNCATE (PostgreSQL);
- chain heads (``core_auditchainhead``): no DELETE, no TRUNCATE; an UPDATE may not
  change the partition nor lower ``last_seq``; at an unchanged ``last_seq`` the hashes
  may change only to those of the entry that has that seq (the second step of an
  append: the number is taken first, the hash set once the entry is written). A head
  that moves forward is not checked against an entry here: PostgreSQL's one-statement
  append moves the head before the entry exists. ``verify_audit`` checks that every
  head names the last entry of its chain.

A database owner can drop or disable any trigger, or replace its function, so
``check`` compares what the database holds with these definitions and ``verify_audit``
reports any difference; the checkpoints outside the database
(docs/decisions/0008-audit-anchored.md) reveal what was done while they were gone.
"""

from __future__ import annotations

import re

_FORWARD_ONLY = (
    'NEW."partition" <> OLD."partition" OR NEW.last_seq < OLD.last_seq OR ('
    "NEW.last_seq = OLD.last_seq "
    "AND (NEW.last_hash <> OLD.last_hash OR NEW.last_prev_hash <> OLD.last_prev_hash) "
    "AND NOT EXISTS (SELECT 1 FROM core_auditentry e "
    'WHERE e."partition" = NEW."partition" AND e.seq = NEW.last_seq '
    "AND e.hash = NEW.last_hash AND e.prev_hash = NEW.last_prev_hash))"
)

# name -> (table, statement)
SQLITE_TRIGGERS = {
    "core_auditentry_no_update": (
        "core_auditentry",
        "CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ),
    "core_auditentry_no_delete": (
        "core_auditentry",
        "CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ),
    "core_auditchainhead_no_delete": (
        "core_auditchainhead",
        "CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead "
        "BEGIN SELECT RAISE(ABORT, 'audit chain heads cannot be deleted'); END",
    ),
    "core_auditchainhead_forward_only": (
        "core_auditchainhead",
        "CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE ON core_auditchainhead "
        f"WHEN {_FORWARD_ONLY} "
        "BEGIN SELECT RAISE(ABORT, 'audit chain heads only move forward'); END",
    ),
}

# name -> body (plpgsql)
POSTGRES_FUNCTIONS = {
    "core_auditentry_append_only": (
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END;"
    ),
    "core_auditchainhead_forward_only": (
        "BEGIN "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'audit chain heads cannot be deleted'; END IF; "
        f"IF {_FORWARD_ONLY} THEN RAISE EXCEPTION 'audit chain heads only move forward'; END IF; "
        "RETURN NEW; END;"
    ),
}
# name -> (table, timing and events, level, function); row triggers do not fire on
# TRUNCATE, hence the statement triggers.
POSTGRES_TRIGGERS = {
    "core_auditentry_no_change": (
        "core_auditentry",
        "BEFORE DELETE OR UPDATE",
        "ROW",
        "core_auditentry_append_only",
    ),
    "core_auditentry_no_truncate": (
        "core_auditentry",
        "BEFORE TRUNCATE",
        "STATEMENT",
        "core_auditentry_append_only",
    ),
    "core_auditchainhead_forward_only": (
        "core_auditchainhead",
        "BEFORE DELETE OR UPDATE",
        "ROW",
        "core_auditchainhead_forward_only",
    ),
    "core_auditchainhead_no_truncate": (
        "core_auditchainhead",
        "BEFORE TRUNCATE",
        "STATEMENT",
        "core_auditentry_append_only",
    ),
}


def _postgres_trigger(name: str) -> str:
    table, when, level, function = POSTGRES_TRIGGERS[name]
    return f"CREATE TRIGGER {name} {when} ON {table} FOR EACH {level} EXECUTE FUNCTION {function}()"


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, body in POSTGRES_FUNCTIONS.items():
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ {body} $$ "
                    "LANGUAGE plpgsql"
                )
            for name, (table, *_rest) in POSTGRES_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(_postgres_trigger(name))
        else:
            for name, (_table, statement) in SQLITE_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, (table, *_rest) in POSTGRES_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for name in POSTGRES_FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().rstrip(";").strip()


def check(connection) -> list[str]:
    """What is wrong with the guards in this database (missing, disabled or changed
    triggers and trigger functions); empty when all are as installed."""
    if connection.vendor == "postgresql":
        return _check_postgres(connection)
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        found = {name: (table, sql) for name, table, sql in cursor.fetchall()}
    for name, (table, statement) in SQLITE_TRIGGERS.items():
        if name not in found:
            problems.append(f"trigger {name} on {table} is missing")
        elif _normal(found[name][1]) != _normal(statement):
            problems.append(f"trigger {name} on {table} differs from its definition")
    return problems


def _check_postgres(connection) -> list[str]:
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname, t.tgenabled, pg_get_triggerdef(t.oid) "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname IN ('core_auditentry', 'core_auditchainhead') "
            "AND c.relnamespace = to_regnamespace(current_schema()) AND NOT t.tgisinternal"
        )
        triggers = {name: (table, enabled, sql) for name, table, enabled, sql in cursor}
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p "
            "WHERE p.pronamespace = to_regnamespace(current_schema()) AND p.proname = ANY(%s)",
            [list(POSTGRES_FUNCTIONS)],
        )
        functions = dict(cursor.fetchall())
    for name, (table, *_rest) in POSTGRES_TRIGGERS.items():
        if name not in triggers:
            problems.append(f"trigger {name} on {table} is missing")
            continue
        found_table, enabled, sql = triggers[name]
        # pg_get_triggerdef names the table with its schema: compare without it.
        sql = re.sub(r" ON (\"?[\w]+\"?\.)", " ON ", sql)
        if found_table != table or _normal(sql) != _normal(_postgres_trigger(name)):
            problems.append(f"trigger {name} on {table} differs from its definition")
        elif enabled not in ("O", "A"):  # D: disabled, R: fires only on replicas
            problems.append(f"trigger {name} on {table} is disabled")
    for name, body in POSTGRES_FUNCTIONS.items():
        if name not in functions:
            problems.append(f"trigger function {name}() is missing")
        elif _normal(functions[name]) != _normal(body):
            problems.append(f"trigger function {name}() differs from its definition")
    return problems
