"""Generate synthetic dossiers for load tests: ``manage.py generate_dossiers --count N``.

SYNTHETIC LOAD DATA, not history: the rows are written straight into the tables
(COPY on PostgreSQL, plain INSERTs elsewhere), bypassing the services, so no audit
entry and no outbox event is written for them (a million of each would only slow the
benchmark down and would send a million fake notifications). What stays consistent:

- codes ``<agency code>-<YYMMDD>-<NNNN>`` are unique; the numbers of an agency and
  day are reserved in ``DossierCounter`` exactly as ``services.next_code`` does
  (one upsert adding the day's count, inside the transaction that writes the rows),
  so a real reception later that day continues the sequence without a duplicate,
  and existing dossiers of that day keep their numbers;
- procedures are the published versions the agency can receive (its tier, or the
  departments' procedures received at the provincial service centre);
- due dates come from the working-day engine (computed once per day and time limit,
  from a 10:00 receipt, then reused), steps from the procedure's workflow;
- statuses follow the age of the dossier: old ones are mostly returned, recent ones
  open (submitted, received, processing, waiting for a supplement...).

Each dossier gets its components (one row per component of the procedure) and one
or two history events ("quá trình xử lý"), unless ``--no-history``.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import functools
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from egov.catalog.text import normalise

UTC = datetime.UTC


@functools.cache
def _search_key(name: str) -> str:
    """``Dossier.applicant_search`` of a name (the pool of names is small)."""
    return normalise(name)[:255]


DOSSIER_COLUMNS = [
    "id",
    "code",
    "procedure_version_id",
    "receiving_agency_id",
    "processing_agency_id",
    "channel",
    "status",
    "outcome",
    "applicant_type",
    "applicant_name",
    "applicant_search",
    "applicant_id_number",
    "applicant_tax_code",
    "applicant_birth_date",
    "applicant_address",
    "applicant_province",
    "applicant_ward",
    "applicant_phone",
    "applicant_email",
    "applicant_user_id",
    "summary",
    "form_data",
    "sets",
    "fee_due",
    "fee_paid",
    "fee_exempted",
    "submitted_at",
    "received_at",
    "processing_received_at",
    "due_at",
    "original_due_at",
    "calendar_revision",
    "extended",
    "paused_at",
    "finished_at",
    "returned_at",
    "return_channel",
    "current_step_id",
    "step_started_at",
    "step_due_at",
    "assignee_id",
    "version",
    "updated_at",
]
COMPONENT_COLUMNS = [
    "id",
    "dossier_id",
    "component_id",
    "name",
    "originals",
    "certified_copies",
    "photocopies",
    "provided",
    "file",
    "original_name",
    "content_type",
    "size",
    "supplement_round",
]
EVENT_COLUMNS = [
    "id",
    "dossier_id",
    "at",
    "actor_id",
    "actor_name",
    "agency_id",
    "action",
    "from_status",
    "to_status",
    "step_name",
    "step_due_at",
    "note",
    "data",
]
BATCH = 20_000
BULK_FROM = 100_000

_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Nông",
    "Lý",
    "Triệu",
    "Hà",
    "Ma",
    "Đàm",
    "Bế",
    "Lục",
    "Dương",
    "Vi",
    "Lăng",
]
_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Thanh", "Xuân", "Hữu", "Kim"]
_GIVEN = [
    "Lan",
    "Minh",
    "Hùng",
    "Hoa",
    "Tùng",
    "Mai",
    "Cường",
    "Bình",
    "Thảo",
    "Long",
    "Hạnh",
    "Khánh",
    "Đức",
    "Thu",
    "Sơn",
    "Yến",
    "Quân",
    "Trang",
    "Dũng",
    "Phương",
]
_BUSINESS = ["Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân"]
_BUSINESS_NAMES = ["Nà Phặc", "Ba Bể Xanh", "Đồng Tâm", "Bắc Sơn", "Thái An", "Phú Thông"]
_HAMLETS = ["Tổ 1", "Tổ 5", "Thôn Nà Cà", "Thôn Bản Đồn", "Thôn Khuổi Tích", "Tổ 9", "Thôn Nà Mòn"]

# Receiving weight of an agency tier: the provincial centre and the districts take far
# more dossiers than a commune.
TIER_WEIGHT = {"service_centre": 30, "district": 10, "department": 3, "commune": 1}

S_SUBMITTED, S_RECEPTION_SUPPLEMENT, S_NOT_RECEIVED = (
    "submitted",
    "reception_supplement",
    "not_received",
)
S_RECEIVED, S_PROCESSING, S_SUPPLEMENT, S_FINANCIAL = (
    "received",
    "processing",
    "supplement_requested",
    "financial_obligation",
)
S_WITHDRAWN, S_STOPPED, S_FINISHED, S_RETURNED = "withdrawn", "stopped", "finished", "returned"
OPEN_MIX = (
    [S_RECEIVED, S_PROCESSING, S_SUPPLEMENT, S_RECEPTION_SUPPLEMENT, S_FINANCIAL, S_FINISHED]
    + [S_RETURNED, S_NOT_RECEIVED],
    [12, 55, 6, 3, 2, 13, 7, 2],
)
CLOSED_MIX = (
    [S_RETURNED, S_FINISHED, S_NOT_RECEIVED, S_WITHDRAWN, S_STOPPED, S_PROCESSING, S_SUPPLEMENT],
    [80, 6, 3, 2, 1, 5, 3],
)
LAST_ACTION = {
    S_RECEPTION_SUPPLEMENT: "receive_incomplete",
    S_NOT_RECEIVED: "receive_refused",
    S_PROCESSING: "forward",
    S_SUPPLEMENT: "request_supplement",
    S_FINANCIAL: "request_financial_obligation",
    S_WITHDRAWN: "withdraw",
    S_STOPPED: "stop",
    S_FINISHED: "record_result",
    S_RETURNED: "return_result",
}


@dataclass
class Plan:
    """A procedure an agency receives, with what each generated row needs from it."""

    version_id: int
    processing_id: int
    name: str
    amount: int
    unit: str
    same_day: bool
    cutoff: bool
    online: bool
    fee: int
    components: list[tuple[int, str, int]]  # (id, name, originals)
    desk_step: tuple[int, str, float] | None  # (id, name, hours)
    middle_steps: list[tuple[int, str, float]]
    final_step: tuple[int, str, float] | None


@dataclass
class Source:
    agency_id: int
    code: str
    name: str
    tier: str
    plans: list[Plan] = field(default_factory=list)


@dataclass
class Summary:
    dossiers: int = 0
    components: int = 0
    events: int = 0
    counters: int = 0
    agencies: int = 0
    seconds: float = 0.0


class Progress:
    """A progress bar on stderr: ``[#####     ] 540,000/1,000,000 23 s``."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.width = total, width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.last_tenth = -1

    def update(self, done: int) -> None:
        filled = int(self.width * done / self.total) if self.total else self.width
        line = (
            f"[{'#' * filled}{' ' * (self.width - filled)}] {done:,}/{self.total:,} "
            f"{time.monotonic() - self.started:.0f} s"
        )
        tenth = 10 * done // self.total if self.total else 10
        if self.tty:
            self.stream.write("\r" + line)
            self.stream.flush()
        elif tenth != self.last_tenth:  # logs: one line per 10 %
            self.stream.write(line + "\n")
            self.stream.flush()
        self.last_tenth = tenth

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _sources(max_agencies: int | None, procedures: list[str] | None = None) -> list[Source]:
    """Agencies that receive dossiers and the procedures each can receive (all published
    procedures, or only those of ``procedures``)."""
    from egov.catalog.models import ProcedureVersion
    from egov.directory.models import Agency

    today = timezone.localdate()
    agencies = [
        a
        for a in Agency.objects.select_related("tier").order_by("code")
        if a.tier.code in TIER_WEIGHT and (a.valid_to is None or a.valid_to >= today)
    ]
    published = ProcedureVersion.objects.filter(status="published")
    if procedures:
        published = published.filter(procedure__code__in=procedures)
    versions = list(
        published.select_related("procedure")
        .prefetch_related("tiers", "agencies", "components", "fees", "workflows__steps")
        .order_by("procedure__code", "-number")
    )
    latest: dict[int, Any] = {}
    for version in versions:
        latest.setdefault(version.procedure_id, version)
    by_id = {a.pk: a for a in agencies}
    sources = {a.pk: Source(a.pk, a.code, a.name, a.tier.code) for a in agencies}
    centre = next((a for a in agencies if a.tier.code == "service_centre"), None)
    for version in latest.values():
        tiers = {t.code for t in version.tiers.all()}
        named = [a for a in version.agencies.all() if a.pk in by_id]
        targets: list[tuple[Source, int]] = []
        for agency in agencies:
            if agency.tier.code in tiers:
                targets.append((sources[agency.pk], agency.pk))
        for agency in named:
            targets.append((sources[agency.pk], agency.pk))
            if centre is not None and agency.tier.code == "department":
                # Department procedures are mostly received at the provincial centre.
                targets += [(sources[centre.pk], agency.pk)] * 2
        for source, processing_id in targets:
            source.plans.append(_plan(version, by_id[processing_id]))
    result = [s for s in sources.values() if s.plans]
    result.sort(key=lambda s: (-TIER_WEIGHT[s.tier], s.code))
    if max_agencies:
        result = result[:max_agencies]
    return result


def _plan(version, processing) -> Plan:
    steps: list = []
    workflows = list(version.workflows.all())
    for match in (
        lambda w: w.agency_id == processing.pk,
        lambda w: w.agency_id is None and w.tier_id == processing.tier_id,
        lambda w: w.agency_id is None and w.tier_id is None,
    ):
        found = [w for w in workflows if match(w)]
        if found:
            steps = sorted(found[0].steps.all(), key=lambda s: s.order)
            break
    as_tuple = [(s.pk, s.name, float(s.hours)) for s in steps]
    return Plan(
        version_id=version.pk,
        processing_id=processing.pk,
        name=version.name[:1000],
        amount=int(version.time_amount),
        unit=version.time_unit,
        same_day=version.same_day,
        cutoff=version.cutoff_15h,
        online=version.channel_online,
        fee=sum(f.amount for f in version.fees.all()),
        components=[(c.pk, c.name[:1000], c.originals) for c in version.components.all()],
        desk_step=as_tuple[0] if as_tuple and steps[0].role == "desk_officer" else None,
        middle_steps=as_tuple[1:-1] or as_tuple[:1],
        final_step=as_tuple[-1] if as_tuple else None,
    )


class _Dues:
    """Due dates from the working-day engine, cached per (day, amount, unit)."""

    def __init__(self):
        from egov.workdays import engine
        from egov.workdays import services as workdays

        self.engine = engine
        self.calendar = workdays.get_calendar()
        self.revision = workdays.compute_due(
            start=timezone.now(), amount=1, unit="working_days"
        ).calendar_revision
        self.cache: dict[tuple, datetime.datetime] = {}

    def due(self, start: datetime.datetime, plan: Plan) -> datetime.datetime:
        key = (start.date(), plan.amount, plan.unit, plan.same_day, plan.cutoff)
        value = self.cache.get(key)
        if value is None:
            reference = start.replace(hour=10, minute=0, second=0, microsecond=0)
            amount, unit = (0, "same_day") if plan.same_day else (plan.amount, plan.unit)
            value = self.engine.add(
                self.calendar, reference, amount, unit, cutoff_15h=plan.cutoff
            ).astimezone(UTC)
            self.cache[key] = value
        return value


class _Writer:
    """Bulk writes of prepared rows: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def reserve_ids(self, table: str, count: int) -> int:
        """The first of ``count`` consecutive free ids of ``table``."""
        with connection.cursor() as cursor:
            if self.postgres:
                # Lock first: an INSERT elsewhere takes its id only after the lock.
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = cursor.fetchone()[0]
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
                return first
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            return cursor.fetchone()[0]

    def reserve_numbers(self, day: datetime.date, counts: dict[int, int]) -> dict[int, int]:
        """Add each agency's count to its counter row of ``day`` (as next_code does, one
        upsert); returns the last number used before, per agency."""
        table = "dossiers_dossiercounter"
        upsert = (
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + EXCLUDED.last "
            "RETURNING agency_id, last"
        )
        agencies = sorted(counts)  # always the same lock order
        result: dict[int, int] = {}
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    f"INSERT INTO {table} (agency_id, day, last) "
                    "SELECT a, %s, n FROM unnest(%s::bigint[], %s::int[]) AS u(a, n) "
                    "ORDER BY a " + upsert,
                    [day, agencies, [counts[a] for a in agencies]],
                )
                rows = cursor.fetchall()
            else:
                rows = []
                for agency in agencies:
                    cursor.execute(
                        f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, %s) " + upsert,
                        [agency, connection.ops.adapt_datefield_value(day), counts[agency]],
                    )
                    rows.append(cursor.fetchone())
        for agency, last in rows:
            result[agency] = last - counts[agency]
        return result

    def children(self, first_id: int, last_id: int) -> tuple[int, int]:
        """Components and history events of dossiers ``first_id``..``last_id``."""
        with connection.cursor() as cursor:
            cursor.execute(COMPONENTS_SQL, [True, first_id, last_id])
            components = cursor.rowcount
            cursor.execute(FIRST_EVENT_SQL, [first_id, last_id])
            events = cursor.rowcount
            cursor.execute(LAST_EVENT_SQL, [first_id, last_id])
            events += cursor.rowcount
        return components, events

    def write(self, table: str, columns: list[str], rows: list[list]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            adapt_dt = connection.ops.adapt_datetimefield_value
            adapt_d = connection.ops.adapt_datefield_value
            fixed = []
            for row in rows:
                fixed.append(
                    [
                        adapt_dt(v)
                        if isinstance(v, datetime.datetime)
                        else adapt_d(v)
                        if isinstance(v, datetime.date)
                        else v
                        for v in row
                    ]
                )
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", fixed
            )


_FIRST_STATUS = (
    "CASE WHEN d.channel = 'online' THEN 'submitted' "
    "WHEN d.received_at IS NULL THEN d.status ELSE 'received' END"
)
_LAST_ACTION = (
    "CASE d.status "
    + " ".join(f"WHEN '{status}' THEN '{action}'" for status, action in LAST_ACTION.items())
    + " ELSE 'accept' END"
)
# The children of the dossiers just written, built by the database from their rows:
# one component row per component of the procedure, the creation event, and the event
# of the last change when the dossier has moved on since.
COMPONENTS_SQL = f"""
INSERT INTO dossiers_dossiercomponent ({", ".join(COMPONENT_COLUMNS[1:])})
SELECT d.id, c.id, c.name, CASE WHEN c.originals > 0 THEN c.originals ELSE 1 END, 0, 0,
       %s, '', '', '', 0, 0
FROM dossiers_dossier d JOIN catalog_component c ON c.version_id = d.procedure_version_id
WHERE d.id BETWEEN %s AND %s ORDER BY d.id, c."order", c.id
"""
FIRST_EVENT_SQL = f"""
INSERT INTO dossiers_dossierevent ({", ".join(EVENT_COLUMNS[1:])})
SELECT d.id, d.submitted_at, NULL, 'generate_dossiers', d.receiving_agency_id,
       CASE WHEN d.channel = 'online' THEN 'submit_online'
            WHEN d.status = 'reception_supplement' THEN 'receive_incomplete'
            WHEN d.status = 'not_received' THEN 'receive_refused'
            ELSE 'receive_complete' END,
       '', {_FIRST_STATUS}, '', NULL, '', '{{}}'
FROM dossiers_dossier d WHERE d.id BETWEEN %s AND %s ORDER BY d.id
"""
LAST_EVENT_SQL = f"""
INSERT INTO dossiers_dossierevent ({", ".join(EVENT_COLUMNS[1:])})
SELECT d.id, d.updated_at, NULL, 'generate_dossiers', d.processing_agency_id,
       {_LAST_ACTION}, {_FIRST_STATUS}, d.status, COALESCE(s.name, ''), d.step_due_at, '',
       '{{}}'
FROM dossiers_dossier d LEFT JOIN catalog_workflowstep s ON s.id = d.current_step_id
WHERE d.id BETWEEN %s AND %s AND d.status <> {_FIRST_STATUS} ORDER BY d.id
"""


BULK_TABLES = ("dossiers_dossier", "dossiers_dossiercomponent", "dossiers_dossierevent")


@contextlib.contextmanager
def bulk_mode(enabled: bool):
    """PostgreSQL, large loads: drop the secondary indexes and foreign keys of the
    dossier tables, load, then build them again (one sort per index and one join per
    key instead of a million index insertions and trigger checks). All in the caller's
    transaction, so an error leaves the schema as it was; the tables are locked
    (ACCESS EXCLUSIVE) until it commits: this is for load-test databases."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Checks deferred earlier in this transaction must run before ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [list(BULK_TABLES)],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) "
            "AND NOT i.indisprimary AND NOT i.indisunique",
            [list(BULK_TABLES)],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in BULK_TABLES:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def check_columns() -> None:
    """Fail loudly when the models gained a column this generator does not fill."""
    from egov.dossiers.models import Dossier, DossierComponent, DossierEvent

    for model, columns in (
        (Dossier, DOSSIER_COLUMNS),
        (DossierComponent, COMPONENT_COLUMNS),
        (DossierEvent, EVENT_COLUMNS),
    ):
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != set(columns):
            raise CommandError(
                f"generate_dossiers is out of date for {model._meta.db_table}: "
                f"missing {sorted(actual - set(columns))}, unknown {sorted(set(columns) - actual)}"
            )


def _applicants(rng: random.Random, size: int = 8192) -> list[tuple]:
    """A pool of applicants (type, name, id number, tax code, birth date, hamlet, phone);
    people apply more than once, so drawing from a pool is realistic and cheap."""
    pool = []
    for _ in range(size):
        hamlet = rng.choice(_HAMLETS)
        phone = f"09{rng.randrange(10**8):08d}"
        if rng.random() < 0.12:
            name = f"{rng.choice(_BUSINESS)} {rng.choice(_BUSINESS_NAMES)} {rng.randrange(1, 999)}"
            tax_code = f"4700{rng.randrange(10**6):06d}"
            pool.append(("business", name, "", tax_code, None, hamlet, phone))
            continue
        year = rng.randrange(1950, 2006)
        female = rng.random() < 0.5
        middle = "Thị" if female and rng.random() < 0.7 else rng.choice(_MIDDLE)
        name = f"{rng.choice(_FAMILY)} {middle} {rng.choice(_GIVEN)}"
        # CCCD: province 006 (Bắc Kạn), century/sex digit, year, 6 random digits.
        sex = (0 if year < 2000 else 2) + (1 if female else 0)
        id_number = f"006{sex}{year % 100:02d}{rng.randrange(10**6):06d}"
        born = datetime.date(year, rng.randrange(1, 13), rng.randrange(1, 29))
        pool.append(("citizen", name, id_number, "", born, hamlet, phone))
    return pool


def _cumulative(mix: tuple[list[str], list[int]]) -> tuple[list[str], list[float]]:
    total, acc = sum(mix[1]), []
    running = 0.0
    for weight in mix[1]:
        running += weight / total
        acc.append(running)
    return mix[0], acc


def _pick(mix: tuple[list[str], list[float]], r: float) -> str:
    return mix[0][min(bisect.bisect(mix[1], r), len(mix[0]) - 1)]


def generate(
    *,
    count: int,
    agencies: int | None = None,
    days: int = 365,
    seed: int = 1,
    history: bool = True,
    end: datetime.date | None = None,
    progress: Progress | None = None,
    bulk: bool | None = None,
    procedures: list[str] | None = None,
) -> Summary:
    """Write ``count`` synthetic dossiers received over the ``days`` days ending ``end``
    (default today) at up to ``agencies`` agencies. One transaction per day, or one
    for everything in ``bulk`` mode (PostgreSQL, default from 100,000 dossiers)."""
    if bulk is None:
        bulk = connection.vendor == "postgresql" and count >= BULK_FROM
    started = time.monotonic()
    outer = transaction.atomic() if bulk else contextlib.nullcontext()
    progress = progress or Progress(count)
    with outer, bulk_mode(bulk):
        summary = _generate(
            count=count,
            agencies=agencies,
            days=days,
            seed=seed,
            history=history,
            end=end,
            progress=progress,
            procedures=procedures,
        )
        if bulk:
            progress.stream.write("building indexes and foreign keys...\n")
    summary.seconds = time.monotonic() - started
    return summary


def _generate(*, count, agencies, days, seed, history, end, progress, procedures) -> Summary:
    check_columns()
    sources = _sources(agencies, procedures)
    if not sources:
        raise CommandError(
            "No agency can receive a published procedure: load the demo province and "
            "catalogue first (manage.py load_demo; manage.py load_demo_catalog) or use "
            "--load-demo."
        )
    rng = random.Random(seed)
    end = end or timezone.localdate()
    first = end - datetime.timedelta(days=days - 1)
    all_days = [first + datetime.timedelta(days=i) for i in range(days)]
    # Few dossiers on Saturdays (some desks open in the morning), almost none on Sundays.
    day_weights = [{5: 0.25, 6: 0.03}.get(d.weekday(), 1.0) for d in all_days]
    agency_weights = [TIER_WEIGHT[s.tier] for s in sources]
    picks = Counter(
        zip(
            rng.choices(range(days), day_weights, k=count),
            rng.choices(range(len(sources)), agency_weights, k=count),
            strict=True,
        )
    )
    per_day: dict[int, dict[int, int]] = defaultdict(dict)
    for (day_index, source_index), n in picks.items():
        per_day[day_index][source_index] = n

    from egov.directory.models import User

    citizens = list(
        User.objects.exclude(kind=User.Kind.OFFICER)
        .filter(is_superuser=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    gen = _RowMaker(rng, _Dues(), citizens, timezone.now())
    writer = _Writer()
    summary = Summary(agencies=len(sources))
    progress = progress or Progress(count)
    progress.update(0)
    tz = timezone.get_current_timezone()
    for day_index in sorted(per_day):
        day = all_days[day_index]
        midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        counts = {sources[i].agency_id: n for i, n in per_day[day_index].items()}
        with transaction.atomic():
            base = writer.reserve_numbers(day, counts)
            summary.counters += len(counts)
            next_id = writer.reserve_ids("dossiers_dossier", sum(counts.values()))
            rows: list[list] = []
            for source_index in sorted(per_day[day_index]):
                source = sources[source_index]
                prefix = f"{source.code}-{day:%y%m%d}-"
                number = base[source.agency_id]
                for _ in range(per_day[day_index][source_index]):
                    number += 1
                    rows.append(gen.row(next_id, f"{prefix}{number:04d}", source, midnight))
                    next_id += 1
                    if len(rows) >= BATCH:
                        _flush(writer, rows, history, summary)
                        progress.update(summary.dossiers)
            _flush(writer, rows, history, summary)
        progress.update(summary.dossiers)
    progress.close()
    return summary


def _flush(writer: _Writer, rows: list[list], history: bool, summary: Summary) -> None:
    if not rows:
        return
    writer.write("dossiers_dossier", DOSSIER_COLUMNS, rows)
    if history:
        components, events = writer.children(rows[0][0], rows[-1][0])
        summary.components += components
        summary.events += events
    summary.dossiers += len(rows)
    rows.clear()


class _RowMaker:
    """Builds one dossier row; kept lean because it runs a million times."""

    def __init__(self, rng: random.Random, dues: _Dues, citizens: list[int], now):
        self.rng, self.dues, self.citizens, self.now = rng, dues, citizens, now
        self.applicants = _applicants(rng)
        self.open_mix = _cumulative(OPEN_MIX)
        self.closed_mix = _cumulative(CLOSED_MIX)

    def row(self, pk: int, code: str, source: Source, midnight: datetime.datetime) -> list:
        rng, now, td = self.rng, self.now, datetime.timedelta
        random_ = rng.random
        plan = source.plans[int(random_() * len(source.plans))]
        r = random_()
        online = plan.online and r < 0.45
        channel = "online" if online else ("post" if r > 0.95 else "counter")
        # Counter dossiers during office hours, online ones at any time of the day.
        if online:
            seconds = 6 * 3600 + random_() * 17 * 3600
        else:
            seconds = 7.5 * 3600 + random_() * 9.5 * 3600
        submitted = midnight + td(seconds=int(seconds))
        if submitted > now:  # today: earlier today, never the day before
            submitted = midnight + (now - midnight) * random_()
        age_days = (now - submitted).total_seconds() / 86400
        limit_days = max(plan.amount * 1.4, 1.0)
        if age_days > limit_days * 1.3 + 3:
            status = _pick(self.closed_mix, random_())
        elif online and age_days < 2 and random_() < 0.4:
            status = S_SUBMITTED
        else:
            status = _pick(self.open_mix, random_())
        if online and status in (S_RECEPTION_SUPPLEMENT, S_NOT_RECEIVED):
            status = S_SUBMITTED if age_days < 2 else S_RETURNED

        received = due = forwarded = None
        if status not in (S_SUBMITTED, S_RECEPTION_SUPPLEMENT, S_NOT_RECEIVED):
            received = submitted + td(minutes=30 + int(random_() * 570)) if online else submitted
            if received > now:
                received = now
            due = self.dues.due(received, plan)
            forwarded = received + td(minutes=20 + int(random_() * 220))
            if forwarded > now:
                forwarded = now
        step = step_started = step_due = finished = returned = paused = None
        outcome, fee_paid, version = "", 0, 1
        if status == S_RECEIVED:
            step, step_started = plan.desk_step, received
        elif status in (S_PROCESSING, S_SUPPLEMENT, S_FINANCIAL):
            middle = plan.middle_steps
            step, step_started = middle[int(random_() * len(middle))] if middle else None, forwarded
            version = 3
            if status != S_PROCESSING:
                paused = min(forwarded + td(days=1), now)
        elif status in (S_FINISHED, S_RETURNED):
            span = (due - received) if due > received else td(hours=4)
            finished = min(received + span * (0.3 + 0.85 * random_()), now)
            outcome = "refused" if random_() < 0.04 else "approved"
            fee_paid = plan.fee
            version = 6
            if status == S_FINISHED:
                step, step_started = plan.final_step, finished
            else:
                returned = min(finished + td(hours=2 + int(random_() * 70)), now)
                version = 7
        elif status in (S_WITHDRAWN, S_STOPPED):
            finished = min((forwarded or submitted) + td(days=2), now)
            version = 3
        if step is not None:
            step_due = step_started + td(hours=step[2] * 3)
        else:
            step_started = None
        kind, name, id_number, tax, born, hamlet, phone = self.applicants[
            int(random_() * len(self.applicants))
        ]
        user = None
        if online and self.citizens and random_() < 0.01:
            user = self.citizens[int(random_() * len(self.citizens))]
        last_change = returned or finished or paused or step_started or received or submitted
        return [
            pk,
            code,
            plan.version_id,
            source.agency_id,
            plan.processing_id,
            channel,
            status,
            outcome,
            kind,
            name,
            _search_key(name),
            id_number,
            tax,
            born,
            f"{hamlet}, {source.name}",
            "Bắc Kạn",
            source.name if source.tier == "commune" else "",
            phone,
            "",
            user,
            plan.name,
            "{}",
            1,
            plan.fee,
            fee_paid,
            0,
            submitted,
            received,
            forwarded if status != S_RECEIVED else None,
            due,
            due,
            self.dues.revision if due else None,
            False,
            paused,
            finished,
            returned,
            channel if returned else "",
            step[0] if step else None,
            step_started,
            step_due,
            None,
            version,
            last_change,
        ]


class Command(BaseCommand):
    help = (
        "Generate synthetic dossiers for load tests (SYNTHETIC DATA: no audit or outbox "
        "rows; codes and daily counters stay consistent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--agencies", type=int, default=None, help="use at most N agencies")
        parser.add_argument("--days", type=int, default=365, help="spread over the last D days")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--procedures", default="", help="only these procedure codes (comma-separated)"
        )
        parser.add_argument(
            "--no-history", action="store_true", help="no component or history rows"
        )
        parser.add_argument(
            "--load-demo",
            action="store_true",
            help="load the demo province and catalogue first (idempotent)",
        )
        parser.add_argument(
            "--force", action="store_true", help="run even on an HTTPS (production) setup"
        )

    def handle(self, *args, **options):
        if getattr(settings, "HTTPS", False) and not options["force"]:
            raise CommandError(
                "EGOV_HTTPS is on: refusing to write synthetic dossiers into what looks "
                "like a production database. Use --force to do it anyway."
            )
        if options["count"] < 1 or options["days"] < 1:
            raise CommandError("--count and --days must be positive")
        if options["load_demo"]:
            from egov.catalog import demo as catalog_demo
            from egov.directory.demo import load_demo

            load_demo()
            with transaction.atomic():
                catalog_demo.load()
        summary = generate(
            count=options["count"],
            agencies=options["agencies"],
            days=options["days"],
            seed=options["seed"],
            history=not options["no_history"],
            procedures=[c.strip() for c in options["procedures"].split(",") if c.strip()] or None,
            progress=Progress(options["count"], stream=_Unended(self.stderr)),
        )
        self.stdout.write(
            f"{summary.dossiers:,} synthetic dossiers at {summary.agencies} agencies "
            f"({summary.components:,} components, {summary.events:,} events, "
            f"{summary.counters:,} daily counters) in {summary.seconds:.1f} s; "
            "no audit or outbox rows (load-test data)."
        )


class _Unended:
    """The command's stderr, written without the newline Django's ``OutputWrapper``
    adds to every write (the progress line is redrawn with ``\r``)."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()
