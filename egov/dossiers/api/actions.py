"""``POST /api/v1/dossiers/<code>/actions/<name>``: one endpoint per lifecycle
transition, each with a small body serializer. The serializers check shapes only;
the services check the access policy, the lifecycle table, the rules and the version.

Every action needs the version the client acted on (``If-Match`` or ``version``),
honours ``Idempotency-Key``, and answers with the updated dossier and its new ETag.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.errors import DomainError
from egov.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from egov.directory.models import User
from egov.dossiers import queries, services
from egov.dossiers.api.common import (
    IF_MATCH_PARAMETER,
    agency_by_code,
    component_inputs,
    detail_data,
    document,
    etag,
    expected_version,
)
from egov.dossiers.api.serializers import (
    ComponentInSerializer,
    DossierDetailSerializer,
    VersionedSerializer,
)
from egov.dossiers.models import Channel, Consultation, Dossier, DossierTask

# ---------------------------------------------------------------- bodies


def _body(name: str, **fields: serializers.Field) -> type[serializers.Serializer]:
    return type(name, (VersionedSerializer,), fields)


def _reason(required: bool = True) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=2000, allow_blank=True)
    return serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


def _components() -> ComponentInSerializer:
    return ComponentInSerializer(many=True, required=False, default=list)


def _missing() -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """An ISO 8601 date-time, or a date (the service decides the time of day)."""

    default_error_messages = {"invalid": "Ngày hoặc ngày giờ ISO 8601. / ISO 8601 date or time."}

    def to_internal_value(self, data):
        from django.utils.dateparse import parse_date, parse_datetime

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


# ---------------------------------------------------------------- handlers


@dataclass(frozen=True)
class Spec:
    name: str  # the URL segment
    summary: str
    body: type[serializers.Serializer]
    run: Callable[[Any, Dossier, dict[str, Any], Any, int], None]


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise DomainError(
            "assignee_invalid",
            "Không có người dùng này.",
            "No such user.",
            field="assignee",
        )
    return user


def _consultation(dossier: Dossier, pk: int) -> Consultation:
    consultation = Consultation.objects.filter(dossier=dossier, pk=pk).first()
    if consultation is None:
        raise exceptions.ValidationError({"consultation": ["Unknown consultation."]})
    return consultation


def _task(dossier: Dossier, pk: int) -> DossierTask:
    task = DossierTask.objects.filter(dossier=dossier, pk=pk).first()
    if task is None:
        raise exceptions.ValidationError({"task": ["Unknown task."]})
    return task


def _answer(actor, dossier, data, files, version):
    services.answer_consultation(
        actor=actor,
        consultation=_consultation(dossier, data["consultation"]),
        answer=data["answer"],
        expected_version=version,
    )


def _complete(actor, dossier, data, files, version):
    services.complete_task(
        actor=actor, task=_task(dossier, data["task"]), note=data["note"], expected_version=version
    )


def _record_result(actor, dossier, data, files, version):
    names = data.get("names") or []
    uploads = files.getlist("files") if files else []
    unknown = [name for name in (files or {}) if name != "files"]
    if unknown:
        raise exceptions.ValidationError({unknown[0]: ["Result files go in the parts 'files'."]})
    services.record_result(
        actor=actor,
        dossier=dossier,
        files=[(names[i] if i < len(names) else "", f) for i, f in enumerate(uploads)],
        note=data["note"],
        expected_version=version,
    )


def _spec(name: str, summary: str, run: Callable, **fields: serializers.Field) -> Spec:
    title = "".join(part.title() for part in name.split("-"))
    return Spec(name, summary, _body(f"{title}Action", **fields), run)


SPECS: list[Spec] = [
    _spec(
        "accept",
        "Tiếp nhận hồ sơ trực tuyến đủ điều kiện (mẫu 01) / accept an online dossier",
        lambda a, d, data, files, v: services.accept(
            actor=a,
            dossier=d,
            components=component_inputs(data["components"], files),
            expected_version=v,
        ),
        components=_components(),
    ),
    _spec(
        "request-reception-supplement",
        "Yêu cầu bổ sung khi tiếp nhận (mẫu 02) / request a supplement at reception",
        lambda a, d, data, files, v: services.request_reception_supplement(
            actor=a, dossier=d, missing=data["missing"], note=data["note"], expected_version=v
        ),
        missing=_missing(),
        note=_reason(required=False),
    ),
    _spec(
        "supply-at-reception",
        "Bổ sung hồ sơ khi tiếp nhận / hand in the missing items at reception",
        lambda a, d, data, files, v: services.supply_at_reception(
            actor=a,
            dossier=d,
            components=component_inputs(data["components"], files),
            expected_version=v,
        ),
        components=_components(),
    ),
    _spec(
        "refuse-at-reception",
        "Từ chối tiếp nhận (mẫu 03) / refuse at reception",
        lambda a, d, data, files, v: services.refuse_at_reception(
            actor=a, dossier=d, reason=data["reason"], expected_version=v
        ),
        reason=_reason(),
    ),
    _spec(
        "forward",
        "Chuyển hồ sơ đến cơ quan xử lý / forward to the processing agency",
        lambda a, d, data, files, v: services.forward(actor=a, dossier=d, expected_version=v),
    ),
    _spec(
        "assign",
        "Phân công xử lý bước hiện tại / assign the current step",
        lambda a, d, data, files, v: services.assign(
            actor=a, dossier=d, assignee=_user(data["assignee"]), expected_version=v
        ),
        assignee=serializers.CharField(max_length=150, help_text="username"),
    ),
    _spec(
        "advance",
        "Chuyển bước tiếp theo (chuyển, duyệt, ký) / next internal step",
        lambda a, d, data, files, v: services.advance(
            actor=a, dossier=d, action=data["action"], note=data["note"], expected_version=v
        ),
        action=serializers.ChoiceField(choices=["forward", "approve", "sign"], default="forward"),
        note=_reason(required=False),
    ),
    _spec(
        "send-back",
        "Trả lại bước trước / send back to an earlier step",
        lambda a, d, data, files, v: services.send_back(
            actor=a, dossier=d, to_order=data["to_order"], reason=data["reason"], expected_version=v
        ),
        to_order=serializers.IntegerField(min_value=1),
        reason=_reason(),
    ),
    _spec(
        "consult",
        "Xin ý kiến cơ quan khác / consult another agency",
        lambda a, d, data, files, v: services.consult(
            actor=a,
            dossier=d,
            agency=agency_by_code(data["agency"], "agency"),
            question=data["question"],
            hours=data["hours"],
            expected_version=v,
        ),
        agency=serializers.CharField(max_length=13, help_text="agency code"),
        question=serializers.CharField(max_length=5000, allow_blank=True),
        hours=serializers.IntegerField(min_value=1, max_value=2000, default=24),
    ),
    _spec(
        "answer-consultation",
        "Trả lời xin ý kiến / answer a consultation (consulted agency)",
        _answer,
        consultation=serializers.IntegerField(),
        answer=serializers.CharField(max_length=5000, allow_blank=True),
    ),
    _spec(
        "request-supplement",
        "Yêu cầu bổ sung (cơ quan xử lý) / request a supplement",
        lambda a, d, data, files, v: services.request_supplement(
            actor=a, dossier=d, missing=data["missing"], reason=data["reason"], expected_version=v
        ),
        missing=_missing(),
        reason=_reason(),
    ),
    _spec(
        "supply",
        "Bổ sung hồ sơ / supply the requested items",
        lambda a, d, data, files, v: services.supply(
            actor=a,
            dossier=d,
            components=component_inputs(data["components"], files),
            expected_version=v,
        ),
        components=_components(),
    ),
    _spec(
        "request-financial-obligation",
        "Yêu cầu thực hiện nghĩa vụ tài chính / request a financial obligation",
        lambda a, d, data, files, v: services.request_financial_obligation(
            actor=a, dossier=d, amount=data["amount"], note=data["note"], expected_version=v
        ),
        amount=serializers.IntegerField(help_text="VND"),
        note=_reason(required=False),
    ),
    _spec(
        "fulfil-financial-obligation",
        "Đã thực hiện nghĩa vụ tài chính / financial obligation fulfilled",
        lambda a, d, data, files, v: services.fulfil_financial_obligation(
            actor=a, dossier=d, paid=data["paid"], expected_version=v
        ),
        paid=serializers.IntegerField(min_value=0, help_text="VND"),
    ),
    _spec(
        "stop",
        "Dừng xử lý / stop processing",
        lambda a, d, data, files, v: services.stop(
            actor=a, dossier=d, reason=data["reason"], expected_version=v
        ),
        reason=_reason(),
    ),
    _spec(
        "withdraw",
        "Rút hồ sơ / withdraw (applicant, or the desk on their behalf)",
        lambda a, d, data, files, v: services.withdraw(
            actor=a, dossier=d, reason=data["reason"], expected_version=v
        ),
        reason=_reason(required=False),
    ),
    _spec(
        "refuse",
        "Từ chối giải quyết (mẫu 03) / refuse after appraisal",
        lambda a, d, data, files, v: services.refuse(
            actor=a, dossier=d, reason=data["reason"], expected_version=v
        ),
        reason=_reason(),
    ),
    _spec(
        "apologise-late",
        "Xin lỗi, hẹn lại ngày trả (mẫu 04) / apology and new appointment",
        lambda a, d, data, files, v: services.apologise_late(
            actor=a, dossier=d, new_due=data["new_due"], reason=data["reason"], expected_version=v
        ),
        new_due=DateOrDateTimeField(),
        reason=_reason(),
    ),
    _spec(
        "transfer",
        "Chuyển liên thông lên cấp trên / transfer to a higher authority",
        lambda a, d, data, files, v: services.transfer(
            actor=a,
            dossier=d,
            agency=agency_by_code(data["agency"], "agency"),
            note=data["note"],
            expected_version=v,
        ),
        agency=serializers.CharField(max_length=13, help_text="agency code"),
        note=_reason(required=False),
    ),
    _spec(
        "complete-task",
        "Hoàn thành phần việc liên thông / finish an inter-agency task",
        _complete,
        task=serializers.IntegerField(),
        note=_reason(required=False),
    ),
    _spec(
        "record-result",
        "Ghi nhận kết quả (tệp kết quả: các phần 'files') / record the result",
        _record_result,
        note=_reason(required=False),
        names=serializers.ListField(
            child=serializers.CharField(max_length=500), required=False, default=list
        ),
    ),
    _spec(
        "attach-file",
        "Đính kèm tệp quét cho một thành phần (phần 'file') / attach a scan to a component",
        lambda a, d, data, files, v: services.attach_file(
            actor=a,
            dossier=d,
            component_id=data["component"],
            file=(files or {}).get("file"),
            expected_version=v,
        ),
        component=serializers.IntegerField(help_text="id of the dossier's component line"),
    ),
    _spec(
        "return-result",
        "Trả kết quả / return the result",
        lambda a, d, data, files, v: services.return_result(
            actor=a, dossier=d, channel=data["channel"], note=data["note"], expected_version=v
        ),
        channel=serializers.ChoiceField(choices=Channel.choices, default=Channel.COUNTER),
        note=_reason(required=False),
    ),
]


# ---------------------------------------------------------------- views


class ActionView(APIView):
    spec: Spec
    # The schema (egov/core/openapi.py) marks If-Match required and documents 428.
    requires_version = True
    idempotency_key = True

    @idempotent
    def post(self, request, code: str):
        actor = request.user
        serializer = self.spec.body(data=document(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = expected_version(request, data.get("version"))
        dossier = self._dossier(actor, code, data)
        with transaction.atomic():
            self.spec.run(actor, dossier, data, request.FILES, version)
        return _result(actor, code)

    def _dossier(self, actor: Any, code: str, data: dict[str, Any]) -> Dossier:
        dossier = queries.visible(actor).filter(code=code).first()
        if dossier is None and self.spec.name == "answer-consultation":
            # The consulted agency answers though the dossier is not in its scope.
            agency = getattr(getattr(actor, "officer_or_none", None), "agency_id", None)
            dossier = Dossier.objects.filter(
                code=code, consultations__pk=data["consultation"], consultations__agency=agency
            ).first()
        if dossier is None:
            raise exceptions.NotFound()
        return dossier


def _result(actor: Any, code: str) -> Response:
    dossier = queries.dossier_detail(actor, code)
    if dossier is None:  # a consulted agency: it may act, not read
        version = Dossier.objects.values_list("version", flat=True).get(code=code)
        return Response({"code": code, "version": version}, headers={"ETag": f'"{version}"'})
    return Response(detail_data(actor, dossier), headers={"ETag": etag(dossier)})


def _view(spec: Spec) -> type[ActionView]:
    def post(self, request, code: str):
        return ActionView.post(self, request, code)

    view = type(f"{spec.body.__name__}View", (ActionView,), {"spec": spec})
    view.post = extend_schema(
        operation_id=f"dossiers_action_{spec.name.replace('-', '_')}",
        summary=spec.summary,
        request=spec.body,
        responses={200: DossierDetailSerializer},
        parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_KEY_PARAMETER],
    )(post)
    return view


VIEWS: dict[str, type[ActionView]] = {spec.name: _view(spec) for spec in SPECS}
