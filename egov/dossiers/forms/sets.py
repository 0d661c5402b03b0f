"""The legal form sets, chosen by the dossier's receipt date (DOMAIN.md section 4).

Circular 01/2018/TT-VPCP art. 9 numbered six forms; Circular 03/2025/TT-VPCP, in force
from 15/09/2025, numbers seven: a notice of stopping is new (05) and the control sheet
and the register move to 06 and 07. A dossier keeps the set in force when it was
received (submitted, if it never was), as it keeps its procedure version; a register
takes the set in force on its last day.

Each form has a *kind* (what it is, whatever its number): the context builders and
the templates are named by kind, the numbers only by set.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

RECEIPT, SUPPLEMENT, REFUSAL, APOLOGY, STOP_NOTICE, CONTROL, REGISTER = (
    "receipt",
    "supplement",
    "refusal",
    "apology",
    "stop_notice",
    "control",
    "register",
)


@dataclass(frozen=True)
class FormSet:
    circular: str
    since: datetime.date
    kinds: dict[str, str]  # number -> kind
    titles: dict[str, str]  # kind -> title

    def number(self, kind: str) -> str | None:
        return next((n for n, k in self.kinds.items() if k == kind), None)

    @property
    def register_number(self) -> str:
        return self.number(REGISTER) or ""


CIRCULAR_01_2018 = FormSet(
    circular="01/2018/TT-VPCP",
    since=datetime.date(2018, 4, 1),
    kinds={
        "01": RECEIPT,
        "02": SUPPLEMENT,
        "03": REFUSAL,
        "04": APOLOGY,
        "05": CONTROL,
        "06": REGISTER,
    },
    titles={
        RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        APOLOGY: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        CONTROL: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        REGISTER: "Sổ theo dõi hồ sơ",
    },
)
CIRCULAR_03_2025 = FormSet(
    circular="03/2025/TT-VPCP",
    since=datetime.date(2025, 9, 15),
    kinds={
        "01": RECEIPT,
        "02": SUPPLEMENT,
        "03": REFUSAL,
        "04": APOLOGY,
        "05": STOP_NOTICE,
        "06": CONTROL,
        "07": REGISTER,
    },
    titles={
        RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        APOLOGY: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        STOP_NOTICE: "Thông báo dừng giải quyết hồ sơ",
        CONTROL: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        REGISTER: "Sổ theo dõi hồ sơ",
    },
)
SETS = (CIRCULAR_03_2025, CIRCULAR_01_2018)  # newest first


def in_force(on: datetime.date) -> FormSet:
    return next((s for s in SETS if on >= s.since), CIRCULAR_01_2018)


def of_dossier(dossier) -> FormSet:
    """The set of the dossier's receipt date (local), or of its submission."""
    moment = dossier.received_at or dossier.submitted_at or timezone.now()
    return in_force(timezone.localtime(moment).date())
