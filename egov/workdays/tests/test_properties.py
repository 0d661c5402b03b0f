"""Properties of the deadline engine over random instants and amounts (hypothesis),
checked against a slow day-by-day reference implementation."""

from __future__ import annotations

import datetime
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from egov.workdays import engine
from egov.workdays.engine import HOUR, TZ, Unit
from egov.workdays.tests.conftest import official_calendar

CAL = official_calendar()
PLUS9 = datetime.timezone(datetime.timedelta(hours=9))
BOUNDARIES = [
    datetime.time(h, m)
    for h, m in [(0, 0), (7, 30), (11, 30), (13, 30), (15, 0), (17, 30), (23, 59)]
]

random_instants = st.datetimes(
    min_value=datetime.datetime(2025, 12, 1),
    max_value=datetime.datetime(2027, 12, 31),
    timezones=st.sampled_from([TZ, datetime.UTC, PLUS9]),
)
boundary_instants = st.builds(
    lambda day, clock: datetime.datetime.combine(day, clock, tzinfo=TZ),
    st.dates(datetime.date(2025, 12, 1), datetime.date(2027, 12, 31)),
    st.sampled_from(BOUNDARIES),
)
instants = st.one_of(random_instants, boundary_instants)
hours = st.integers(0, 8 * 60 * 60).map(lambda minutes: Fraction(minutes, 60))  # up to 60 days
days = st.integers(0, 60)
units = st.sampled_from([Unit.WORKING_DAYS, Unit.WORKING_HOURS, Unit.CALENDAR_DAYS, Unit.SAME_DAY])

PROPERTY = settings(max_examples=250, deadline=None)


def reference_add_hours(start: datetime.datetime, amount: Fraction) -> datetime.datetime:
    """Walk the calendar day by day and period by period (slow, obviously right)."""
    local = start.astimezone(TZ)
    day, clock = local.date(), local - local.replace(hour=0, minute=0, second=0, microsecond=0)
    left = datetime.timedelta(microseconds=round(amount * HOUR))
    while True:
        if CAL.is_working_day(day):
            for begin, end in CAL.periods:
                begin_td = datetime.timedelta(hours=begin.hour, minutes=begin.minute)
                end_td = datetime.timedelta(hours=end.hour, minutes=end.minute)
                from_td = max(begin_td, clock)
                if from_td >= end_td:
                    continue
                if left <= end_td - from_td:
                    return (
                        datetime.datetime.combine(day, datetime.time(), tzinfo=TZ) + from_td + left
                    )
                left -= end_td - from_td
        day += datetime.timedelta(days=1)
        clock = datetime.timedelta(0)


@PROPERTY
@given(instants, hours.filter(lambda h: h > 0))
def test_working_hours_agree_with_the_reference(start, amount):
    assert engine.add(CAL, start, amount, Unit.WORKING_HOURS) == reference_add_hours(start, amount)


@PROPERTY
@given(instants, st.one_of(hours, days), units, st.booleans())
def test_a_due_date_is_never_inside_non_working_time(start, amount, unit, cutoff):
    if unit is Unit.CALENDAR_DAYS:
        amount = int(amount)
    due = engine.add(CAL, start, amount, unit, cutoff_15h=cutoff)
    assert CAL.in_working_time(due)
    assert due >= start
    assert due.tzinfo is TZ
    if amount > 0 and unit in (Unit.WORKING_DAYS, Unit.WORKING_HOURS):
        # Never the opening instant of a period: a boundary is reported as the end of
        # the previous period.
        assert due.time() not in (CAL.periods[0][0], CAL.periods[1][0])


@PROPERTY
@given(instants, hours, hours, st.sampled_from([Unit.WORKING_HOURS, Unit.WORKING_DAYS]))
def test_adding_a_then_b_equals_adding_a_plus_b(start, a, b, unit):
    scale = 1 if unit is Unit.WORKING_HOURS else Fraction(1, 8)
    a, b = a * scale, b * scale
    once = engine.add(CAL, start, a + b, unit)
    assert engine.add(CAL, engine.add(CAL, start, a, unit), b, unit) == once


@PROPERTY
@given(instants, days, st.integers(0, 8 * 30))
def test_days_then_hours_equals_hours(start, n_days, n_hours):
    via_days = engine.add(
        CAL, engine.add(CAL, start, n_days, Unit.WORKING_DAYS), n_hours, Unit.WORKING_HOURS
    )
    assert via_days == engine.add(CAL, start, n_days * 8 + n_hours, Unit.WORKING_HOURS)


@PROPERTY
@given(instants, instants, st.one_of(hours, days), st.one_of(hours, days), units, st.booleans())
def test_more_time_or_a_later_start_never_gives_an_earlier_due_date(t1, t2, a, b, unit, cutoff):
    if unit is Unit.CALENDAR_DAYS:
        a, b = int(a), int(b)
    t1, t2 = sorted([t1, t2])
    a, b = sorted([a, b])
    assert engine.add(CAL, t1, a, unit, cutoff_15h=cutoff) <= engine.add(
        CAL, t1, b, unit, cutoff_15h=cutoff
    )
    assert engine.add(CAL, t1, a, unit, cutoff_15h=cutoff) <= engine.add(
        CAL, t2, a, unit, cutoff_15h=cutoff
    )


@PROPERTY
@given(instants, hours)
def test_remaining_time_is_what_was_added(start, amount):
    begin = engine.effective_start(CAL, start)
    due = engine.add(CAL, start, amount, Unit.WORKING_HOURS)
    assert engine.remaining(CAL, begin, due).microseconds == round(amount * HOUR)
    assert engine.remaining(CAL, start, due).microseconds == round(amount * HOUR)


@PROPERTY
@given(instants, instants, hours)
def test_pauses(due_start, pause_at, amount):
    due = engine.add(CAL, due_start, 5, Unit.WORKING_DAYS)
    # A pause of zero length changes nothing.
    assert engine.apply_pause(CAL, due, pause_at, pause_at) == due
    # A pause of h working hours moves the due date by h working hours.
    resumed = engine.add(CAL, pause_at, amount, Unit.WORKING_HOURS)
    assert engine.apply_pause(CAL, due, pause_at, resumed) == engine.add(
        CAL, due, amount, Unit.WORKING_HOURS
    )


@PROPERTY
@given(instants, hours)
def test_the_cutoff_counts_from_the_next_working_day(start, amount):
    local = start.astimezone(TZ)
    due = engine.add(CAL, start, amount, Unit.WORKING_HOURS, cutoff_15h=True)
    if CAL.is_working_day(local.date()) and local.time() > datetime.time(15):
        next_day = engine.effective_start(
            CAL, datetime.datetime.combine(local.date(), datetime.time(23, 59), tzinfo=TZ)
        )
        assert next_day.time() == datetime.time(7, 30)
        if amount > 0:
            assert due == engine.add(CAL, next_day, amount, Unit.WORKING_HOURS)
    else:
        assert due == engine.add(CAL, start, amount, Unit.WORKING_HOURS)


@PROPERTY
@given(instants, days)
def test_calendar_days_end_on_the_first_working_day_on_or_after_the_target(start, n):
    due = engine.add(CAL, start, n, Unit.CALENDAR_DAYS)
    first_day = engine.effective_start(CAL, start).date()
    target = first_day + datetime.timedelta(days=n)
    assert due.date() >= target
    assert CAL.is_working_day(due.date())
    assert all(
        not CAL.is_working_day(target + datetime.timedelta(days=k))
        for k in range((due.date() - target).days)
    )
    assert due.time() == datetime.time(17, 30)
