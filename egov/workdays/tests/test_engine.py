"""Examples of the deadline engine on the official 2026 calendar and the 2027 rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from egov.core.errors import DomainError
from egov.workdays import engine
from egov.workdays.calendar import rule_holidays
from egov.workdays.engine import DayKind, Source, Timeliness, Unit
from egov.workdays.tests.conftest import vn

D = datetime.date

# Weekdays that are days off, and Saturdays that are working days.
DAYS_OFF_2026 = [
    D(2026, 1, 1),
    D(2026, 1, 2),
    D(2026, 2, 16),
    D(2026, 2, 17),
    D(2026, 2, 18),
    D(2026, 2, 19),
    D(2026, 2, 20),
    D(2026, 4, 27),
    D(2026, 4, 30),
    D(2026, 5, 1),
    D(2026, 8, 31),
    D(2026, 9, 1),
    D(2026, 9, 2),
    D(2026, 11, 24),
]
WORKING_SATURDAYS_2026 = [D(2026, 1, 10), D(2026, 8, 22)]
DAYS_OFF_2027 = [  # rules only: no official decisions for 2027 yet
    D(2027, 1, 1),
    D(2027, 2, 4),
    D(2027, 2, 5),
    D(2027, 2, 8),
    D(2027, 2, 9),
    D(2027, 2, 10),
    D(2027, 4, 16),
    D(2027, 4, 30),
    D(2027, 5, 3),
    D(2027, 9, 2),
    D(2027, 9, 3),
    D(2027, 11, 24),
]


def _weekday_days_off(cal, year):
    day, found = D(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and not cal.is_working_day(day):
            found.append(day)
        day += datetime.timedelta(days=1)
    return found


def _working_weekend_days(cal, year):
    day, found = D(year, 1, 1), []
    while day.year == year:
        if day.weekday() >= 5 and cal.is_working_day(day):
            found.append(day)
        day += datetime.timedelta(days=1)
    return found


def test_2026_days_off_and_swapped_saturdays(cal):
    assert _weekday_days_off(cal, 2026) == DAYS_OFF_2026
    assert _working_weekend_days(cal, 2026) == WORKING_SATURDAYS_2026


def test_2027_days_off_come_from_the_rules(cal):
    assert _weekday_days_off(cal, 2027) == DAYS_OFF_2027
    assert _working_weekend_days(cal, 2027) == []


def test_lunar_dates_are_computed_for_any_year():
    names = rule_holidays()
    # Tết Bính Ngọ: 1st day of the 1st lunar month = 17 Feb 2026; Đinh Mùi: 6 Feb 2027.
    assert names[D(2026, 2, 17)] == "Tết Nguyên Đán"
    assert names[D(2027, 2, 6)] == "Tết Nguyên Đán"
    # Hùng Kings day, 10th of the 3rd lunar month.
    assert names[D(2026, 4, 26)] == "Ngày Giỗ Tổ Hùng Vương"
    assert names[D(2027, 4, 16)] == "Ngày Giỗ Tổ Hùng Vương"
    assert names[D(2030, 4, 12)] == "Ngày Giỗ Tổ Hùng Vương"
    # The package's own list of past decisions is not used (decisions are our table).
    assert D(2026, 8, 31) not in names


@pytest.mark.parametrize("day", DAYS_OFF_2026 + DAYS_OFF_2027)
def test_a_receipt_on_any_holiday_counts_from_the_next_working_day(cal, day):
    due = engine.add(cal, vn(day.year, day.month, day.day, 9, 0), 1, Unit.WORKING_HOURS)
    assert due.date() > day
    assert cal.is_working_day(due.date())
    assert due.time() == datetime.time(8, 30)
    assert not any(
        cal.is_working_day(day + datetime.timedelta(days=k))
        for k in range(1, (due.date() - day).days)
    )


def test_day_reasons(cal):
    assert cal.day(D(2026, 2, 17)).kind == DayKind.DECISION_DAY_OFF
    assert cal.day(D(2026, 2, 17)).source == Source.DECISION
    assert cal.day(D(2026, 1, 10)).kind == DayKind.DECISION_WORKING_DAY
    assert cal.day(D(2026, 1, 10)).working
    assert cal.day(D(2026, 11, 24)) == engine.DayInfo(
        D(2026, 11, 24), False, DayKind.HOLIDAY, "Ngày Văn hóa Việt Nam", Source.RULE
    )
    assert cal.day(D(2026, 1, 3)).kind == DayKind.WEEKEND
    assert cal.day(D(2026, 1, 5)).kind == DayKind.WORKING


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        # Year boundary with Tết Dương lịch 2026 (1-4 Jan off).
        (vn(2025, 12, 31, 16, 0), 1, Unit.WORKING_DAYS, vn(2026, 1, 5, 16, 0)),
        (vn(2026, 12, 31, 10, 0), 1, Unit.WORKING_DAYS, vn(2027, 1, 4, 10, 0)),
        # Saturday 10 Jan 2026 is a working day.
        (vn(2026, 1, 9, 10, 0), 1, Unit.WORKING_DAYS, vn(2026, 1, 10, 10, 0)),
        (vn(2026, 1, 10, 10, 0), 1, Unit.WORKING_DAYS, vn(2026, 1, 12, 10, 0)),
        # Tết Nguyên đán: off Sat 14 - Sun 22 Feb 2026.
        (vn(2026, 2, 13, 10, 0), 1, Unit.WORKING_DAYS, vn(2026, 2, 23, 10, 0)),
        (vn(2026, 2, 12, 10, 0), 3, Unit.WORKING_DAYS, vn(2026, 2, 24, 10, 0)),
        # 15 working days over 30/4-1/5 and Hùng Kings day.
        (vn(2026, 4, 20, 8, 0), 15, Unit.WORKING_DAYS, vn(2026, 5, 14, 8, 0)),
        # National Day with the swapped Saturday 22 Aug.
        (vn(2026, 8, 21, 9, 0), 1, Unit.WORKING_DAYS, vn(2026, 8, 22, 9, 0)),
        (vn(2026, 8, 28, 9, 0), 1, Unit.WORKING_DAYS, vn(2026, 9, 3, 9, 0)),
        # Office hours: before opening, lunch break, after closing, exact boundaries.
        (vn(2026, 1, 5, 6, 0), 1, Unit.WORKING_HOURS, vn(2026, 1, 5, 8, 30)),
        (vn(2026, 1, 5, 12, 0), 1, Unit.WORKING_HOURS, vn(2026, 1, 5, 14, 30)),
        (vn(2026, 1, 5, 11, 30), 1, Unit.WORKING_HOURS, vn(2026, 1, 5, 14, 30)),
        (vn(2026, 1, 5, 11, 0), 1, Unit.WORKING_HOURS, vn(2026, 1, 5, 14, 0)),
        (vn(2026, 1, 5, 18, 0), 1, Unit.WORKING_HOURS, vn(2026, 1, 6, 8, 30)),
        # A due date at a boundary is the end of the period, not the next opening.
        (vn(2026, 1, 5, 7, 30), 4, Unit.WORKING_HOURS, vn(2026, 1, 5, 11, 30)),
        (vn(2026, 1, 5, 18, 0), 1, Unit.WORKING_DAYS, vn(2026, 1, 6, 17, 30)),
        (vn(2026, 1, 5, 9, 0), Decimal("0.5"), Unit.WORKING_DAYS, vn(2026, 1, 5, 15, 0)),
        (vn(2026, 1, 5, 9, 0), 0, Unit.WORKING_DAYS, vn(2026, 1, 5, 9, 0)),
        (vn(2026, 1, 3, 9, 0), 0, Unit.WORKING_HOURS, vn(2026, 1, 5, 7, 30)),
        # Calendar days end at the close of the last day, moved off days off.
        (vn(2026, 1, 9, 10, 0), 1, Unit.CALENDAR_DAYS, vn(2026, 1, 10, 17, 30)),
        (vn(2026, 1, 9, 10, 0), 2, Unit.CALENDAR_DAYS, vn(2026, 1, 12, 17, 30)),
        (vn(2026, 2, 9, 10, 0), 5, Unit.CALENDAR_DAYS, vn(2026, 2, 23, 17, 30)),
        (vn(2026, 3, 2, 10, 0), 30, Unit.CALENDAR_DAYS, vn(2026, 4, 1, 17, 30)),
        (vn(2026, 1, 3, 10, 0), 1, Unit.CALENDAR_DAYS, vn(2026, 1, 6, 17, 30)),
        # Same-day procedures.
        (vn(2026, 1, 5, 10, 0), 0, Unit.SAME_DAY, vn(2026, 1, 5, 17, 30)),
        (vn(2026, 1, 3, 10, 0), 0, Unit.SAME_DAY, vn(2026, 1, 5, 17, 30)),
        (vn(2026, 1, 5, 17, 45), 0, Unit.SAME_DAY, vn(2026, 1, 6, 17, 30)),
    ],
)
def test_due_dates(cal, start, amount, unit, due):
    assert engine.add(cal, start, amount, unit) == due
    assert engine.add(cal, start, amount, str(unit)) == due


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        (vn(2026, 1, 5, 15, 0), 1, Unit.WORKING_DAYS, vn(2026, 1, 6, 15, 0)),  # not after 15:00
        (vn(2026, 1, 5, 15, 0, 1), 1, Unit.WORKING_DAYS, vn(2026, 1, 6, 17, 30)),
        (vn(2026, 1, 5, 15, 30), 2, Unit.WORKING_HOURS, vn(2026, 1, 6, 9, 30)),
        (vn(2026, 1, 5, 16, 0), 0, Unit.SAME_DAY, vn(2026, 1, 6, 17, 30)),
        (vn(2026, 1, 5, 16, 0), 1, Unit.CALENDAR_DAYS, vn(2026, 1, 7, 17, 30)),
        (vn(2026, 2, 13, 15, 30), 1, Unit.WORKING_DAYS, vn(2026, 2, 23, 17, 30)),
        (vn(2026, 1, 3, 16, 0), 1, Unit.WORKING_DAYS, vn(2026, 1, 5, 17, 30)),  # Saturday
    ],
)
def test_the_15h_cutoff_option(cal, start, amount, unit, due):
    assert engine.add(cal, start, amount, unit, cutoff_15h=True) == due


def test_effective_start(cal):
    assert engine.effective_start(cal, vn(2026, 1, 5, 12, 0)) == vn(2026, 1, 5, 13, 30)
    # Exactly at closing time is still working time; one second later is not.
    assert engine.effective_start(cal, vn(2026, 1, 5, 17, 30)) == vn(2026, 1, 5, 17, 30)
    assert engine.effective_start(cal, vn(2026, 1, 5, 17, 30, 1)) == vn(2026, 1, 6, 7, 30)
    assert engine.effective_start(cal, vn(2026, 1, 5, 13, 30)) == vn(2026, 1, 5, 13, 30)
    assert engine.effective_start(cal, vn(2026, 1, 5, 9, 0)) == vn(2026, 1, 5, 9, 0)
    assert engine.effective_start(cal, vn(2026, 1, 5, 16, 0), cutoff_15h=True) == vn(
        2026, 1, 6, 7, 30
    )


def test_time_zones_are_converted_without_dst(cal):
    utc = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Hà Nội
    due = engine.add(cal, utc, 1, Unit.WORKING_DAYS)
    assert due == vn(2026, 1, 6, 9, 0)
    assert due.tzinfo is engine.TZ
    assert due.utcoffset() == datetime.timedelta(hours=7)
    tokyo = datetime.datetime(
        2026, 7, 6, 11, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9))
    )
    assert engine.add(cal, tokyo, 1, Unit.WORKING_HOURS) == vn(2026, 7, 6, 10, 0)
    # Midsummer and midwinter give the same offset: no daylight saving time.
    assert vn(2026, 6, 21, 12).utcoffset() == vn(2026, 12, 21, 12).utcoffset()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"start": datetime.datetime(2026, 1, 5, 9, 0), "amount": 1, "unit": "working_days"},
            "datetime_naive",
        ),
        ({"start": vn(2026, 1, 5, 9), "amount": 1, "unit": "weeks"}, "unit_unknown"),
        ({"start": vn(2026, 1, 5, 9), "amount": 1, "unit": None}, "unit_unknown"),
        ({"start": vn(2026, 1, 5, 9), "amount": -1, "unit": "working_days"}, "amount_negative"),
        ({"start": vn(2026, 1, 5, 9), "amount": "abc", "unit": "working_days"}, "amount_invalid"),
        (
            {"start": vn(2026, 1, 5, 9), "amount": float("nan"), "unit": "working_days"},
            "amount_invalid",
        ),
        ({"start": vn(2026, 1, 5, 9), "amount": True, "unit": "working_days"}, "amount_invalid"),
        (
            {"start": vn(2026, 1, 5, 9), "amount": 1.5, "unit": "calendar_days"},
            "amount_not_integer",
        ),
        ({"start": vn(1999, 12, 31, 9), "amount": 1, "unit": "working_days"}, "date_out_of_range"),
        ({"start": vn(2101, 1, 1, 9), "amount": 1, "unit": "working_days"}, "date_out_of_range"),
        ({"start": vn(2100, 12, 1, 9), "amount": 100, "unit": "working_days"}, "date_out_of_range"),
        (
            {"start": vn(2100, 12, 1, 9), "amount": 100, "unit": "calendar_days"},
            "date_out_of_range",
        ),
    ],
)
def test_bad_input_is_refused_with_a_code(cal, kwargs, code):
    with pytest.raises(DomainError) as caught:
        engine.add(cal, **kwargs)
    assert caught.value.code == code
    assert caught.value.message and caught.value.message_en


def test_remaining_time_for_badges(cal):
    left = engine.remaining(cal, vn(2026, 1, 5, 14, 10), vn(2026, 1, 5, 17, 30))
    assert left.working_time == datetime.timedelta(hours=3, minutes=20)
    assert left.parts() == (0, 3, 20)
    # Over a weekend and lunch: Fri 16:00 -> Mon 09:00 is 1h30 + 1h30.
    assert engine.remaining(cal, vn(2026, 1, 16, 16), vn(2026, 1, 19, 9)).parts() == (0, 3, 0)
    assert engine.remaining(cal, vn(2026, 1, 5, 9), vn(2026, 1, 7, 10)).parts() == (2, 1, 0)
    late = engine.remaining(cal, vn(2026, 1, 6, 9, 0), vn(2026, 1, 5, 17, 30))
    assert late.overdue and late.parts() == (0, 1, 30)
    assert engine.is_near_due(
        cal, vn(2026, 1, 5, 14, 10), vn(2026, 1, 5, 17, 30), datetime.timedelta(hours=4)
    )
    assert not engine.is_near_due(
        cal, vn(2026, 1, 5, 9), vn(2026, 1, 7, 10), datetime.timedelta(hours=4)
    )


def test_a_pause_shifts_the_due_date_by_its_working_length(cal):
    due = vn(2026, 1, 9, 10, 0)
    # Mon 10:00-14:30 is 2h30 of working time.
    assert engine.apply_pause(cal, due, vn(2026, 1, 5, 10), vn(2026, 1, 5, 14, 30)) == vn(
        2026, 1, 9, 14, 30
    )
    # A pause over a weekend or of zero length changes nothing.
    assert engine.apply_pause(cal, due, vn(2026, 1, 3, 8), vn(2026, 1, 4, 20)) == due
    assert engine.apply_pause(cal, due, vn(2026, 1, 5, 10), vn(2026, 1, 5, 10)) == due
    with pytest.raises(DomainError) as caught:
        engine.apply_pause(cal, due, vn(2026, 1, 5, 10), vn(2026, 1, 5, 9))
    assert caught.value.code == "pause_invalid"


def test_a_supplement_restarts_the_processing_time(cal):
    # Received Mon 5 Jan, 10 working days; supplement completed Wed 14 Jan 09:00.
    assert engine.restart_after_supplement(cal, vn(2026, 1, 14, 9), 10, Unit.WORKING_DAYS) == vn(
        2026, 1, 28, 9
    )
    engine.check_supplement_request(cal, vn(2026, 1, 5, 9), vn(2026, 1, 8, 9))
    with pytest.raises(DomainError) as caught:
        engine.check_supplement_request(cal, vn(2026, 1, 5, 9), vn(2026, 1, 8, 9, 1))
    assert caught.value.code == "supplement_too_late"


def test_one_extension_at_least_one_working_day_before_the_due_date(cal):
    due = vn(2026, 1, 8, 17, 30)
    new_due = vn(2026, 1, 13, 17, 30)
    assert engine.extend(cal, due, new_due, vn(2026, 1, 7, 17, 30)) == new_due
    # Evening after closing: no working time has passed since 17:30.
    assert engine.extend(cal, due, new_due, vn(2026, 1, 7, 20, 0)) == new_due
    assert engine.extend(cal, due, D(2026, 1, 13), vn(2026, 1, 7, 9)) == new_due
    for now, new, extended, code in [
        (vn(2026, 1, 8, 7, 31), new_due, False, "extension_too_late"),
        (vn(2026, 1, 9, 9, 0), new_due, False, "extension_too_late"),
        (vn(2026, 1, 6, 9, 0), new_due, True, "extension_already_granted"),
        (vn(2026, 1, 6, 9, 0), vn(2026, 1, 8, 9, 0), False, "extension_not_later"),
        (vn(2026, 1, 6, 9, 0), vn(2026, 1, 11, 9, 0), False, "extension_not_working_time"),
        (vn(2026, 1, 6, 9, 0), D(2026, 1, 11), False, "extension_not_working_time"),
        (vn(2026, 1, 6, 9, 0), vn(2026, 1, 12, 12, 0), False, "extension_not_working_time"),
    ]:
        with pytest.raises(DomainError) as caught:
            engine.extend(cal, due, new, now, already_extended=extended)
        assert caught.value.code == code, (now, new, extended)


def test_classification_compares_date_parts():
    appointment = vn(2026, 1, 8, 9, 0)
    assert engine.classify(vn(2026, 1, 7, 17, 0), appointment) == Timeliness.EARLY
    assert engine.classify(vn(2026, 1, 8, 16, 59), appointment) == Timeliness.ON_TIME
    assert engine.classify(vn(2026, 1, 8, 7, 0), appointment) == Timeliness.ON_TIME
    assert engine.classify(vn(2026, 1, 9, 7, 0), appointment) == Timeliness.LATE
    # 18:00 UTC on 8 Jan is 01:00 on 9 Jan in Hà Nội: late.
    utc = datetime.datetime(2026, 1, 8, 18, 0, tzinfo=datetime.UTC)
    assert engine.classify(utc, appointment) == Timeliness.LATE
    with pytest.raises(DomainError) as caught:
        engine.classify(datetime.datetime(2026, 1, 8), appointment)
    assert caught.value.code == "datetime_naive"


def test_internal_step_deadlines_in_working_hours(cal):
    assert engine.plan_steps(cal, vn(2026, 1, 5, 8, 0), [4, 8, 2]) == [
        vn(2026, 1, 5, 14, 0),
        vn(2026, 1, 6, 14, 0),
        vn(2026, 1, 6, 16, 0),
    ]
    assert engine.step_due(cal, vn(2026, 2, 13, 16, 0), 2) == vn(2026, 2, 23, 8, 0)


def test_custom_office_hours_change_the_day_length():
    from egov.workdays.calendar import OfficeHours, build_calendar

    cal = build_calendar(
        office_hours=OfficeHours(
            periods=(
                (datetime.time(7, 0), datetime.time(11, 30)),
                (datetime.time(13, 30), datetime.time(17, 0)),
            )
        )
    )
    assert cal.day_length == 8 * engine.HOUR
    assert engine.add(cal, vn(2026, 1, 5, 7, 0), 1, Unit.WORKING_DAYS) == vn(2026, 1, 5, 17, 0)
    with pytest.raises(DomainError) as caught:
        build_calendar(
            office_hours=OfficeHours(periods=((datetime.time(13, 0), datetime.time(11, 0)),))
        )
    assert caught.value.code == "office_hours_invalid"
