"""The one table of dossier actions (``ACTIONS``): for each lifecycle transition
(``lifecycle.Transition``), the service that performs it, its inputs, its label in
Vietnamese and English, who may take it at which step, whether it takes files and
whether it needs the dossier version.

Generated from it: the REST endpoints ``POST /api/v1/dossiers/<code>/actions/<name>``
(``egov.dossiers.api.actions``), the buttons of the workspace's dossier page and the
handling of their forms (``egov.dossiers.views.actions``). ``offers`` answers which
actions an actor may take now; it mirrors the checks of the services (access policy,
lifecycle table, workflow step, rules that depend on the dossier only), so that a
button is shown exactly when the service would accept valid input
(``tests/test_action_registry.py`` walks every state, step and demo role to prove it).
The services still check everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import get_language

from egov.core.errors import DomainError
from egov.core.permissions import DESK, Action, can
from egov.dossiers import rules
from egov.dossiers.action_inputs import (
    AGENCY,
    ASSIGNEE,
    CHANNEL,
    COMPONENT,
    COMPONENTS,
    FILES,
    MISSING,
    NEW_DUE,
    NOTE,
    REASON,
    SCAN,
    Call,
    Input,
    number,
    text,
    to_order,
)
from egov.dossiers.lifecycle import Transition, allowed_from
from egov.dossiers.models import DossierTask
from egov.workdays import engine
from egov.workdays import services as workdays

PROCESSING_ROLES = frozenset({"specialist", "department_head", "agency_leader"})
# The sub-actions of ``advance`` and the permission each needs (services.base).
STEP_ACTIONS = {"forward": Action.PROCESS, "approve": Action.APPROVE, "sign": Action.SIGN}


# ---------------------------------------------------------------- the situation


class Situation:
    """What ``offers`` needs to know about one actor and one dossier, read once."""

    def __init__(self, actor: Any, dossier: Any, components=None, tasks=None):
        from egov.dossiers.queries import workflow_steps

        self.actor, self.dossier = actor, dossier
        self.superuser = bool(getattr(actor, "is_superuser", False))
        officer = getattr(actor, "officer_or_none", None)
        self.agency_id = officer.agency_id if officer else None
        self.roles = frozenset(getattr(actor, "role_set", frozenset()))
        self.status = dossier.status
        self.allowed = frozenset(allowed_from(dossier.status))
        self.step = dossier.current_step
        self.steps = workflow_steps(dossier.procedure_version, dossier.processing_agency)
        self.components = list(dossier.components.all()) if components is None else list(components)
        self._tasks = tasks
        self._can: dict[Action, bool] = {}

    def can(self, action: Action) -> bool:
        if action not in self._can:
            self._can[action] = self.superuser or can(self.actor, action, self.dossier)
        return self._can[action]

    def at(self, agency_id: int) -> bool:
        return self.superuser or (self.agency_id is not None and self.agency_id == agency_id)

    @property
    def desk(self) -> bool:
        """An officer of the receiving desk (reception, forwarding, return)."""
        return self.at(self.dossier.receiving_agency_id) and self.can(Action.RECEIVE)

    @property
    def owner(self) -> bool:
        owner = self.dossier.applicant_user_id
        return bool(owner) and getattr(self.actor, "pk", None) == owner

    @property
    def for_applicant(self) -> bool:
        """The applicant, or the desk on their behalf (supplements, withdrawal, scans)."""
        return self.owner or self.desk

    @property
    def processing(self) -> bool:
        return self.at(self.dossier.processing_agency_id)

    @property
    def on_step(self) -> bool:
        """The processing agency's officer whose role the current step needs."""
        if not self.processing:
            return False
        return self.superuser or self.step is None or self.step.role in self.roles

    @property
    def step_actions(self) -> frozenset[str]:
        return frozenset(self.step.actions or []) if self.step else frozenset()

    @cached_property
    def decision(self) -> bool:
        return rules.is_decision_step(self.step, self.steps)

    @cached_property
    def tasks(self) -> list:
        if self._tasks is not None:
            return list(self._tasks)
        return list(self.dossier.tasks.select_related("agency"))

    @cached_property
    def consultations(self) -> list:
        return list(self.dossier.consultations.select_related("agency"))

    @cached_property
    def calendar(self):
        return workdays.get_calendar()


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Variant:
    """One button of an action: its hidden inputs and, if it differs, its label."""

    hidden: dict[str, Any] = field(default_factory=dict)
    label: tuple[str, str] | None = None
    help: str = ""


@dataclass(frozen=True)
class ActionDef:
    name: str  # the transition; the API's URL segment is this with "-" for "_"
    label: tuple[str, str]  # Vietnamese, English
    service: Callable[[Call], Any]
    may: Callable[[Situation], bool]  # who may take it, at which state and step
    inputs: tuple[Input, ...] = ()
    who: str = ""  # documentation: who takes it, at which step
    help: tuple[str, str] = ("", "")
    style: str = ""  # "primary", "danger"
    files: bool = False  # takes uploaded files
    requires_version: bool = True  # 428 without If-Match / version
    form: str = ""  # printed form that follows (01-05)
    variants: Callable[[Situation], list[Variant]] = lambda s: [Variant()]

    @property
    def transition(self) -> Transition:
        return Transition(self.name)

    @property
    def segment(self) -> str:
        return self.name.replace("_", "-")

    def summary(self) -> str:
        return f"{self.label[0]} / {self.label[1]}"

    def label_for(self, variant: Variant | None = None) -> str:
        return _pick((variant.label if variant and variant.label else None) or self.label)


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if (get_language() or "vi").startswith("en") else pair[0]


def _in(s: Situation, name: str) -> bool:
    return name in s.allowed


def _assignees(s: Situation) -> list[tuple[str, str]]:
    from egov.directory.models import User

    users = User.objects.filter(officer__agency_id=s.dossier.processing_agency_id, is_active=True)
    if s.step is not None:
        users = users.filter(officer__roles__role=s.step.role)
    return [(u.username, str(u)) for u in users.distinct().order_by("full_name", "username")[:200]]


def _province(s: Situation):
    from egov.directory.models import Agency

    root = s.dossier.processing_agency.root_id
    return Agency.objects.in_force().filter(path__startswith=f"/{root}/").select_related("tier")


def _other_agencies(s: Situation) -> list[tuple[str, str]]:
    qs = _province(s).exclude(pk=s.dossier.processing_agency_id).exclude(tier__code="commune")
    return [(a.code, a.name) for a in qs.order_by("path")[:300]]


def _higher_agencies(s: Situation) -> list[tuple[str, str]]:
    """Higher authorities of the province competent for the procedure (services.transfer)."""
    rank = s.dossier.processing_agency.tier.rank
    out = []
    for agency in _province(s).filter(tier__rank__lt=rank).order_by("path")[:100]:
        try:
            rules.check_competent(s.dossier.procedure_version, agency)
        except DomainError:
            continue
        out.append((agency.code, agency.name))
    return out


def _earlier_steps(s: Situation) -> list[tuple[int, str]]:
    if s.step is None:
        return []
    return [
        (st.order, f"{st.order}. {st.name}")
        for st in s.steps
        if st.order < s.step.order and st.role != DESK
    ]


def _lines(s: Situation) -> list[tuple[int, str]]:
    return [(line.pk, line.name) for line in s.components]


def _within(check: Callable[[], Any]) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def _supplement_in_time(s: Situation) -> bool:
    d = s.dossier
    return _within(
        lambda: engine.check_supplement_request(
            s.calendar, d.processing_received_at or d.received_at, engine_now()
        )
    )


def _may_apologise(s: Situation) -> bool:
    d = s.dossier
    if d.extended or not d.due_at:
        return False
    return _within(
        lambda: engine.extend(
            s.calendar, d.due_at, suggested_due(s), engine_now(), already_extended=False
        )
    )


def suggested_due(s: Situation):
    """A new appointment two working days after the current one (form 04's default)."""
    return engine.add(s.calendar, s.dossier.due_at, 16, engine.Unit.WORKING_HOURS)


def engine_now():
    from django.utils import timezone

    return timezone.now()


def _open_tasks(s: Situation) -> list:
    return [
        t
        for t in s.tasks
        if t.state == DossierTask.State.OPEN and not t.is_lead and s.at(t.agency_id)
    ]


def _open_consultations(s: Situation) -> list:
    return [c for c in s.consultations if c.answered_at is None and s.at(c.agency_id)]


def _step_variants(s: Situation) -> list[Variant]:
    labels = {
        "forward": ("Chuyển bước tiếp", "Forward to the next step"),
        "approve": ("Phê duyệt", "Approve"),
        "sign": ("Ký duyệt", "Sign"),
    }
    wanted = ["forward"] if s.step is None else [a for a in labels if a in s.step_actions]
    return [Variant({"action": a}, labels[a]) for a in wanted if s.can(STEP_ACTIONS[a])]


def _may_advance(s: Situation) -> bool:
    return _in(s, "advance") and s.on_step and not s.decision and bool(_step_variants(s))


def _processing(s: Situation, action: Action) -> bool:
    return s.processing and s.can(action)


def _processing_officer(s: Situation) -> bool:
    return s.superuser or bool(s.roles & PROCESSING_ROLES)


def _task_variants(s: Situation) -> list[Variant]:
    return [Variant({"task": t.pk}, help=f"{t.task} ({t.agency.name})") for t in _open_tasks(s)]


def _consultation_variants(s: Situation) -> list[Variant]:
    return [Variant({"consultation": c.pk}, help=c.question) for c in _open_consultations(s)]


def _tasks_done(s: Situation) -> bool:
    return not [t for t in s.tasks if t.state == DossierTask.State.OPEN and not t.is_lead]


ACTIONS: dict[str, ActionDef] = {
    a.name: a
    for a in [
        ActionDef(
            "accept",
            ("Đủ - tiếp nhận", "Complete - receive"),
            lambda c: c.service(components=c.components()),
            lambda s: _in(s, "accept") and s.desk,
            (dataclasses.replace(COMPONENTS, api_only=True),),
            who="receiving desk; an online dossier found complete",
            help=("In mẫu 01.", "Print form 01."),
            style="primary",
            files=True,
            form="01",
        ),
        ActionDef(
            "request_reception_supplement",
            ("Thiếu - yêu cầu bổ sung", "Incomplete - ask for a supplement"),
            lambda c: c.service(missing=c.data["missing"], note=c.data["note"]),
            lambda s: _in(s, "request_reception_supplement") and s.desk,
            (MISSING, NOTE),
            who="receiving desk",
            help=("Liệt kê đầy đủ một lần; in mẫu 02.", "List everything at once; form 02."),
            form="02",
        ),
        ActionDef(
            "supply_at_reception",
            ("Nhận thành phần bổ sung", "Receive the missing items"),
            lambda c: c.service(components=c.components()),
            lambda s: _in(s, "supply_at_reception") and s.for_applicant,
            (COMPONENTS,),
            who="the applicant, or the receiving desk for them",
            style="primary",
            files=True,
        ),
        ActionDef(
            "refuse_at_reception",
            ("Từ chối tiếp nhận", "Refuse at reception"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: _in(s, "refuse_at_reception") and s.desk,
            (REASON,),
            who="receiving desk",
            help=("In mẫu 03.", "Print form 03."),
            style="danger",
            form="03",
        ),
        ActionDef(
            "forward",
            ("Chuyển xử lý", "Forward for processing"),
            lambda c: c.service(),
            lambda s: _in(s, "forward") and s.desk,
            who="receiving desk",
            help=("Chuyển hồ sơ đến cơ quan giải quyết.", "Hand over to the deciding agency."),
            style="primary",
        ),
        ActionDef(
            "assign",
            ("Phân công", "Assign"),
            lambda c: c.service(assignee=c.user(c.data["assignee"])),
            lambda s: _in(s, "assign") and _processing(s, Action.PROCESS) and bool(_assignees(s)),
            (ASSIGNEE.with_choices(_assignees),),
            who="processing agency (specialist, head, leader); an officer with the step's role",
        ),
        ActionDef(
            "advance",
            ("Chuyển bước tiếp", "Next step"),
            lambda c: c.service(action=c.data["action"], note=c.data["note"]),
            _may_advance,
            (text("action", "Thao tác", hidden=True, choices=list(STEP_ACTIONS)), NOTE),
            who="the step's role; forward / approve / sign as the step allows; not at the "
            "decision step",
            style="primary",
            variants=_step_variants,
        ),
        ActionDef(
            "send_back",
            ("Trả lại bước trước", "Send back"),
            lambda c: c.service(to_order=c.data["to_order"], reason=c.data["reason"]),
            lambda s: (
                _in(s, "send_back")
                and s.on_step
                and "send_back" in s.step_actions
                and s.can(Action.PROCESS)
                and bool(_earlier_steps(s))
            ),
            (to_order(_earlier_steps), REASON),
            who="the step's role, when the step allows it",
        ),
        ActionDef(
            "consult",
            ("Xin ý kiến cơ quan khác", "Consult another agency"),
            lambda c: c.service(
                agency=c.agency(c.data["agency"]),
                question=c.data["question"],
                hours=c.data["hours"],
            ),
            lambda s: (
                _in(s, "consult")
                and s.on_step
                and "consult" in s.step_actions
                and s.can(Action.PROCESS)
                and bool(_other_agencies(s))
            ),
            (
                AGENCY.with_choices(_other_agencies),
                text("question", "Nội dung", "textarea", required=True, max_length=5000),
                number("hours", "Thời hạn (giờ làm việc)", initial=24, minimum=1, maximum=2000),
            ),
            who="the step's role, when the step allows it",
        ),
        ActionDef(
            "answer_consultation",
            ("Trả lời xin ý kiến", "Answer the consultation"),
            lambda c: c.services.answer_consultation(
                actor=c.actor,
                consultation=c.consultation(c.data["consultation"]),
                answer=c.data["answer"],
                expected_version=c.version,
            ),
            lambda s: (
                _in(s, "answer_consultation")
                and _processing_officer(s)
                and bool(_open_consultations(s))
            ),
            (
                number("consultation", "Xin ý kiến", hidden=True, required=True),
                text("answer", "Ý kiến", "textarea", required=True, max_length=5000),
            ),
            who="an officer (specialist, head, leader) of the consulted agency",
            style="primary",
            variants=_consultation_variants,
        ),
        ActionDef(
            "request_supplement",
            ("Yêu cầu bổ sung", "Request a supplement"),
            lambda c: c.service(missing=c.data["missing"], reason=c.data["reason"]),
            lambda s: (
                _in(s, "request_supplement")
                and _processing(s, Action.PROCESS)
                and _supplement_in_time(s)
            ),
            (MISSING, REASON),
            who="processing agency, within 3 working days of receiving the dossier",
            help=(
                "Trong 3 ngày làm việc kể từ khi nhận hồ sơ; in mẫu 02.",
                "Within 3 working days of receipt; form 02.",
            ),
            form="02",
        ),
        ActionDef(
            "supply",
            ("Nhận hồ sơ bổ sung", "Receive the supplement"),
            lambda c: c.service(components=c.components()),
            lambda s: _in(s, "supply") and s.for_applicant,
            (COMPONENTS,),
            who="the applicant, or the receiving desk for them",
            help=("Thời hạn giải quyết được tính lại từ đầu.", "The processing time restarts."),
            style="primary",
            files=True,
        ),
        ActionDef(
            "request_financial_obligation",
            ("Yêu cầu nghĩa vụ tài chính", "Request a financial obligation"),
            lambda c: c.service(amount=c.data["amount"], note=c.data["note"]),
            lambda s: _in(s, "request_financial_obligation") and _processing(s, Action.PROCESS),
            (number("amount", "Số tiền (đồng)", required=True), NOTE),
            who="processing agency",
        ),
        ActionDef(
            "fulfil_financial_obligation",
            ("Đã thực hiện nghĩa vụ tài chính", "Financial obligation fulfilled"),
            lambda c: c.service(paid=c.data["paid"]),
            lambda s: _in(s, "fulfil_financial_obligation") and _processing(s, Action.PROCESS),
            (number("paid", "Số tiền đã nộp (đồng)", required=True, minimum=0),),
            who="processing agency",
            style="primary",
        ),
        ActionDef(
            "stop",
            ("Dừng xử lý", "Stop processing"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: _in(s, "stop") and _processing(s, Action.APPROVE),
            (REASON,),
            who="processing agency (head, leader)",
            help=("Gửi thông báo dừng giải quyết.", "The applicant is notified."),
            style="danger",
        ),
        ActionDef(
            "withdraw",
            ("Công dân rút hồ sơ", "Withdrawn by the applicant"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: _in(s, "withdraw") and s.for_applicant,
            (REASON.optional(),),
            who="the applicant, or the receiving desk for them",
            style="danger",
        ),
        ActionDef(
            "refuse",
            ("Từ chối giải quyết", "Refuse after appraisal"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: _in(s, "refuse") and _processing(s, Action.APPROVE),
            (REASON,),
            who="processing agency (head, leader)",
            help=("In mẫu 03.", "Print form 03."),
            style="danger",
            form="03",
        ),
        ActionDef(
            "apologise_late",
            ("Xin lỗi, hẹn lại ngày trả", "Apologise, new appointment"),
            lambda c: c.service(new_due=c.data["new_due"], reason=c.data["reason"]),
            lambda s: (
                _in(s, "apologise_late") and _processing(s, Action.PROCESS) and _may_apologise(s)
            ),
            (NEW_DUE.with_initial(suggested_due), REASON),
            who="processing agency, once, at least 1 working day before the due date",
            help=(
                "Chỉ được hẹn lại một lần, trước hạn ít nhất 1 ngày làm việc; in mẫu 04.",
                "Once only, at least 1 working day before the due date; form 04.",
            ),
            form="04",
        ),
        ActionDef(
            "transfer",
            ("Chuyển liên thông lên cấp trên", "Transfer to a higher authority"),
            lambda c: c.service(agency=c.agency(c.data["agency"]), note=c.data["note"]),
            lambda s: (
                _in(s, "transfer") and _processing(s, Action.APPROVE) and bool(_higher_agencies(s))
            ),
            (AGENCY.with_choices(_higher_agencies, label="Cơ quan cấp trên"), NOTE),
            who="processing agency (head, leader); a competent higher authority",
        ),
        ActionDef(
            "complete_task",
            ("Hoàn thành phần việc liên thông", "Inter-agency task done"),
            lambda c: c.services.complete_task(
                actor=c.actor,
                task=c.task(c.data["task"]),
                note=c.data["note"],
                expected_version=c.version,
            ),
            lambda s: _in(s, "complete_task") and s.can(Action.PROCESS) and bool(_open_tasks(s)),
            (number("task", "Phần việc", hidden=True, required=True), NOTE),
            who="an officer (specialist, head, leader) of a participating agency",
            style="primary",
            variants=_task_variants,
        ),
        ActionDef(
            "record_result",
            ("Phê duyệt, ghi nhận kết quả", "Approve, record the result"),
            lambda c: c.service(files=c.result_files(), note=c.data["note"]),
            lambda s: (
                _in(s, "record_result")
                and s.on_step
                and s.decision
                and s.can(Action.APPROVE)
                and _tasks_done(s)
            ),
            (FILES, NOTE, text("names", "Tên tệp", api_only=True, many=True)),
            who="the decision step's role (head, leader), every participant's task done",
            help=(
                "Tệp kết quả đã ký (PDF, PNG, JPEG); hồ sơ chuyển sang chờ trả kết quả.",
                "The signed result files; the dossier then waits for return.",
            ),
            style="primary",
            files=True,
        ),
        ActionDef(
            "attach_file",
            ("Đính kèm tệp quét", "Attach a scan"),
            lambda c: c.service(component_id=c.data["component"], file=c.files.get("file")),
            lambda s: _in(s, "attach_file") and s.for_applicant and bool(s.components),
            (COMPONENT.with_choices(_lines), SCAN),
            who="the applicant, or the receiving desk for them; any open state",
            help=(
                "Tệp được kiểm tra theo nội dung; tệp cũ (nếu có) được thay.",
                "Checked by its content; replaces the earlier scan.",
            ),
            files=True,
        ),
        ActionDef(
            "return_result",
            ("Trả kết quả", "Return the result"),
            lambda c: c.service(channel=c.data["channel"], note=c.data["note"]),
            lambda s: _in(s, "return_result") and s.desk and s.can(Action.RETURN_RESULT),
            (CHANNEL, NOTE),
            who="receiving desk",
            help=(
                "Trả sớm hơn hẹn: người nộp được báo trước.",
                "Early return: the applicant is told in advance.",
            ),
            style="primary",
        ),
    ]
}


# ---------------------------------------------------------------- offers


@dataclass
class Offer:
    """One button (with its form) of the dossier page."""

    action: ActionDef
    variant: Variant
    fields: list[dict[str, Any]]

    @property
    def key(self) -> str:
        return self.action.name

    @property
    def label(self) -> str:
        return self.action.label_for(self.variant)

    @property
    def hidden(self) -> dict[str, Any]:
        return self.variant.hidden

    @property
    def style(self) -> str:
        return self.action.style

    @property
    def help(self) -> str:
        return self.variant.help or _pick(self.action.help)

    @property
    def form_id(self) -> str:
        suffix = "-".join(str(v) for v in self.hidden.values())
        return f"act-{self.key}" + (f"-{suffix}" if suffix else "")


ORDER = [
    # Most common first: the step's own moves, then the rest, the refusals last.
    "accept",
    "supply_at_reception",
    "forward",
    "supply",
    "advance",
    "record_result",
    "return_result",
    "complete_task",
    "answer_consultation",
    "fulfil_financial_obligation",
    "request_reception_supplement",
    "assign",
    "send_back",
    "consult",
    "request_supplement",
    "request_financial_obligation",
    "apologise_late",
    "transfer",
    "attach_file",
    "refuse_at_reception",
    "refuse",
    "stop",
    "withdraw",
]
assert sorted(ORDER) == sorted(ACTIONS) == sorted(t.value for t in Transition)


def offers(actor: Any, dossier: Any, components=None, tasks=None) -> list[Offer]:
    """The buttons ``actor`` gets on ``dossier`` now, most common first."""
    s = Situation(actor, dossier, components, tasks)
    out = []
    for name in ORDER:
        action = ACTIONS[name]
        if not action.may(s):
            continue
        for variant in action.variants(s):
            fields = [i.form_field(s) for i in action.inputs if not i.hidden and not i.api_only]
            out.append(Offer(action, variant, fields))
    return out


def offered_names(actor: Any, dossier: Any) -> list[str]:
    """The transitions ``actor`` may take now (the API's ``allowed_actions`` for them)."""
    return sorted({o.key for o in offers(actor, dossier)})


def missing_components(dossier, components) -> list:
    """The procedure's components asked for in the last supplement request."""
    rounds = [c.supplement_round for c in components if not c.provided]
    if not rounds:
        return []
    last = max(rounds)
    ids = {c.component_id for c in components if not c.provided and c.supplement_round == last}
    return [c for c in dossier.procedure_version.components.all() if c.pk in ids]
