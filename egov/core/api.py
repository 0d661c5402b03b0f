"""API plumbing shared by every app: error format, the ping endpoint, input serializers."""

from __future__ import annotations

import functools
import threading
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from egov.core import quickcheck
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


_bound = threading.local()


class InputSerializer(serializers.Serializer):
    """A request body checked on a busy path (reception, online submission).

    DRF deep-copies and binds every declared field for every serializer instance: for a
    dossier body (applicant, checklist) that is 1-2 ms of a request. Checking a body
    keeps no state in the fields (what they check comes from the data), so the bound
    fields are built once per class and thread and reused. Not for serializers that
    read ``context`` or ``partial`` in their fields, or that change their fields per
    instance: those get their own copy, as usual."""

    @property
    def fields(self):
        if self._context or getattr(self, "partial", False) or self.instance is not None:
            return self._own_fields
        cache = _bound.__dict__.setdefault("fields", {})
        fields = cache.get(type(self))
        if fields is None:
            fields = cache[type(self)] = type(self)()._own_fields
        return fields

    @functools.cached_property
    def _own_fields(self):
        return serializers.Serializer.fields.func(self)

    @classmethod
    def check(cls, data: Any) -> dict[str, Any]:
        """The validated data of ``data``, or ``ValidationError`` with the serializer's
        errors: ``cls(data=data).is_valid(raise_exception=True)``, without making a
        serializer when the fast path accepts the body."""
        checker = _checkers.get(cls, quickcheck.FALLBACK)
        if checker is not quickcheck.FALLBACK and checker is not None:
            checked = checker(data)
            if checked is not quickcheck.FALLBACK:
                return checked
        serializer = cls(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        """As DRF's, but a well-formed body is checked by ``quickcheck`` first (same
        result); anything unusual goes through the serializer as usual."""
        if (
            not hasattr(self, "_validated_data")
            and hasattr(self, "initial_data")
            and not (self._context or getattr(self, "partial", False) or self.instance)
        ):
            checker = _checkers.get(type(self), quickcheck.FALLBACK)
            if checker is quickcheck.FALLBACK:
                checker = _checkers[type(self)] = quickcheck.compile_checker(self)
            if checker is not None:
                checked = checker(self.initial_data)
                if checked is not quickcheck.FALLBACK:
                    self._validated_data, self._errors = checked, {}
                    return True
        return super().is_valid(raise_exception=raise_exception)


# Serializer class -> its compiled checker (None: it has no fast path).
_checkers: dict[type, Any] = {}


def exception_handler(exc, context):
    """Every API error has the shape ``{"error": {"code", "message", "message_en", ...}}``
    with a stable ``code``; ``message`` is Vietnamese, ``message_en`` English."""
    if isinstance(exc, DomainError):
        return Response({"error": exc.as_dict()}, status=exc.status)
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


def not_found(request, exception=None):
    """``handler404``: under /api/ a path that matches no route (``/applicants/x/``) is
    the same 404 ``not_found`` as an object that does not exist; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        code, vi, en = _DRF_CODES[exceptions.NotFound]
        return JsonResponse({"error": {"code": code, "message": vi, "message_en": en}}, status=404)
    return page_not_found(request, exception)


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
