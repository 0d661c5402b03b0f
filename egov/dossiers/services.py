"""Writes to dossiers: reception, the legal lifecycle and the internal workflow
(Decree 61/2018/NĐ-CP arts. 16-21; Circular 01/2018/TT-VPCP).

Every function takes ``actor=``, locks the dossier row, checks the access policy,
the lifecycle table (``lifecycle.check_transition``) and the rules, writes in one
transaction, appends a history event, an audit entry and an outbox event
``dossier.<action>``. Deadlines come from the working-day engine only.
``now=`` exists so that tests and imports can state when something happened.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone

from egov.catalog.models import ProcedureVersion, WorkflowStep
from egov.catalog.queries import version_in_force
from egov.core import audit, outbox
from egov.core.errors import DomainError, NotPermitted
from egov.core.permissions import Action, require
from egov.directory.models import Agency
from egov.dossiers import rules
from egov.dossiers.lifecycle import Status, Transition, check_transition
from egov.dossiers.models import (
    Channel,
    Consultation,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierTask,
    Outcome,
    ResultFile,
)
from egov.workdays import engine
from egov.workdays import services as workdays

DESK_ROLE = "desk_officer"


@dataclass
class ComponentInput:
    """One line of the reception checklist: which component, how many copies of each
    kind were handed in, and the scanned file if any."""

    component_id: int | None = None
    name: str = ""
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    file: File | None = None

    @property
    def provided(self) -> bool:
        return bool(self.originals or self.certified_copies or self.photocopies or self.file)


# ---------------------------------------------------------------- helpers


def next_code(agency: Agency, day: datetime.date) -> str:
    """The next dossier code ``<agency identifier>-<YYMMDD>-<NNNN>`` (Circular 01/2018
    art. 19). One upsert in the caller's transaction: the counter row stays locked
    until commit, so concurrent receptions at one agency get unique, gap-free numbers
    and a rolled-back reception gives its number back."""
    table = "dossiers_dossiercounter"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency.pk, day],
        )
        number = cursor.fetchone()[0]
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _amount_unit(version: ProcedureVersion) -> tuple[Any, str]:
    if version.same_day:
        return 0, engine.Unit.SAME_DAY
    return version.time_amount, version.time_unit


def _lock(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related(
            "procedure_version", "receiving_agency", "processing_agency", "current_step"
        )
        .get(pk=dossier.pk)
    )


def _begin(
    actor: Any,
    dossier: Dossier,
    transition: Transition,
    action: Action,
    expected_version: int | None,
) -> tuple[Dossier, str]:
    dossier = _lock(dossier)
    require(actor, action, dossier)
    rules.check_version(dossier, expected_version)
    return dossier, check_transition(dossier.status, transition)


def _agency_of(actor: Any) -> Agency | None:
    officer = getattr(actor, "officer_or_none", None)
    return officer.agency if officer else None


def _require_agency(actor: Any, agency: Agency) -> None:
    """Workflow actions are for officers of the agency the dossier is at."""
    if getattr(actor, "is_superuser", False):
        return
    mine = _agency_of(actor)
    if mine is None or mine.pk != agency.pk:
        raise NotPermitted(action="agency", details={"agency": agency.code})


def _finish(
    dossier: Dossier,
    *,
    actor: Any,
    transition: Transition,
    from_status: str,
    now: datetime.datetime,
    note: str = "",
    data: dict | None = None,
    fields: list[str] | None = None,
) -> Dossier:
    """Save the changed fields, bump the version, write history, audit and outbox."""
    dossier.version += 1
    dossier.save(update_fields=[*(fields or []), "status", "version", "updated_at"])
    step = dossier.current_step
    DossierEvent.objects.create(
        dossier=dossier,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor)[:200],
        agency=_agency_of(actor),
        action=transition.value,
        from_status=from_status,
        to_status=dossier.status,
        step_name=step.name if step else "",
        step_due_at=dossier.step_due_at,
        note=note,
        data=audit._canonical(data or {}),
    )
    audit.record(
        actor=actor,
        action=f"dossier.{transition.value}",
        obj=dossier,
        agency_id=dossier.processing_agency_id,
        changes={"status": [from_status, dossier.status], **({"data": data} if data else {})},
    )
    outbox.emit(
        topic=f"dossier.{transition.value}",
        aggregate=dossier,
        payload={
            "code": dossier.code,
            "status": dossier.status,
            "national_status": dossier.national_status,
            "version": dossier.version,
        },
    )
    return dossier


def _steps(version: ProcedureVersion, agency: Agency) -> list[WorkflowStep]:
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


def _is_decision_step(step: WorkflowStep | None, steps: list[WorkflowStep]) -> bool:
    """The step where the result is decided: the final step, or the last step before
    the desk's own closing steps (workflows often end with "return the result" at the
    desk, which comes after the decision)."""
    if step is None:
        return True
    return step.is_final or all(s.role == DESK_ROLE for s in steps if s.order > step.order)


def _enter_step(dossier: Dossier, step: WorkflowStep | None, at: datetime.datetime) -> None:
    dossier.current_step = step
    dossier.step_started_at = at if step else None
    dossier.step_due_at = engine.step_due(workdays.get_calendar(), at, step.hours) if step else None
    dossier.assignee = None


STEP_FIELDS = ["current_step", "step_started_at", "step_due_at", "assignee"]


def _save_components(
    dossier: Dossier,
    items: list[ComponentInput],
    version: ProcedureVersion,
    supplement_round: int = 0,
) -> set[int]:
    known = {c.pk: c for c in version.components.all()}
    provided: set[int] = set()
    rows = []
    for index, item in enumerate(items):
        component = known.get(item.component_id) if item.component_id else None
        if item.component_id and component is None:
            raise DomainError(
                "component_unknown",
                "Thành phần hồ sơ không thuộc thủ tục này.",
                "The component does not belong to this procedure.",
                field=f"components[{index}].component_id",
            )
        content_type, size = "", 0
        if item.file is not None:
            head = item.file.read(16)
            item.file.seek(0)
            size = item.file.size or 0
            content_type = rules.sniff_file(head, size, field=f"components[{index}].file")
        if item.provided and component is not None:
            provided.add(component.pk)
        rows.append(
            DossierComponent(
                dossier=dossier,
                component=component,
                name=(component.name if component else item.name)[:1000],
                originals=item.originals,
                certified_copies=item.certified_copies,
                photocopies=item.photocopies,
                provided=item.provided,
                file=item.file or "",
                content_type=content_type,
                size=size,
                supplement_round=supplement_round,
            )
        )
    for row in rows:
        row.save()
    return provided


def _missing_rows(
    dossier: Dossier, version: ProcedureVersion, missing: list[int], round_no: int
) -> list[str]:
    known = {c.pk: c for c in version.components.all()}
    unknown = [m for m in missing if m not in known]
    if unknown or not missing:
        raise DomainError(
            "supplement_items_invalid",
            "Cần liệt kê đầy đủ (một lần) các thành phần còn thiếu của thủ tục.",
            "List every missing component of the procedure, all at once.",
            field="missing",
            details={"unknown": unknown},
        )
    DossierComponent.objects.bulk_create(
        [
            DossierComponent(
                dossier=dossier,
                component=known[m],
                name=known[m].name,
                provided=False,
                supplement_round=round_no,
            )
            for m in missing
        ]
    )
    return [known[m].name for m in missing]


def _applicant_fields(applicant: dict[str, Any]) -> dict[str, Any]:
    rules.check_applicant(applicant)
    return {
        "applicant_type": applicant.get("type", "citizen"),
        "applicant_name": applicant["name"].strip(),
        "applicant_id_number": applicant.get("id_number", ""),
        "applicant_tax_code": applicant.get("tax_code", ""),
        "applicant_birth_date": applicant.get("birth_date"),
        "applicant_address": applicant.get("address", ""),
        "applicant_province": applicant.get("province", ""),
        "applicant_ward": applicant.get("ward", ""),
        "applicant_phone": applicant.get("phone", ""),
        "applicant_email": applicant.get("email", ""),
    }


def _offered_version(procedure_code: str, at: datetime.datetime) -> ProcedureVersion:
    version = version_in_force(procedure_code, at)
    rules.check_procedure_offered(version, procedure_code)
    return version


def _set_received(dossier: Dossier, now: datetime.datetime) -> None:
    version = dossier.procedure_version
    amount, unit = _amount_unit(version)
    deadline = workdays.compute_due(
        start=now, amount=amount, unit=unit, cutoff_15h=version.cutoff_15h
    )
    dossier.received_at = now
    dossier.due_at = dossier.original_due_at = deadline.due
    dossier.calendar_revision = deadline.calendar_revision
    steps = _steps(version, dossier.processing_agency)
    _enter_step(dossier, steps[0] if steps and steps[0].role == DESK_ROLE else None, now)


RECEIVED_FIELDS = ["received_at", "due_at", "original_due_at", "calendar_revision", *STEP_FIELDS]


# ---------------------------------------------------------------- reception


@transaction.atomic
def submit_online(
    *,
    actor: Any,
    procedure_code: str,
    receiving_agency: Agency,
    applicant: dict[str, Any],
    components: list[ComponentInput],
    processing_agency: Agency | None = None,
    summary: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """An applicant submits a dossier online: national status 1, waiting for the desk."""
    now = _now(now)
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "is_officer", False):
        raise NotPermitted(action="submit_online")
    version = _offered_version(procedure_code, now)
    rules.check_channel(version, Channel.ONLINE)
    processing_agency = processing_agency or receiving_agency
    rules.check_competent(version, processing_agency)
    dossier = Dossier.objects.create(
        code=next_code(receiving_agency, timezone.localtime(now).date()),
        procedure_version=version,
        receiving_agency=receiving_agency,
        processing_agency=processing_agency,
        channel=Channel.ONLINE,
        status=Status.SUBMITTED,
        applicant_user=actor,
        summary=summary or version.name[:1000],
        submitted_at=now,
        fee_due=sum(f.amount for f in version.fees.all()),
        **_applicant_fields(applicant),
    )
    _save_components(dossier, components, version)
    return _created(dossier, actor=actor, now=now, action="submit_online")


def _created(
    dossier: Dossier,
    *,
    actor: Any,
    now: datetime.datetime,
    action: str,
    note: str = "",
    data: dict | None = None,
) -> Dossier:
    dossier.version = 1
    dossier.save(update_fields=["version"])
    DossierEvent.objects.create(
        dossier=dossier,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor)[:200],
        agency=_agency_of(actor),
        action=action,
        from_status="",
        to_status=dossier.status,
        step_name=dossier.current_step.name if dossier.current_step else "",
        step_due_at=dossier.step_due_at,
        note=note,
        data=audit._canonical(data or {}),
    )
    audit.record(
        actor=actor,
        action=f"dossier.{action}",
        obj=dossier,
        agency_id=dossier.receiving_agency_id,
        changes={"after": {"status": dossier.status, "code": dossier.code}},
    )
    outbox.emit(
        topic=f"dossier.{action}",
        aggregate=dossier,
        payload={
            "code": dossier.code,
            "status": dossier.status,
            "national_status": dossier.national_status,
            "version": 1,
        },
    )
    return dossier


@transaction.atomic
def receive(
    *,
    actor: Any,
    procedure_code: str,
    channel: str,
    applicant: dict[str, Any],
    components: list[ComponentInput],
    outcome: str = "complete",
    processing_agency: Agency | None = None,
    missing: list[int] | None = None,
    reason: str = "",
    summary: str = "",
    sets: int = 1,
    now: datetime.datetime | None = None,
) -> Dossier:
    """A desk officer receives a paper dossier (at the counter or by post).

    ``outcome``: ``complete`` -> received, form 01 with the appointment date;
    ``incomplete`` -> form 02 listing every ``missing`` component at once;
    ``refused`` -> form 03 with the ``reason``. Every outcome gets a dossier code."""
    now = _now(now)
    desk = _agency_of(actor)
    if desk is None or DESK_ROLE not in actor.role_set:
        raise NotPermitted(action="receive")
    if channel not in (Channel.COUNTER, Channel.POST):
        raise DomainError(
            "channel_invalid",
            "Kênh nhận hồ sơ giấy: trực tiếp hoặc bưu chính.",
            "Paper dossiers come at the counter or by post.",
            field="channel",
        )
    version = _offered_version(procedure_code, now)
    rules.check_channel(version, channel)
    processing_agency = processing_agency or _default_processing_agency(version, desk)
    rules.check_competent(version, processing_agency)
    fields = _applicant_fields(applicant)
    status = {
        "complete": Status.RECEIVED,
        "incomplete": Status.RECEPTION_SUPPLEMENT,
        "refused": Status.NOT_RECEIVED,
    }.get(outcome)
    if status is None:
        raise DomainError(
            "outcome_invalid",
            "Kết quả tiếp nhận không hợp lệ.",
            "Reception outcome must be complete, incomplete or refused.",
            field="outcome",
        )
    if outcome == "refused":
        rules.check_reason(reason)
    dossier = Dossier.objects.create(
        code=next_code(desk, timezone.localtime(now).date()),
        procedure_version=version,
        receiving_agency=desk,
        processing_agency=processing_agency,
        channel=channel,
        status=status,
        summary=summary or version.name[:1000],
        sets=sets,
        submitted_at=now,
        fee_due=sum(f.amount for f in version.fees.all()),
        **fields,
    )
    provided = _save_components(dossier, components, version)
    data: dict[str, Any] = {}
    if outcome == "complete":
        rules.check_mandatory_components(version, provided)
        _set_received(dossier, now)
        dossier.save(update_fields=RECEIVED_FIELDS)
    elif outcome == "incomplete":
        data["missing"] = _missing_rows(dossier, version, missing or [], round_no=1)
    return _created(
        dossier, actor=actor, now=now, action=f"receive_{outcome}", note=reason, data=data
    )


def _default_processing_agency(version: ProcedureVersion, desk: Agency) -> Agency:
    """The competent agency when the desk did not name one: the desk's own agency if
    it implements the procedure, else the only implementing agency named."""
    named = list(version.agencies.all())
    if desk in named or not named:
        return desk
    return named[0] if len(named) == 1 else desk


def _reception_desk(actor: Any, dossier: Dossier) -> None:
    _require_agency(actor, dossier.receiving_agency)


@transaction.atomic
def accept(
    *,
    actor: Any,
    dossier: Dossier,
    components: list[ComponentInput] | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The desk finds an online dossier complete: received, form 01 (appointment)."""
    now = _now(now)
    dossier, target = _begin(actor, dossier, Transition.ACCEPT, Action.RECEIVE, expected_version)
    _reception_desk(actor, dossier)
    version = dossier.procedure_version
    if components:
        _save_components(dossier, components, version)
    provided = set(
        dossier.components.filter(provided=True, component__isnull=False).values_list(
            "component_id", flat=True
        )
    )
    rules.check_mandatory_components(version, provided)
    from_status, dossier.status = dossier.status, target
    _set_received(dossier, now)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.ACCEPT,
        from_status=from_status,
        now=now,
        fields=RECEIVED_FIELDS,
    )


@transaction.atomic
def request_reception_supplement(
    *,
    actor: Any,
    dossier: Dossier,
    missing: list[int],
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Form 02 for an online dossier: every missing item listed at once."""
    now = _now(now)
    dossier, target = _begin(
        actor, dossier, Transition.REQUEST_RECEPTION_SUPPLEMENT, Action.RECEIVE, expected_version
    )
    _reception_desk(actor, dossier)
    round_no = _next_round(dossier)
    names = _missing_rows(dossier, dossier.procedure_version, missing, round_no)
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REQUEST_RECEPTION_SUPPLEMENT,
        from_status=from_status,
        now=now,
        note=note,
        data={"missing": names, "round": round_no},
    )


def _next_round(dossier: Dossier) -> int:
    last = (
        dossier.components.order_by("-supplement_round")
        .values_list("supplement_round", flat=True)
        .first()
    )
    return (last or 0) + 1


def _can_act_for_applicant(actor: Any, dossier: Dossier) -> None:
    """The applicant (owner) or a desk officer of the receiving agency on their behalf."""
    if dossier.applicant_user_id and actor.pk == dossier.applicant_user_id:
        return
    require(actor, Action.RECEIVE, dossier)
    _reception_desk(actor, dossier)


@transaction.atomic
def supply_at_reception(
    *,
    actor: Any,
    dossier: Dossier,
    components: list[ComponentInput],
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant hands in what form 02 asked for; the desk checks it again."""
    now = _now(now)
    dossier = _lock(dossier)
    _can_act_for_applicant(actor, dossier)
    rules.check_version(dossier, expected_version)
    target = check_transition(dossier.status, Transition.SUPPLY_AT_RECEPTION)
    _save_components(
        dossier, components, dossier.procedure_version, supplement_round=_next_round(dossier) - 1
    )
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.SUPPLY_AT_RECEPTION,
        from_status=from_status,
        now=now,
    )


@transaction.atomic
def refuse_at_reception(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Form 03: the dossier is not received, with the reason."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, target = _begin(
        actor, dossier, Transition.REFUSE_AT_RECEPTION, Action.RECEIVE, expected_version
    )
    _reception_desk(actor, dossier)
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REFUSE_AT_RECEPTION,
        from_status=from_status,
        now=now,
        note=reason,
    )


# ---------------------------------------------------------------- processing


@transaction.atomic
def forward(
    *,
    actor: Any,
    dossier: Dossier,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The desk hands the dossier to the processing agency. Paper dossiers received
    after 15:00 count as handed over at the start of the next working day (Decree
    61/2018 art. 17). Inter-agency procedures open one task per participant."""
    now = _now(now)
    dossier, target = _begin(actor, dossier, Transition.FORWARD, Action.RECEIVE, expected_version)
    _reception_desk(actor, dossier)
    calendar = workdays.get_calendar()
    paper = dossier.channel != Channel.ONLINE
    arrival = engine.effective_start(calendar, now, cutoff_15h=paper)
    dossier.processing_received_at = arrival
    steps = _steps(dossier.procedure_version, dossier.processing_agency)
    remaining = [s for s in steps if s.role != DESK_ROLE] or steps
    _enter_step(dossier, remaining[0] if remaining else None, arrival)
    from_status, dossier.status = dossier.status, target
    tasks = _open_tasks(dossier, calendar, arrival)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.FORWARD,
        from_status=from_status,
        now=now,
        data={"arrival": arrival, "tasks": tasks},
        fields=["processing_received_at", *STEP_FIELDS],
    )


def _open_tasks(dossier: Dossier, calendar: engine.Calendar, start: datetime.datetime) -> list[str]:
    """Same-level inter-agency: the dossier goes to every participant at once."""
    participants = list(dossier.procedure_version.participants.select_related("agency"))
    if not participants:
        return []
    unit = dossier.procedure_version.time_unit
    rows = []
    for p in participants:
        agency = dossier.processing_agency if p.is_lead else p.agency
        if agency is None:
            continue
        rows.append(
            DossierTask(
                dossier=dossier,
                agency=agency,
                is_lead=p.is_lead,
                task=p.task,
                started_at=start,
                due_at=engine.add(calendar, start, p.time_share or 0, unit),
            )
        )
    seen: set[int] = set()
    unique = [r for r in rows if not (r.agency_id in seen or seen.add(r.agency_id))]
    DossierTask.objects.bulk_create(unique)
    return [r.agency.code for r in unique]


def _require_step_actor(actor: Any, dossier: Dossier) -> None:
    _require_agency(actor, dossier.processing_agency)
    if not getattr(actor, "is_superuser", False):
        rules.check_step_role(dossier.current_step, actor.role_set)


@transaction.atomic
def assign(
    *,
    actor: Any,
    dossier: Dossier,
    assignee: Any,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Hand the current step to one officer of the processing agency."""
    now = _now(now)
    dossier, _ = _begin(actor, dossier, Transition.ASSIGN, Action.PROCESS, expected_version)
    _require_agency(actor, dossier.processing_agency)
    officer = getattr(assignee, "officer_or_none", None)
    if officer is None or officer.agency_id != dossier.processing_agency_id:
        raise DomainError(
            "assignee_invalid",
            "Người được phân công phải thuộc cơ quan xử lý.",
            "The assignee must work at the processing agency.",
            field="assignee",
        )
    step = dossier.current_step
    if step is not None and step.role not in assignee.role_set:
        raise DomainError(
            "assignee_role",
            f"Bước '{step.name}' cần vai trò {step.role}.",
            f"Step '{step.name}' needs role {step.role}.",
            field="assignee",
        )
    dossier.assignee = assignee
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.ASSIGN,
        from_status=dossier.status,
        now=now,
        data={"assignee": assignee.username},
        fields=["assignee"],
    )


_STEP_ACTION_POLICY = {"forward": Action.PROCESS, "approve": Action.APPROVE, "sign": Action.SIGN}


@transaction.atomic
def advance(
    *,
    actor: Any,
    dossier: Dossier,
    action: str = "forward",
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Finish the current internal step and move to the next (forward, approve or
    sign, as the step allows)."""
    now = _now(now)
    if action not in _STEP_ACTION_POLICY:
        raise DomainError(
            "step_action_invalid",
            "Thao tác không hợp lệ.",
            "The action must be forward, approve or sign.",
            field="action",
        )
    dossier, _ = _begin(
        actor, dossier, Transition.ADVANCE, _STEP_ACTION_POLICY[action], expected_version
    )
    _require_step_actor(actor, dossier)
    step = dossier.current_step
    rules.check_step_action(step, action)
    steps = _steps(dossier.procedure_version, dossier.processing_agency)
    if step is not None and _is_decision_step(step, steps):
        rules.check_not_final(step, decision=True)
    following = [s for s in steps if step is None or s.order > step.order]
    _enter_step(dossier, following[0] if following else None, now)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.ADVANCE,
        from_status=dossier.status,
        now=now,
        note=note,
        data={"action": action, "from_step": step.name if step else ""},
        fields=STEP_FIELDS,
    )


@transaction.atomic
def send_back(
    *,
    actor: Any,
    dossier: Dossier,
    to_order: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Return the dossier to an earlier step, with the reason."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, _ = _begin(actor, dossier, Transition.SEND_BACK, Action.PROCESS, expected_version)
    _require_step_actor(actor, dossier)
    step = dossier.current_step
    rules.check_step_action(step, "send_back")
    earlier = [
        s
        for s in _steps(dossier.procedure_version, dossier.processing_agency)
        if s.order == to_order and (step is None or s.order < step.order) and s.role != DESK_ROLE
    ]
    if not earlier:
        raise DomainError(
            "step_invalid",
            "Chỉ trả lại về một bước trước đó của quy trình.",
            "Send back to an earlier step of the workflow.",
            field="to_order",
        )
    _enter_step(dossier, earlier[0], now)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.SEND_BACK,
        from_status=dossier.status,
        now=now,
        note=reason,
        data={"to_step": earlier[0].name},
        fields=STEP_FIELDS,
    )


@transaction.atomic
def consult(
    *,
    actor: Any,
    dossier: Dossier,
    agency: Agency,
    question: str,
    hours: int = 24,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Consultation:
    """Ask another agency's opinion, with its own deadline in working hours."""
    now = _now(now)
    rules.check_reason(question, "question")
    dossier, _ = _begin(actor, dossier, Transition.CONSULT, Action.PROCESS, expected_version)
    _require_step_actor(actor, dossier)
    rules.check_step_action(dossier.current_step, "consult")
    if agency.pk == dossier.processing_agency_id:
        raise DomainError(
            "consult_self",
            "Chọn một cơ quan khác để xin ý kiến.",
            "Consult another agency.",
            field="agency",
        )
    consultation = Consultation.objects.create(
        dossier=dossier,
        agency=agency,
        question=question,
        asked_at=now,
        due_at=engine.step_due(workdays.get_calendar(), now, hours),
    )
    _finish(
        dossier,
        actor=actor,
        transition=Transition.CONSULT,
        from_status=dossier.status,
        now=now,
        note=question,
        data={"agency": agency.code, "due_at": consultation.due_at},
    )
    return consultation


@transaction.atomic
def answer_consultation(
    *,
    actor: Any,
    consultation: Consultation,
    answer: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Consultation:
    """The consulted agency answers (an officer of that agency)."""
    now = _now(now)
    rules.check_reason(answer, "answer")
    _require_agency(actor, consultation.agency)
    if not actor.role_set & {"specialist", "department_head", "agency_leader"}:
        raise NotPermitted(action="answer_consultation")
    dossier = _lock(consultation.dossier)
    rules.check_version(dossier, expected_version)
    check_transition(dossier.status, Transition.ANSWER_CONSULTATION)
    if consultation.answered_at:
        raise DomainError(
            "already_answered",
            "Ý kiến đã được trả lời.",
            "The consultation was already answered.",
            status=409,
        )
    consultation.answer, consultation.answered_at = answer, now
    consultation.save(update_fields=["answer", "answered_at"])
    _finish(
        dossier,
        actor=actor,
        transition=Transition.ANSWER_CONSULTATION,
        from_status=dossier.status,
        now=now,
        note=answer,
        data={"agency": consultation.agency.code, "late": consultation.overdue},
    )
    return consultation


@transaction.atomic
def request_supplement(
    *,
    actor: Any,
    dossier: Dossier,
    missing: list[int],
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The processing agency asks for a supplement, at most 3 working days after it
    received the dossier (Decree 61/2018 art. 19); the clock stops until then."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, target = _begin(
        actor, dossier, Transition.REQUEST_SUPPLEMENT, Action.PROCESS, expected_version
    )
    _require_agency(actor, dossier.processing_agency)
    engine.check_supplement_request(
        workdays.get_calendar(), dossier.processing_received_at or dossier.received_at, now
    )
    round_no = _next_round(dossier)
    names = _missing_rows(dossier, dossier.procedure_version, missing, round_no)
    from_status, dossier.status, dossier.paused_at = dossier.status, target, now
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REQUEST_SUPPLEMENT,
        from_status=from_status,
        now=now,
        note=reason,
        data={"missing": names, "round": round_no},
        fields=["paused_at"],
    )


@transaction.atomic
def supply(
    *,
    actor: Any,
    dossier: Dossier,
    components: list[ComponentInput],
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The supplement is complete: the processing time restarts from zero (Decree
    61/2018 art. 19.4) and the current step starts again."""
    now = _now(now)
    dossier = _lock(dossier)
    _can_act_for_applicant(actor, dossier)
    rules.check_version(dossier, expected_version)
    target = check_transition(dossier.status, Transition.SUPPLY)
    _save_components(
        dossier, components, dossier.procedure_version, supplement_round=_next_round(dossier) - 1
    )
    version = dossier.procedure_version
    amount, unit = _amount_unit(version)
    calendar = workdays.get_calendar()
    dossier.due_at = engine.restart_after_supplement(calendar, now, amount, unit)
    dossier.original_due_at = dossier.due_at
    dossier.calendar_revision = calendar.revision
    dossier.paused_at = None
    step = dossier.current_step
    _enter_step(dossier, step, now)
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.SUPPLY,
        from_status=from_status,
        now=now,
        data={"new_due_at": dossier.due_at},
        fields=["due_at", "original_due_at", "calendar_revision", "paused_at", *STEP_FIELDS],
    )


@transaction.atomic
def request_financial_obligation(
    *,
    actor: Any,
    dossier: Dossier,
    amount: int,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Ask the applicant to fulfil a financial obligation (tax, fee); the clock stops."""
    now = _now(now)
    if not isinstance(amount, int) or amount <= 0:
        raise DomainError(
            "amount_invalid",
            "Số tiền phải là số nguyên dương (đồng).",
            "The amount must be a positive whole number of VND.",
            field="amount",
        )
    dossier, target = _begin(
        actor, dossier, Transition.REQUEST_FINANCIAL_OBLIGATION, Action.PROCESS, expected_version
    )
    _require_agency(actor, dossier.processing_agency)
    from_status, dossier.status, dossier.paused_at = dossier.status, target, now
    dossier.fee_due += amount
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REQUEST_FINANCIAL_OBLIGATION,
        from_status=from_status,
        now=now,
        note=note,
        data={"amount": amount},
        fields=["paused_at", "fee_due"],
    )


@transaction.atomic
def fulfil_financial_obligation(
    *,
    actor: Any,
    dossier: Dossier,
    paid: int,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The obligation is paid: the due date moves by the working length of the pause."""
    now = _now(now)
    dossier, target = _begin(
        actor, dossier, Transition.FULFIL_FINANCIAL_OBLIGATION, Action.PROCESS, expected_version
    )
    _require_agency(actor, dossier.processing_agency)
    calendar = workdays.get_calendar()
    dossier.due_at = engine.apply_pause(calendar, dossier.due_at, dossier.paused_at, now)
    if dossier.step_due_at:
        dossier.step_due_at = engine.apply_pause(
            calendar, dossier.step_due_at, dossier.paused_at, now
        )
    dossier.paused_at = None
    dossier.fee_paid += max(int(paid), 0)
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.FULFIL_FINANCIAL_OBLIGATION,
        from_status=from_status,
        now=now,
        data={"paid": paid},
        fields=["due_at", "step_due_at", "paused_at", "fee_paid"],
    )


@transaction.atomic
def stop(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Stop processing (e.g. the applicant did not supplement in time)."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, target = _begin(actor, dossier, Transition.STOP, Action.APPROVE, expected_version)
    _require_agency(actor, dossier.processing_agency)
    from_status, dossier.status, dossier.finished_at = dossier.status, target, now
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.STOP,
        from_status=from_status,
        now=now,
        note=reason,
        fields=["finished_at"],
    )


@transaction.atomic
def withdraw(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (themselves online, or at the desk)."""
    now = _now(now)
    dossier = _lock(dossier)
    _can_act_for_applicant(actor, dossier)
    rules.check_version(dossier, expected_version)
    target = check_transition(dossier.status, Transition.WITHDRAW)
    from_status, dossier.status, dossier.finished_at = dossier.status, target, now
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.WITHDRAW,
        from_status=from_status,
        now=now,
        note=reason,
        fields=["finished_at"],
    )


@transaction.atomic
def refuse(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Refusal after appraisal (form 03), within the deadline."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, target = _begin(actor, dossier, Transition.REFUSE, Action.APPROVE, expected_version)
    _require_agency(actor, dossier.processing_agency)
    from_status, dossier.status = dossier.status, target
    dossier.outcome, dossier.finished_at = Outcome.REFUSED, now
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REFUSE,
        from_status=from_status,
        now=now,
        note=reason,
        data={"timeliness": engine.classify(now, dossier.due_at).value},
        fields=["outcome", "finished_at"],
    )


@transaction.atomic
def apologise_late(
    *,
    actor: Any,
    dossier: Dossier,
    new_due: datetime.datetime | datetime.date,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Form 04: apology and a single new appointment date, sent at least one working
    day before the due date (Decree 61/2018 art. 19)."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, _ = _begin(actor, dossier, Transition.APOLOGISE_LATE, Action.PROCESS, expected_version)
    _require_agency(actor, dossier.processing_agency)
    new = engine.extend(
        workdays.get_calendar(), dossier.due_at, new_due, now, already_extended=dossier.extended
    )
    old, dossier.due_at, dossier.extended = dossier.due_at, new, True
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.APOLOGISE_LATE,
        from_status=dossier.status,
        now=now,
        note=reason,
        data={"old_due_at": old, "new_due_at": new},
        fields=["due_at", "extended"],
    )


@transaction.atomic
def transfer(
    *,
    actor: Any,
    dossier: Dossier,
    agency: Agency,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Cross-level inter-agency: hand the dossier to a higher authority, which will
    return the result to the desk that received it."""
    now = _now(now)
    dossier, _ = _begin(actor, dossier, Transition.TRANSFER, Action.APPROVE, expected_version)
    _require_agency(actor, dossier.processing_agency)
    rules.check_same_province_higher(dossier.processing_agency, agency)
    rules.check_competent(dossier.procedure_version, agency)
    previous, dossier.processing_agency = dossier.processing_agency, agency
    steps = [s for s in _steps(dossier.procedure_version, agency) if s.role != DESK_ROLE]
    _enter_step(dossier, steps[0] if steps else None, now)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.TRANSFER,
        from_status=dossier.status,
        now=now,
        note=note,
        data={"from": previous.code, "to": agency.code},
        fields=["processing_agency", *STEP_FIELDS],
    )


@transaction.atomic
def complete_task(
    *,
    actor: Any,
    task: DossierTask,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> DossierTask:
    """A participating agency finishes its part of an inter-agency dossier."""
    now = _now(now)
    _require_agency(actor, task.agency)
    dossier = _lock(task.dossier)
    rules.check_version(dossier, expected_version)
    require(actor, Action.PROCESS, dossier)
    check_transition(dossier.status, Transition.COMPLETE_TASK)
    task = DossierTask.objects.select_for_update().get(pk=task.pk)
    if task.state == DossierTask.State.DONE:
        raise DomainError(
            "task_done", "Phần việc này đã hoàn thành.", "This task is already done.", status=409
        )
    task.state, task.done_at, task.result_note = DossierTask.State.DONE, now, note
    task.save(update_fields=["state", "done_at", "result_note"])
    _finish(
        dossier,
        actor=actor,
        transition=Transition.COMPLETE_TASK,
        from_status=dossier.status,
        now=now,
        note=note,
        data={"agency": task.agency.code, "late": now > task.due_at},
    )
    return task


@transaction.atomic
def record_result(
    *,
    actor: Any,
    dossier: Dossier,
    files: list[tuple[str, File]] | None = None,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The competent leader approves at the final step: the result is recorded with its
    files, the dossier is finished and classified early / on time / late."""
    now = _now(now)
    dossier, target = _begin(
        actor, dossier, Transition.RECORD_RESULT, Action.APPROVE, expected_version
    )
    _require_step_actor(actor, dossier)
    steps = _steps(dossier.procedure_version, dossier.processing_agency)
    if not _is_decision_step(dossier.current_step, steps):
        rules.check_final(dossier.current_step)
    rules.check_tasks_done(
        list(
            dossier.tasks.filter(state=DossierTask.State.OPEN, is_lead=False).select_related(
                "agency"
            )
        )
    )
    for index, (name, file) in enumerate(files or []):
        head = file.read(16)
        file.seek(0)
        content_type = rules.sniff_file(head, file.size or 0, field=f"files[{index}]")
        ResultFile.objects.create(
            dossier=dossier,
            name=name or file.name,
            file=file,
            content_type=content_type,
            uploaded_at=now,
        )
    from_status, dossier.status = dossier.status, target
    dossier.outcome, dossier.finished_at = Outcome.APPROVED, now
    DossierTask.objects.filter(dossier=dossier, is_lead=True).update(
        state=DossierTask.State.DONE, done_at=now
    )
    decided_at = dossier.current_step
    closing = [s for s in steps if decided_at and s.order > decided_at.order]
    _enter_step(dossier, closing[0] if closing else None, now)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.RECORD_RESULT,
        from_status=from_status,
        now=now,
        note=note,
        data={"timeliness": engine.classify(now, dossier.due_at).value},
        fields=["outcome", "finished_at", *STEP_FIELDS],
    )


@transaction.atomic
def return_result(
    *,
    actor: Any,
    dossier: Dossier,
    channel: str = Channel.COUNTER,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The receiving desk returns the result (at the counter, by post or online). An
    early return notifies the applicant in advance (outbox event)."""
    now = _now(now)
    if channel not in Channel.values:
        raise DomainError(
            "channel_invalid",
            "Kênh trả kết quả không hợp lệ.",
            "Invalid return channel.",
            field="channel",
        )
    dossier, target = _begin(
        actor, dossier, Transition.RETURN_RESULT, Action.RETURN_RESULT, expected_version
    )
    _reception_desk(actor, dossier)
    early = engine.classify(now, dossier.due_at) == engine.Timeliness.EARLY
    if early:
        outbox.emit(
            topic="dossier.early_return_notice",
            aggregate=dossier,
            payload={"code": dossier.code, "returned_at": now},
        )
    from_status, dossier.status = dossier.status, target
    dossier.returned_at, dossier.return_channel = now, channel
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.RETURN_RESULT,
        from_status=from_status,
        now=now,
        note=note,
        data={"channel": channel, "early": early},
        fields=["returned_at", "return_channel"],
    )


def open_dossier(*, actor: Any, code: str) -> Dossier | None:
    """The dossier page for ``actor`` (None outside their scope). Showing it reveals
    the applicant's ID number, so every opening is written to the audit log."""
    from egov.dossiers.queries import dossier_detail

    dossier = dossier_detail(actor, code)
    if dossier is not None and (dossier.applicant_id_number or dossier.applicant_tax_code):
        audit.record_personal_data_read(
            actor=actor,
            obj=dossier,
            agency_id=dossier.processing_agency_id,
            fields=["applicant_id_number", "applicant_tax_code", "applicant_birth_date"],
        )
    return dossier
