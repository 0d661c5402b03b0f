"""The working-day calendar as the rest of the platform uses it: load the calendar of
the current revision (cached per revision), compute due dates, and the writes
(official decisions, office hours, extensions), each with ``actor=``, one
transaction and an audit entry.

Deadlines are stored values: a caller computes a due date once, when it issues it,
and stores it with ``Deadline.calendar_revision``. A later change of the calendar
applies to deadlines computed afterwards and never silently moves an issued one."""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from egov.core import audit
from egov.workdays import engine, rules
from egov.workdays.calendar import Decision, OfficeHours, build_calendar
from egov.workdays.engine import Calendar, Unit
from egov.workdays.models import CalendarRevision, DeadlineExtension, OfficialDecision
from egov.workdays.models import OfficeHours as OfficeHoursRow

DECISION_FIELDS = ["day", "kind", "name", "document", "note"]
HOURS_FIELDS = [
    "province",
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
    "cutoff",
]

# Calendars by (revision token, province id). Safe across processes and rolled-back
# transactions because a token is never reused for different contents.
_CACHE_SIZE = 8
_cache: OrderedDict[tuple[uuid.UUID, int | None], Calendar] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Deadline:
    """A computed due date and the calendar revision it was computed with."""

    start: datetime.datetime
    effective_start: datetime.datetime
    due: datetime.datetime
    calendar_revision: int


def _revision_row() -> tuple[int, uuid.UUID]:
    row = CalendarRevision.objects.filter(pk=1).values_list("number", "token").first()
    return row if row is not None else (0, uuid.UUID(int=0))


def current_revision() -> int:
    return _revision_row()[0]


def get_calendar(province: Any = None) -> Calendar:
    """The calendar of the current revision for ``province`` (an Agency or None for the
    platform default office hours). One query when cached."""
    province_id = getattr(province, "pk", province)
    while True:
        number, token = _revision_row()
        key = (token, province_id)
        with _cache_lock:
            cached = _cache.get(key)
            if cached is not None:
                _cache.move_to_end(key)
                return cached
        calendar = _load(number, province_id)
        # Rows read under READ COMMITTED may mix revisions if a change committed in
        # between; the token read again tells, and then we load again.
        if _revision_row()[1] != token:
            continue
        with _cache_lock:
            _cache[key] = calendar
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return calendar


def _load(revision: int, province_id: int | None) -> Calendar:
    decisions = [
        Decision(d.day, d.kind, d.name, d.document) for d in OfficialDecision.objects.all()
    ]
    rows = {
        r.province_id: r
        for r in OfficeHoursRow.objects.filter(
            Q(province_id=province_id) | Q(province__isnull=True)
        )
    }
    row = rows.get(province_id) or rows.get(None)
    hours = OfficeHours(periods=row.periods, cutoff=row.cutoff) if row else OfficeHours()
    return build_calendar(decisions=decisions, office_hours=hours, revision=revision)


def compute_due(
    *,
    start: datetime.datetime,
    amount: Any,
    unit: Unit | str,
    cutoff_15h: bool = False,
    province: Any = None,
) -> Deadline:
    """The due date of ``amount`` ``unit`` from the receipt time ``start``, with the
    calendar revision to store next to it."""
    calendar = get_calendar(province)
    due = engine.add(calendar, start, amount, unit, cutoff_15h=cutoff_15h)
    return Deadline(
        start=start,
        effective_start=engine.effective_start(calendar, start, cutoff_15h=cutoff_15h),
        due=due,
        calendar_revision=calendar.revision,
    )


def _bump_revision() -> int:
    CalendarRevision.objects.get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=1).update(
        number=F("number") + 1, token=uuid.uuid4(), changed_at=timezone.now()
    )
    return CalendarRevision.objects.get(pk=1).number


def _check_in_range(day: datetime.date) -> None:
    if not engine.FIRST_DATE <= day <= engine.LAST_DATE:
        raise rules.date_out_of_range(engine.FIRST_DATE, engine.LAST_DATE, "day")


@transaction.atomic
def save_decision(
    *,
    actor: Any,
    day: datetime.date,
    kind: str,
    name: str,
    document: str = "",
    note: str = "",
    decision: OfficialDecision | None = None,
) -> OfficialDecision:
    """Create (``decision=None``) or change an official decision and bump the revision."""
    rules.check_can_edit_calendar(actor)
    _check_in_range(day)
    rules.check_decision_name(name)
    if kind not in OfficialDecision.Kind.values:
        raise rules.DeadlineError(
            "decision_kind_unknown",
            f"Loại ngày '{kind}' không hợp lệ.",
            f"Unknown kind of day '{kind}'.",
            field="kind",
        )
    clash = OfficialDecision.objects.filter(day=day)
    if decision is not None:
        clash = clash.exclude(pk=decision.pk)
    if clash.exists():
        raise rules.DeadlineError(
            "decision_day_taken",
            f"Ngày {day:%d/%m/%Y} đã có quyết định; hãy sửa quyết định đó.",
            f"{day.isoformat()} already has a decision; edit that one instead.",
            field="day",
        )
    before = audit.snapshot(decision, DECISION_FIELDS) if decision is not None else {}
    if decision is None:
        decision = OfficialDecision()
    decision.day, decision.kind, decision.name = day, kind, name.strip()
    decision.document, decision.note = document.strip(), note
    decision.save()
    revision = _bump_revision()
    changes = audit.diff(before, audit.snapshot(decision, DECISION_FIELDS))
    changes["calendar_revision"] = revision
    audit.record(actor=actor, action="workdays.decision.save", obj=decision, changes=changes)
    return decision


@transaction.atomic
def delete_decision(*, actor: Any, decision: OfficialDecision) -> None:
    rules.check_can_edit_calendar(actor)
    before = audit.snapshot(decision, DECISION_FIELDS)
    pk, label = decision.pk, str(decision)
    decision.delete()
    revision = _bump_revision()
    audit.record(
        actor=actor,
        action="workdays.decision.delete",
        object_type=OfficialDecision._meta.label_lower,
        object_id=pk,
        object_repr=label,
        changes={"before": before, "calendar_revision": revision},
    )


@transaction.atomic
def set_office_hours(
    *,
    actor: Any,
    province: Any = None,
    morning: tuple[datetime.time, datetime.time],
    afternoon: tuple[datetime.time, datetime.time],
    cutoff: datetime.time = datetime.time(15, 0),
) -> OfficeHoursRow:
    """Set the office hours of ``province`` (None: the platform default)."""
    rules.check_can_edit_calendar(actor)
    rules.check_office_hours([morning, afternoon])
    row = OfficeHoursRow.objects.select_for_update().filter(province=province).first()
    before = audit.snapshot(row, HOURS_FIELDS) if row else {}
    row = row or OfficeHoursRow(province=province)
    row.morning_start, row.morning_end = morning
    row.afternoon_start, row.afternoon_end = afternoon
    row.cutoff = cutoff
    row.save()
    revision = _bump_revision()
    changes = audit.diff(before, audit.snapshot(row, HOURS_FIELDS))
    changes["calendar_revision"] = revision
    audit.record(
        actor=actor,
        action="workdays.office_hours.set",
        obj=row,
        agency_id=getattr(province, "pk", None),
        changes=changes,
    )
    return row


@transaction.atomic
def delete_office_hours(*, actor: Any, row: OfficeHoursRow) -> None:
    """Remove a province's office hours (it falls back to the default)."""
    rules.check_can_edit_calendar(actor)
    before = audit.snapshot(row, HOURS_FIELDS)
    pk, label, province_id = row.pk, str(row), row.province_id
    row.delete()
    revision = _bump_revision()
    audit.record(
        actor=actor,
        action="workdays.office_hours.delete",
        object_type=OfficeHoursRow._meta.label_lower,
        object_id=pk,
        object_repr=label,
        agency_id=province_id,
        changes={"before": before, "calendar_revision": revision},
    )


def grant_extension(
    *,
    actor: Any,
    object_type: str,
    object_id: str | int,
    due: datetime.datetime,
    new_due: datetime.datetime | datetime.date,
    reason: str,
    now: datetime.datetime | None = None,
    province: Any = None,
) -> DeadlineExtension:
    """Record the single extension of the deadline of ``object_type``/``object_id``
    (e.g. a dossier; form 04). Refused with ``extension_already_granted`` the second
    time and ``extension_too_late`` later than one working day before ``due``;
    nothing is stored when refused."""
    rules.check_can_extend(actor)
    rules.check_reason(reason)
    calendar = get_calendar(province)
    object_id = str(object_id)
    already = DeadlineExtension.objects.filter(object_type=object_type, object_id=object_id)
    new_due = engine.extend(
        calendar, due, new_due, now or timezone.now(), already_extended=already.exists()
    )
    try:
        with transaction.atomic():
            extension = DeadlineExtension.objects.create(
                object_type=object_type,
                object_id=object_id,
                original_due=due,
                new_due=new_due,
                reason=reason.strip(),
                calendar_revision=calendar.revision,
                granted_at=now or timezone.now(),
                granted_by=actor if getattr(actor, "pk", None) else None,
            )
            audit.record(
                actor=actor,
                action="workdays.extension.grant",
                obj=extension,
                object_type=object_type,
                object_id=object_id,
                changes={
                    "original_due": due,
                    "new_due": new_due,
                    "reason": reason,
                    "calendar_revision": calendar.revision,
                },
            )
    except IntegrityError:
        # A concurrent request granted it first: same answer as a second request.
        rules.check_extension_not_granted(True)
    return extension


def working_day_hours(province: Any = None) -> Decimal:
    """Working hours in one working day under the office hours in force (8 unless a
    province configured otherwise): the one place other apps convert days to hours."""
    return Decimal(get_calendar(province).day_length) / Decimal(engine.HOUR)
