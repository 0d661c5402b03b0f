"""Who may take which dossier action now (``egov.dossiers.actions``): the situation of
one actor before one dossier, and one small check per condition the services apply
(access policy, lifecycle table, workflow step, the rules that depend on the dossier
only), plus the choices the action forms offer (assignees, agencies, earlier steps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from egov.core.errors import DomainError
from egov.core.permissions import DESK, Action, can
from egov.dossiers import rules
from egov.dossiers.lifecycle import allowed_from
from egov.dossiers.models import DossierTask
from egov.dossiers.services.base import supplement_requests
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
    def fee_on_return(self) -> int:
        """What the desk collects when it returns the result (one query when owed)."""
        from egov.payments.services import on_return

        return on_return(self.dossier)

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


@dataclass(frozen=True)
class Variant:
    """One button of an action: its hidden inputs and, if it differs, its label."""

    hidden: dict[str, Any] = field(default_factory=dict)
    label: tuple[str, str] | None = None
    help: str = ""
    # Inputs of the action this button does not use (not shown on its form).
    omit: tuple[str, ...] = ()


def allows(s: Situation, name: str) -> bool:
    return name in s.allowed


def assignees(s: Situation) -> list[tuple[str, str]]:
    from egov.directory.models import User

    users = User.objects.filter(officer__agency_id=s.dossier.processing_agency_id, is_active=True)
    if s.step is not None:
        users = users.filter(officer__roles__role=s.step.role)
    return [(u.username, str(u)) for u in users.distinct().order_by("full_name", "username")[:200]]


def _province(s: Situation):
    from egov.directory.models import Agency

    root = s.dossier.processing_agency.root_id
    return Agency.objects.in_force().filter(path__startswith=f"/{root}/").select_related("tier")


def other_agencies(s: Situation) -> list[tuple[str, str]]:
    qs = _province(s).exclude(pk=s.dossier.processing_agency_id).exclude(tier__code="commune")
    return [(a.code, a.name) for a in qs.order_by("path")[:300]]


def higher_agencies(s: Situation) -> list[tuple[str, str]]:
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


def earlier_steps(s: Situation) -> list[tuple[int, str]]:
    if s.step is None:
        return []
    return [
        (st.order, f"{st.order}. {st.name}")
        for st in s.steps
        if st.order < s.step.order and st.role != DESK
    ]


def lines(s: Situation) -> list[tuple[int, str]]:
    return [(line.pk, line.name) for line in s.components]


def _within(check: Callable[[], Any]) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def supplement_allowed(s: Situation) -> bool:
    """No supplement was requested yet (Decree 118/2025 art. 11: only once)."""
    return _within(lambda: rules.check_supplement_request_allowed(supplement_requests(s.dossier)))


def supplement_in_time(s: Situation) -> bool:
    d = s.dossier
    return _within(
        lambda: engine.check_supplement_request(
            s.calendar, d.processing_received_at or d.received_at, engine_now()
        )
    )


def may_apologise(s: Situation) -> bool:
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
    return timezone.now()


def open_tasks(s: Situation) -> list:
    return [
        t
        for t in s.tasks
        if t.state == DossierTask.State.OPEN and not t.is_lead and s.at(t.agency_id)
    ]


def open_consultations(s: Situation) -> list:
    return [c for c in s.consultations if c.answered_at is None and s.at(c.agency_id)]


def step_variants(s: Situation) -> list[Variant]:
    labels = {
        "forward": ("Chuyển bước tiếp", "Forward to the next step"),
        "approve": ("Phê duyệt", "Approve"),
        "sign": ("Ký duyệt", "Sign"),
    }
    wanted = ["forward"] if s.step is None else [a for a in labels if a in s.step_actions]
    # Only "Ký duyệt" signs the result digitally: the passphrase is asked there alone.
    return [
        Variant({"action": a}, labels[a], omit=() if a == "sign" else ("passphrase",))
        for a in wanted
        if s.can(STEP_ACTIONS[a])
    ]


def may_advance(s: Situation) -> bool:
    return allows(s, "advance") and s.on_step and not s.decision and bool(step_variants(s))


def processing(s: Situation, action: Action) -> bool:
    return s.processing and s.can(action)


def processing_officer(s: Situation) -> bool:
    return s.superuser or bool(s.roles & PROCESSING_ROLES)


def task_variants(s: Situation) -> list[Variant]:
    return [Variant({"task": t.pk}, help=f"{t.task} ({t.agency.name})") for t in open_tasks(s)]


def consultation_variants(s: Situation) -> list[Variant]:
    return [Variant({"consultation": c.pk}, help=c.question) for c in open_consultations(s)]


def tasks_done(s: Situation) -> bool:
    return not [t for t in s.tasks if t.state == DossierTask.State.OPEN and not t.is_lead]


def processes(s: Situation) -> bool:
    """An officer of the processing agency who may process (specialist, head, leader)."""
    return processing(s, Action.PROCESS)


def approves(s: Situation) -> bool:
    """An officer of the processing agency who may approve (head, leader)."""
    return processing(s, Action.APPROVE)


# ---------------------------------------------------------------- fees


def fees_owed(s: Situation) -> int:
    from egov.payments.services import outstanding

    return outstanding(s.dossier)


def may_collect(s: Situation) -> bool:
    """The desk that received the dossier records fees while some are owed."""
    return (
        allows(s, "record_payment")
        and s.at(s.dossier.receiving_agency_id)
        and s.can(Action.RETURN_RESULT)
        and fees_owed(s) > 0
    )


def may_return(s: Situation) -> bool:
    """The desk returns the result once nothing is owed but what it collects on return
    (``payments.services.due_before_return``)."""
    from egov.payments.services import due_before_return

    return (
        allows(s, "return_result")
        and s.desk
        and s.can(Action.RETURN_RESULT)
        and due_before_return(s.dossier, s.fee_on_return) <= 0
    )


def fee_methods_on_return(s: Situation) -> list[tuple[str, str]]:
    """How the fee collected on return is paid; none to choose when nothing is."""
    from egov.payments.models import Method

    if s.fee_on_return <= 0:
        return []
    return [(m.value, m.label) for m in (Method.CASH, Method.TRANSFER)]


def return_variants(s: Situation) -> list[Variant]:
    from egov.payments.rules import money

    amount = s.fee_on_return
    if amount <= 0:
        return [Variant()]
    return [
        Variant(
            help=gettext("Thu khi trả kết quả: %(amount)s (in biên lai).")
            % {"amount": money(amount)}
        )
    ]
