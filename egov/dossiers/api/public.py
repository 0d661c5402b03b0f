"""The citizen look-up by dossier code (Circular 01/2018/TT-VPCP art. 16).

Without login: the code, the procedure name and the completion status only (no
applicant data, no agency internals). The owner (the account that submitted it),
logged in: the status down to the department (current step and its department,
processing agency, appointment date) and the history of statuses without officers'
names or notes. The same presentation serves the API and the page /tra-cuu/.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from egov.core.errors import DomainError
from egov.dossiers import queries
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier

# Labels of the national status codes (TrangThaiHoSo, DOMAIN.md section 2).
NATIONAL_LABELS: dict[int, tuple[str, str]] = {
    1: ("Mới đăng ký, chờ tiếp nhận", "Newly registered"),
    2: ("Đã tiếp nhận", "Received"),
    3: ("Không được tiếp nhận", "Not received"),
    4: ("Đang xử lý", "Processing"),
    5: ("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
    6: ("Chờ thực hiện nghĩa vụ tài chính", "Financial obligation requested"),
    7: ("Công dân đã rút hồ sơ", "Withdrawn by the applicant"),
    8: ("Dừng xử lý", "Processing stopped"),
    9: ("Đã giải quyết xong", "Processing finished"),
    10: ("Đã trả kết quả", "Result returned"),
}
_SHORT_STATUS = {s.value: s.label.split(" (")[0] for s in Status}


class PublicLookupThrottle(SimpleRateThrottle):
    """Look-ups per client address (guessing codes is cheap; answering is not)."""

    scope = "public_lookup"
    rate = "60/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def not_found(code: str) -> DomainError:
    return DomainError(
        "dossier_not_found",
        f"Không tìm thấy hồ sơ có mã '{code}'. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.",
        f"No dossier with code '{code}'. Check the code on the receipt.",
        field="code",
        status=404,
    )


def is_owner(user: Any, dossier: Dossier) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and dossier.applicant_user_id
        and dossier.applicant_user_id == user.pk
    )


def present(dossier: Dossier, user: Any) -> dict[str, Any]:
    national = dossier.national_status
    label, label_en = NATIONAL_LABELS[national]
    data: dict[str, Any] = {
        "code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "national_status": national,
        "status_label": label,
        "status_label_en": label_en,
        "finished": national in (3, 7, 8, 9, 10),
        "owner": False,
    }
    if not is_owner(user, dossier):
        return data
    dossier = queries.owner_view(dossier)
    step = dossier.current_step
    data.update(
        owner=True,
        status=dossier.status,
        current_step=step.name if step else None,
        department=(step.department or None) if step else None,
        processing_agency=dossier.processing_agency.name,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        history=[
            {
                "at": event.at,
                "status": event.to_status,
                "status_label": _SHORT_STATUS.get(event.to_status, event.to_status),
                "step": event.step_name,
            }
            for event in dossier.events.all()
            if event.to_status
        ],
    )
    return data


class PublicHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    step = serializers.CharField()


class PublicDossierSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField()
    national_status = serializers.IntegerField()
    status_label = serializers.CharField()
    status_label_en = serializers.CharField()
    finished = serializers.BooleanField()
    owner = serializers.BooleanField(help_text="the fields below only for the owner")
    status = serializers.CharField(required=False)
    current_step = serializers.CharField(required=False, allow_null=True)
    department = serializers.CharField(required=False, allow_null=True)
    processing_agency = serializers.CharField(required=False)
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    finished_at = serializers.DateTimeField(required=False, allow_null=True)
    returned_at = serializers.DateTimeField(required=False, allow_null=True)
    history = PublicHistorySerializer(many=True, required=False)


class PublicDossierLookup(APIView):
    """Look a dossier up by its code (no login needed; the owner sees more)."""

    permission_classes = [AllowAny]
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(responses=PublicDossierSerializer)
    def get(self, request, code: str):
        dossier = queries.public_lookup(code.strip())
        if dossier is None:
            raise not_found(code)
        # The dict as is: the serializer documents it; owner-only keys must stay absent.
        return Response(present(dossier, request.user))
