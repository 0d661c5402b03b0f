"""Rules of the citizen portal: who may apply online, what each step of the online
application needs, which result deliveries a procedure allows, what the applicant
is expected to do now, and the rating scale.

Sources: Decree 61/2018 arts. 16-19 and Decree 118/2025 (reception, supplements);
Decree 43/2011 and Decree 42/2022 (level 3: result collected in person; level 4 /
"toàn trình": result online or by post); Circular 01/2018 art. 13 (the indicators a
citizen answers, scored 2/1/0)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy

from egov.core.errors import DomainError
from egov.dossiers.lifecycle import Status
from egov.payments.rules import ONLINE_PAYABLE_STATES
from egov.portal.models import Delivery

PHONE = re.compile(r"^(\+84|84|0)\d{9,10}$")

DELIVERY_LABELS = {
    Delivery.ONLINE: gettext_lazy("Nhận kết quả điện tử trên Cổng dịch vụ công"),
    Delivery.POST: gettext_lazy("Nhận kết quả qua bưu chính"),
    Delivery.COUNTER: gettext_lazy("Nhận kết quả trực tiếp tại Bộ phận Một cửa"),
}


def check_applicant_account(actor: Any) -> None:
    """Only a citizen or business account applies online; officers work in the back
    office (the two kinds never mix)."""
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "is_officer", False):
        raise DomainError(
            "portal_applicant_only",
            "Chỉ tài khoản công dân hoặc tổ chức, doanh nghiệp mới nộp hồ sơ trực tuyến.",
            "Only citizen or business accounts apply online.",
            status=403,
        )


def check_offered_online(version: Any, code: str) -> None:
    if version is None or not version.channel_online:
        raise DomainError(
            "procedure_not_online",
            f"Thủ tục {code} không tiếp nhận hồ sơ trực tuyến.",
            f"Procedure {code} does not take online applications.",
            field="procedure",
            status=404 if version is None else 400,
        )


def deliveries(version: Any) -> list[str]:
    """How the result may reach the applicant: a fully online ("toàn trình", level 4)
    procedure gives it online or by post as well as at the counter; a partly online one
    (level 3) at the counter, or by post where the procedure takes post."""
    if version.fully_online:
        return [Delivery.ONLINE, Delivery.POST, Delivery.COUNTER]
    if version.channel_post:
        return [Delivery.COUNTER, Delivery.POST]
    return [Delivery.COUNTER]


def applicant_errors(data: dict[str, Any]) -> list[DomainError]:
    """The contact data the applicant may change: a phone (the SMS notices go there)
    or an e-mail is needed, each well formed; an address."""
    errors = []
    phone = re.sub(r"[\s.-]", "", data.get("phone", ""))
    email = data.get("email", "").strip()
    if not phone and not email:
        errors.append(
            DomainError(
                "contact_required",
                "Cần số điện thoại hoặc thư điện tử để nhận thông báo về hồ sơ.",
                "A phone number or an e-mail address is needed for the notices.",
                field="phone",
            )
        )
    if phone and not PHONE.match(phone):
        errors.append(
            DomainError(
                "phone_invalid",
                "Số điện thoại không đúng (10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84).",
                "The phone number is not valid (10 or 11 digits, starting with 0 or +84).",
                field="phone",
            )
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                DomainError(
                    "email_invalid",
                    "Địa chỉ thư điện tử không đúng.",
                    "The e-mail address is not valid.",
                    field="email",
                )
            )
    if not data.get("address", "").strip():
        errors.append(
            DomainError(
                "address_required",
                "Hãy nhập địa chỉ (nơi cư trú hoặc trụ sở).",
                "Enter the address (residence or head office).",
                field="address",
            )
        )
    return errors


def request_errors(data: dict[str, Any], allowed: list[str]) -> list[DomainError]:
    errors = []
    delivery = data.get("delivery", "")
    if delivery not in allowed:
        errors.append(
            DomainError(
                "delivery_required",
                "Hãy chọn cách nhận kết quả mà thủ tục này cho phép.",
                "Choose one of the ways of receiving the result this procedure allows.",
                field="delivery",
            )
        )
    if delivery == Delivery.POST and not data.get("post_address", "").strip():
        errors.append(
            DomainError(
                "post_address_required",
                "Nhận qua bưu chính: hãy nhập địa chỉ nhận kết quả.",
                "By post: enter the address the result goes to.",
                field="post_address",
            )
        )
    if len(data.get("summary", "")) > 1000:
        errors.append(
            DomainError(
                "summary_too_long",
                "Nội dung yêu cầu tối đa 1000 ký tự.",
                "The request is at most 1000 characters.",
                field="summary",
            )
        )
    return errors


def file_errors(components: list[Any], attached: set[int]) -> list[DomainError]:
    """Every mandatory component needs its file (all missing ones listed at once)."""
    return [
        DomainError(
            "component_file_required",
            f"Thiếu tệp: {c.name}.",
            f"File missing: {c.name}.",
            field=f"c{c.pk}-file",
        )
        for c in components
        if c.mandatory and c.pk not in attached
    ]


def check_consent(consent: bool) -> None:
    if not consent:
        raise DomainError(
            "consent_required",
            "Hãy xác nhận cam đoan: thông tin khai là đúng sự thật và đồng ý cho cơ quan "
            "xử lý dữ liệu cá nhân để giải quyết hồ sơ.",
            "Confirm the declaration: the information is true, and you agree that the "
            "agency processes your personal data to handle the dossier.",
            field="consent",
        )


def check_not_submitted(application: Any) -> None:
    if application.submitted:
        raise DomainError(
            "application_submitted",
            "Hồ sơ này đã được nộp; không thể sửa nữa.",
            "This application was already submitted and can no longer be changed.",
            status=409,
        )


# ------------------------------------------------------------ what the applicant sees

# The status in plain words, for a citizen (the back office's labels are for officers).
PLAIN_STATUS = {
    Status.SUBMITTED: ("Đã nộp, chờ cán bộ tiếp nhận", "Submitted, waiting for the desk"),
    Status.RECEPTION_SUPPLEMENT: (
        "Cần bổ sung giấy tờ trước khi được tiếp nhận",
        "Papers to add before it can be received",
    ),
    Status.NOT_RECEIVED: ("Không được tiếp nhận", "Not received"),
    Status.RECEIVED: ("Đã được tiếp nhận", "Received"),
    Status.PROCESSING: ("Đang được giải quyết", "Being processed"),
    Status.SUPPLEMENT_REQUESTED: ("Cần bổ sung giấy tờ", "Papers to add"),
    Status.FINANCIAL_OBLIGATION: ("Chờ bạn nộp nghĩa vụ tài chính", "Waiting for your payment"),
    Status.WITHDRAWN: ("Bạn đã rút hồ sơ", "You withdrew the dossier"),
    Status.STOPPED: ("Đã dừng giải quyết", "Processing stopped"),
    Status.FINISHED: ("Đã có kết quả", "The result is ready"),
    Status.RETURNED: ("Đã trả kết quả", "Result handed over"),
}


def plain_status(status: str, english: bool) -> str:
    vi, en = PLAIN_STATUS.get(status, (status, status))
    return en if english else vi


SUPPLEMENT_STATES = (Status.RECEPTION_SUPPLEMENT, Status.SUPPLEMENT_REQUESTED)
COUNTER_PAYABLE_STATES = ONLINE_PAYABLE_STATES - {Status.SUBMITTED}


def expected(dossier: Any, *, rated: bool, payable_online: bool) -> list[str]:
    """What the applicant is expected to do now, most urgent first: ``supplement``,
    ``pay`` (online when the fees allow it, else ``pay_counter``), ``collect`` (the
    result is ready), ``rate`` (after the return)."""
    todo = []
    if dossier.status in SUPPLEMENT_STATES:
        todo.append("supplement")
    if dossier.fee_outstanding > 0:
        if payable_online and dossier.status in ONLINE_PAYABLE_STATES:
            todo.append("pay")  # a fully online dossier may pay before the desk receives it
        elif dossier.status in COUNTER_PAYABLE_STATES:
            todo.append("pay_counter")
    if dossier.status == Status.FINISHED:
        todo.append("collect")
    if dossier.status == Status.RETURNED and not rated:
        todo.append("rate")
    return todo


RATING_QUESTIONS = (
    (
        "total_time",
        ("Thời gian giải quyết hồ sơ so với thời hạn", "Time taken compared with the limit"),
        (
            ("Trước hạn", "Early"),
            ("Đúng hạn", "On time"),
            ("Quá hạn", "Late"),
        ),
    ),
    (
        "contacts",
        (
            "Số lần bạn phải liên hệ với cơ quan để hoàn thiện hồ sơ",
            "How many times you had to contact the agency to complete the dossier",
        ),
        (
            ("Không quá 1 lần", "At most once"),
            ("2 lần", "Twice"),
            ("Trên 2 lần", "More than twice"),
        ),
    ),
    (
        "bodies",
        (
            "Số cơ quan, đơn vị bạn phải liên hệ",
            "How many agencies or units you had to contact",
        ),
        (
            ("1 cơ quan (Bộ phận Một cửa)", "One (the one-stop desk)"),
            ("2 cơ quan", "Two"),
            ("Trên 2 cơ quan", "More than two"),
        ),
    ),
    (
        "attitude",
        ("Thái độ của cán bộ, công chức", "Attitude of the staff"),
        (
            ("Lịch sự, đúng mực, tận tình", "Polite and helpful"),
            ("Chưa thật sự nhiệt tình", "Not really helpful"),
            ("Gây phiền hà, sách nhiễu", "Caused trouble or harassment"),
        ),
    ),
)


def rating_errors(data: dict[str, Any]) -> list[DomainError]:
    """Every indicator answered with 2, 1 or 0 (the first choice scores 2)."""
    errors = []
    for name, _question, _choices in RATING_QUESTIONS:
        if str(data.get(name, "")) not in ("0", "1", "2"):
            errors.append(
                DomainError(
                    "rating_answer_required",
                    "Hãy chọn một câu trả lời.",
                    "Choose an answer.",
                    field=name,
                )
            )
    if len(data.get("comment", "")) > 2000:
        errors.append(
            DomainError(
                "comment_too_long",
                "Góp ý tối đa 2000 ký tự.",
                "The comment is at most 2000 characters.",
                field="comment",
            )
        )
    return errors


def check_may_rate(dossier: Any, actor: Any) -> None:
    if dossier.applicant_user_id != actor.pk or dossier.status != Status.RETURNED:
        raise DomainError(
            "rating_not_open",
            "Chỉ người nộp hồ sơ đánh giá, sau khi đã nhận kết quả.",
            "Only the applicant rates, once the result was handed over.",
            status=403,
        )
