"""Rules of fee collection, one function each, with a stable error code."""

from __future__ import annotations

from typing import Any

from egov.core.errors import Conflict, DomainError, NotPermitted
from egov.dossiers.lifecycle import Status
from egov.payments.models import Method

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu", "tỷ")


def money(amount: int) -> str:
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def check_method(method: str, on_return: bool = False) -> None:
    """Cash, transfer or exemption; on return only money (an exemption is recorded
    before, with its reason)."""
    if on_return and method not in (Method.CASH, Method.TRANSFER):
        raise DomainError(
            "payment_method_invalid",
            "Hình thức nộp khi trả kết quả: tiền mặt hoặc chuyển khoản.",
            "Payment on return: cash or bank transfer.",
            field="fee_method",
        )
    if method not in Method.values or method == Method.ONLINE:  # online: the platform's
        raise DomainError(
            "payment_method_invalid",
            "Hình thức nộp không hợp lệ (tiền mặt, chuyển khoản hoặc miễn nộp).",
            "Invalid payment method (cash, bank transfer or exempted).",
            field="method",
        )


def check_something_due(outstanding: int) -> None:
    if outstanding <= 0:
        raise Conflict(
            "nothing_due",
            "Hồ sơ không còn phí, lệ phí phải nộp.",
            "No fee is due on this dossier.",
            field="amount",
        )


def check_amount(amount: int | None, outstanding: int) -> None:
    """A payment is a positive number of đồng, at most what is still due."""
    if amount is None or int(amount) <= 0:
        raise DomainError(
            "amount_invalid",
            "Số tiền phải là số nguyên dương (đồng).",
            "The amount must be a positive whole number of đồng.",
            field="amount",
        )
    if int(amount) > outstanding:
        raise DomainError(
            "amount_over_due",
            f"Số tiền vượt quá số còn phải nộp ({money(outstanding)}).",
            f"The amount is more than what is due ({money(outstanding)}).",
            field="amount",
            details={"outstanding": outstanding},
        )


def check_exemption_reason(method: str, reason: str) -> None:
    """An exemption ("miễn, giảm") names its legal ground."""
    if method == Method.EXEMPT and not (reason or "").strip():
        raise DomainError(
            "exemption_reason_required",
            "Cần ghi rõ lý do (căn cứ) miễn phí, lệ phí.",
            "An exemption needs its reason (legal ground).",
            field="exemption_reason",
        )


def check_fees_settled(outstanding: int) -> None:
    """A result is not returned while fees are due (Decree 61/2018 art. 20: the desk
    collects the fees and charges the applicant owes when returning the result)."""
    if outstanding > 0:
        raise Conflict(
            "fees_due",
            f"Chưa thể trả kết quả: công dân còn phải nộp {money(outstanding)} phí, lệ phí. "
            "Hãy ghi nhận khoản nộp (hoặc miễn nộp) trước.",
            f"The result cannot be returned: {money(outstanding)} of fees is still due. "
            "Record the payment (or the exemption) first.",
            field="fees",
            details={"outstanding": outstanding},
        )


# --- online payment ------------------------------------------------------------------

# Where the citizen may pay online: where the desk records payments, and also while an
# online dossier waits for the desk (a fully online, "toàn trình", application pays
# with it).
ONLINE_PAYABLE_STATES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.FINANCIAL_OBLIGATION,
        Status.FINISHED,
    }
)


def check_online_payer(actor: Any, dossier: Any) -> None:
    """Only the account that filed the dossier pays it online."""
    if (
        not getattr(actor, "is_authenticated", False)
        or not dossier.applicant_user_id
        or actor.pk != dossier.applicant_user_id
    ):
        raise NotPermitted(action="pay_online")


def check_online_offered(payable_online: bool, status: str) -> None:
    """The procedure takes some fee online, and the dossier is where fees are paid."""
    if not payable_online:
        raise Conflict(
            "online_payment_not_offered",
            "Thủ tục này chưa hỗ trợ nộp phí, lệ phí trực tuyến; vui lòng nộp tại bộ phận một cửa.",
            "This procedure takes no fee online; please pay at the desk.",
        )
    if status not in ONLINE_PAYABLE_STATES:
        raise Conflict(
            "online_payment_not_allowed",
            "Hồ sơ ở trạng thái hiện tại không nộp phí, lệ phí được.",
            "No fee can be paid on the dossier in its current state.",
            details={"status": status},
        )


def platform_unavailable() -> DomainError:
    return DomainError(
        "payment_platform_unavailable",
        "Nền tảng thanh toán tạm thời không phản hồi. Vui lòng thử lại sau ít phút.",
        "The payment platform is not answering. Please try again in a few minutes.",
        status=503,
    )


def callback_malformed() -> DomainError:
    return DomainError(
        "callback_malformed",
        "Thông báo kết quả thanh toán thiếu trường hoặc sai định dạng.",
        "The payment callback lacks fields or is malformed.",
    )


def callback_checksum_invalid() -> DomainError:
    return DomainError(
        "callback_checksum_invalid",
        "Mã xác thực (MaXacThuc) của thông báo thanh toán không đúng.",
        "The checksum (MaXacThuc) of the payment callback is wrong.",
        status=403,
    )


def callback_partner_mismatch() -> DomainError:
    return DomainError(
        "callback_partner_mismatch",
        "Thông báo thanh toán không dành cho đơn vị này (MaDoiTac).",
        "The payment callback is for another partner (MaDoiTac).",
    )


def callback_unknown_reference(reference: str) -> DomainError:
    return DomainError(
        "callback_unknown_reference",
        "Không có giao dịch thanh toán nào của hồ sơ với mã tham chiếu này.",
        "No payment of any dossier has this reference.",
        details={"MaThamChieu": reference},
        status=404,
    )


def check_callback_matches(notice: Any, txn: Any) -> None:
    """The notice is about this attempt: same platform number (once known), amount
    and currency."""
    if txn.platform_id and notice.platform_id != txn.platform_id:
        raise DomainError(
            "callback_transaction_mismatch",
            "Mã giao dịch (MaGiaoDich) không khớp với giao dịch đã khởi tạo.",
            "The platform's transaction number (MaGiaoDich) does not match.",
            details={"expected": txn.platform_id, "got": notice.platform_id},
        )
    if notice.amount != txn.amount:
        raise DomainError(
            "callback_amount_mismatch",
            f"Số tiền thông báo ({money(max(notice.amount, 0))}) khác số tiền phải nộp "
            f"({money(txn.amount)}).",
            f"The amount paid ({notice.amount}) is not the amount due ({txn.amount}).",
            details={"expected": txn.amount, "got": notice.amount},
        )
    if notice.currency != txn.currency:
        raise DomainError(
            "callback_currency_mismatch",
            f"Loại tiền (MaTienTe) phải là {txn.currency}.",
            f"The currency (MaTienTe) must be {txn.currency}.",
            details={"expected": txn.currency, "got": notice.currency},
        )


def _triple(number: int, full: bool) -> list[str]:
    """Words of 0-999; ``full`` reads a zero hundreds ("không trăm") inside a number."""
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones:
            words += (["lẻ"] if words else []) + [DIGITS[ones]]
        return words
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if ones == 1 and tens > 1:
        words.append("mốt")
    elif ones == 5:
        words.append("lăm")
    elif ones:
        words.append(DIGITS[ones])
    return words


def amount_in_words(amount: int) -> str:
    """The amount as receipts write it: ``125000`` -> "Một trăm hai mươi lăm nghìn đồng"."""
    amount = int(amount)
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            # A zero "tỷ" group still names "tỷ" when larger groups stand before it.
            if index % 3 == 0 and index and words and words[-1] != "tỷ":
                words.append("tỷ")
            continue
        words += _triple(value, full=bool(words))
        unit = GROUPS[index % 3] if index % 3 else ("tỷ" if index else "")
        if unit:
            words.append(unit)
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]
