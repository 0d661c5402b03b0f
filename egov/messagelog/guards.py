"""Database triggers that make the message log's records and seals append-only: no
UPDATE, ever (rows leave only by ``messagelog_archive``, which deletes archived
batches, so DELETE stays allowed). A database owner can drop a trigger; the chain and
the seals are what prove that nothing changed (``messagelog_verify`` also says when a
trigger is missing)."""

from __future__ import annotations

TABLES = ("messagelog_messagerecord", "messagelog_messageseal")
_FUNCTION = "messagelog_no_update"
_MESSAGE = "the message log is append-only"


def _name(table: str) -> str:
    return f"{table}_no_update"


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '%: {_MESSAGE}', TG_TABLE_NAME; END; $$ "
                "LANGUAGE plpgsql"
            )
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {_name(table)} BEFORE UPDATE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"
                )
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table)}")
                cursor.execute(
                    f"CREATE TRIGGER {_name(table)} BEFORE UPDATE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
                )


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table)}")


def missing(connection) -> list[str]:
    """The triggers that are not in place (or disabled, on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = ANY(%s) AND t.tgenabled IN ('O', 'A') "
                "AND c.relnamespace = to_regnamespace(current_schema()) AND NOT t.tgisinternal",
                [list(TABLES)],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return [_name(table) for table in TABLES if _name(table) not in present]
