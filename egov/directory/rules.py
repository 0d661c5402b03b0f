"""Rules of the directory, one function each, with a stable error code."""

from __future__ import annotations

import datetime
import re

from egov.core.errors import DomainError
from egov.directory.roles import Role

# QCVN 102:2016: V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.12.H62 (13 characters).
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
CCCD = re.compile(r"^\d{12}$")


def check_agency_code(code: str) -> None:
    if not AGENCY_CODE.match(code or ""):
        raise DomainError(
            "agency_code_invalid",
            f"Mã định danh '{code}' không đúng định dạng QCVN 102:2016 (ddd.dd.dd.Ldd, "
            "ví dụ 000.00.12.H62).",
            f"Agency identifier '{code}' is not in the QCVN 102:2016 format ddd.dd.dd.Ldd "
            "(e.g. 000.00.12.H62).",
            field="code",
        )


def check_agency_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    from egov.directory.models import Agency

    taken = Agency.objects.filter(code=code).exclude(pk=exclude_pk).first()
    if taken is not None:
        raise DomainError(
            "agency_code_duplicate",
            f"Mã định danh '{code}' đã được dùng cho '{taken.name}'.",
            f"Agency identifier '{code}' is already used by '{taken.name}'.",
            field="code",
        )


def check_required(value: str, field: str, label_vi: str, label_en: str) -> None:
    if not (value or "").strip():
        raise DomainError(
            "required",
            f"Thiếu {label_vi}.",
            f"{label_en} is required.",
            field=field,
        )


def check_parent_not_cycle(agency_pk: int | None, parent) -> None:
    """An agency cannot be placed under itself or one of its own sub-units."""
    if parent is None or agency_pk is None:
        return
    if parent.pk == agency_pk or agency_pk in parent.ancestor_ids:
        raise DomainError(
            "agency_tree_cycle",
            f"Không thể đặt cơ quan dưới '{parent.name}': đó là chính nó hoặc đơn vị cấp dưới "
            "của nó.",
            f"Cannot place the agency under '{parent.name}': it is the agency itself or one of "
            "its sub-units.",
            field="parent",
        )


def check_validity(valid_from: datetime.date, valid_to: datetime.date | None) -> None:
    if valid_to is not None and valid_to <= valid_from:
        raise DomainError(
            "validity_period_invalid",
            "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
            "valid_to must be after valid_from.",
            field="valid_to",
        )


def check_successor(agency_pk: int | None, successor) -> None:
    if successor is not None and agency_pk is not None and successor.pk == agency_pk:
        raise DomainError(
            "successor_is_self",
            "Cơ quan kế thừa không thể là chính cơ quan đó.",
            "An agency cannot be its own successor.",
            field="successor",
        )


def check_officer_agency(agency) -> None:
    if agency is None:
        raise DomainError(
            "officer_agency_required",
            "Cán bộ phải thuộc một cơ quan.",
            "An officer must belong to an agency.",
            field="agency",
        )


def check_department_in_agency(department, agency) -> None:
    if department is not None and department.agency_id != agency.pk:
        raise DomainError(
            "department_not_in_agency",
            f"Phòng '{department.name}' không thuộc cơ quan '{agency.name}'.",
            f"Department '{department.name}' is not part of agency '{agency.name}'.",
            field="department",
        )


def check_roles(roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise DomainError(
            "role_unknown",
            f"Vai trò không hợp lệ: {', '.join(unknown)}. Các vai trò: {', '.join(Role.values)}.",
            f"Unknown role(s): {', '.join(unknown)}. Known roles: {', '.join(Role.values)}.",
            field="roles",
        )


# Province (or country) codes of the CCCD number: the 63 values of Circular 07/2016/TT-BCA
# appendix 1 (the 2025 merger of provinces changed no number; DOMAIN.md section 11).
CCCD_PROVINCES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)
MALE, FEMALE = "male", "female"


def cccd_century_and_sex(digit: int) -> tuple[int, str]:
    """The 4th digit: 1900s male 0 / female 1, 2000s 2 / 3, ... 2300s 8 / 9."""
    return 1900 + 100 * (digit // 2), (MALE, FEMALE)[digit % 2]


def check_cccd(
    id_number: str,
    *,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
) -> None:
    """The personal identification number (số định danh cá nhân, equal to the CCCD
    number): 12 digits; 3 for the province where the birth was registered (one of the
    63 codes), 1 for century and sex, 2 for the last two digits of the birth year, 6
    random (Decree 137/2015 art. 13, Circular 07/2016/TT-BCA art. 7, Law on
    Identification 2023 art. 12). With the date of birth and the sex entered, the
    number is checked against them, and the message says which part is wrong."""
    if not CCCD.match(id_number or ""):
        raise DomainError(
            "id_number_invalid",
            "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.",
            "The personal identification (CCCD) number must be exactly 12 digits.",
            field="id_number",
        )
    province = id_number[:3]
    if province not in CCCD_PROVINCES:
        raise DomainError(
            "id_number_province",
            f"Ba chữ số đầu của số CCCD ({province}) không phải mã tỉnh nơi đăng ký khai sinh.",
            f"The first three digits of the CCCD number ({province}) are not a province code.",
            field="id_number",
            details={"part": "province", "value": province},
        )
    century, encoded_sex = cccd_century_and_sex(int(id_number[3]))
    year = century + int(id_number[4:6])
    if birth_date is not None and birth_date.year != year:
        part = "century" if birth_date.year // 100 * 100 != century else "year"
        raise DomainError(
            "id_number_birth_year",
            f"Số CCCD ghi năm sinh {year} (chữ số thứ 4-6: {id_number[3:6]}), "
            f"khác ngày sinh đã nhập ({birth_date:%d/%m/%Y}).",
            f"The CCCD number gives the birth year {year} (digits 4-6: {id_number[3:6]}), "
            f"which differs from the date of birth entered ({birth_date:%d/%m/%Y}).",
            field="id_number",
            details={"part": part, "year_in_number": year},
        )
    if sex in (MALE, FEMALE) and sex != encoded_sex:
        raise DomainError(
            "id_number_sex",
            "Chữ số thứ 4 của số CCCD ghi giới tính "
            f"{'nam' if encoded_sex == MALE else 'nữ'}, khác giới tính đã nhập.",
            f"The 4th digit of the CCCD number gives the sex {encoded_sex}, "
            "which differs from the sex entered.",
            field="id_number",
            details={"part": "sex", "sex_in_number": encoded_sex},
        )


def check_department_code_free(agency, code: str, *, exclude_pk: int | None = None) -> None:
    from egov.directory.models import Department

    taken = Department.objects.filter(agency=agency, code=code).exclude(pk=exclude_pk).first()
    if taken is not None:
        raise DomainError(
            "department_code_duplicate",
            f"Cơ quan '{agency.name}' đã có phòng, ban mã '{code}' ({taken.name}).",
            f"Agency '{agency.name}' already has a department with code '{code}' ({taken.name}).",
            field="code",
        )


# ---------------------------------------------------------------- personal data by need

LOOKUP_REASON_MIN, LOOKUP_REASON_MAX = 10, 500


def check_personal_data_purpose(dossier_code: str, reason: str) -> None:
    """An officer reads someone's identifying data for a purpose: a dossier in their
    scope, or a counter look-up with its reason (Law on Personal Data Protection
    91/2025/QH15: processing limited to its purpose). Neither: 403."""
    if not (dossier_code or "").strip() and not (reason or "").strip():
        raise DomainError(
            "personal_data_purpose_required",
            "Chỉ xem thông tin định danh qua một hồ sơ thuộc phạm vi của bạn (tham số dossier) "
            "hoặc khi tra cứu tại quầy có ghi lý do (tham số reason).",
            "Identifying data is shown only through a dossier in your scope (parameter "
            "dossier) or a counter look-up with its reason (parameter reason).",
            field="dossier",
            status=403,
        )


def check_lookup_reason(reason: str) -> None:
    """The reason of a counter look-up is recorded in the audit log: it must say why."""
    text = (reason or "").strip()
    if not LOOKUP_REASON_MIN <= len(text) <= LOOKUP_REASON_MAX:
        raise DomainError(
            "lookup_reason_invalid",
            f"Cần ghi lý do tra cứu (từ {LOOKUP_REASON_MIN} đến {LOOKUP_REASON_MAX} ký tự), ví "
            "dụ: 'Tiếp nhận hồ sơ tại quầy'.",
            f"State the reason of the look-up ({LOOKUP_REASON_MIN} to {LOOKUP_REASON_MAX} "
            "characters), e.g. 'Reception at the counter'.",
            field="reason",
        )


def check_dossier_in_scope(dossier) -> None:
    """The dossier named as the purpose must be one the officer may view; an unknown
    code answers the same, so that codes cannot be probed."""
    if dossier is None:
        raise DomainError(
            "dossier_not_in_scope",
            "Không có hồ sơ này trong phạm vi của bạn.",
            "No such dossier in your scope.",
            field="dossier",
            status=403,
        )


def check_applicant_of_dossier(profile, dossier) -> None:
    """The profile read through a dossier is its applicant's: the account that filed it,
    or the ID number / tax code the dossier was filed under."""
    if profile is not None and (
        (dossier.applicant_user_id is not None and dossier.applicant_user_id == profile.user_id)
        or (dossier.applicant_id_number and dossier.applicant_id_number == profile.id_number)
        or (dossier.applicant_tax_code and dossier.applicant_tax_code == profile.tax_code)
    ):
        return
    raise DomainError(
        "applicant_not_on_dossier",
        "Người này không phải người nộp hồ sơ đã nêu.",
        "This person is not the applicant of the dossier named.",
        field="dossier",
        status=403,
    )
