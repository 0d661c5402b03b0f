"""The actions of the dossier page: which ones this officer may take now, and how each
POST is turned into a service call.

What is offered is derived from the lifecycle table (``lifecycle.allowed_from``), the
current workflow step (its role and actions) and the officer's roles and agency, so the
page shows only buttons that can succeed. The services check everything again; every
form carries the dossier version it was rendered from (``expected_version``), so two
officers acting on one dossier cannot overwrite each other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.core.errors import DomainError
from egov.core.permissions import DESK, HEAD, LEAD, SPEC
from egov.directory.models import Agency, User
from egov.dossiers import queries, services
from egov.dossiers.lifecycle import Status, allowed_from
from egov.dossiers.models import Channel
from egov.dossiers.webforms import checklist_from

PROCESS_ROLES = frozenset({SPEC, HEAD, LEAD})
APPROVE_ROLES = frozenset({HEAD, LEAD})


@dataclass
class Field:
    name: str
    label: Any
    # text, textarea, number, datetime, select, missing, components, file(s), scan (one)
    kind: str = "text"
    choices: list[tuple[Any, Any]] = field(default_factory=list)
    required: bool = False
    initial: Any = ""


@dataclass
class ActionSpec:
    key: str  # the URL segment and the service
    label: Any
    fields: list[Field] = field(default_factory=list)
    hidden: dict[str, Any] = field(default_factory=dict)
    style: str = ""  # "primary", "danger"
    help: Any = ""

    @property
    def form_id(self) -> str:
        suffix = "-".join(str(v) for v in self.hidden.values())
        return f"act-{self.key}" + (f"-{suffix}" if suffix else "")


REASON = Field("reason", _("Lý do"), "textarea", required=True)
NOTE = Field("note", _("Ghi chú"), "textarea")


def _context(user, dossier) -> dict[str, Any]:
    officer = user.officer_or_none
    mine = officer.agency_id if officer else None
    roles = user.role_set
    superuser = bool(user.is_superuser)
    return {
        "roles": roles,
        "mine": mine,
        "desk": superuser or (DESK in roles and mine == dossier.receiving_agency_id),
        "at_processing": superuser or mine == dossier.processing_agency_id,
        "process": superuser or bool(roles & PROCESS_ROLES),
        "approve": superuser or bool(roles & APPROVE_ROLES),
        "superuser": superuser,
    }


def _component_choices(dossier) -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in dossier.procedure_version.components.all()]


def _missing_components(dossier, components) -> list:
    """The procedure's components asked for in the last supplement request."""
    rounds = [c.supplement_round for c in components if not c.provided]
    if not rounds:
        return []
    last = max(rounds)
    ids = {c.component_id for c in components if not c.provided and c.supplement_round == last}
    return [c for c in dossier.procedure_version.components.all() if c.pk in ids]


def _steps(dossier) -> list:
    return queries.workflow_steps(dossier.procedure_version, dossier.processing_agency)


def available(user, dossier, components, tasks) -> list[ActionSpec]:
    """The actions this officer may take on the dossier now, most common first."""
    c = _context(user, dossier)
    allowed = set(allowed_from(dossier.status))
    step = dossier.current_step
    on_step = c["at_processing"] and (
        c["superuser"] or (step.role in c["roles"] if step else c["process"])
    )
    step_actions = set(step.actions or []) if step else set()
    out: list[ActionSpec] = []

    if c["desk"]:
        if "accept" in allowed:
            out.append(
                ActionSpec("accept", _("Đủ - tiếp nhận"), style="primary", help=_("In mẫu 01."))
            )
        if "request_reception_supplement" in allowed:
            out.append(
                ActionSpec(
                    "request_reception_supplement",
                    _("Thiếu - yêu cầu bổ sung"),
                    [
                        Field("missing", _("Thành phần còn thiếu"), "missing", required=True),
                        Field("note", _("Ghi chú"), "textarea"),
                    ],
                    help=_("Liệt kê đầy đủ một lần; in mẫu 02."),
                )
            )
        if "supply_at_reception" in allowed:
            out.append(
                ActionSpec(
                    "supply_at_reception",
                    _("Nhận thành phần bổ sung"),
                    [Field("components", _("Thành phần bổ sung"), "components")],
                    style="primary",
                )
            )
        if "forward" in allowed:
            out.append(
                ActionSpec(
                    "forward",
                    _("Chuyển xử lý"),
                    style="primary",
                    help=_("Chuyển hồ sơ đến cơ quan giải quyết: {agency}.").format(
                        agency=dossier.processing_agency.name
                    ),
                )
            )
        if "supply" in allowed:
            out.append(
                ActionSpec(
                    "supply",
                    _("Nhận hồ sơ bổ sung"),
                    [Field("components", _("Thành phần bổ sung"), "components")],
                    style="primary",
                    help=_("Thời hạn giải quyết được tính lại từ đầu."),
                )
            )
        if "return_result" in allowed:
            out.append(
                ActionSpec(
                    "return_result",
                    _("Trả kết quả"),
                    [
                        Field(
                            "channel",
                            _("Hình thức trả"),
                            "select",
                            [(k, v) for k, v in Channel.choices],
                            initial=Channel.COUNTER.value,
                        ),
                        NOTE,
                    ],
                    style="primary",
                )
            )
        if "attach_file" in allowed and components:
            out.append(
                ActionSpec(
                    "attach_file",
                    _("Đính kèm tệp quét"),
                    [
                        Field(
                            "component",
                            _("Thành phần"),
                            "select",
                            [(line.pk, line.name) for line in components],
                            required=True,
                        ),
                        Field("file", _("Tệp quét (PDF, PNG, JPEG)"), "scan", required=True),
                    ],
                    help=_("Tệp được kiểm tra theo nội dung; tệp cũ (nếu có) được thay."),
                )
            )
        if "refuse_at_reception" in allowed:
            out.append(
                ActionSpec(
                    "refuse_at_reception",
                    _("Từ chối tiếp nhận"),
                    [REASON],
                    style="danger",
                    help=_("In mẫu 03."),
                )
            )
        if "withdraw" in allowed:
            out.append(
                ActionSpec(
                    "withdraw",
                    _("Công dân rút hồ sơ"),
                    [Field("reason", _("Lý do"), "textarea")],
                    style="danger",
                )
            )

    if c["at_processing"] and dossier.status == Status.PROCESSING:
        _processing_actions(out, c, dossier, step, on_step, step_actions)

    if dossier.status == Status.FINANCIAL_OBLIGATION and c["at_processing"] and c["process"]:
        out.append(
            ActionSpec(
                "fulfil_financial_obligation",
                _("Đã thực hiện nghĩa vụ tài chính"),
                [Field("paid", _("Số tiền đã nộp (đồng)"), "number", required=True)],
                style="primary",
            )
        )
    if c["at_processing"] and c["approve"] and "stop" in allowed:
        out.append(ActionSpec("stop", _("Dừng xử lý"), [REASON], style="danger"))
    if (
        c["at_processing"]
        and c["process"]
        and "apologise_late" in allowed
        and not dossier.extended
        and dossier.due_at
    ):
        out.append(
            ActionSpec(
                "apologise_late",
                _("Xin lỗi, hẹn lại ngày trả"),
                [Field("new_due", _("Ngày hẹn mới"), "datetime", required=True), REASON],
                help=_("Chỉ được hẹn lại một lần, trước hạn ít nhất 1 ngày làm việc; in mẫu 04."),
            )
        )

    if dossier.status == Status.PROCESSING and (c["process"] or c["superuser"]):
        for task in tasks:
            if task.state == "open" and not task.is_lead and task.agency_id == c["mine"]:
                out.append(
                    ActionSpec(
                        "complete_task",
                        _("Hoàn thành phần việc liên thông"),
                        [NOTE],
                        hidden={"task": task.pk},
                        style="primary",
                    )
                )
        for consultation in dossier.consultations.all():
            if consultation.answered_at is None and consultation.agency_id == c["mine"]:
                out.append(
                    ActionSpec(
                        "answer_consultation",
                        _("Trả lời xin ý kiến"),
                        [Field("answer", _("Ý kiến"), "textarea", required=True)],
                        hidden={"consultation": consultation.pk},
                        style="primary",
                        help=consultation.question,
                    )
                )
    return out


def _processing_actions(out, c, dossier, step, on_step, step_actions) -> None:
    final = bool(step and step.is_final)
    if on_step and not final:
        labels = {
            "forward": (_("Chuyển bước tiếp"), c["process"]),
            "approve": (_("Phê duyệt"), c["approve"]),
            "sign": (_("Ký duyệt"), LEAD in c["roles"] or c["superuser"]),
        }
        for action, (label, may) in labels.items():
            if (step is None and action == "forward" or action in step_actions) and may:
                out.append(
                    ActionSpec(
                        "advance",
                        label,
                        [NOTE],
                        hidden={"step_action": action},
                        style="primary",
                    )
                )
    if on_step and final and c["approve"]:
        out.append(
            ActionSpec(
                "record_result",
                _("Phê duyệt, ghi nhận kết quả"),
                [Field("files", _("Tệp kết quả (PDF, PNG, JPEG)"), "file"), NOTE],
                style="primary",
            )
        )
    if on_step and final and c["approve"]:
        out.append(
            ActionSpec(
                "refuse",
                _("Từ chối giải quyết"),
                [REASON],
                style="danger",
                help=_("In mẫu 03."),
            )
        )
    if c["process"]:
        officers = _assignees(dossier, step)
        if officers:
            out.append(
                ActionSpec(
                    "assign",
                    _("Phân công"),
                    [Field("assignee", _("Cán bộ xử lý"), "select", officers, required=True)],
                )
            )
    if on_step and "send_back" in step_actions:
        earlier = [
            (s.order, f"{s.order}. {s.name}")
            for s in _steps(dossier)
            if s.order < step.order and s.role != DESK
        ]
        if earlier:
            out.append(
                ActionSpec(
                    "send_back",
                    _("Trả lại bước trước"),
                    [Field("to_order", _("Về bước"), "select", earlier, required=True), REASON],
                )
            )
    if on_step and "consult" in step_actions:
        out.append(
            ActionSpec(
                "consult",
                _("Xin ý kiến cơ quan khác"),
                [
                    Field(
                        "agency", _("Cơ quan"), "select", _other_agencies(dossier), required=True
                    ),
                    Field("question", _("Nội dung"), "textarea", required=True),
                    Field("hours", _("Thời hạn (giờ làm việc)"), "number", initial=24),
                ],
            )
        )
    if c["process"]:
        out.append(
            ActionSpec(
                "request_supplement",
                _("Yêu cầu bổ sung"),
                [Field("missing", _("Thành phần cần bổ sung"), "missing", required=True), REASON],
                help=_("Trong 3 ngày làm việc kể từ khi nhận hồ sơ; in mẫu 02."),
            )
        )
        out.append(
            ActionSpec(
                "request_financial_obligation",
                _("Yêu cầu nghĩa vụ tài chính"),
                [Field("amount", _("Số tiền (đồng)"), "number", required=True), NOTE],
            )
        )
    if c["approve"]:
        higher = _higher_agencies(dossier)
        if higher:
            out.append(
                ActionSpec(
                    "transfer",
                    _("Chuyển liên thông lên cấp trên"),
                    [Field("agency", _("Cơ quan cấp trên"), "select", higher, required=True), NOTE],
                )
            )


def _assignees(dossier, step) -> list[tuple[int, str]]:
    users = User.objects.filter(officer__agency_id=dossier.processing_agency_id, is_active=True)
    if step is not None:
        users = users.filter(officer__roles__role=step.role)
    return [(u.pk, str(u)) for u in users.distinct().order_by("full_name", "username")[:200]]


def _province_agencies(dossier):
    root = dossier.processing_agency.root_id
    return Agency.objects.in_force().filter(path__startswith=f"/{root}/").select_related("tier")


def _other_agencies(dossier) -> list[tuple[int, str]]:
    qs = _province_agencies(dossier).exclude(pk=dossier.processing_agency_id)
    return [(a.pk, a.name) for a in qs.exclude(tier__code="commune")[:300]]


def _higher_agencies(dossier) -> list[tuple[int, str]]:
    rank = dossier.processing_agency.tier.rank
    return [(a.pk, a.name) for a in _province_agencies(dossier).filter(tier__rank__lt=rank)[:100]]


# ---------------------------------------------------------------- POST -> service


def _int(value: Any, field_name: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(
            "number_invalid",
            "Giá trị phải là một số nguyên.",
            "The value must be a whole number.",
            field=field_name,
        ) from None


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


def _new_due(value: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise DomainError(
            "date_invalid",
            "Ngày hẹn mới không hợp lệ.",
            "The new appointment date is invalid.",
            field="new_due",
        ) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _pick(qs, pk: Any, field_name: str):
    found = qs.filter(pk=_int(pk, field_name)).first()
    if found is None:
        raise DomainError(
            "choice_invalid", "Lựa chọn không hợp lệ.", "Invalid choice.", field=field_name
        )
    return found


def perform(key: str, request, dossier, components) -> Any:
    """Call the service of action ``key`` with the POSTed fields; raises DomainError."""
    user, post = request.user, request.POST
    common = {
        "actor": user,
        "dossier": dossier,
        "expected_version": _int(post.get("version"), "version"),
    }
    reason = post.get("reason", "")
    note = post.get("note", "")
    if key == "accept":
        return services.accept(**common)
    if key == "request_reception_supplement":
        return services.request_reception_supplement(
            **common, missing=_ints(post.getlist("missing")), note=note
        )
    if key in ("supply_at_reception", "supply"):
        items, _missing = checklist_from(
            post, request.FILES, _missing_components(dossier, components)
        )
        service = services.supply if key == "supply" else services.supply_at_reception
        return service(**common, components=items)
    if key == "refuse_at_reception":
        return services.refuse_at_reception(**common, reason=reason)
    if key == "forward":
        return services.forward(**common)
    if key == "assign":
        assignee = _pick(User.objects.all(), post.get("assignee"), "assignee")
        return services.assign(**common, assignee=assignee)
    if key == "advance":
        return services.advance(**common, action=post.get("step_action", "forward"), note=note)
    if key == "send_back":
        return services.send_back(
            **common, to_order=_int(post.get("to_order"), "to_order"), reason=reason
        )
    if key == "consult":
        agency = _pick(Agency.objects.all(), post.get("agency"), "agency")
        return services.consult(
            **common,
            agency=agency,
            question=post.get("question", ""),
            hours=_int(post.get("hours") or 24, "hours"),
        )
    if key == "answer_consultation":
        consultation = _pick(dossier.consultations.all(), post.get("consultation"), "answer")
        return services.answer_consultation(
            actor=user,
            consultation=consultation,
            answer=post.get("answer", ""),
            expected_version=common["expected_version"],
        )
    if key == "request_supplement":
        return services.request_supplement(
            **common, missing=_ints(post.getlist("missing")), reason=reason
        )
    if key == "request_financial_obligation":
        return services.request_financial_obligation(
            **common, amount=_int(post.get("amount"), "amount"), note=note
        )
    if key == "fulfil_financial_obligation":
        return services.fulfil_financial_obligation(**common, paid=_int(post.get("paid"), "paid"))
    if key == "stop":
        return services.stop(**common, reason=reason)
    if key == "withdraw":
        return services.withdraw(**common, reason=reason)
    if key == "refuse":
        return services.refuse(**common, reason=reason)
    if key == "apologise_late":
        return services.apologise_late(
            **common, new_due=_new_due(post.get("new_due", "")), reason=reason
        )
    if key == "transfer":
        agency = _pick(Agency.objects.all(), post.get("agency"), "agency")
        return services.transfer(**common, agency=agency, note=note)
    if key == "complete_task":
        task = _pick(dossier.tasks.all(), post.get("task"), "note")
        return services.complete_task(
            actor=user, task=task, note=note, expected_version=common["expected_version"]
        )
    if key == "record_result":
        files = [(f.name, f) for f in request.FILES.getlist("files")]
        return services.record_result(**common, files=files, note=note)
    if key == "attach_file":
        return services.attach_file(
            **common,
            component_id=_int(post.get("component"), "component"),
            file=request.FILES.get("file"),
        )
    if key == "return_result":
        return services.return_result(
            **common, channel=post.get("channel", Channel.COUNTER), note=note
        )
    raise KeyError(key)
