"""Fixtures of the workdays tests: the 2026 official calendar built without the database
(from the same list the data migration seeds), and a helper for local times."""

from __future__ import annotations

import datetime
import importlib

import pytest

from egov.workdays.calendar import Decision, build_calendar
from egov.workdays.engine import TZ, Calendar

SEED = importlib.import_module("egov.workdays.migrations.0002_official_decisions_2026")


def official_calendar() -> Calendar:
    return build_calendar(
        decisions=[Decision(day, kind, name, doc) for day, kind, name, doc in SEED.DECISIONS_2026]
    )


_CALENDAR = official_calendar()  # immutable, shared by the tests of one process


@pytest.fixture
def cal() -> Calendar:
    return _CALENDAR


def vn(*args: int) -> datetime.datetime:
    """An aware datetime in Asia/Ho_Chi_Minh: vn(2026, 1, 5, 9, 30)."""
    return datetime.datetime(*args, tzinfo=TZ)
