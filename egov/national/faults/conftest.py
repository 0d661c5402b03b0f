"""The fault tests (``make faults``): the real relay (``manage.py relay_outbox``, in
subprocesses) against the real fake national portal over HTTP, on PostgreSQL (the
relays claim with SKIP LOCKED). Not part of the default run: they take minutes; they
run when EGOV_FAULTS=1 (set by ``make faults``) and DATABASE_URL names PostgreSQL."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: fault tests of the national sync (make faults)")


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    mine = [item for item in items if str(item.fspath).startswith(here)]
    if not os.environ.get("EGOV_FAULTS"):
        reason = "fault tests: run them with `make faults` (EGOV_FAULTS=1, PostgreSQL)"
    elif not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        reason = "fault tests need PostgreSQL: set DATABASE_URL=postgres://... (make faults)"
    else:
        return
    for item in mine:
        item.add_marker(pytest.mark.skip(reason=reason))
