"""The rules of signing and verifying, one function each with a stable error code."""

from __future__ import annotations

import datetime
from typing import Any

from egov.core.errors import DomainError, NotPermitted
from egov.signing.trust import Trust

PDF_MAGIC = b"%PDF-"


def check_pdf(data: bytes, *, field: str = "file") -> None:
    """A PDF that pyHanko can open: not another format, not encrypted."""
    if not data.lstrip()[:5] == PDF_MAGIC:
        raise DomainError(
            "not_pdf", "Tệp không phải là PDF.", "The file is not a PDF.", field=field
        )
    import io

    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
        if not encrypted:
            reader.root  # noqa: B018 - reading the catalogue proves the structure
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise DomainError(
            "pdf_unreadable",
            "Tệp PDF bị hỏng, không đọc được.",
            "The PDF is damaged and cannot be read.",
            field=field,
        ) from exc
    if encrypted:
        raise DomainError(
            "pdf_encrypted",
            "Tệp PDF đã bị mã hóa (đặt mật khẩu): không kiểm tra được chữ ký.",
            "The PDF is encrypted (password-protected): its signatures cannot be checked.",
            field=field,
        )


def check_size(size: int, limit: int, *, field: str = "file") -> None:
    if size > limit:
        raise DomainError(
            "file_too_large",
            f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB).",
            f"The file is too large (at most {limit // (1024 * 1024)} MB).",
            field=field,
            details={"limit": limit, "size": size},
            status=413,
        )


def check_certificate(credential: Any, trust: Trust, now: datetime.datetime) -> None:
    """Refuse, with the reason, a certificate that is not yet valid, expired, revoked
    or not issued under a configured root, before anything is signed."""
    who = {"credential": credential.pk, "subject": credential.common_name}
    if not credential.active:
        raise DomainError(
            "credential_inactive",
            "Chứng thư số này đã bị ngừng sử dụng.",
            "This certificate has been withdrawn from use.",
            details=who,
        )
    if now < credential.not_before:
        raise DomainError(
            "certificate_not_yet_valid",
            "Chứng thư số chưa đến thời hạn có hiệu lực.",
            "The certificate is not valid yet.",
            details={**who, "not_before": credential.not_before.isoformat()},
        )
    if now > credential.not_after:
        raise DomainError(
            "certificate_expired",
            "Chứng thư số đã hết hạn.",
            "The certificate has expired.",
            details={**who, "not_after": credential.not_after.isoformat()},
        )
    revoked = trust.revoked_at(credential.certificate)
    if revoked is not None and revoked <= now:
        raise DomainError(
            "certificate_revoked",
            "Chứng thư số đã bị thu hồi.",
            "The certificate has been revoked.",
            details={**who, "revoked_at": revoked.isoformat()},
        )
    from egov.signing.keys import unpack_chain

    if not trust.is_anchored(credential.certificate, unpack_chain(credential.chain)):
        raise DomainError(
            "certificate_untrusted",
            "Chứng thư số không do tổ chức chứng thực được tin cậy cấp.",
            "The certificate was not issued under a trusted root.",
            details=who,
        )


def check_holder(actor: Any, credential: Any) -> None:
    """An officer signs only with their own personal credential."""
    if credential.kind == "personal" and credential.holder_id != getattr(actor, "pk", None):
        raise NotPermitted("sign")


def check_batch(dossier_ids: list[int], limit: int = 200) -> None:
    if not dossier_ids:
        raise DomainError(
            "batch_empty",
            "Chọn ít nhất một hồ sơ để ký.",
            "Choose at least one dossier to sign.",
            field="dossiers",
        )
    if len(dossier_ids) > limit:
        raise DomainError(
            "batch_too_large",
            f"Mỗi lượt ký tối đa {limit} hồ sơ.",
            f"At most {limit} dossiers per batch.",
            field="dossiers",
        )
