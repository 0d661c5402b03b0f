"""Named reads of dossiers: the officer's queues, search and the dossier page. Every
read goes through the access policy (``permissions.scope``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from egov.catalog.models import ProcedureVersion, WorkflowStep
from egov.core.permissions import Action, scope
from egov.directory.models import Agency
from egov.dossiers.lifecycle import OPEN_STATES, Status
from egov.dossiers.models import Dossier, DossierEvent
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
SIGNING_ROLE = "agency_leader"
LIST_FIELDS = (
    "procedure_version__procedure",
    "receiving_agency",
    "processing_agency",
    "current_step",
    "assignee",
)


def visible(actor: Any) -> QuerySet[Dossier]:
    return scope(actor, Action.VIEW, Dossier.objects.all())


def _agency_id(actor: Any) -> int | None:
    officer = getattr(actor, "officer_or_none", None)
    return officer.agency_id if officer else None


def queue_filters(actor: Any, now: datetime.datetime | None = None) -> dict[str, Q]:
    """The filter of each queue for this officer."""
    now = now or timezone.now()
    agency = _agency_id(actor)
    roles = sorted(getattr(actor, "role_set", frozenset()))
    soon = engine.add(workdays.get_calendar(), now, 8, engine.Unit.WORKING_HOURS)
    at_desk = Q(receiving_agency_id=agency)
    at_processing = Q(processing_agency_id=agency)
    mine = Q(assignee__isnull=True) | Q(assignee_id=getattr(actor, "pk", None))
    return {
        "to_receive": at_desk & Q(status=Status.SUBMITTED),
        "to_forward": at_desk & Q(status=Status.RECEIVED),
        # The leader's steps (approve, sign) form their own queue.
        "to_process": at_processing
        & Q(status=Status.PROCESSING, current_step__role__in=roles)
        & ~Q(current_step__role=SIGNING_ROLE)
        & mine,
        "to_sign": at_processing
        & Q(status=Status.PROCESSING, current_step__role=SIGNING_ROLE)
        & Q(current_step__role__in=roles),
        # Deadline queues: the dossiers at the officer's agency (received or processed
        # there), which also lets the database use the (agency, status, due) indexes.
        "due_soon": (at_desk | at_processing)
        & Q(status__in=OPEN_STATES, due_at__gte=now, due_at__lte=soon),
        "overdue": (at_desk | at_processing) & Q(status__in=OPEN_STATES, due_at__lt=now),
        "waiting_supplement": (at_desk | at_processing)
        & Q(status__in=[Status.SUPPLEMENT_REQUESTED, Status.RECEPTION_SUPPLEMENT]),
        "to_return": at_desk & Q(status=Status.FINISHED),
    }


def queue_counts(actor: Any, now: datetime.datetime | None = None) -> dict[str, int]:
    """All queue counts in one query."""
    filters = queue_filters(actor, now)
    return visible(actor).aggregate(**{name: Count("id", filter=f) for name, f in filters.items()})


def queue(actor: Any, name: str, now: datetime.datetime | None = None) -> QuerySet[Dossier]:
    filters = queue_filters(actor, now)
    if name not in filters:
        raise KeyError(name)
    return (
        visible(actor).filter(filters[name]).select_related(*LIST_FIELDS).order_by("due_at", "id")
    )


def search(
    actor: Any,
    *,
    text: str = "",
    procedure: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Dossier]:
    """Search by code, applicant name or ID number, procedure code, status, dates."""
    qs = visible(actor).select_related(*LIST_FIELDS)
    text = text.strip()
    if text:
        qs = qs.filter(
            Q(code__istartswith=text)
            | Q(applicant_name__icontains=text)
            | Q(applicant_id_number=text)
            | Q(applicant_tax_code=text)
        )
    if procedure:
        qs = qs.filter(procedure_version__procedure__code=procedure)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    return qs.order_by("-submitted_at", "-id")


def dossier_detail(actor: Any, code: str) -> Dossier | None:
    """The dossier page: everything it shows, fetched once."""
    return (
        visible(actor)
        .select_related(*LIST_FIELDS, "procedure_version__field", "applicant_user")
        .prefetch_related(
            "components",
            Prefetch("events", queryset=DossierEvent.objects.select_related("agency")),
            "tasks__agency",
            "consultations__agency",
            "result_files",
        )
        .filter(code=code)
        .first()
    )


def public_lookup(code: str) -> Dossier | None:
    """The public look-up by code (Circular 01/2018 art. 16): no access check, the
    caller shows only the code, procedure name and completion status (and more to the
    owner). Only the columns shown are read."""
    return (
        Dossier.objects.select_related("procedure_version", "processing_agency", "current_step")
        .only(
            "code",
            "status",
            "outcome",
            "applicant_user_id",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
            "submitted_at",
            "procedure_version__name",
            "processing_agency__name",
            "current_step__name",
            "current_step__department",
        )
        .filter(code=code)
        .first()
    )


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
                return list(workflow.steps.order_by("order"))
    return []
