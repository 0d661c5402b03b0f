"""The proof that opens the details of a public look-up (Circular 01/2018/TT-VPCP
art. 16 lets anyone follow a dossier's status by its code; the applicant's name,
dates, result and history are personal data, Decree 13/2023/ND-CP): a dossier code is
printed on a receipt and codes are sequential, so the code alone shows only the
status. The applicant's ID number (whole, or its last 4 digits) or phone number as
declared on the dossier opens the rest. A wrong proof counts against stricter limits,
per address and per dossier, so that the 10,000 possible last-4 digits cannot be
tried in any useful time."""

from __future__ import annotations

import hmac
import re

from egov.core.accounts import phone_digits
from egov.core.clientip import client_ip
from egov.core.errors import DomainError
from egov.core.throttling import KeyedRateThrottle
from egov.dossiers.models import Dossier

_DIGITS = re.compile(r"\D")


def _digits(value: str) -> str:
    return _DIGITS.sub("", value or "")


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def proof_matches(dossier: Dossier, *, id_number: str = "", phone: str = "") -> bool:
    """True if ``id_number`` (12 digits, or the last 4) or ``phone`` is the one on the
    dossier. Compared in constant time."""
    declared_id = _digits(dossier.applicant_id_number)
    given_id = _digits(id_number)
    if given_id and declared_id:
        expected = declared_id[-4:] if len(given_id) == 4 else declared_id
        if len(given_id) in (4, len(declared_id)) and _same(given_id, expected):
            return True
    given_phone = phone_digits(phone)
    return len(given_phone) >= 8 and _same(given_phone, phone_digits(dossier.applicant_phone))


def check_proof_given(*, id_number: str, phone: str) -> None:
    if not (id_number or "").strip() and not (phone or "").strip():
        raise DomainError(
            "lookup_proof_required",
            "Nhập số CCCD (hoặc 4 số cuối) hoặc số điện thoại của người nộp hồ sơ.",
            "Enter the applicant's ID number (or its last 4 digits) or phone number.",
            field="id_number",
        )


def _failure_counters(request, code: str) -> list[KeyedRateThrottle]:
    return [
        KeyedRateThrottle("lookup_proof_ip", "EGOV_RATE_LOOKUP_PROOF_FAILURES", client_ip(request)),
        KeyedRateThrottle(
            "lookup_proof_code", "EGOV_RATE_LOOKUP_PROOF_FAILURES_PER_CODE", code.upper()
        ),
    ]


def proof_blocked(request, code: str) -> bool:
    return any(counter.blocked() for counter in _failure_counters(request, code))


def count_failure(request, code: str) -> None:
    for counter in _failure_counters(request, code):
        counter.hit()


def too_many_failures() -> DomainError:
    return DomainError(
        "lookup_proof_throttled",
        "Đã nhập sai quá nhiều lần. Vui lòng thử lại sau hoặc đăng nhập bằng tài khoản đã nộp"
        " hồ sơ.",
        "Too many wrong answers. Try again later, or log in with the account that submitted"
        " the dossier.",
        status=429,
    )


def wrong_proof() -> DomainError:
    return DomainError(
        "lookup_proof_mismatch",
        "Thông tin xác minh không khớp với hồ sơ.",
        "The proof does not match the dossier.",
        field="id_number",
        status=403,
    )


def verify(request, dossier: Dossier | None, code: str, *, id_number: str, phone: str) -> None:
    """Raise unless the proof opens ``dossier`` (``dossier`` is the full row; None: no
    such code, which counts as a wrong proof so that it tells nothing more)."""
    check_proof_given(id_number=id_number, phone=phone)
    if proof_blocked(request, code):
        raise too_many_failures()
    if dossier is None or not proof_matches(dossier, id_number=id_number, phone=phone):
        count_failure(request, code)
        raise wrong_proof()
