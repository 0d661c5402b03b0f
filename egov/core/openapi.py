"""OpenAPI post-processing.

DRF derives min/max validators of integer fields from the database backend's integer
ranges (SQLite reports 64-bit bounds for every integer column, PostgreSQL 16/32/64-bit
ones), so the generated schema would differ between SQLite and PostgreSQL. Those bounds
are storage limits, not part of the API contract: drop them, keep real limits.
"""

from __future__ import annotations

from typing import Any

_STORAGE_BOUNDS = {
    2**15 - 1,
    -(2**15),
    2**31 - 1,
    -(2**31),
    2**63 - 1,
    -(2**63),
}


def _strip(node: Any) -> None:
    if isinstance(node, dict):
        for key in ("maximum", "minimum"):
            value = node.get(key)
            if isinstance(value, int) and value in _STORAGE_BOUNDS:
                del node[key]
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


def drop_storage_integer_bounds(result, generator, request, public):
    _strip(result.get("components", {}))
    _strip(result.get("paths", {}))
    return result


def register_extensions() -> None:
    """drf-spectacular extensions (imported when the apps are ready)."""
    from drf_spectacular.authentication import SessionScheme

    class EgovSessionScheme(SessionScheme):
        """The same security scheme (``cookieAuth``) as DRF's session authentication."""

        target_class = "egov.core.authentication.SessionAuthentication"
