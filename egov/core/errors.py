"""Domain errors with stable codes and bilingual messages.

Every rule that refuses something raises one of these; the API turns them into
``{"error": {"code", "message", "message_en", "field", "details"}}`` and the UI
shows ``message`` (Vietnamese) followed by ``message_en``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        message_en: str,
        *,
        field: str | None = None,
        details: Any = None,
        status: int | None = None,
    ) -> None:
        super().__init__(f"{code}: {message} ({message_en})")
        self.code = code
        self.message = message
        self.message_en = message_en
        self.field = field
        self.details = details
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
        }
        if self.field:
            data["field"] = self.field
        if self.details is not None:
            data["details"] = self.details
        return data

    def __str__(self) -> str:
        prefix = f"{self.field}: " if self.field else ""
        return f"{prefix}{self.message} ({self.message_en})"


class NotPermitted(DomainError):
    status = 403

    def __init__(self, action: str = "", obj: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("details", {"action": action} if action else None)
        super().__init__(
            "permission_denied",
            "Bạn không có quyền thực hiện thao tác này.",
            "You are not allowed to do this.",
            **kwargs,
        )


class Conflict(DomainError):
    status = 409
