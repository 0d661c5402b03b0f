"""``POST /api/v1/signatures/verify``: anyone checks a signed PDF (multipart field
``file``, optional ``code``: the dossier code it should be registered for). Answers
the ETSI-style report of ``verify.verify_pdf``; 400 for a file that is not a readable,
unencrypted PDF, 413 above the size limit. Nothing of the file is kept."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.clientip import client_ip
from egov.core.errors import DomainError
from egov.core.throttling import SharedRateThrottle
from egov.env import env_str
from egov.signing import conf, rules, services


class VerifyThrottle(SharedRateThrottle):
    """Verifications per client address (each one costs cryptography)."""

    scope = "signature_verify"

    def get_rate(self):
        return getattr(settings, "EGOV_RATE_SIGNATURE_VERIFY", None) or env_str(
            "EGOV_RATE_SIGNATURE_VERIFY", "30/min"
        )

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class VerifyIn(serializers.Serializer):
    file = serializers.FileField()
    code = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class CertificateOut(serializers.Serializer):
    subject = serializers.CharField()
    issuer = serializers.CharField()
    serial = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()


class RevocationOut(serializers.Serializer):
    status = serializers.CharField(help_text="good, revoked or unknown")
    revoked_at = serializers.DateTimeField(allow_null=True)
    embedded = serializers.BooleanField()


class SignatureOut(serializers.Serializer):
    field = serializers.CharField()
    indication = serializers.CharField()
    sub_indication = serializers.CharField(allow_null=True)
    signer = serializers.CharField()
    title = serializers.CharField()
    organisation = serializers.CharField()
    signing_time = serializers.DateTimeField(allow_null=True)
    timestamp_time = serializers.DateTimeField(allow_null=True)
    timestamp_valid = serializers.BooleanField()
    certificate_chain = CertificateOut(many=True)
    trusted = serializers.BooleanField()
    revocation = RevocationOut()
    level = serializers.ChoiceField(choices=["B-B", "B-T", "B-LT", "B-LTA"])
    intact = serializers.BooleanField()
    coverage = serializers.CharField(allow_null=True)
    modifications_after = serializers.CharField(allow_null=True)
    whole_document_covered = serializers.BooleanField()
    validated_at = serializers.ChoiceField(choices=["now", "timestamp"])


class DocumentTimestampOut(serializers.Serializer):
    field = serializers.CharField()
    time = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField()
    valid = serializers.BooleanField()
    whole_document_covered = serializers.BooleanField()


class RegisteredOut(serializers.Serializer):
    dossier_code = serializers.CharField(allow_null=True)
    matches = serializers.BooleanField()


class ReportOut(serializers.Serializer):
    indication = serializers.ChoiceField(
        choices=["TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE", "NO_SIGNATURE_FOUND"]
    )
    sub_indication = serializers.CharField(allow_null=True)
    signatures_count = serializers.IntegerField()
    valid_signatures_count = serializers.IntegerField()
    signatures = SignatureOut(many=True)
    document_timestamps = DocumentTimestampOut(many=True)
    sha256 = serializers.CharField()
    registered = RegisteredOut()


class VerifySignatures(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [VerifyThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="signatures_verify",
        summary="Kiểm tra chữ ký số của một tệp PDF / Verify the signatures of a PDF",
        request={"multipart/form-data": VerifyIn},
        # 400 (not_pdf, pdf_encrypted, pdf_unreadable, file_required) and 413
        # (file_too_large) are added in the error format by egov.core.openapi.
        responses={200: ReportOut},
    )
    def post(self, request):
        body = VerifyIn(data=request.data)
        if not body.is_valid():
            raise DomainError(
                "file_required",
                "Chọn tệp PDF cần kiểm tra (trường 'file').",
                "Choose the PDF to check (field 'file').",
                field="file",
            )
        upload = body.validated_data["file"]
        rules.check_size(upload.size or 0, conf.verify_max_bytes())
        report = services.verify_upload(
            actor=request.user,
            data=upload.read(),
            code=body.validated_data["code"],
            client=client_ip(request),
        )
        return Response(report)
