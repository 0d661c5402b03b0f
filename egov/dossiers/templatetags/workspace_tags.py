"""Template helpers of the officer workspace: the remaining-time badge computed by the
working-day engine ("còn 3 giờ 20 phút", "quá hạn 1 ngày 2 giờ") and small lookups."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from egov.dossiers.lifecycle import CLOCK_RUNNING, NATIONAL_CODE, Status
from egov.workdays import engine

register = template.Library()

# Less than one working day left: the badge turns amber.
SOON_MICROSECONDS = 8 * 3600 * 1_000_000


def duration_text(days: int, hours: int, minutes: int) -> str:
    parts = []
    if days:
        parts.append(_("%(n)d ngày") % {"n": days})
    if hours:
        parts.append(_("%(n)d giờ") % {"n": hours})
    if minutes and not days:
        parts.append(_("%(n)d phút") % {"n": minutes})
    return " ".join(parts) or _("dưới 1 phút")


def remaining_badge(calendar, now, due, status: str = "", paused: bool = False) -> str:
    if due is None:
        return ""
    if status and status not in CLOCK_RUNNING:
        if status in (Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION) or paused:
            return format_html('<span class="badge paused">{}</span>', _("tạm dừng tính giờ"))
        return ""
    left = engine.remaining(calendar, now, due)
    text = duration_text(*left.parts())
    if left.overdue:
        return format_html('<span class="badge late">{}</span>', _("quá hạn %(t)s") % {"t": text})
    css = "soon" if left.microseconds <= SOON_MICROSECONDS else "ok"
    return format_html('<span class="badge {}">{}</span>', css, _("còn %(t)s") % {"t": text})


@register.simple_tag(takes_context=True)
def remaining(context, due, status: str = "") -> str:
    """``{% remaining d.due_at d.status %}`` with the page's calendar and "now"."""
    return remaining_badge(context["ws_calendar"], context["ws_now"], due, status)


@register.filter
def national_code(status: str) -> int | str:
    return NATIONAL_CODE.get(status, "")


@register.filter
def status_label(status: str) -> str:
    try:
        return label(Status(status).label)
    except ValueError:
        return status or ""


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def getlist(querydict, key):
    try:
        return querydict.getlist(key)
    except AttributeError:
        return []


@register.filter
def as_str(value) -> str:
    return str(value)


@register.filter
def label(choice_label) -> str:
    """A bilingual choice label ("Đã tiếp nhận (received)") in the page's language:
    the Vietnamese part, or the English one in brackets when English is chosen."""
    text = str(choice_label or "")
    vietnamese, _sep, english = text.partition(" (")
    if get_language() == "en" and english.endswith(")"):
        english = english[:-1]
        return english[:1].upper() + english[1:]
    return vietnamese


# Older templates call it by its first meaning.
vi = register.filter("vi", label)


EVENT_LABELS = {
    "submit_online": _l("Nộp trực tuyến"),
    "receive_complete": _l("Tiếp nhận hồ sơ (đủ)"),
    "receive_incomplete": _l("Tiếp nhận, yêu cầu bổ sung"),
    "receive_refused": _l("Từ chối tiếp nhận"),
    "accept": _l("Tiếp nhận hồ sơ trực tuyến"),
    "request_reception_supplement": _l("Yêu cầu bổ sung khi tiếp nhận"),
    "supply_at_reception": _l("Nhận bổ sung khi tiếp nhận"),
    "refuse_at_reception": _l("Từ chối tiếp nhận"),
    "forward": _l("Chuyển xử lý"),
    "assign": _l("Phân công"),
    "advance": _l("Chuyển bước"),
    "send_back": _l("Trả lại bước trước"),
    "consult": _l("Xin ý kiến"),
    "answer_consultation": _l("Trả lời xin ý kiến"),
    "request_supplement": _l("Yêu cầu bổ sung"),
    "supply": _l("Nhận hồ sơ bổ sung"),
    "request_financial_obligation": _l("Yêu cầu nghĩa vụ tài chính"),
    "fulfil_financial_obligation": _l("Đã thực hiện nghĩa vụ tài chính"),
    "stop": _l("Dừng xử lý"),
    "withdraw": _l("Rút hồ sơ"),
    "refuse": _l("Từ chối giải quyết"),
    "apologise_late": _l("Xin lỗi, hẹn lại ngày trả"),
    "transfer": _l("Chuyển liên thông lên cấp trên"),
    "complete_task": _l("Hoàn thành phần việc liên thông"),
    "record_result": _l("Ghi nhận kết quả"),
    "return_result": _l("Trả kết quả"),
    "record_payment": _l("Thu phí, lệ phí"),
}


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


@register.filter
def vnd(amount) -> str:
    """An amount of đồng with the Vietnamese thousands separator: 1.500.000 đ."""
    try:
        return f"{int(amount):,}".replace(",", ".") + " đ"
    except (TypeError, ValueError):
        return ""


@register.filter
def file_href(item) -> str:
    """The link to an attachment (a dossier component's scan or a result file). Every
    file link of the workspace goes through here, so that serving attachments through
    a checking download view changes one place."""
    if not item.file:
        return ""
    from egov.dossiers.models import DossierComponent

    name = "component_file" if isinstance(item, DossierComponent) else "result_file"
    return reverse(f"dossiers:{name}", args=[item.pk])


@register.simple_tag
def upload_limits() -> str:
    """What an upload may be, shown next to every file input before anything is sent
    (the same limits the server enforces: egov.core.uploads, dossiers.rules)."""
    from django.conf import settings
    from django.utils.translation import get_language

    from egov.core.uploads import size_text

    decimal = "," if (get_language() or "vi").startswith("vi") else "."
    return format_html(
        '<span class="hint upload-limits">{}</span>',
        _(
            "PDF, PNG hoặc JPEG (kiểm tra theo nội dung); tối đa %(file)s mỗi tệp, "
            "%(dossier)s cho cả hồ sơ."
        )
        % {
            "file": size_text(settings.EGOV_UPLOAD_MAX_FILE_BYTES, decimal),
            "dossier": size_text(settings.EGOV_DOSSIER_MAX_FILE_BYTES, decimal),
        },
    )
