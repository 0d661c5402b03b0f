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
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from egov.core.permissions import Action
from egov.dossiers import action_checks as ck
from egov.dossiers.action_checks import STEP_ACTIONS, Situation, Variant, suggested_due
from egov.dossiers.action_inputs import (
    AGENCY,
    ASSIGNEE,
    CHANNEL,
    COMPONENT,
    COMPONENTS,
    FEE_METHOD,
    FILES,
    MISSING,
    NEW_DUE,
    NOTE,
    PASSPHRASE,
    PAY_METHOD,
    REASON,
    SCAN,
    Call,
    Input,
    number,
    text,
    to_order,
)
from egov.dossiers.lifecycle import Transition

# ---------------------------------------------------------------- the table


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


def _payments():
    from egov.payments import services

    return services


def _signing():
    from egov.signing import services

    return services


def _signed(c: Call) -> Any:
    """The result rendered and signed digitally (egov.signing), then the step's own
    service, in one transaction."""
    return _signing().sign_result(
        actor=c.actor,
        dossier=c.dossier,
        passphrase=c.data["passphrase"],
        note=c.data["note"],
        expected_version=c.version,
    )


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if (get_language() or "vi").startswith("en") else pair[0]


ACTIONS: dict[str, ActionDef] = {
    a.name: a
    for a in [
        ActionDef(
            "accept",
            ("Đủ - tiếp nhận", "Complete - receive"),
            lambda c: c.service(components=c.components()),
            lambda s: ck.allows(s, "accept") and s.desk,
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
            lambda s: (
                ck.allows(s, "request_reception_supplement") and s.desk and ck.supplement_allowed(s)
            ),
            (MISSING, NOTE),
            who="receiving desk",
            help=("Liệt kê đầy đủ một lần; in mẫu 02.", "List everything at once; form 02."),
            form="02",
        ),
        ActionDef(
            "supply_at_reception",
            ("Nhận thành phần bổ sung", "Receive the missing items"),
            lambda c: c.service(components=c.components()),
            lambda s: ck.allows(s, "supply_at_reception") and s.for_applicant,
            (COMPONENTS,),
            who="the applicant, or the receiving desk for them",
            style="primary",
            files=True,
        ),
        ActionDef(
            "refuse_at_reception",
            ("Từ chối tiếp nhận", "Refuse at reception"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: ck.allows(s, "refuse_at_reception") and s.desk,
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
            lambda s: ck.allows(s, "forward") and s.desk,
            who="receiving desk",
            help=("Chuyển hồ sơ đến cơ quan giải quyết.", "Hand over to the deciding agency."),
            style="primary",
        ),
        ActionDef(
            "assign",
            ("Phân công", "Assign"),
            lambda c: c.service(assignee=c.user(c.data["assignee"])),
            lambda s: ck.allows(s, "assign") and ck.processes(s) and bool(ck.assignees(s)),
            (ASSIGNEE.with_choices(ck.assignees),),
            who="processing agency (specialist, head, leader); an officer with the step's role",
        ),
        ActionDef(
            "advance",
            ("Chuyển bước tiếp", "Next step"),
            lambda c: (
                _signed(c)
                if c.data["action"] == "sign" and c.data.get("passphrase")
                else c.service(action=c.data["action"], note=c.data["note"])
            ),
            ck.may_advance,
            (
                text("action", "Thao tác", hidden=True, choices=list(STEP_ACTIONS)),
                NOTE,
                PASSPHRASE,
            ),
            who="the step's role; forward / approve / sign as the step allows; not at the "
            "decision step",
            style="primary",
            variants=ck.step_variants,
        ),
        ActionDef(
            "send_back",
            ("Trả lại bước trước", "Send back"),
            lambda c: c.service(to_order=c.data["to_order"], reason=c.data["reason"]),
            lambda s: (
                ck.allows(s, "send_back")
                and s.on_step
                and "send_back" in s.step_actions
                and s.can(Action.PROCESS)
                and bool(ck.earlier_steps(s))
            ),
            (to_order(ck.earlier_steps), REASON),
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
                ck.allows(s, "consult")
                and s.on_step
                and "consult" in s.step_actions
                and s.can(Action.PROCESS)
                and bool(ck.other_agencies(s))
            ),
            (
                AGENCY.with_choices(ck.other_agencies),
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
                ck.allows(s, "answer_consultation")
                and ck.processing_officer(s)
                and bool(ck.open_consultations(s))
            ),
            (
                number("consultation", "Xin ý kiến", hidden=True, required=True),
                text("answer", "Ý kiến", "textarea", required=True, max_length=5000),
            ),
            who="an officer (specialist, head, leader) of the consulted agency",
            style="primary",
            variants=ck.consultation_variants,
        ),
        ActionDef(
            "request_supplement",
            ("Yêu cầu bổ sung", "Request a supplement"),
            lambda c: c.service(missing=c.data["missing"], reason=c.data["reason"]),
            lambda s: (
                ck.allows(s, "request_supplement")
                and ck.processes(s)
                and ck.supplement_in_time(s)
                and ck.supplement_allowed(s)
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
            lambda s: ck.allows(s, "supply") and s.for_applicant,
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
            lambda s: ck.allows(s, "request_financial_obligation") and ck.processes(s),
            (number("amount", "Số tiền (đồng)", required=True), NOTE),
            who="processing agency",
        ),
        ActionDef(
            "fulfil_financial_obligation",
            ("Đã thực hiện nghĩa vụ tài chính", "Financial obligation fulfilled"),
            lambda c: c.service(paid=c.data["paid"]),
            lambda s: ck.allows(s, "fulfil_financial_obligation") and ck.processes(s),
            (number("paid", "Số tiền đã nộp (đồng)", required=True, minimum=0),),
            who="processing agency",
            style="primary",
        ),
        ActionDef(
            "stop",
            ("Dừng xử lý", "Stop processing"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: ck.allows(s, "stop") and ck.approves(s),
            (REASON,),
            who="processing agency (head, leader)",
            help=("Gửi thông báo dừng giải quyết.", "The applicant is notified."),
            style="danger",
        ),
        ActionDef(
            "withdraw",
            ("Công dân rút hồ sơ", "Withdrawn by the applicant"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: ck.allows(s, "withdraw") and s.for_applicant,
            (REASON.optional(),),
            who="the applicant, or the receiving desk for them",
            style="danger",
        ),
        ActionDef(
            "refuse",
            ("Từ chối giải quyết", "Refuse after appraisal"),
            lambda c: c.service(reason=c.data["reason"]),
            lambda s: ck.allows(s, "refuse") and ck.approves(s),
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
            lambda s: ck.allows(s, "apologise_late") and ck.processes(s) and ck.may_apologise(s),
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
            lambda s: ck.allows(s, "transfer") and ck.approves(s) and bool(ck.higher_agencies(s)),
            (AGENCY.with_choices(ck.higher_agencies, label="Cơ quan cấp trên"), NOTE),
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
            lambda s: (
                ck.allows(s, "complete_task") and s.can(Action.PROCESS) and bool(ck.open_tasks(s))
            ),
            (number("task", "Phần việc", hidden=True, required=True), NOTE),
            who="an officer (specialist, head, leader) of a participating agency",
            style="primary",
            variants=ck.task_variants,
        ),
        ActionDef(
            "record_result",
            ("Phê duyệt, ghi nhận kết quả", "Approve, record the result"),
            lambda c: (
                _signed(c)
                if c.data.get("passphrase")
                else c.service(files=c.result_files(), note=c.data["note"])
            ),
            lambda s: (
                ck.allows(s, "record_result")
                and s.on_step
                and s.decision
                and s.can(Action.APPROVE)
                and ck.tasks_done(s)
            ),
            (FILES, PASSPHRASE, NOTE, text("names", "Tên tệp", api_only=True, many=True)),
            who="the decision step's role (head, leader), every participant's task done",
            help=(
                "Tệp kết quả đã ký (PDF, PNG, JPEG), hoặc mật khẩu chứng thư số để hệ thống "
                "lập và ký số kết quả; hồ sơ chuyển sang chờ trả kết quả.",
                "The signed result files, or the certificate's passphrase to have the result "
                "made and signed digitally; the dossier then waits for return.",
            ),
            style="primary",
            files=True,
        ),
        ActionDef(
            "attach_file",
            ("Đính kèm tệp quét", "Attach a scan"),
            lambda c: c.service(component_id=c.data["component"], file=c.files.get("file")),
            lambda s: ck.allows(s, "attach_file") and s.for_applicant and bool(s.components),
            (COMPONENT.with_choices(ck.lines), SCAN),
            who="the applicant, or the receiving desk for them; any open state",
            help=(
                "Tệp được kiểm tra theo nội dung; tệp cũ (nếu có) được thay.",
                "Checked by its content; replaces the earlier scan.",
            ),
            files=True,
        ),
        ActionDef(
            "record_payment",
            ("Thu phí, lệ phí", "Record the fee payment"),
            lambda c: _payments().record_payment(
                actor=c.actor,
                dossier=c.dossier,
                method=c.data["method"],
                amount=c.data.get("amount"),
                reference=c.data["reference"],
                exemption_reason=c.data["exemption_reason"],
                payer_name=c.data["payer_name"],
                expected_version=c.version,
            ),
            ck.may_collect,
            (
                PAY_METHOD,
                dataclasses.replace(
                    number("amount", "Số tiền (đồng)", minimum=1), initial=ck.fees_owed
                ),
                text("payer_name", "Người nộp tiền", max_length=255),
                text("reference", "Số giao dịch chuyển khoản", max_length=100),
                text("exemption_reason", "Lý do (căn cứ) miễn nộp", "textarea", max_length=1000),
            ),
            who="receiving desk, while fees are owed; before the result is returned",
            help=(
                "Số tiền mặc định là số còn phải nộp; miễn nộp cần ghi lý do. In biên lai.",
                "The amount defaults to what is owed; an exemption needs its reason. "
                "Prints the receipt.",
            ),
            style="primary",
        ),
        ActionDef(
            "return_result",
            ("Trả kết quả", "Return the result"),
            lambda c: c.service(
                channel=c.data["channel"], note=c.data["note"], fee_method=c.data["fee_method"]
            ),
            ck.may_return,
            (CHANNEL, FEE_METHOD.with_choices(ck.fee_methods_on_return), NOTE),
            who="receiving desk, once no fee is owed but what the procedure collects on return",
            help=(
                "Trả sớm hơn hẹn: người nộp được báo trước.",
                "Early return: the applicant is told in advance.",
            ),
            style="primary",
            variants=ck.return_variants,
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
    "record_payment",
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
            fields = [
                i.form_field(s)
                for i in action.inputs
                if not i.hidden and not i.api_only and i.name not in variant.omit
            ]
            # A select with nothing to choose (no fee to pay on return) is not shown.
            fields = [f for f in fields if f["kind"] != "select" or f["choices"]]
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
