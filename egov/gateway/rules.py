"""The registry's rules, one function each, with a stable code and a message in
Vietnamese and English (shared by the services and the admin's forms)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from egov.core.errors import DomainError

# The parts of an X-Road identifier: no "/" (the separator), nothing a URL escapes.
PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
MAX_ACTIVE_SECRETS = 2


def check_identifier_part(value: str, field: str) -> None:
    if not PART.match(value or ""):
        raise DomainError(
            "gateway_bad_identifier",
            "Phần định danh chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới "
            "(tối đa 60 ký tự, bắt đầu bằng chữ hoặc số).",
            "An identifier part is letters without accents, digits, '.', '-' or '_' "
            "(at most 60 characters, starting with a letter or digit).",
            field=field,
            details={"value": value},
        )


def check_base_url(value: str, field: str = "base_url") -> None:
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(
            "gateway_bad_url",
            "Địa chỉ dịch vụ phải là địa chỉ http hoặc https.",
            "The service address must be an http or https URL.",
            field=field,
        )


def check_unique(exists: bool, what: str, field: str) -> None:
    if exists:
        raise DomainError(
            "gateway_duplicate",
            f"Định danh này đã được đăng ký ({what}).",
            f"This identifier is already registered ({what}).",
            field=field,
        )


def check_can_add_secret(active: int) -> None:
    if active >= MAX_ACTIVE_SECRETS:
        raise DomainError(
            "gateway_too_many_secrets",
            "Hệ thống đã có hai khoá bí mật còn hiệu lực: thu hồi khoá cũ trước khi cấp khoá mới.",
            "This subsystem already has two active secrets: revoke the old one before "
            "issuing a new one.",
            details={"limit": MAX_ACTIVE_SECRETS},
        )


def check_not_revoked(revoked: bool) -> None:
    if revoked:
        raise DomainError(
            "gateway_secret_revoked",
            "Khoá bí mật này đã bị thu hồi.",
            "This secret is already revoked.",
        )


def check_unused(in_use: bool, what: str) -> None:
    if in_use:
        raise DomainError(
            "gateway_in_use",
            f"Không xoá được: {what} vẫn đang được dùng (hệ thống hoặc dịch vụ còn gắn với nó).",
            f"Cannot delete: the {what} is still in use (subsystems or services refer to it).",
        )
