"""Processing: forwarding, assignment, the internal workflow, consultations,
supplements, financial obligations, inter-agency parts (Decree 61/2018 arts. 17-19)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from egov.core.errors import DomainError, NotPermitted
from egov.core.permissions import Action, require
from egov.directory.models import Agency
from egov.dossiers import rules
from egov.dossiers.lifecycle import Transition, check_transition
from egov.dossiers.models import (
    Channel,
    Consultation,
    Dossier,
    DossierTask,
)
from egov.dossiers.services.base import (
    _STEP_ACTION_POLICY,
    DESK_ROLE,
    STEP_FIELDS,
    ComponentInput,
    _amount_unit,
    _begin,
    _can_act_for_applicant,
    _check_supplement_allowed,
    _enter_step,
    _finish,
    _is_decision_step,
    _lock,
    _missing_rows,
    _next_round,
    _now,
    _reception_desk,
    _require_agency,
    _require_step_actor,
    _save_components,
    _steps,
)
from egov.workdays import engine
from egov.workdays import services as workdays


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
    _check_supplement_allowed(dossier)
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
