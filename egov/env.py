"""Typed helpers that read settings from environment variables.

Every setting of the platform comes from here, with a default that runs on one
machine with SQLite (see docs/operations.md for the full list).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name?opt=v`` or ``sqlite:///path`` into a
    Django DATABASES entry."""
    parsed = urlparse(url)
    options = dict(parse_qsl(parsed.query))
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return _postgresql(parsed, options)
    if parsed.scheme == "sqlite":
        return sqlite_database(unquote(parsed.path))
    raise ValueError(f"DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def _postgresql(parsed, options: dict) -> dict:
    """Only documented options of Django's PostgreSQL backend and of psycopg
    (docs/decisions/0007-public-apis-only.md):

    - ``pool`` (``?pool=true`` or ``?pool_max=N``): Django's psycopg connection pool,
      per process, instead of a persistent connection (``?conn_max_age=S``, default
      60 s, with Django's health checks). Django refuses both at once;
    - ``server_side_binding`` (``?server_side_binding=false`` to turn off) and
      ``prepare_threshold`` (``?prepare_threshold=off``: never, for a pooler that
      cannot keep prepared statements): PostgreSQL parses and plans a statement once
      per connection after it ran that many times;
    - no parallel workers for the web's statements: starting them costs more (5-10 ms)
      than the index scans of a request (a queue count: 3 ms alone, 15 ms with two
      workers);
    - no JIT compilation: a statement the planner guesses costly compiles for longer
      than it runs (an officer's name search at a million dossiers: 95 ms of execution,
      250 ms of JIT).

    Other options given in the URL are passed to psycopg as they are."""
    pool_max = options.pop("pool_max", "")
    pool = _flag(options.pop("pool", "")) or bool(pool_max)
    threshold = options.pop("prepare_threshold", "5")
    server_side_binding = _flag(options.pop("server_side_binding", "true"))
    conn_max_age = int(options.pop("conn_max_age", 60))
    database_options = {
        **options,
        "options": " ".join(
            ["-c max_parallel_workers_per_gather=0 -c jit=off", options.get("options", "")]
        ).strip(),
        "server_side_binding": server_side_binding,
        "prepare_threshold": None
        if str(threshold).lower() in {"off", "none", ""}
        else int(threshold),
    }
    if pool:
        database_options["pool"] = {"min_size": 1, "max_size": int(pool_max or 4), "timeout": 10}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 0 if pool else conn_max_age,
        "CONN_HEALTH_CHECKS": not pool,
        "OPTIONS": database_options,
    }


def _flag(value: str) -> bool:
    return str(value).lower() in {"1", "true", "yes", "on"}


def sqlite_database(path: str) -> dict:
    # WAL lets readers run while one writer commits; the busy timeout makes a
    # writer wait for the lock instead of failing at once; IMMEDIATE takes the
    # write lock at BEGIN so two writers never deadlock upgrading a read lock.
    test_name = str(Path(path).with_name(f"test_{Path(path).name}"))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # A file, not memory, so that tests can start other processes (relays, servers)
        # on the same test database.
        "TEST": {"NAME": test_name},
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        },
    }
