"""The dossier lifecycle: states, their national status codes and the one table of
allowed transitions (Decree 61/2018/NĐ-CP arts. 16-21, carried into Decree 118/2025;
national status codes of the DVCQG integration, DOMAIN.md section 2).

Every service in ``egov.dossiers.services`` that changes a dossier's state names its
``Transition``; ``check_transition`` refuses anything not in ``TRANSITIONS`` with a 409
that lists what is allowed from the current state.
"""

from __future__ import annotations

import functools
from enum import StrEnum

from django.db import models

from egov.core.errors import Conflict


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Mới đăng ký, chờ tiếp nhận (submitted online)"
    RECEPTION_SUPPLEMENT = (
        "reception_supplement",
        "Chưa đủ, yêu cầu bổ sung khi tiếp nhận (incomplete at reception)",
    )
    NOT_RECEIVED = "not_received", "Từ chối tiếp nhận (refused at reception)"
    RECEIVED = "received", "Đã tiếp nhận (received)"
    PROCESSING = "processing", "Đang xử lý (processing)"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung (supplement requested)"
    FINANCIAL_OBLIGATION = (
        "financial_obligation",
        "Chờ thực hiện nghĩa vụ tài chính (financial obligation requested)",
    )
    WITHDRAWN = "withdrawn", "Công dân rút hồ sơ (withdrawn)"
    STOPPED = "stopped", "Dừng xử lý (processing stopped)"
    FINISHED = "finished", "Đã giải quyết xong (processing finished)"
    RETURNED = "returned", "Đã trả kết quả (result returned)"


# National status code (TrangThaiHoSo) of each state: 1 newly registered, 2 received,
# 3 not received, 4 processing, 5 supplement requested, 6 financial obligation,
# 7 withdrawn, 8 stopped, 9 finished, 10 returned.
NATIONAL_CODE: dict[str, int] = {
    Status.SUBMITTED: 1,
    Status.RECEPTION_SUPPLEMENT: 5,
    Status.NOT_RECEIVED: 3,
    Status.RECEIVED: 2,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.FINANCIAL_OBLIGATION: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.FINISHED: 9,
    Status.RETURNED: 10,
}

OPEN_STATES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEPTION_SUPPLEMENT,
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.FINANCIAL_OBLIGATION,
    }
)
# States in which the processing time runs (the others pause it or ended it).
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING})
CLOSED_STATES = frozenset({Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})


class Transition(StrEnum):
    ACCEPT = "accept"  # online dossier found complete: form 01
    REQUEST_RECEPTION_SUPPLEMENT = "request_reception_supplement"  # form 02
    SUPPLY_AT_RECEPTION = "supply_at_reception"  # applicant brings the missing items
    REFUSE_AT_RECEPTION = "refuse_at_reception"  # form 03
    FORWARD = "forward"  # desk -> processing agency (15:00 rule)
    ASSIGN = "assign"
    ADVANCE = "advance"  # next internal step (forward / approve / sign)
    SEND_BACK = "send_back"
    CONSULT = "consult"
    ANSWER_CONSULTATION = "answer_consultation"
    REQUEST_SUPPLEMENT = "request_supplement"  # by the processing agency
    SUPPLY = "supply"  # supplement complete: the time restarts from zero
    REQUEST_FINANCIAL_OBLIGATION = "request_financial_obligation"
    FULFIL_FINANCIAL_OBLIGATION = "fulfil_financial_obligation"
    STOP = "stop"
    WITHDRAW = "withdraw"
    REFUSE = "refuse"  # refusal after appraisal: form 03
    APOLOGISE_LATE = "apologise_late"  # form 04, one new appointment date
    TRANSFER = "transfer"  # cross-level inter-agency: to a higher authority
    COMPLETE_TASK = "complete_task"  # same-level inter-agency: one participant's part
    RECORD_RESULT = "record_result"
    RETURN_RESULT = "return_result"
    ATTACH_FILE = "attach_file"  # a scan for a checklist line (state unchanged)
    RECORD_PAYMENT = "record_payment"  # fees paid or exempted at the desk (state unchanged)


S = Status
TRANSITIONS: dict[Transition, tuple[frozenset[str], str | None]] = {
    # transition: (states it may start from, state it leads to; None = unchanged)
    Transition.ACCEPT: (frozenset({S.SUBMITTED}), S.RECEIVED),
    Transition.REQUEST_RECEPTION_SUPPLEMENT: (frozenset({S.SUBMITTED}), S.RECEPTION_SUPPLEMENT),
    Transition.SUPPLY_AT_RECEPTION: (frozenset({S.RECEPTION_SUPPLEMENT}), S.SUBMITTED),
    Transition.REFUSE_AT_RECEPTION: (
        frozenset({S.SUBMITTED, S.RECEPTION_SUPPLEMENT}),
        S.NOT_RECEIVED,
    ),
    Transition.FORWARD: (frozenset({S.RECEIVED}), S.PROCESSING),
    Transition.ASSIGN: (frozenset({S.RECEIVED, S.PROCESSING}), None),
    Transition.ATTACH_FILE: (OPEN_STATES, None),
    Transition.ADVANCE: (frozenset({S.PROCESSING}), None),
    Transition.SEND_BACK: (frozenset({S.PROCESSING}), None),
    Transition.CONSULT: (frozenset({S.PROCESSING}), None),
    Transition.ANSWER_CONSULTATION: (frozenset({S.PROCESSING}), None),
    Transition.REQUEST_SUPPLEMENT: (frozenset({S.PROCESSING}), S.SUPPLEMENT_REQUESTED),
    Transition.SUPPLY: (frozenset({S.SUPPLEMENT_REQUESTED}), S.PROCESSING),
    Transition.REQUEST_FINANCIAL_OBLIGATION: (frozenset({S.PROCESSING}), S.FINANCIAL_OBLIGATION),
    Transition.FULFIL_FINANCIAL_OBLIGATION: (frozenset({S.FINANCIAL_OBLIGATION}), S.PROCESSING),
    Transition.STOP: (
        frozenset({S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION}),
        S.STOPPED,
    ),
    Transition.WITHDRAW: (
        frozenset(
            {
                S.SUBMITTED,
                S.RECEPTION_SUPPLEMENT,
                S.RECEIVED,
                S.PROCESSING,
                S.SUPPLEMENT_REQUESTED,
                S.FINANCIAL_OBLIGATION,
            }
        ),
        S.WITHDRAWN,
    ),
    Transition.REFUSE: (frozenset({S.PROCESSING}), S.FINISHED),
    Transition.APOLOGISE_LATE: (
        frozenset({S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION}),
        None,
    ),
    Transition.TRANSFER: (frozenset({S.PROCESSING}), None),
    Transition.COMPLETE_TASK: (frozenset({S.PROCESSING}), None),
    Transition.RECORD_RESULT: (frozenset({S.PROCESSING}), S.FINISHED),
    Transition.RETURN_RESULT: (frozenset({S.FINISHED}), S.RETURNED),
    Transition.RECORD_PAYMENT: (
        frozenset(
            {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION, S.FINISHED}
        ),
        None,
    ),
}


def allowed_from(status: str) -> list[str]:
    """The transitions the table allows from ``status``, by name (a new list)."""
    return list(_allowed_from(status))


@functools.cache
def _allowed_from(status: str) -> tuple[str, ...]:
    return tuple(sorted(t.value for t, (sources, _) in TRANSITIONS.items() if status in sources))


def check_transition(status: str, transition: Transition) -> str:
    """The state ``transition`` leads to from ``status``; 409 ``transition_not_allowed``
    (listing the allowed transitions) when the table has no such move."""
    sources, target = TRANSITIONS[transition]
    if status not in sources:
        allowed = allowed_from(status)
        raise Conflict(
            "transition_not_allowed",
            f"Không thể thực hiện '{transition.value}' khi hồ sơ ở trạng thái "
            f"'{Status(status).label}'. Được phép: {', '.join(allowed) or 'không có'}.",
            f"'{transition.value}' is not allowed in state '{status}'. "
            f"Allowed: {', '.join(allowed) or 'none'}.",
            details={"status": status, "allowed": allowed},
        )
    return target or status
