"""Due-date arithmetic on a precomputed working-day calendar. Pure: no database, no
clock; everything it needs is in the ``Calendar`` object (built by
``egov.workdays.calendar.build_calendar``, loaded by ``egov.workdays.services``).

Sources of the rules:

- working days: Monday to Friday (Decision 188/1999/QĐ-TTg, 40-hour week of the
  public service), minus the holidays of Labor Code 2019 art. 112 and the make-up
  days of art. 111, corrected by the government's yearly decisions (days off,
  swapped Saturdays);
- processing time counted in working days, working hours or calendar days from
  reception (Decree 61/2018/NĐ-CP art. 19, carried into Decree 118/2025); a receipt
  outside office hours counts from the next working period (practice); optionally a
  receipt after 15:00 counts from the next working day (Decree 61/2018 art. 19.2 for
  paper forwarding, used as a per-procedure option);
- calendar-day periods end at the close of the last day; a last day that is a day
  off moves to the next working day (Civil Code 2015 arts. 147-148);
- a supplement restarts the processing time from zero once the dossier is complete,
  and one single new appointment date is allowed, set at least one working day before
  the due date (Decree 61/2018 art. 19.4 and form 04);
- early / on time / late compares the date parts (Decision 766/QĐ-TTg practice).

The model. Every instant has a *working coordinate*: the number of working
microseconds between the start of the supported range and that instant. Adding working
time adds to the coordinate and maps back to the earliest instant that has the new
coordinate, so a due date always lies inside a working period or exactly at the end
of one (17:30 rather than 07:30 the next working day). A day's coordinate comes from a
cumulative count of working days per date, so adding N working days is an array
lookup, never a day-by-day loop.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from egov.workdays import rules

TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7 all year: Vietnam has had no DST since 1975
FIRST_DATE = datetime.date(2000, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)
SECOND = 1_000_000  # coordinates are in microseconds
HOUR = 3600 * SECOND
_EPOCH = datetime.datetime(FIRST_DATE.year, FIRST_DATE.month, FIRST_DATE.day, tzinfo=TZ)


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"  # "giải quyết trong ngày": due at the close of the day of receipt


_UNITS = {u.value: u for u in Unit}


class DayKind(StrEnum):
    """Why a day is (not) a working day."""

    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # Labor Code 2019 art. 112 holiday or art. 111 make-up day (rule)
    DECISION_DAY_OFF = "decision_day_off"  # official decision: extra or swapped day off
    DECISION_WORKING_DAY = "decision_working_day"  # official decision: swapped working day


class Source(StrEnum):
    WEEK = "week"  # the ordinary Monday-Friday week
    RULE = "rule"  # computed from the Labor Code rules (holidays package)
    DECISION = "decision"  # the editable table of official decisions


class Timeliness(StrEnum):
    EARLY = "early"  # "trước hạn"
    ON_TIME = "on_time"  # "đúng hạn"
    LATE = "late"  # "quá hạn"


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: datetime.date
    working: bool
    kind: DayKind
    name: str = ""
    source: Source = Source.WEEK
    document: str = ""


@dataclass(frozen=True, slots=True)
class Remaining:
    """Working time left until a due date (negative when overdue)."""

    microseconds: int
    day_length: int

    @property
    def overdue(self) -> bool:
        return self.microseconds < 0

    @property
    def working_time(self) -> datetime.timedelta:
        return datetime.timedelta(microseconds=self.microseconds)

    def parts(self) -> tuple[int, int, int]:
        """(working days, hours, minutes) of the absolute remaining time, minutes rounded down."""
        minutes_total = abs(self.microseconds) // (60 * SECOND)
        day_minutes = self.day_length // (60 * SECOND)
        days, minutes = divmod(minutes_total, day_minutes)
        return days, minutes // 60, minutes % 60


class Calendar:
    """An immutable working-day calendar for 2000-2100 plus office hours.

    ``special`` gives every day whose status is not the plain week (holidays, official
    decisions); ``periods`` are the working periods of a day as ``(start, end)`` times;
    ``cutoff`` is the time after which the optional 15:00 rule moves a receipt to the
    next working day; ``revision`` is the calendar revision it was built from.
    """

    def __init__(
        self,
        *,
        special: Mapping[datetime.date, DayInfo] | None = None,
        periods: Sequence[tuple[datetime.time, datetime.time]] = (
            (datetime.time(7, 30), datetime.time(11, 30)),
            (datetime.time(13, 30), datetime.time(17, 30)),
        ),
        cutoff: datetime.time = datetime.time(15, 0),
        revision: int = 0,
    ) -> None:
        rules.check_office_hours(list(periods))
        self.revision = revision
        self.special: Mapping[datetime.date, DayInfo] = dict(special or {})
        self.cutoff = cutoff
        self.periods = tuple(periods)
        self._first = FIRST_DATE.toordinal()
        self._n = LAST_DATE.toordinal() - self._first + 1
        # (start, end, working time before this period) in microseconds of the day
        spans, before = [], 0
        for start, end in periods:
            s, e = _micros(start), _micros(end)
            spans.append((s, e, before))
            before += e - s
        self._spans = tuple(spans)
        self.day_length = before
        self._first_start = spans[0][0]
        self._last_end = spans[-1][1]
        self._cutoff = _micros(cutoff)
        working = bytearray(self._n)
        cum = [0] * (self._n + 1)  # cum[i]: working days before day i
        wdays: list[int] = []  # day indexes of the working days, in order
        for i in range(self._n):
            day = datetime.date.fromordinal(self._first + i)
            info = self.special.get(day)
            is_working = info.working if info is not None else day.weekday() < 5
            if is_working:
                working[i] = 1
                wdays.append(i)
            cum[i + 1] = len(wdays)
        self._working = bytes(working)
        self._cum = cum
        self._wdays = wdays

    # -- days -----------------------------------------------------------------------

    def is_working_day(self, day: datetime.date) -> bool:
        return bool(self._working[self._day_index(day)])

    def day(self, day: datetime.date) -> DayInfo:
        self._day_index(day)
        info = self.special.get(day)
        if info is not None:
            return info
        if day.weekday() >= 5:
            return DayInfo(
                day, False, DayKind.WEEKEND, "Thứ Bảy" if day.weekday() == 5 else "Chủ nhật"
            )
        return DayInfo(day, True, DayKind.WORKING)

    def days(self, start: datetime.date, end: datetime.date) -> Iterator[DayInfo]:
        day = start
        while day <= end:
            yield self.day(day)
            day += datetime.timedelta(days=1)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in [start, end)."""
        return self._cum[self._day_index(end)] - self._cum[self._day_index(start)]

    def _day_index(self, day: datetime.date, field: str = "date") -> int:
        i = day.toordinal() - self._first
        if not 0 <= i < self._n:
            raise rules.date_out_of_range(FIRST_DATE, LAST_DATE, field)
        return i

    # -- working coordinates ----------------------------------------------------------

    def coordinate(self, t: datetime.datetime, field: str = "start") -> int:
        """Working microseconds from the start of the range to ``t``."""
        i, sec = self._split(t, field)
        return self._coordinate(i, sec)

    def _split(self, t: datetime.datetime, field: str) -> tuple[int, int]:
        if t.tzinfo is not TZ:
            if t.tzinfo is None or t.utcoffset() is None:
                raise rules.datetime_naive(field)
            t = t.astimezone(TZ)
        # Same tzinfo on both sides: wall-clock difference, exact because UTC+7 is fixed.
        delta = t - _EPOCH
        i = delta.days
        if not 0 <= i < self._n:
            raise rules.date_out_of_range(FIRST_DATE, LAST_DATE, field)
        return i, delta.seconds * SECOND + delta.microseconds

    def _coordinate(self, i: int, sec: int) -> int:
        base = self._cum[i] * self.day_length
        if not self._working[i]:
            return base
        for s, e, before in self._spans:
            if sec <= s:
                return base + before
            if sec < e:
                return base + before + sec - s
        return base + self.day_length

    def _start_coordinate(self, t: datetime.datetime, cutoff: bool, field: str = "start") -> int:
        i, sec = self._split(t, field)
        if cutoff and self._working[i] and sec > self._cutoff:
            return (self._cum[i] + 1) * self.day_length
        return self._coordinate(i, sec)

    def _start_day(self, t: datetime.datetime, cutoff: bool) -> int:
        """The day index of ``effective_start(t)``, without building it."""
        i, sec = self._split(t, "start")
        if self._working[i] and sec <= self._last_end and not (cutoff and sec > self._cutoff):
            return i
        # cum[i + 1] counts the working days up to day i: the index of the next one.
        return self._wday(self._cum[i + 1])

    def instant(self, x: int) -> datetime.datetime:
        """The earliest instant with coordinate ``x`` (the end of a period when ``x``
        falls on a boundary between periods)."""
        k, r = divmod(x, self.day_length)
        if r == 0 and k > 0:
            return self._at(self._wday(k - 1), self._last_end)
        i = self._wday(k)
        for s, e, before in self._spans:
            if r <= before + e - s:
                return self._at(i, s + r - before)
        raise AssertionError("unreachable: r < day_length")

    def instant_after(self, x: int) -> datetime.datetime:
        """The instant at which work continues from coordinate ``x`` (the start of the
        next period when ``x`` falls on a boundary)."""
        k, r = divmod(x, self.day_length)
        i = self._wday(k)
        for s, e, before in self._spans:
            if r < before + e - s:
                return self._at(i, s + r - before)
        raise AssertionError("unreachable: r < day_length")

    def _wday(self, k: int) -> int:
        if not 0 <= k < len(self._wdays):
            raise rules.date_out_of_range(FIRST_DATE, LAST_DATE, "due")
        return self._wdays[k]

    def _at(self, i: int, sec: int) -> datetime.datetime:
        return _EPOCH + datetime.timedelta(days=i, microseconds=sec)

    def in_working_time(self, t: datetime.datetime) -> bool:
        """Is ``t`` inside a working period, ends included?"""
        i, sec = self._split(t, "at")
        return bool(self._working[i]) and any(s <= sec <= e for s, e, _ in self._spans)


def _micros(t: datetime.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * SECOND + t.microsecond


def _unit(unit: Any) -> Unit:
    try:
        return _UNITS[unit]
    except (KeyError, TypeError):
        raise rules.unit_unknown(unit, list(_UNITS)) from None


def _micros_of(amount: int | Fraction, per_unit: int) -> int:
    value = amount * per_unit
    return value if isinstance(value, int) else round(value)


# -- due dates ------------------------------------------------------------------------


def effective_start(
    calendar: Calendar, received_at: datetime.datetime, *, cutoff_15h: bool = False
) -> datetime.datetime:
    """When the processing time starts: ``received_at`` if it is in office hours (ends
    included), otherwise the start of the next working period (after lunch: the
    afternoon); with ``cutoff_15h``, a receipt after the cut-off counts from the start
    of the next working day. Adding zero time gives this instant."""
    i, sec = calendar._split(received_at, "start")
    if cutoff_15h and calendar._working[i] and sec > calendar._cutoff:
        return calendar.instant_after((calendar._cum[i] + 1) * calendar.day_length)
    x = calendar._coordinate(i, sec)
    # The earliest instant with this coordinate is ``received_at`` itself when it is in
    # working time; otherwise it lies before it and work resumes at the next opening.
    earliest = calendar.instant(x) if x > 0 else None
    if earliest is not None and earliest >= received_at:
        return earliest
    return calendar.instant_after(x)


def add(
    calendar: Calendar,
    start: datetime.datetime,
    amount: Any,
    unit: Unit | str,
    *,
    cutoff_15h: bool = False,
) -> datetime.datetime:
    """The due date of ``amount`` ``unit`` counted from the receipt time ``start``.

    - working hours / days: working time from the effective start; 1 working day is
      the length of the office day (8 hours by default); fractions are allowed;
    - calendar days: the close of office hours on the day ``amount`` days after the
      day of the effective start, moved to the next working day if it is a day off;
    - same day: the close of office hours on the day of the effective start
      (``amount`` is ignored).

    The result is in Asia/Ho_Chi_Minh. Amount zero gives the effective start.
    """
    u = _UNITS.get(unit) if isinstance(unit, str) else None
    if u is None:
        u = _unit(unit)
    if type(amount) is not int or amount < 0:
        amount = rules.check_amount(amount, integral=u is Unit.CALENDAR_DAYS)
    if u is Unit.WORKING_DAYS:
        delta = _micros_of(amount, calendar.day_length)
    elif u is Unit.WORKING_HOURS:
        delta = _micros_of(amount, HOUR)
    else:
        first_day = calendar._start_day(start, cutoff_15h)
        return _add_calendar_days(calendar, first_day, 0 if u is Unit.SAME_DAY else amount)
    x = calendar._start_coordinate(start, cutoff_15h)
    if delta == 0:
        return effective_start(calendar, start, cutoff_15h=cutoff_15h)
    return calendar.instant(x + delta)


def _add_calendar_days(calendar: Calendar, first_day: int, days: int) -> datetime.datetime:
    target = first_day + days
    if target >= calendar._n:
        raise rules.date_out_of_range(FIRST_DATE, LAST_DATE, "due")
    # cum[target] counts the working days before ``target``: it is the index of the
    # first working day on or after it.
    return calendar._at(calendar._wday(calendar._cum[target]), calendar._last_end)


def remaining(calendar: Calendar, now: datetime.datetime, due: datetime.datetime) -> Remaining:
    """Working time from ``now`` to ``due`` ("còn 3 giờ 20 phút"); negative when overdue."""
    return Remaining(
        calendar.coordinate(due, "due") - calendar.coordinate(now, "now"), calendar.day_length
    )


def is_near_due(
    calendar: Calendar, now: datetime.datetime, due: datetime.datetime, within: datetime.timedelta
) -> bool:
    """True when at most ``within`` working time is left (and not yet overdue)."""
    left = remaining(calendar, now, due).microseconds
    return 0 <= left <= within // datetime.timedelta(microseconds=1)


def working_time_between(
    calendar: Calendar, start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """Working time in [start, end] (zero when ``end`` is not after ``start``)."""
    micros = calendar.coordinate(end, "end") - calendar.coordinate(start, "start")
    return datetime.timedelta(microseconds=max(micros, 0))


def apply_pause(
    calendar: Calendar,
    due: datetime.datetime,
    paused_at: datetime.datetime,
    resumed_at: datetime.datetime,
) -> datetime.datetime:
    """The due date after a pause (e.g. waiting for the applicant's financial
    obligation): shifted by the working time of the pause. A pause entirely outside
    working time changes nothing."""
    rules.check_pause(paused_at, resumed_at)
    length = calendar.coordinate(resumed_at, "resumed_at") - calendar.coordinate(
        paused_at, "paused_at"
    )
    if length == 0:
        return due
    return calendar.instant(calendar.coordinate(due, "due") + length)


def restart_after_supplement(
    calendar: Calendar,
    completed_at: datetime.datetime,
    amount: Any,
    unit: Unit | str,
    *,
    cutoff_15h: bool = False,
) -> datetime.datetime:
    """Decree 61/2018 art. 19.4: after a supplement requested once the dossier was
    accepted, the processing time restarts from zero when the dossier is complete:
    the new due date is the full processing time counted from ``completed_at``."""
    return add(calendar, completed_at, amount, unit, cutoff_15h=cutoff_15h)


SUPPLEMENT_WINDOW_DAYS = 3


def check_supplement_request(
    calendar: Calendar, received_at: datetime.datetime, requested_at: datetime.datetime
) -> None:
    """Decree 61/2018 art. 19: a supplement is requested at most 3 working days after
    the processing agency received the dossier (code ``supplement_too_late``)."""
    used = calendar.coordinate(requested_at, "requested_at") - calendar.coordinate(
        received_at, "received_at"
    )
    if used > SUPPLEMENT_WINDOW_DAYS * calendar.day_length:
        raise rules.supplement_too_late(SUPPLEMENT_WINDOW_DAYS)


def extend(
    calendar: Calendar,
    due: datetime.datetime,
    new_due: datetime.datetime | datetime.date,
    now: datetime.datetime,
    *,
    already_extended: bool = False,
) -> datetime.datetime:
    """Validate a late dossier's new appointment date (Decree 61/2018 art. 19, form 04)
    and return it as an aware datetime. The extension is allowed once, at least one
    working day of working time before ``due``; the new date is later than ``due`` and
    in working time (a date means the close of that working day).

    Codes: ``extension_already_granted``, ``extension_too_late``,
    ``extension_not_later``, ``extension_not_working_time``.
    """
    rules.check_extension_not_granted(already_extended)
    if not isinstance(new_due, datetime.datetime):
        if not calendar.is_working_day(new_due):
            raise rules.extension_not_working_time()
        new_due = datetime.datetime.combine(new_due, calendar.periods[-1][1], tzinfo=TZ)
    due_x = calendar.coordinate(due, "due")
    if due_x - calendar.coordinate(now, "now") < calendar.day_length:
        raise rules.extension_too_late()
    if calendar.coordinate(new_due, "new_due") <= due_x or new_due <= due:
        raise rules.extension_not_later()
    if not calendar.in_working_time(new_due):
        raise rules.extension_not_working_time()
    return new_due.astimezone(TZ)


def classify(finished_at: datetime.datetime, appointment: datetime.datetime) -> Timeliness:
    """Early / on time / late by the date parts in Asia/Ho_Chi_Minh (Decision 766
    practice, as the national KPIs count it): finishing any time on the appointment
    day is on time."""
    for value, field in ((finished_at, "finished_at"), (appointment, "appointment")):
        if value.tzinfo is None or value.utcoffset() is None:
            raise rules.datetime_naive(field)
    finished, due = finished_at.astimezone(TZ).date(), appointment.astimezone(TZ).date()
    if finished < due:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished == due else Timeliness.LATE


def plan_steps(
    calendar: Calendar, start: datetime.datetime, hours: Sequence[Any]
) -> list[datetime.datetime]:
    """Deadlines of the internal workflow steps ("quy trình nội bộ"), each given in
    working hours, the steps following each other from ``start``: the deadline of
    step n is ``start`` plus the hours of steps 1..n."""
    deadlines, total = [], 0
    for amount in hours:
        total += rules.check_amount(amount, integral=False)
        deadlines.append(add(calendar, start, total, Unit.WORKING_HOURS))
    return deadlines


def step_due(
    calendar: Calendar, step_started_at: datetime.datetime, hours: Any
) -> datetime.datetime:
    """The deadline of one internal step that started at ``step_started_at``."""
    return add(calendar, step_started_at, hours, Unit.WORKING_HOURS)
