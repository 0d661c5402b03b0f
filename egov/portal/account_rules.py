"""Rules of applicant accounts (registration, SSO sign-in), one function each with a
stable error code; the messages are Vietnamese first, then English."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError

from egov.core.accounts import phone_digits
from egov.core.errors import DomainError
from egov.directory.models import ApplicantProfile
from egov.directory.rules import check_cccd

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^0\d{9}$")  # Vietnamese numbers: 10 digits from 0
LEVELS = ("LoA1", "LoA2")


def contact_channel(contact: str) -> tuple[str, str]:
    """("email", address) or ("phone", digits) for what the person typed."""
    text = (contact or "").strip()
    if "@" in text:
        # The address becomes the user name (150 characters at most).
        if not EMAIL.match(text) or len(text) > 150:
            raise DomainError(
                "email_invalid",
                "Địa chỉ thư điện tử không hợp lệ.",
                "The e-mail address is not valid.",
                field="contact",
            )
        return "email", text.lower()
    digits = phone_digits(text)
    if not PHONE.match(digits):
        raise DomainError(
            "contact_invalid",
            "Nhập số điện thoại di động (10 chữ số, ví dụ 0912 345 678) hoặc địa chỉ thư điện tử.",
            "Enter a mobile phone number (10 digits, e.g. 0912 345 678) or an e-mail address.",
            field="contact",
        )
    return "phone", digits


def check_contact_free(channel: str, value: str) -> None:
    users = get_user_model().objects
    taken = users.filter(username__iexact=value).exists() or (
        users.filter(email__iexact=value).exists()
        if channel == "email"
        else users.filter(phone=value).exists()
    )
    if taken:
        what_vi, what_en = (
            ("Số điện thoại", "phone number") if channel == "phone" else ("Địa chỉ thư", "e-mail")
        )
        raise DomainError(
            "contact_taken",
            f"{what_vi} này đã có tài khoản. Hãy đăng nhập, hoặc dùng “Quên mật khẩu?”.",
            f"This {what_en} already has an account. Log in, or use “Forgot password?”.",
            field="contact",
        )


def check_full_name(full_name: str) -> None:
    if len((full_name or "").split()) < 2:
        raise DomainError(
            "full_name_required",
            "Nhập họ và tên đầy đủ như trên căn cước.",
            "Enter your full name as on your identity card.",
            field="full_name",
        )


def check_birth_date(value: datetime.date | None, today: datetime.date) -> None:
    if value is None or not (datetime.date(1900, 1, 1) <= value <= today):
        raise DomainError(
            "date_of_birth_invalid",
            "Nhập ngày sinh (ngày/tháng/năm), không sau hôm nay.",
            "Enter the date of birth (day/month/year), not after today.",
            field="date_of_birth",
        )


def check_id_number_free(id_number: str) -> None:
    """One account per person: an ID number already on an account is refused (the
    person logs in, or links the account by SSO)."""
    # A business profile holds its representative's number: that person may still
    # have a citizen account of their own.
    profiles = ApplicantProfile.objects.exclude(user__kind="business")
    if profiles.filter(id_number=id_number).exists():
        raise DomainError(
            "id_number_taken",
            "Số định danh cá nhân này đã có tài khoản. Hãy đăng nhập, hoặc đăng nhập bằng "
            "tài khoản định danh điện tử.",
            "This personal identification number already has an account. Log in, or log in "
            "with the national electronic identity.",
            field="id_number",
        )


def check_password(password: str, password2: str, user=None) -> None:
    if password != password2:
        raise DomainError(
            "password_mismatch",
            "Hai lần nhập mật khẩu không giống nhau.",
            "The two passwords differ.",
            field="password2",
        )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(
            "password_weak",
            "Mật khẩu chưa đủ mạnh: ít nhất 10 ký tự, không quá phổ biến, không chỉ gồm số.",
            "The password is too weak: at least 10 characters, not common, not only digits.",
            field="password",
            details={"reasons": [str(m) for m in error.messages]},
        ) from None


def declared_identity_errors(
    *, full_name: str, id_number: str, date_of_birth: datetime.date | None, today: datetime.date
) -> list[DomainError]:
    """Every error of a self-declared identity at once (each names its field)."""
    errors = []
    for check in (
        lambda: check_full_name(full_name),
        lambda: check_birth_date(date_of_birth, today),
        lambda: check_cccd(id_number, birth_date=date_of_birth),
        lambda: check_id_number_free(id_number),
    ):
        try:
            check()
        except DomainError as error:
            if not any(e.field == error.field for e in errors):
                errors.append(error)
    return errors


def registration_errors(
    *,
    contact: str,
    full_name: str,
    id_number: str,
    date_of_birth: datetime.date | None,
    password: str,
    password2: str,
    today: datetime.date,
) -> tuple[str, str, list[DomainError]]:
    """The channel ("phone" / "email"), the normalised contact, and every error of a
    registration form at once."""
    errors: list[DomainError] = []
    channel, normalised = "", (contact or "").strip().lower()
    try:
        channel, normalised = contact_channel(contact)
        check_contact_free(channel, normalised)
    except DomainError as error:
        errors.append(error)
    errors += declared_identity_errors(
        full_name=full_name, id_number=id_number, date_of_birth=date_of_birth, today=today
    )
    try:
        check_password(password, password2)
    except DomainError as error:
        errors.append(error)
    return channel, normalised, errors


# ------------------------------------------------------------------ SSO sign-in


def check_level(acr: str | None, minimum: str) -> None:
    """The level of assurance reached must be the one the portal requires."""
    reached = LEVELS.index(acr) if acr in LEVELS else -1
    if reached < LEVELS.index(minimum if minimum in LEVELS else LEVELS[-1]):
        raise DomainError(
            "sso_level_too_low",
            f"Tài khoản định danh điện tử mới đạt mức {acr or 'không rõ'}; cổng cần mức "
            f"{minimum}. Hãy nâng cấp tài khoản định danh rồi đăng nhập lại.",
            f"The electronic identity reached level {acr or 'unknown'}; the portal requires "
            f"{minimum}. Upgrade the identity account, then log in again.",
            status=403,
        )


def check_not_officer(user) -> None:
    if user is not None and user.is_officer:
        raise DomainError(
            "sso_officer",
            "Tài khoản cán bộ không đăng nhập bằng tài khoản định danh điện tử; hãy dùng tên "
            "đăng nhập và mật khẩu cán bộ.",
            "Officer accounts do not log in with the national electronic identity; use the "
            "officer user name and password.",
            status=403,
        )


def check_one_match(users: list) -> None:
    if len(users) > 1:
        raise DomainError(
            "sso_account_ambiguous",
            "Có nhiều tài khoản cùng số định danh hoặc mã số thuế này; vui lòng liên hệ bộ "
            "phận một cửa để hợp nhất.",
            "Several accounts have this ID number or tax code; please contact the one-stop "
            "desk to merge them.",
            status=409,
        )
