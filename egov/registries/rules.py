"""Who may look what up in a national registry, and the shape of what is looked up."""

from __future__ import annotations

import re
from typing import Any

from egov.core.errors import DomainError, NotPermitted
from egov.core.permissions import Action, permits_any
from egov.directory import rules as directory_rules
from egov.directory.models import ApplicantProfile

TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def check_id_number(id_number: str) -> None:
    """The structure of the personal identification number (12 digits, a province
    code...), egov.directory's own check, before any call to the registry."""
    directory_rules.check_cccd(id_number)


def check_tax_code(code: str) -> None:
    """An enterprise code / tax code: 10 digits, or 13 for a dependent unit (branch,
    representative office: ``-ddd``). Its check digit is not verified here."""
    if not TAX_CODE.match(code or ""):
        raise DomainError(
            "tax_code_invalid",
            "Mã số doanh nghiệp (mã số thuế) gồm 10 chữ số; đơn vị phụ thuộc thêm 3 chữ số "
            "(dạng 0101234567-001).",
            "The enterprise code (tax code) is 10 digits; a dependent unit adds 3 digits "
            "(0101234567-001).",
            field="tax_code",
        )


def purpose_of(actor: Any, *, own: bool, reason: str) -> dict[str, Any]:
    """Why ``actor`` may look this up, as the audit entry records it: an applicant, for
    their own number (the account's); an officer who may read applicants' identifying
    data without a dossier (the desk, auditors: egov.directory.policy), with the reason
    of the counter look-up. Anyone else: 403."""
    if not getattr(actor, "is_officer", False):
        if own:
            return {"purpose": "own"}
        raise NotPermitted(action="registry_lookup")
    if not permits_any(actor, Action.READ_PERSONAL_DATA, ApplicantProfile):
        raise NotPermitted(action=str(Action.READ_PERSONAL_DATA))
    directory_rules.check_lookup_reason(reason)
    return {"purpose": "counter_lookup", "reason": reason.strip()}


def masked_id_number(value: str) -> str:
    """``001090012345`` -> ``0010******45``, as the back office lists ID numbers."""
    return value[:4] + "*" * max(len(value) - 6, 0) + value[-2:] if value else ""
