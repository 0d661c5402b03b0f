"""Public page of the working-day calendar: the year's days off and their source."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from egov.workdays import engine, services
from egov.workdays.engine import DayKind


def calendar_page(request, year: int | None = None):
    """No login: citizens check which days count for their appointment dates."""
    year = year or timezone.localdate().year
    if not engine.FIRST_DATE.year <= year <= engine.LAST_DATE.year:
        raise Http404
    calendar = services.get_calendar()
    days = list(calendar.days(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    context = {
        "year": year,
        "previous_year": year - 1 if year > engine.FIRST_DATE.year else None,
        "next_year": year + 1 if year < engine.LAST_DATE.year else None,
        "days_off": [d for d in days if not d.working and d.kind != DayKind.WEEKEND],
        "working_weekend_days": [d for d in days if d.working and d.day.weekday() >= 5],
        "working_day_count": sum(1 for d in days if d.working),
        "periods": calendar.periods,
        "day_hours": calendar.day_length // engine.HOUR,
        "cutoff": calendar.cutoff,
        "revision": calendar.revision,
    }
    return render(request, "workdays/calendar.html", context)
