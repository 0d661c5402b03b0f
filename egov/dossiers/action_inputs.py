"""The inputs of the dossier actions (``egov.dossiers.actions``): each one is both a
field of the API body serializer and a field of the workspace form, so both channels
check the same shapes; and ``Call``, what an action's service receives.

The serializers check shapes only; the services check the rules.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from egov.core.errors import DomainError
from egov.dossiers.models import Channel

# ---------------------------------------------------------------- inputs


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """An ISO 8601 date-time, or a date (the service decides the time of day)."""

    default_error_messages = {"invalid": "Ngày hoặc ngày giờ ISO 8601. / ISO 8601 date or time."}

    def to_internal_value(self, data):
        text = str(data)
        try:
            value = parse_datetime(text) or parse_date(text)
        except ValueError:
            value = None
        if value is None:
            self.fail("invalid")
        if isinstance(value, datetime.datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def to_representation(self, value):
        return value.isoformat()


@dataclass(frozen=True)
class Input:
    name: str
    label: str  # Vietnamese (a msgid: the English is in the .po)
    # text, textarea, number, datetime, select, missing, components, files, scan
    kind: str = "text"
    required: bool = False
    hidden: bool = False  # set by the button (task, consultation, step action)
    api_only: bool = False  # no form field (e.g. the names of result files)
    many: bool = False  # a list (repeated form fields)
    choices: Any = None  # a list, or a function of the Situation
    initial: Any = ""  # a value, or a function of the Situation
    api: Callable[[], serializers.Field] | None = None  # None: not in the body (files)

    def with_choices(self, choices, label: str | None = None) -> Input:
        return dataclasses.replace(self, choices=choices, label=label or self.label)

    def with_initial(self, initial) -> Input:
        return dataclasses.replace(self, initial=initial)

    def optional(self) -> Input:
        return dataclasses.replace(self, required=False, api=lambda: _text(False))

    def form_field(self, situation: Any) -> dict[str, Any]:
        choices = self.choices(situation) if callable(self.choices) else (self.choices or [])
        initial = self.initial(situation) if callable(self.initial) else self.initial
        if isinstance(initial, datetime.datetime):  # what <input type=datetime-local> shows
            initial = timezone.localtime(initial).strftime("%Y-%m-%dT%H:%M")
        return {
            "name": self.name,
            "label": gettext(self.label),
            "kind": self.kind,
            "required": self.required,
            "choices": choices,
            "initial": initial,
        }

    def from_form(self, post) -> tuple[bool, Any]:
        """(present, value) of this input in a workspace form."""
        if self.many:
            values = [v for v in post.getlist(self.name) if v != ""]
            return bool(values) or self.required, values
        value = post.get(self.name)
        if self.required:
            # Blank and absent alike: the service says what is missing, in both languages.
            return True, value or ""
        if value is None or value == "":
            return False, None
        return True, value


def _text(required: bool, max_length: int = 2000) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=max_length, allow_blank=True)
    return serializers.CharField(
        max_length=max_length, allow_blank=True, required=False, default=""
    )


def text(
    name: str,
    label: str,
    kind: str = "text",
    *,
    required: bool = False,
    hidden: bool = False,
    api_only: bool = False,
    many: bool = False,
    choices: list[str] | None = None,
    max_length: int = 2000,
) -> Input:
    def api() -> serializers.Field:
        if many:
            return serializers.ListField(
                child=serializers.CharField(max_length=500), required=False, default=list
            )
        if choices:
            return serializers.ChoiceField(choices=choices, default=choices[0])
        return _text(required, max_length)

    return Input(name, label, kind, required, hidden, api_only, many, api=api)


def number(
    name: str,
    label: str,
    *,
    required: bool = False,
    hidden: bool = False,
    initial: Any = "",
    minimum: int | None = None,
    maximum: int | None = None,
) -> Input:
    def api() -> serializers.Field:
        extra: dict[str, Any] = {"min_value": minimum, "max_value": maximum}
        if not required:
            extra["default"] = initial if initial != "" else None
            extra["required"] = False
        return serializers.IntegerField(**{k: v for k, v in extra.items() if v is not None})

    return Input(name, label, "number", required, hidden, initial=initial, api=api)


def to_order(choices) -> Input:
    return Input(
        "to_order",
        "Về bước",
        "select",
        required=True,
        choices=choices,
        api=lambda: serializers.IntegerField(min_value=1),
    )


REASON = Input("reason", "Lý do", "textarea", required=True, api=lambda: _text(True))
NOTE = Input("note", "Ghi chú", "textarea", api=lambda: _text(False))
MISSING = Input(
    "missing",
    "Thành phần còn thiếu",
    "missing",
    required=True,
    many=True,
    api=lambda: serializers.ListField(child=serializers.IntegerField(), allow_empty=True),
)
COMPONENTS = Input(
    "components",
    "Thành phần bổ sung",
    "components",
    api=lambda: _components_field(),
)
AGENCY = Input(
    "agency",
    "Cơ quan",
    "select",
    required=True,
    api=lambda: serializers.CharField(max_length=13, help_text="agency code"),
)
ASSIGNEE = Input(
    "assignee",
    "Cán bộ xử lý",
    "select",
    required=True,
    api=lambda: serializers.CharField(max_length=150, help_text="username"),
)
COMPONENT = Input(
    "component",
    "Thành phần",
    "select",
    required=True,
    api=lambda: serializers.IntegerField(help_text="id of the dossier's component line"),
)
CHANNEL = Input(
    "channel",
    "Hình thức trả",
    "select",
    choices=list(Channel.choices),
    initial=Channel.COUNTER.value,
    api=lambda: serializers.ChoiceField(choices=Channel.choices, default=Channel.COUNTER),
)
NEW_DUE = Input(
    "new_due", "Ngày hẹn mới", "datetime", required=True, api=lambda: DateOrDateTimeField()
)
PAY_METHODS = [("cash", "Tiền mặt (cash)"), ("transfer", "Chuyển khoản (bank transfer)")]
PAY_METHOD = Input(
    "method",
    "Hình thức nộp",
    "select",
    required=True,
    choices=[*PAY_METHODS, ("exempt", "Miễn nộp (exempted)")],
    initial="cash",
    api=lambda: serializers.ChoiceField(choices=["cash", "transfer", "exempt"]),
)
FEE_METHOD = Input(
    "fee_method",
    "Hình thức nộp phí khi trả",
    "select",
    initial="cash",
    api=lambda: serializers.ChoiceField(
        choices=["cash", "transfer"],
        default="cash",
        help_text="how the fee collected on return is paid (procedures that collect on return)",
    ),
)
FILES = Input("files", "Tệp kết quả (PDF, PNG, JPEG)", "files")
# Given: the result is rendered and signed digitally by the server (egov.signing).
PASSPHRASE = Input(
    "passphrase", "Mật khẩu chứng thư số (ký số kết quả)", "password", api=lambda: _text(False, 200)
)
SCAN = Input("file", "Tệp quét (PDF, PNG, JPEG)", "scan", required=True)


def _components_field() -> serializers.Field:
    from egov.dossiers.api.serializers import ComponentInSerializer

    return ComponentInSerializer(many=True, required=False, default=list)


def body_serializer(name: str, inputs: tuple[Input, ...]) -> type[serializers.Serializer]:
    """The API body of an action (besides ``version``), e.g. ``RecordResultAction``."""
    from egov.dossiers.api.serializers import VersionedSerializer

    title = "".join(part.title() for part in name.split("_")) + "Action"
    fields = {i.name: i.api() for i in inputs if i.api is not None}
    return type(title, (VersionedSerializer,), fields)


# ---------------------------------------------------------------- one call


_FILE_PART = re.compile(r"^files$")


@dataclass
class Call:
    """One action asked for: who, on which dossier, the checked body, the uploads and
    the version acted on. ``checklist`` turns the body's components into the service's
    checklist lines (the API and the form name their files differently)."""

    name: str
    actor: Any
    dossier: Any
    data: dict[str, Any]
    files: Any
    version: int | None
    checklist: Callable[[], list] = list

    @property
    def services(self):
        from egov.dossiers import services

        return services

    def service(self, **kwargs: Any) -> Any:
        function = getattr(self.services, self.name)
        return function(
            actor=self.actor, dossier=self.dossier, expected_version=self.version, **kwargs
        )

    def components(self) -> list:
        return self.checklist()

    def result_files(self) -> list[tuple[str, Any]]:
        unknown = [n for n in (self.files or {}) if not _FILE_PART.match(n)]
        if unknown:
            raise DomainError(
                "file_part_unknown",
                "Tệp kết quả gửi trong các phần 'files'.",
                "Result files go in the parts 'files'.",
                field=unknown[0],
            )
        uploads = self.files.getlist("files") if self.files else []
        names = self.data.get("names") or []
        return [(names[i] if i < len(names) else "", f) for i, f in enumerate(uploads)]

    def user(self, username: str):
        from egov.directory.models import User

        found = User.objects.filter(username=username).first()
        if found is None:
            raise _unknown(
                "assignee_invalid", "Không có người dùng này.", "No such user.", "assignee"
            )
        return found

    def agency(self, code: str):
        from egov.dossiers.api.common import agency_by_code

        return agency_by_code(code, "agency")

    def consultation(self, pk: int):
        found = self.dossier.consultations.filter(pk=pk).first()
        if found is None:
            raise _unknown(
                "consultation_unknown",
                "Không có yêu cầu xin ý kiến này.",
                "Unknown consultation.",
                "consultation",
            )
        return found

    def task(self, pk: int):
        found = self.dossier.tasks.filter(pk=pk).first()
        if found is None:
            raise _unknown("task_unknown", "Không có phần việc này.", "Unknown task.", "task")
        return found


def _unknown(code: str, vi: str, en: str, field: str) -> DomainError:
    return DomainError(code, vi, en, field=field)
