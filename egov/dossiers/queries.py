"""Named reads of dossiers: the officer's queues, search and the dossier page. Every
read goes through the access policy (``permissions.scope``), except two: the queues,
which name the officer's own agency and so stay inside the policy by construction
(``queue_filters``; tested), and the public look-up, which shows what the law makes
public (``public_lookup``)."""

from __future__ import annotations

import datetime
import operator
import re
from functools import reduce
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.utils import timezone

from egov.catalog import cache as catalog_cache
from egov.catalog.models import ProcedureVersion, WorkflowStep
from egov.catalog.text import normalise
from egov.core.permissions import Action, can, permits_any, scope
from egov.directory.models import Agency
from egov.dossiers.lifecycle import OPEN_STATES, Status
from egov.dossiers.models import (
    Consultation,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierTask,
    ResultFile,
)
from egov.workdays import engine
from egov.workdays import services as workdays

QUEUES = {
    "to_receive": "Chờ tiếp nhận",
    "to_forward": "Đã tiếp nhận, chờ chuyển xử lý",
    "to_process": "Cần xử lý",
    "to_sign": "Chờ phê duyệt, ký",
    "due_soon": "Sắp đến hạn",
    "overdue": "Quá hạn",
    "waiting_supplement": "Chờ bổ sung",
    "to_return": "Chờ trả kết quả",
}
QUEUES_EN = {
    "to_receive": "To receive",
    "to_forward": "Received, to forward",
    "to_process": "To process",
    "to_sign": "To approve / sign",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "waiting_supplement": "Waiting for supplement",
    "to_return": "To return",
}
# The steps of these roles (the head's review, the leader's approval and signature)
# form the queue "Chờ phê duyệt, ký"; the other steps are "Cần xử lý".
SIGNING_ROLES = frozenset({"department_head", "agency_leader"})


def visible(actor: Any) -> QuerySet[Dossier]:
    return scope(actor, Action.VIEW, Dossier.objects.all())


def attach(
    dossiers: list[Dossier], agency_ids: set[int] | None = None, *, rows: bool = False
) -> dict[int, Agency]:
    """Fill in what a list or page shows of each dossier (procedure version with its
    procedure, agencies, current step, assignee) without joining those tables in the
    dossier query: the versions and steps come from the catalogue cache (published
    versions never change), agencies and assignees in one query each. At a million
    dossiers PostgreSQL spends more time planning a nine-table join than running it
    (docs/performance-notes.md). Returns the agencies read (``agency_ids``: more to
    read in the same query). ``rows``: for list rows, the versions with their procedure
    only (``catalog.cache.heads``), not with their items."""
    if not dossiers:
        return {}
    read = catalog_cache.heads if rows else catalog_cache.versions
    read_steps = catalog_cache.step_heads if rows else catalog_cache.steps
    versions = read({d.procedure_version_id for d in dossiers})
    steps = read_steps({d.current_step_id for d in dossiers if d.current_step_id})
    wanted = {d.receiving_agency_id for d in dossiers} | {d.processing_agency_id for d in dossiers}
    agencies = Agency.objects.in_bulk(wanted | (agency_ids or set()))
    assignees = {d.assignee_id for d in dossiers if d.assignee_id}
    users = get_user_model().objects.in_bulk(assignees) if assignees else {}
    for d in dossiers:
        # Assigning through the relation fields: the ids stay as read.
        d.procedure_version = versions[d.procedure_version_id]
        d.receiving_agency = agencies[d.receiving_agency_id]
        d.processing_agency = agencies[d.processing_agency_id]
        d.current_step = steps.get(d.current_step_id) if d.current_step_id else None
        d.assignee = users.get(d.assignee_id) if d.assignee_id else None
    return agencies


def _agency_id(actor: Any) -> int | None:
    officer = getattr(actor, "officer_or_none", None)
    return officer.agency_id if officer else None


def queue_filters(
    actor: Any, now: datetime.datetime | None = None, only: str | None = None
) -> dict[str, list[Q]]:
    """The filter of each queue for this officer, as disjoint parts: a dossier is in
    the queue when it matches one of them. Every part names the officer's own agency
    as receiving or processing agency, so a queue never leaves the officer's scope
    (``queue`` checks that the officer may view dossiers at all) and each part can be
    answered from one index in due-date order (see ``Dossier.Meta.indexes``).
    ``only``: the one queue wanted; the parts of the queues that need more than a
    condition to build (due soon: the calendar; to process, to sign: a subquery) are
    then left empty in the others."""
    now = now or timezone.now()
    agency = _agency_id(actor)
    roles = set(getattr(actor, "role_set", frozenset()))
    soon = None
    if only in (None, "due_soon"):  # the calendar is read only for this queue
        soon = engine.add(workdays.get_calendar(), now, 8, engine.Unit.WORKING_HOURS)
    at_desk = Q(receiving_agency_id=agency)
    # Processed here but received elsewhere: disjoint from ``at_desk``.
    at_processing = Q(processing_agency_id=agency) & ~Q(receiving_agency_id=agency)
    here = Q(processing_agency_id=agency)
    mine = Q(assignee__isnull=True) | Q(assignee_id=getattr(actor, "pk", None))
    open_ = Q(status__in=sorted(OPEN_STATES))

    def both(condition: Q) -> list[Q]:
        return [at_desk & condition, at_processing & condition]

    def steps_for(wanted: set[str]) -> Q:
        # COALESCE: a plain ``current_step_id IN (...)`` implies ``IS NOT NULL``, and
        # PostgreSQL then also scans the whole partial step index (``dossier_current_step``)
        # to AND it in: 180,000 entries at a million dossiers, 25 ms for a count that
        # the queue index answers in 4 (docs/performance-notes.md). No step has id 0.
        return Q(
            In(
                Coalesce("current_step_id", Value(0)),
                WorkflowStep.objects.filter(role__in=sorted(wanted)).values("id"),
            )
        )

    return {
        "to_receive": [at_desk & Q(status=Status.SUBMITTED)],
        "to_forward": [at_desk & Q(status=Status.RECEIVED)],
        # The head's and the leader's steps (review, approve, sign) form their own queue.
        "to_process": [here & Q(status=Status.PROCESSING) & steps_for(roles - SIGNING_ROLES) & mine]
        if only in (None, "to_process")
        else [],
        "to_sign": [here & Q(status=Status.PROCESSING) & steps_for(roles & SIGNING_ROLES)]
        if only in (None, "to_sign")
        else [],
        # Deadline queues: the dossiers at the officer's agency (received or processed
        # there).
        "due_soon": both(open_ & Q(due_at__gte=now, due_at__lte=soon)) if soon else [],
        "overdue": both(open_ & Q(due_at__lt=now)),
        "waiting_supplement": [
            *both(Q(status=Status.SUPPLEMENT_REQUESTED)),
            *both(Q(status=Status.RECEPTION_SUPPLEMENT)),
        ],
        "to_return": [at_desk & Q(status=Status.FINISHED)],
    }


def _may_view(actor: Any) -> bool:
    return permits_any(actor, Action.VIEW, Dossier)


def queue_counts(actor: Any, now: datetime.datetime | None = None) -> dict[str, int]:
    """All queue counts in one query."""
    filters = queue_filters(actor, now)
    if not _may_view(actor):
        return dict.fromkeys(filters, 0)
    return Dossier.objects.aggregate(
        **{name: Count("id", filter=reduce(operator.or_, parts)) for name, parts in filters.items()}
    )


class MergedQueue:
    """A queue made of disjoint parts, each read in due-date order from its own index
    and merged here: a page costs one short ordered index scan per part, where one
    query with an OR (or a plain UNION ALL under ORDER BY) makes PostgreSQL fetch and
    sort every matching dossier of the agency, tens of thousands at a busy desk
    (docs/performance-notes.md). On PostgreSQL the parts travel in one statement
    (UNION ALL of the limited parts); SQLite, which cannot limit the parts of a
    compound statement, runs them one by one. Sliced and counted like a queryset, so
    Django's and DRF's paginators take it."""

    def __init__(self, parts: list[QuerySet[Dossier]], fields: tuple[str, ...] | None = None):
        self.parts = parts
        self.fields = fields

    def count(self) -> int:
        ids = [part.order_by().values("id") for part in self.parts]
        return ids[0].union(*ids[1:], all=True).count()

    def __len__(self) -> int:
        return self.count()

    def only(self, *fields: str) -> MergedQueue:
        """Read only these fields of the dossiers shown (the others deferred)."""
        return MergedQueue(self.parts, tuple(dict.fromkeys(("id", *fields))))

    def _heads(self, stop: int) -> list[tuple]:
        """(due date, id) of the first ``stop`` dossiers of every part: read from the
        indexes alone."""
        limited = [part.values_list("due_at", "id")[:stop] for part in self.parts]
        if connection.features.supports_slicing_ordering_in_compound:
            return list(limited[0].union(*limited[1:], all=True))
        return [row for part in limited for row in part]

    def __getitem__(self, index: slice) -> list[Dossier]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("MergedQueue supports slices only")
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        heads = sorted(self._heads(stop), key=lambda row: (row[0] is None, row[0] or 0, row[1]))
        ids = [pk for _due, pk in heads[start:stop]]
        if not ids:
            return []
        found = Dossier.objects.only(*self.fields) if self.fields else Dossier.objects
        rows = found.in_bulk(ids)
        return [rows[pk] for pk in ids]

    def __iter__(self):
        return iter(self[:])


def queue(
    actor: Any, name: str, now: datetime.datetime | None = None, extra: Q | None = None
) -> QuerySet[Dossier] | MergedQueue:
    """One queue in due-date order (``extra``: a further filter, e.g. a search): a
    queryset, or a ``MergedQueue`` when the queue has several parts. Call ``attach``
    on the page shown."""
    if name not in QUEUES:
        raise KeyError(name)
    filters = queue_filters(actor, now, only=name)
    if not _may_view(actor):
        return Dossier.objects.none()
    order = (F("due_at").asc(nulls_last=True), "id")  # the same on both databases
    parts = [
        Dossier.objects.filter(part & extra if extra else part).order_by(*order)
        for part in filters[name]
    ]
    return parts[0] if len(parts) == 1 else MergedQueue(parts)


_CODE_TEXT = re.compile(r"^\d{3}\.[0-9A-Za-z.-]*$")
_NUMBER_TEXT = re.compile(r"^\d{9,13}(-\d{3})?$")
_NUMBER_SPACING = re.compile(r"[\s.]")


def searches_identity(text: str) -> bool:
    """Whether ``search`` reads ``text`` as an ID card or tax number (such a search is
    a read of personal data: it tells whose dossiers these are)."""
    text = (text or "").strip()
    return not _CODE_TEXT.match(text) and bool(_NUMBER_TEXT.match(_NUMBER_SPACING.sub("", text)))


def search(
    actor: Any,
    *,
    text: str = "",
    procedure: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Dossier]:
    """Search by code, applicant name or ID number, procedure code, status, dates.

    The text is read as what a desk officer types: the start of a dossier code (it
    begins with the agency identifier ``ddd.``; any case), an ID card, tax or phone
    number (digits, spaces and dots ignored; a tax code may end in ``-ddd``), or else
    part of the applicant's name, in any case and with or without diacritics ("nguyen
    thi anh duong" finds "Nguyễn Thị Ánh Dương"), read on ``applicant_search``. Each is
    answered from an index (on PostgreSQL a trigram index for the name, migration
    0008); at a million dossiers, one condition over all of them would scan the table
    for every search (seconds)."""
    qs = visible(actor)
    text = text.strip()
    number = _NUMBER_SPACING.sub("", text)
    if _CODE_TEXT.match(text):
        qs = qs.filter(code__startswith=text.upper())
    elif _NUMBER_TEXT.match(number):
        # A company's tax code finds its branches (``-ddd``) too.
        qs = qs.filter(
            Q(applicant_id_number=number)
            | Q(applicant_phone=number)
            | (Q(applicant_tax_code__startswith=number) & ~Q(applicant_tax_code=""))
        )
    elif key := normalise(text):
        qs = qs.filter(applicant_search__contains=key)
    if procedure:
        qs = qs.filter(procedure_version__procedure__code=procedure)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    return qs.order_by("-submitted_at", "-id")


# The rows a dossier page lists besides its components and history: most dossiers
# have none, so one probe tells which of them to read.
_RARE_ROWS = {
    "tasks": DossierTask.objects.select_related("agency"),
    "consultations": Consultation.objects.select_related("agency"),
    "result_files": ResultFile.objects.all(),
}


def load_rows(dossiers: list[Dossier]) -> list[Dossier]:
    """Fetch the rows the dossier page lists: components and history (with the
    agencies of the history) in one query each, then one probe for inter-agency parts,
    consultations and result files, read only when there are some (an empty queryset
    prefetches nothing without a query). The references through ``attach``."""
    if not dossiers:
        return dossiers
    ids = [d.pk for d in dossiers]
    probe = (
        DossierTask.objects.filter(dossier_id__in=ids)
        .annotate(kind=Value("tasks"))
        .order_by()
        .values_list("kind")
        .union(
            Consultation.objects.filter(dossier_id__in=ids)
            .annotate(kind=Value("consultations"))
            .order_by()
            .values_list("kind"),
            ResultFile.objects.filter(dossier_id__in=ids)
            .annotate(kind=Value("result_files"))
            .order_by()
            .values_list("kind"),
        )
    )
    present = {kind for (kind,) in probe}
    prefetch_related_objects(
        dossiers,
        Prefetch("components", queryset=DossierComponent.objects.order_by("id")),
        Prefetch(
            "events", queryset=DossierEvent.objects.select_related("agency").order_by("at", "id")
        ),
        *(
            Prefetch(name, queryset=rows if name in present else rows.none())
            for name, rows in _RARE_ROWS.items()
        ),
    )
    attach(dossiers)
    return dossiers


def _unique(qs: QuerySet[Dossier]) -> Dossier | None:
    """The row of a look-up by a unique column, or None: without the model's ordering,
    which ``first()`` would add (a sort, and a plan choice, for one row)."""
    return next(iter(qs.order_by()[:1]), None)


def dossier_detail(actor: Any, code: str) -> Dossier | None:
    """The dossier page: the dossier row on its own, if the access policy lets the
    actor see it (``permissions.can``: mostly decided without another query), then its
    references and rows (``load_rows``)."""
    found = _unique(Dossier.objects.filter(code=code))
    if found is None or not can(actor, Action.VIEW, found):
        return None
    return load_rows([found])[0]


# What the look-up shows anyone: code, procedure name (from the version), status.
_LOOKUP_FIELDS = ("id", "code", "status", "procedure_version_id", "applicant_user_id")


def public_lookup(code: str) -> Dossier | None:
    """The public look-up by code (Circular 01/2018 art. 16): no access check, the
    caller shows only the code, procedure name and completion status (the owner sees
    more: ``owner_view``). Reads only those columns; the procedure name comes from the
    catalogue cache."""
    dossier = _unique(Dossier.objects.only(*_LOOKUP_FIELDS).filter(code=code))
    if dossier is not None:
        dossier.procedure_version = catalog_cache.version(dossier.procedure_version_id)
    return dossier


def owner_view(dossier: Dossier) -> Dossier:
    """The whole row of a dossier found by ``public_lookup``, for its owner, with its
    references (``attach``)."""
    full = Dossier.objects.get(pk=dossier.pk)
    attach([full])
    return full


def visible_tasks(actor: Any, dossier: Dossier) -> list:
    """The inter-agency parts this actor may see: the receiving desk, the lead
    (processing) agency and province roles see every part; a participating agency
    sees only its own."""
    tasks = list(dossier.tasks.all())
    agency = _agency_id(actor)
    roles = getattr(actor, "role_set", frozenset())
    if (
        getattr(actor, "is_superuser", False)
        or roles & {"province_admin", "auditor"}
        or agency in (dossier.receiving_agency_id, dossier.processing_agency_id)
    ):
        return tasks
    return [t for t in tasks if t.agency_id == agency]


def workflow_steps(version: ProcedureVersion, agency: Agency) -> list[WorkflowStep]:
    """The internal workflow of ``version`` at ``agency``: its own, else its tier's,
    else the default one."""
    workflows = list(version.workflows.all())
    for match in (
        lambda w: w.agency_id == agency.pk,
        lambda w: w.agency_id is None and w.tier_id == agency.tier_id,
        lambda w: w.agency_id is None and w.tier_id is None,
    ):
        for workflow in workflows:
            if match(workflow):
                return sorted(workflow.steps.all(), key=lambda step: step.order)
    return []
