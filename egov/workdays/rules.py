"""Rules of the working-day calendar and of deadlines, one function each, with a
stable error code. Pure: no database access, so the engine can call them."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from egov.core.errors import DomainError, NotPermitted

PROVINCE_ADMIN = "province_admin"


class DeadlineError(DomainError):
    """A refused deadline computation or calendar change; ``code`` names the rule."""


def unit_unknown(unit: Any, known: list[str]) -> DeadlineError:
    return DeadlineError(
        "unit_unknown",
        f"Đơn vị thời gian '{unit}' không hợp lệ. Các đơn vị: {', '.join(known)}.",
        f"Unknown time unit '{unit}'. Known units: {', '.join(known)}.",
        field="unit",
    )


def check_amount(amount: Any, *, integral: bool) -> Fraction | int:
    """The amount of time as an exact number: not negative, finite, a whole number
    for calendar days. Returned as int or Fraction so that 0.5 day is exact."""
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal | Fraction):
        try:
            amount = Decimal(str(amount).strip())
        except (InvalidOperation, ValueError):
            raise amount_invalid(amount) from None
    if isinstance(amount, float | Decimal) and not math.isfinite(amount):
        raise amount_invalid(amount)
    value = amount if isinstance(amount, int) else Fraction(amount)
    if value < 0:
        raise DeadlineError(
            "amount_negative",
            "Thời hạn không được là số âm.",
            "The amount of time must not be negative.",
            field="amount",
        )
    if integral and value != int(value):
        raise DeadlineError(
            "amount_not_integer",
            "Số ngày theo lịch phải là số nguyên.",
            "A number of calendar days must be a whole number.",
            field="amount",
        )
    return int(value) if value == int(value) else value


def amount_invalid(amount: Any) -> DeadlineError:
    return DeadlineError(
        "amount_invalid",
        f"Thời hạn '{amount}' không phải là một số hợp lệ.",
        f"The amount '{amount}' is not a valid number.",
        field="amount",
    )


def datetime_naive(field: str) -> DeadlineError:
    return DeadlineError(
        "datetime_naive",
        "Thời điểm phải có múi giờ (ví dụ 2026-01-05T09:00:00+07:00).",
        "The date and time must include a time zone offset (e.g. 2026-01-05T09:00:00+07:00).",
        field=field,
    )


def datetime_invalid(value: Any, field: str) -> DeadlineError:
    return DeadlineError(
        "datetime_invalid",
        f"'{value}' không phải là thời điểm theo định dạng ISO 8601.",
        f"'{value}' is not an ISO 8601 date and time.",
        field=field,
    )


def date_invalid(value: Any, field: str) -> DeadlineError:
    return DeadlineError(
        "date_invalid",
        f"'{value}' không phải là ngày theo định dạng YYYY-MM-DD.",
        f"'{value}' is not a date in the YYYY-MM-DD format.",
        field=field,
    )


def date_out_of_range(first: datetime.date, last: datetime.date, field: str) -> DeadlineError:
    return DeadlineError(
        "date_out_of_range",
        f"Lịch làm việc chỉ hỗ trợ từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}.",
        f"The working-day calendar only covers {first.isoformat()} to {last.isoformat()}.",
        field=field,
    )


def check_range(start: datetime.date, end: datetime.date, *, max_days: int) -> None:
    if end < start:
        raise DeadlineError(
            "range_invalid",
            "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
            "'to' must be on or after 'from'.",
            field="to",
        )
    if (end - start).days + 1 > max_days:
        raise DeadlineError(
            "range_too_long",
            f"Chỉ liệt kê được tối đa {max_days} ngày một lần.",
            f"At most {max_days} days can be listed at once.",
            field="to",
        )


def check_pause(paused_at: datetime.datetime, resumed_at: datetime.datetime) -> None:
    if resumed_at < paused_at:
        raise DeadlineError(
            "pause_invalid",
            "Thời điểm tiếp tục xử lý phải sau thời điểm tạm dừng.",
            "The pause must end after it starts.",
            field="resumed_at",
        )


def check_extension_not_granted(already_extended: bool) -> None:
    """Decree 61/2018 art. 19: the new appointment date may be set only once."""
    if already_extended:
        raise DeadlineError(
            "extension_already_granted",
            "Hồ sơ đã được gia hạn một lần; không được hẹn lại lần thứ hai.",
            "The appointment date was already extended once; a second extension is not allowed.",
            field="new_due",
            status=409,
        )


def extension_too_late() -> DeadlineError:
    """Decree 61/2018 art. 19: the apology and new date (form 04) are sent at least
    one working day before the due date."""
    return DeadlineError(
        "extension_too_late",
        "Phải gia hạn (gửi phiếu xin lỗi và hẹn lại) chậm nhất 01 ngày làm việc trước hạn.",
        "An extension must be granted at least one working day before the due date.",
        field="new_due",
    )


def extension_not_later() -> DeadlineError:
    return DeadlineError(
        "extension_not_later",
        "Ngày hẹn trả mới phải sau ngày hẹn trả ban đầu.",
        "The new appointment date must be after the original due date.",
        field="new_due",
    )


def extension_not_working_time() -> DeadlineError:
    return DeadlineError(
        "extension_not_working_time",
        "Ngày hẹn trả mới phải là thời gian làm việc.",
        "The new appointment date must fall within working time.",
        field="new_due",
    )


def supplement_too_late(limit_days: int) -> DeadlineError:
    """Decree 61/2018 art. 19: a processing agency may ask for a supplement at most
    3 working days after receiving the dossier."""
    return DeadlineError(
        "supplement_too_late",
        f"Chỉ được yêu cầu bổ sung hồ sơ trong {limit_days} ngày làm việc kể từ khi tiếp nhận.",
        f"A supplement may only be requested within {limit_days} working days of receipt.",
        field="requested_at",
    )


def check_office_hours(periods: list[tuple[datetime.time, datetime.time]]) -> None:
    """Working periods are non-empty, in order and do not overlap."""
    previous_end: datetime.time | None = None
    for start, end in periods:
        if start >= end or (previous_end is not None and start < previous_end):
            raise DeadlineError(
                "office_hours_invalid",
                "Giờ làm việc không hợp lệ: mỗi buổi phải bắt đầu trước khi kết thúc và "
                "buổi chiều phải sau buổi sáng.",
                "Invalid office hours: each period must start before it ends and the "
                "afternoon must come after the morning.",
                field="office_hours",
            )
        previous_end = end


def check_decision_name(name: str) -> None:
    if not (name or "").strip():
        raise DeadlineError(
            "required",
            "Thiếu tên/lý do của ngày nghỉ hoặc ngày làm việc.",
            "The name (reason) of the day is required.",
            field="name",
        )


def check_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise DeadlineError(
            "required",
            "Thiếu lý do gia hạn.",
            "The reason for the extension is required.",
            field="reason",
        )


def can_edit_calendar(actor: Any) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_active", True):
        return True
    return PROVINCE_ADMIN in getattr(actor, "role_set", frozenset())


def check_can_edit_calendar(actor: Any) -> None:
    """Only province administrators (and the platform operator) change the calendar."""
    if not can_edit_calendar(actor):
        raise NotPermitted(action="administer")


def check_can_extend(actor: Any) -> None:
    """An extension is granted by an officer (the dossiers app checks which one)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotPermitted(action="process")
    if not (getattr(actor, "is_superuser", False) or getattr(actor, "is_officer", False)):
        raise NotPermitted(action="process")
