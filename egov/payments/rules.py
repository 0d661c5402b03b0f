"""Rules of fee collection, one function each, with a stable error code."""

from __future__ import annotations

from egov.core.errors import Conflict, DomainError
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
    if method not in Method.values:
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
