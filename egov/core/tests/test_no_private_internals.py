"""The guard of decision 0007: no code under ``egov/`` reaches into the private names
of Django, Django REST framework or psycopg (a patch release may change them without
warning). It scans every module with ``ast``:

- imports of private modules (``from psycopg import _queries``, ``import a._b``,
  ``from a._b import c``) of any library;
- attribute access to a private name (``._name``, not a dunder) that one of those
  libraries defines (a function, class, attribute or module-level name of its source),
  whatever the object: the type of the object is not known statically, so a name a
  library uses privately is refused on any object, unless the object is a name the
  module imported from ``egov`` (the project's own modules and classes);
- the same names given as text to ``getattr``/``setattr``/``hasattr``/``delattr``.

``ALLOWED``: names that look private but are documented public API, each with its
reason. Anything else needs a decision record, a measured reason (decision 0007) and an
entry here.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from pathlib import Path

import pytest

EGOV = Path(__file__).resolve().parents[2]
LIBRARIES = ("django", "rest_framework", "psycopg")

ALLOWED = {
    "_meta": "Model._meta, the documented Options API "
    "(https://docs.djangoproject.com/en/5.2/ref/models/meta/)",
    "_default_manager": "Model._default_manager, documented for code that works on any "
    "model (https://docs.djangoproject.com/en/5.2/topics/db/managers/#default-managers)",
}


@functools.cache
def library_private_names() -> frozenset[str]:
    """Every single-underscore name defined in the libraries' source."""
    names: set[str] = set()
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        assert spec is not None and spec.submodule_search_locations, library
        for root in spec.submodule_search_locations:
            for path in Path(root).rglob("*.py"):
                try:
                    tree = ast.parse(path.read_text(encoding="utf-8"))
                except (SyntaxError, UnicodeDecodeError):
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                        name = node.name
                    elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                        name = node.attr
                    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        name = node.id
                    else:
                        continue
                    if _private(name):
                        names.add(name)
    return frozenset(names)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _own_names(tree: ast.AST) -> set[str]:
    """Names a module binds by importing from ``egov``: the project's own objects."""
    own = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("egov")
        ):
            own.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            own.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.startswith("egov")
            )
    return own


def findings(source: str, filename: str = "<source>") -> list[str]:
    """What the guard refuses in ``source``: ``file:line: text`` each."""
    tree = ast.parse(source, filename)
    private = library_private_names()
    own = _own_names(tree)
    found = []

    def refuse(node: ast.AST, text: str) -> None:
        found.append(f"{filename}:{node.lineno}: {text}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("egov") and any(
                    _private(part) for part in alias.name.split(".")
                ):
                    refuse(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and not node.level:
            module = node.module or ""
            if module.startswith("egov"):
                continue
            if any(_private(part) for part in module.split(".")):
                refuse(node, f"from {module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    refuse(node, f"from {module} import {alias.name}")
        elif isinstance(node, ast.Attribute):
            name = node.attr
            if name in private and name not in ALLOWED:
                if isinstance(node.value, ast.Name) and node.value.id in own:
                    continue
                refuse(node, f"{ast.unparse(node)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            name = node.args[1].value
            if name in private and name not in ALLOWED:
                refuse(node, f"{node.func.id}(..., {name!r})")
    return found


def test_the_guard_refuses_what_decision_0007_removed():
    """The guard itself: each of these was in the code before decision 0007."""
    source = "\n".join(
        [
            "from psycopg import _queries",
            "import psycopg._queries",
            "from django.db.models.base import ModelState",  # public module: allowed
            "connection._prepare_cursor(cursor)",
            "connection.health_check_done = True",  # public-looking name: allowed
            "obj._prepare_related_fields_for_save(operation_name='insert')",
            "qs._result_cache = rows",
            "qs._prefetch_done = True",
            "obj._state.fields_cache['x'] = 1",
            "user._wrapped",
            "getattr(serializer, '_validated_data')",
            "model._meta.concrete_fields",  # documented: allowed
        ]
    )
    refused = sorted(line.split(": ", 1)[1] for line in findings(source))
    assert refused == sorted(
        [
            "from psycopg import _queries",
            "import psycopg._queries",
            "connection._prepare_cursor",
            "obj._prepare_related_fields_for_save",
            "qs._result_cache",
            "qs._prefetch_done",
            "obj._state",
            "user._wrapped",
            "getattr(..., '_validated_data')",
        ]
    )


def test_the_projects_own_private_names_are_not_refused():
    source = "from egov.workdays import engine\nengine._split(1)\nself._cursor_position = 1\n"
    assert findings(source) == []


def _modules() -> list[Path]:
    return sorted(p for p in EGOV.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(EGOV.parent)))
def test_no_private_internals_of_django_drf_or_psycopg(path):
    assert findings(path.read_text(encoding="utf-8"), str(path.relative_to(EGOV.parent))) == []
