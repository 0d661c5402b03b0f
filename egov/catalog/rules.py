"""Rules of the catalogue, one function each, with a stable error code.

They work on plain values (the "content" dict of a version, see
``egov.catalog.content``) so that the services, the importer (which reports every
problem with its sheet, row and column) and the admin share exactly the same checks.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from egov.catalog.models import (
    PROGRESSING_ACTIONS,
    OnlineClass,
    ServiceLevel,
    StepAction,
    TimeUnit,
)
from egov.core.errors import DomainError
from egov.directory.roles import Role
from egov.workdays.services import working_day_hours

# National procedure code of the national database of administrative procedures:
# a group digit, a dot, six digits (1.001193, 2.000884); some lists add a digit group.
PROCEDURE_CODE = re.compile(r"^\d{1,2}\.\d{6}$")
FIELD_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
CHANNELS = ("counter", "post", "online")
APPLICANT_TYPES = ("citizen", "business")


@dataclass(frozen=True)
class Problem:
    """A rule broken somewhere in a version's content. ``section`` is ``procedure``,
    ``components``, ``fees``, ``results``, ``participants`` or ``workflows``;
    ``index`` the item in that section; ``step`` the workflow step (index)."""

    code: str
    message: str
    message_en: str
    section: str = "procedure"
    index: int | None = None
    step: int | None = None
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _error(code: str, vi: str, en: str, field: str | None = None) -> DomainError:
    return DomainError(code, vi, en, field=field)


# --- the procedure itself ------------------------------------------------------------


def check_procedure_code(code: str) -> None:
    if not PROCEDURE_CODE.match(code or ""):
        raise _error(
            "procedure_code_invalid",
            f"Mã thủ tục '{code}' không đúng định dạng (ví dụ 1.001193).",
            f"Procedure code '{code}' is not in the national format (e.g. 1.001193).",
            "code",
        )


def check_required(value: Any, field: str, label_vi: str, label_en: str) -> None:
    if value is None or not str(value).strip():
        raise _error("required", f"Thiếu {label_vi}.", f"{label_en} is required.", field)


def check_field_code(code: str) -> None:
    if not FIELD_CODE.match(code or ""):
        raise _error(
            "field_code_invalid",
            f"Mã lĩnh vực '{code}' không hợp lệ (chữ, số, dấu chấm, gạch; tối đa 40 ký tự).",
            f"Field code '{code}' is invalid (letters, digits, '.', '-', '_'; at most 40).",
            "field_code",
        )


def check_known(kind: str, codes: list[str], known: set[str], field: str) -> None:
    """Every code in ``codes`` exists (kind: field, tier, agency)."""
    unknown = [c for c in codes if c not in known]
    if unknown:
        labels = {
            "field": ("lĩnh vực", "field"),
            "tier": ("cấp", "tier"),
            "agency": ("cơ quan", "agency"),
        }
        vi, en = labels[kind]
        raise _error(
            f"{kind}_unknown",
            f"Không có {vi} với mã: {', '.join(unknown)}.",
            f"Unknown {en} code(s): {', '.join(unknown)}.",
            field,
        )


def check_time(amount: Decimal, unit: str, same_day: bool) -> None:
    if unit not in TimeUnit.values:
        raise _error(
            "time_unit_invalid",
            f"Đơn vị thời gian '{unit}' không hợp lệ ({', '.join(TimeUnit.values)}).",
            f"Time unit '{unit}' is invalid ({', '.join(TimeUnit.values)}).",
            "time_unit",
        )
    if amount is None or amount < 0:
        raise _error(
            "time_amount_invalid",
            "Thời hạn giải quyết không được âm.",
            "The processing time cannot be negative.",
            "time_amount",
        )
    if same_day and unit == TimeUnit.WORKING_DAYS and amount > 1:
        raise _error(
            "same_day_too_long",
            "Thủ tục giải quyết trong ngày không thể có thời hạn quá 1 ngày làm việc.",
            "A same-day procedure cannot take more than 1 working day.",
            "time_amount",
        )


def check_time_set(amount: Decimal, same_day: bool) -> None:
    """Before publication: a processing time is given (or the same-day flag)."""
    if not same_day and (amount is None or amount <= 0):
        raise _error(
            "time_missing",
            "Chưa có thời hạn giải quyết.",
            "The processing time is missing.",
            "time_amount",
        )


def check_channels(channels: list[str]) -> None:
    bad = [c for c in channels if c not in CHANNELS]
    if bad:
        raise _error(
            "channel_invalid",
            f"Cách thức nộp không hợp lệ: {', '.join(bad)} (counter, post, online).",
            f"Invalid channel(s): {', '.join(bad)} (counter, post, online).",
            "channels",
        )
    if not channels:
        raise _error(
            "channel_missing",
            "Phải cho phép ít nhất một cách thức nộp hồ sơ.",
            "At least one channel (counter, post, online) must be allowed.",
            "channels",
        )


def check_applicant_types(types: list[str]) -> None:
    bad = [t for t in types if t not in APPLICANT_TYPES]
    if bad or not types:
        raise _error(
            "applicant_type_invalid",
            "Đối tượng thực hiện phải là citizen (công dân) và/hoặc business (tổ chức).",
            "Applicant types must be citizen and/or business.",
            "applicant_types",
        )


def check_service_level(level: int, online_class: str, channel_online: bool) -> None:
    if level not in ServiceLevel.values:
        raise _error(
            "service_level_invalid",
            f"Mức độ dịch vụ công '{level}' không hợp lệ (1-4, Nghị định 43/2011).",
            f"Service level '{level}' is invalid (1-4, Decree 43/2011).",
            "service_level",
        )
    if online_class not in OnlineClass.values:
        raise _error(
            "online_class_invalid",
            f"Loại DVC trực tuyến '{online_class}' không hợp lệ (full, partial hoặc để trống).",
            f"Online class '{online_class}' is invalid (full, partial or empty).",
            "online_class",
        )
    if (level >= ServiceLevel.LEVEL_3 or online_class) and not channel_online:
        raise _error(
            "online_channel_required",
            "Dịch vụ công mức độ 3, 4 hoặc trực tuyến phải cho phép nộp hồ sơ trực tuyến.",
            "A level 3/4 or online service must allow the online channel.",
            "channels",
        )
    if online_class == OnlineClass.FULL and level < ServiceLevel.LEVEL_3:
        raise _error(
            "service_level_mismatch",
            "Dịch vụ công trực tuyến toàn trình không thể ở mức độ 1 hoặc 2.",
            "A fully online ('toàn trình') service cannot be level 1 or 2.",
            "online_class",
        )


def check_implementers(tiers: list[str], agencies: list[str]) -> None:
    if not tiers and not agencies:
        raise _error(
            "implementer_missing",
            "Chưa có cấp hoặc cơ quan thực hiện.",
            "No implementing tier or agency.",
            "tiers",
        )


# --- items --------------------------------------------------------------------------


def check_count(value: Any, field: str) -> None:
    if not isinstance(value, int) or value < 0:
        raise _error(
            "count_invalid",
            f"Số lượng '{value}' phải là số nguyên không âm.",
            f"Count '{value}' must be a non-negative whole number.",
            field,
        )


def check_fee_amount(amount: Any) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise _error(
            "fee_amount_invalid",
            f"Mức phí '{amount}' phải là số tiền (đồng) nguyên, không âm.",
            f"Fee amount '{amount}' must be a non-negative whole number of VND.",
            "amount",
        )


def check_participants(participants: list[dict], time_amount: Decimal) -> None:
    if not participants:
        return
    leads = sum(1 for p in participants if p.get("is_lead"))
    if leads != 1:
        raise _error(
            "participant_lead_count",
            f"Thủ tục liên thông phải có đúng một cơ quan chủ trì (đang có {leads}).",
            f"An inter-agency procedure needs exactly one lead agency (found {leads}).",
            "is_lead",
        )
    total = sum((Decimal(p.get("time_share") or 0) for p in participants), Decimal(0))
    if time_amount and total > time_amount:
        raise _error(
            "participant_time_exceeds",
            f"Tổng thời gian của các cơ quan liên thông ({total}) vượt thời hạn giải quyết "
            f"({time_amount}).",
            f"The participants' time shares ({total}) exceed the processing time ({time_amount}).",
            "time_share",
        )


# --- internal workflow --------------------------------------------------------------


def check_step(step: dict) -> None:
    check_required(step.get("name"), "name", "tên bước", "Step name")
    if step.get("role") not in Role.values:
        raise _error(
            "step_role_invalid",
            f"Vai trò '{step.get('role')}' không hợp lệ ({', '.join(Role.values)}).",
            f"Role '{step.get('role')}' is invalid ({', '.join(Role.values)}).",
            "role",
        )
    hours = step.get("hours")
    if not isinstance(hours, Decimal) or hours <= 0:
        raise _error(
            "step_hours_invalid",
            f"Thời gian của bước '{hours}' phải là số giờ dương.",
            f"Step time '{hours}' must be a positive number of hours.",
            "hours",
        )
    actions = step.get("actions") or []
    bad = [a for a in actions if a not in StepAction.values]
    if bad or not actions:
        raise _error(
            "step_actions_invalid",
            f"Thao tác không hợp lệ hoặc thiếu: {', '.join(bad) or '(trống)'} "
            f"({', '.join(StepAction.values)}).",
            f"Invalid or missing actions: {', '.join(bad) or '(none)'} "
            f"({', '.join(StepAction.values)}).",
            "actions",
        )


def check_workflow_shape(steps: list[dict]) -> None:
    """Exactly one final step, and it is the last; every step is reachable from the
    first (each step before the final one lets the dossier move on)."""
    finals = [s for s in steps if s.get("is_final")]
    if len(finals) != 1:
        raise _error(
            "workflow_final_step_count",
            f"Quy trình phải có đúng một bước cuối (đang có {len(finals)}).",
            f"A workflow needs exactly one final step (found {len(finals)}).",
            "is_final",
        )
    ordered = sorted(steps, key=lambda s: s.get("order") or 0)
    orders = [s.get("order") for s in ordered]
    if len(set(orders)) != len(orders):
        raise _error(
            "workflow_step_order_duplicate",
            "Hai bước có cùng số thứ tự.",
            "Two steps have the same order number.",
            "order",
        )
    if not ordered[-1].get("is_final"):
        raise _error(
            "workflow_final_not_last",
            "Bước cuối phải là bước có số thứ tự lớn nhất.",
            "The final step must be the last step.",
            "is_final",
        )
    for before, after in zip(ordered, ordered[1:], strict=False):
        if not PROGRESSING_ACTIONS & set(before.get("actions") or []):
            raise _error(
                "workflow_step_unreachable",
                f"Không đến được bước {after.get('order')} ('{after.get('name')}'): bước "
                f"{before.get('order')} không có thao tác chuyển tiếp, phê duyệt hay ký.",
                f"Step {after.get('order')} ('{after.get('name')}') cannot be reached: step "
                f"{before.get('order')} has no forward, approve or sign action.",
                "actions",
            )


def workflow_hours(time_amount: Decimal, time_unit: str, same_day: bool) -> Decimal | None:
    """The working hours the steps must add up to; None when not checked
    (calendar-day procedures: their length in working hours depends on the holidays
    they span, so only the working-day engine can tell at run time)."""
    if time_unit == TimeUnit.WORKING_DAYS:
        hours = time_amount * working_day_hours()
    elif time_unit == TimeUnit.WORKING_HOURS:
        hours = time_amount
    else:
        return None
    if same_day and not hours:
        hours = working_day_hours()
    return hours


def check_workflow_allotments(steps: list[dict], total_hours: Decimal | None) -> None:
    if total_hours is None:
        return
    allotted = sum((s.get("hours") or Decimal(0) for s in steps), Decimal(0))
    if allotted != total_hours:
        raise _error(
            "workflow_allotment_mismatch",
            f"Tổng thời gian các bước ({_num(allotted)} giờ) khác thời hạn giải quyết "
            f"({_num(total_hours)} giờ làm việc).",
            f"The steps add up to {_num(allotted)} hours, not the processing time of "
            f"{_num(total_hours)} working hours.",
            "hours",
        )


def check_workflow_target(
    workflow: dict, tiers: list[str], agencies: list[str], agency_tiers: dict[str, str]
) -> None:
    """A workflow belongs to an implementing agency (or tier) of the procedure."""
    agency, tier = workflow.get("agency") or "", workflow.get("tier") or ""
    if agency and agency not in agencies and agency_tiers.get(agency) not in tiers:
        raise _error(
            "workflow_agency_not_implementing",
            f"Cơ quan {agency} không thực hiện thủ tục này.",
            f"Agency {agency} does not implement this procedure.",
            "agency",
        )
    if tier and tier not in tiers:
        raise _error(
            "workflow_tier_not_implementing",
            f"Cấp '{tier}' không thực hiện thủ tục này.",
            f"Tier '{tier}' does not implement this procedure.",
            "tier",
        )


def check_workflows_distinct(workflows: list[dict]) -> None:
    keys = [(w.get("agency") or "", w.get("tier") or "") for w in workflows]
    if len(set(keys)) != len(keys):
        raise _error(
            "workflow_duplicate",
            "Có hai quy trình nội bộ cho cùng một cơ quan (hoặc cấp).",
            "Two internal workflows target the same agency (or tier).",
            "agency",
        )


def check_workflow_present(workflows: list[dict]) -> None:
    if not workflows:
        raise _error(
            "workflow_missing",
            "Chưa có quy trình nội bộ: không thể công bố.",
            "No internal workflow: the version cannot be published.",
            "workflows",
        )


# --- versions -----------------------------------------------------------------------


def check_version_editable(version) -> None:
    if version.status != version.Status.DRAFT:
        raise _error(
            "version_not_draft",
            "Phiên bản đã công bố hoặc thu hồi không sửa được; hãy tạo phiên bản mới.",
            "A published or retired version cannot be changed; create a new version.",
            "status",
        )


def check_effective_from(
    effective_from: datetime.date | None,
    latest_published: datetime.date | None,
    today: datetime.date,
) -> None:
    """A new version takes effect after the one in force, and never in the past
    once a version has been in force: dossiers already received pinned it."""
    if effective_from is None:
        raise _error(
            "effective_from_missing",
            "Thiếu ngày có hiệu lực.",
            "The effective date is required.",
            "effective_from",
        )
    if latest_published is None:
        return
    if effective_from <= latest_published:
        raise _error(
            "effective_from_not_after_previous",
            "Ngày có hiệu lực phải sau ngày hiệu lực của phiên bản trước "
            f"({latest_published:%d/%m/%Y}).",
            f"The effective date must be after the previous version's ({latest_published}).",
            "effective_from",
        )
    if effective_from < today:
        raise _error(
            "effective_from_in_past",
            "Không thể công bố phiên bản mới có hiệu lực từ ngày đã qua.",
            "A new version cannot take effect in the past.",
            "effective_from",
        )


def _num(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
