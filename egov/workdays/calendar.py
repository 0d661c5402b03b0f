"""Building a ``Calendar``: the rule-based holidays of every year (Labor Code 2019
arts. 111-112, computed by the ``holidays`` package, lunar dates included), overridden
by the official yearly decisions (days off, swapped days) and combined with the
office hours. Pure: the decisions and office hours are passed in."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from holidays.countries.vietnam import Vietnam

from egov.workdays.engine import FIRST_DATE, LAST_DATE, Calendar, DayInfo, DayKind, Source

DAY_OFF = "day_off"
WORKING_DAY = "working_day"


class _LabourCodeHolidays(Vietnam):
    """The holidays of Labor Code 2019 art. 112 with the art. 111 make-up days
    ("nghỉ bù"), as computed from the rules by the ``holidays`` package, which also
    follows 24 November (Vietnam Culture Day, from 2026, per its sources).

    The package also carries a list of past government decisions (swapped days);
    we leave those out, because official decisions are our own editable table
    (``OfficialDecision``), and the package only knows the day off of a swap, not the
    Saturday that becomes a working day."""

    def _add_special_holidays(self, *args, **kwargs):
        return None


@functools.cache
def rule_holidays() -> dict[datetime.date, str]:
    """Every rule-based holiday of the supported range with its Vietnamese name.
    Cached: a pure function of the installed ``holidays`` version."""
    computed = _LabourCodeHolidays(years=range(FIRST_DATE.year, LAST_DATE.year + 1), language="vi")
    return dict(sorted(computed.items()))


@dataclass(frozen=True, slots=True)
class Decision:
    """An official decision on one day: ``kind`` is ``day_off`` or ``working_day``."""

    day: datetime.date
    kind: str
    name: str
    document: str = ""


@dataclass(frozen=True, slots=True)
class OfficeHours:
    periods: tuple[tuple[datetime.time, datetime.time], ...] = (
        (datetime.time(7, 30), datetime.time(11, 30)),
        (datetime.time(13, 30), datetime.time(17, 30)),
    )
    cutoff: datetime.time = datetime.time(15, 0)


DEFAULT_OFFICE_HOURS = OfficeHours()


def build_calendar(
    *,
    decisions: Iterable[Decision] = (),
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    revision: int = 0,
) -> Calendar:
    """The calendar of 2000-2100: weekends, rule holidays, then the official decisions,
    which win over both (a decision may make a Saturday or even a holiday a working day)."""
    special: dict[datetime.date, DayInfo] = {
        day: DayInfo(day, False, DayKind.HOLIDAY, name, Source.RULE)
        for day, name in rule_holidays().items()
    }
    for decision in decisions:
        working = decision.kind == WORKING_DAY
        special[decision.day] = DayInfo(
            decision.day,
            working,
            DayKind.DECISION_WORKING_DAY if working else DayKind.DECISION_DAY_OFF,
            decision.name,
            Source.DECISION,
            decision.document,
        )
    return Calendar(
        special=special,
        periods=office_hours.periods,
        cutoff=office_hours.cutoff,
        revision=revision,
    )
