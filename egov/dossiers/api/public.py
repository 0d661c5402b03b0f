"""The citizen look-up by dossier code (Circular 01/2018/TT-VPCP art. 16).

Without login: the code, the procedure name and the completion status only (no
applicant data, no agency internals). The owner (the account that submitted it),
logged in, or anyone who proves to know the applicant's ID number (or its last 4
digits) or phone (``POST``, ``egov/dossiers/lookup.py``): the applicant's name, the
status down to the department (current step and its department, processing agency,
dates, outcome) and the history of statuses without officers' names or notes. The
same presentation serves the API and the page /tra-cuu/.
"""

from __future__ import annotations

from typing import Any

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.errors import DomainError
from egov.core.throttling import SharedRateThrottle
from egov.dossiers import lookup, queries
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


class PublicLookupThrottle(SharedRateThrottle):
    """Look-ups per client address (guessing codes is cheap; answering is not), counted
    in the shared cache for every process (EGOV_RATE_PUBLIC_LOOKUP)."""

    scope = "public_lookup"
    rate_setting = "EGOV_RATE_PUBLIC_LOOKUP"

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


def present(dossier: Dossier, user: Any, *, verified: Dossier | None = None) -> dict[str, Any]:
    """The public part; with the details when ``user`` owns the dossier or when the
    caller checked a proof (``verified``: the full row, ``lookup.verify``)."""
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
    owner = is_owner(user, dossier)
    if not owner and verified is None:
        return data
    dossier = verified or queries.owner_view(dossier)
    step = dossier.current_step
    data.update(
        owner=owner,
        verified=True,
        applicant_name=dossier.applicant_name,
        status=dossier.status,
        outcome=dossier.outcome,
        current_step=step.name if step else None,
        department=(step.department or None) if step else None,
        processing_agency=dossier.processing_agency.name,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        fee_due=dossier.fee_due,
        fee_outstanding=dossier.fee_outstanding,
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
    owner = serializers.BooleanField(help_text="the account that submitted it asks")
    verified = serializers.BooleanField(
        required=False, help_text="the fields below: only for the owner or after a proof"
    )
    applicant_name = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    outcome = serializers.CharField(required=False, help_text="approved, refused or empty")
    current_step = serializers.CharField(required=False, allow_null=True)
    department = serializers.CharField(required=False, allow_null=True)
    processing_agency = serializers.CharField(required=False)
    submitted_at = serializers.DateTimeField(required=False)
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    finished_at = serializers.DateTimeField(required=False, allow_null=True)
    returned_at = serializers.DateTimeField(required=False, allow_null=True)
    fee_due = serializers.IntegerField(required=False, help_text="VND")
    fee_outstanding = serializers.IntegerField(required=False, help_text="VND still owed")
    history = PublicHistorySerializer(many=True, required=False)


class LookupProofSerializer(serializers.Serializer):
    id_number = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="12 digits, or the last 4"
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class PublicDossierLookup(APIView):
    """Look a dossier up by its code (no login needed): the status; the owner, or
    anyone giving the applicant's ID number or phone (``POST``), sees more."""

    permission_classes = [AllowAny]
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(responses=PublicDossierSerializer)
    def get(self, request, code: str):
        dossier = queries.public_lookup(code.strip().upper())
        if dossier is None:
            raise not_found(code)
        # The dict as is: the serializer documents it; detail keys must stay absent.
        return Response(present(dossier, request.user))

    @extend_schema(
        request=LookupProofSerializer,
        responses=PublicDossierSerializer,
        summary="The details of a dossier, with the applicant's ID number or phone",
    )
    def post(self, request, code: str):
        code = code.strip().upper()
        proof = LookupProofSerializer(data=request.data)
        proof.is_valid(raise_exception=True)
        given = {"id_number": "", "phone": "", **proof.validated_data}
        found = queries.public_lookup(code)
        full = queries.owner_view(found) if found is not None else None
        lookup.verify(request, full, code, **given)
        response = Response(present(found, request.user, verified=full))
        # Personal data shown to a visitor who may not be logged in: kept nowhere.
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response
