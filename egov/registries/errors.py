"""The refusals of a registry look-up, with stable codes (docs/registries.md). Every
client maps what went wrong to one of these, whatever its protocol."""

from __future__ import annotations

from egov.core.errors import DomainError

POPULATION, BUSINESS = "population", "business"
NAMES = {
    POPULATION: ("CSDL quốc gia về dân cư", "the national population database"),
    BUSINESS: ("CSDL quốc gia về đăng ký doanh nghiệp", "the national business registry"),
}


def not_found(registry: str) -> DomainError:
    vi, en = NAMES[registry]
    if registry == POPULATION:
        what_vi, what_en, field = (
            "công dân có số định danh này",
            "citizen with this ID number",
            "id_number",
        )
    else:
        what_vi, what_en, field = (
            "doanh nghiệp có mã số này",
            "enterprise with this code",
            "tax_code",
        )
    return DomainError(
        "registry_not_found",
        f"Không tìm thấy {what_vi} trong {vi}.",
        f"No {what_en} in {en}.",
        field=field,
        details={"registry": registry},
        status=404,
    )


def unavailable(registry: str, *, status: int = 0, retry_after: str = "") -> DomainError:
    """The registry refused (5xx, 429), closed the connection or cannot be reached."""
    vi, en = NAMES[registry]
    details: dict = {"registry": registry, "status": status}
    if retry_after:
        details["retry_after"] = retry_after
    return DomainError(
        "registry_unavailable",
        f"{vi} đang không trả lời được. Hãy thử lại sau ít phút hoặc nhập thông tin.",
        f"{en[0].upper()}{en[1:]} is unavailable. Try again in a few minutes or type the details.",
        details=details,
        status=503,
    )


def timed_out(registry: str, seconds: float) -> DomainError:
    vi, en = NAMES[registry]
    return DomainError(
        "registry_timeout",
        f"{vi} không trả lời trong {seconds:g} giây. Hãy thử lại sau hoặc nhập thông tin.",
        f"{en[0].upper()}{en[1:]} did not answer within {seconds:g} seconds. Try again "
        "later or type the details.",
        details={"registry": registry, "timeout_seconds": seconds},
        status=504,
    )


def disabled(registry: str) -> DomainError:
    vi, en = NAMES[registry]
    return DomainError(
        "registry_disabled",
        f"Hệ thống chưa kết nối với {vi}.",
        f"This system is not connected to {en}.",
        details={"registry": registry},
        status=503,
    )
