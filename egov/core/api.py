"""API plumbing shared by every app: error format, the ping endpoint, input serializers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from egov.core import uploads
from egov.core.errors import DomainError
from egov.core.inputs import InputRejected

_DRF_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", "Bạn cần đăng nhập.", "Login required."),
    exceptions.AuthenticationFailed: (
        "authentication_failed",
        "Xác thực không thành công.",
        "Authentication failed.",
    ),
    exceptions.PermissionDenied: (
        "permission_denied",
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not allowed to do this.",
    ),
    exceptions.NotFound: ("not_found", "Không tìm thấy.", "Not found."),
    exceptions.MethodNotAllowed: (
        "method_not_allowed",
        "Phương thức không được hỗ trợ.",
        "Method not allowed.",
    ),
    exceptions.Throttled: (
        "throttled",
        "Quá nhiều yêu cầu, vui lòng thử lại sau.",
        "Too many requests, try again later.",
    ),
    exceptions.ParseError: (
        "malformed_request",
        "Dữ liệu gửi lên không đọc được.",
        "Malformed request body.",
    ),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        "Định dạng dữ liệu không hỗ trợ.",
        "Unsupported media type.",
    ),
}


class InputSerializer(serializers.Serializer):
    """A request body checked by a serializer, for views that only need its
    validated data."""

    @classmethod
    def check(cls, data: Any) -> dict[str, Any]:
        """The validated data of ``data``, or ``ValidationError`` with the serializer's
        errors."""
        serializer = cls(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def exception_handler(exc, context):
    """Every API error has the shape ``{"error": {"code", "message", "message_en", ...}}``
    with a stable ``code``; ``message`` is Vietnamese, ``message_en`` English."""
    if isinstance(exc, DomainError):
        return Response({"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django's own body limits (fields of a multipart body): the JSON format too.
        error = uploads.request_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return Response({"error": error.as_dict()}, status=error.status)
    if isinstance(exc, InputRejected):
        return Response({"error": exc.error.as_dict()}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "validation_error",
            "message": "Dữ liệu không hợp lệ.",
            "message_en": "Invalid data.",
            "fields": exc.detail,
        }
    else:
        code, vi, en = next(
            (v for k, v in _DRF_CODES.items() if isinstance(exc, k)),
            ("error", "Đã xảy ra lỗi.", "An error occurred."),
        )
        body = {"code": code, "message": vi, "message_en": en}
    response.data = {"error": body}
    return response


class PingView(APIView):
    """A trivial JSON endpoint: the baseline of the benchmark harness."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses=inline_serializer("Ping", {"status": serializers.CharField()}),
        summary="Liveness of the API process",
    )
    def get(self, request):
        return Response({"status": "ok"})


class RedriveView(APIView):
    """Put a dead outbox event back in the delivery queue (province administrators)."""

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "OutboxEventState",
            {"id": serializers.IntegerField(), "status": serializers.CharField()},
        ),
    )
    def post(self, request, pk: int):
        from egov.core.models import OutboxEvent
        from egov.core.outbox import redrive_event
        from egov.core.permissions import Action, scope

        event = scope(request.user, Action.VIEW, OutboxEvent.objects.all()).filter(pk=pk).first()
        if event is None:
            raise exceptions.NotFound()
        event = redrive_event(actor=request.user, event=event)
        return Response({"id": event.pk, "status": event.status})


class ApiDocsView(SpectacularSwaggerSplitView):
    """The browsable API page (Swagger UI, served from the sidecar package, no CDN).
    Swagger UI injects one fixed <style> element; the policy admits exactly that one by
    its hash (of the pinned drf-spectacular-sidecar version) instead of any inline style."""

    SWAGGER_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        from egov.core.middleware import ContentSecurityPolicyMiddleware

        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = ContentSecurityPolicyMiddleware.POLICY.replace(
            "style-src 'self'", f"style-src 'self' {self.SWAGGER_STYLE_HASH}"
        )
        return response
