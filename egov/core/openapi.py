"""The OpenAPI schema, made to tell the truth about the API.

``AutoSchema`` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) adds to every operation
what drf-spectacular cannot see in the code:

- the error responses each operation can give, all in the project's error format
  (``Error``): 400 and 403 everywhere (bad input; not logged in, not allowed, or an
  administrator without the second factor, whom the middleware stops on any path),
  404 when the path names an object, 409/413/422 on writes with a body,
  428 on views that need the client's version, 429 on throttled views;
- ``If-Match`` as a *required* header on every view whose class says
  ``requires_version = True`` (without it, or the body's ``version``, the view answers
  428 ``precondition_required``);
- ``Idempotency-Key`` with its format, on views whose class says
  ``idempotency_key = True`` or that declare the header themselves.

A view opts in by class attributes, so that views generated from a registry (the
dossier actions) get the same schema as hand-written ones.

Integer bounds: DRF derives min/max validators of integer fields from the database backend's integer
ranges (SQLite reports 64-bit bounds for every integer column, PostgreSQL 16/32/64-bit
ones), so the generated schema would differ between SQLite and PostgreSQL. Those bounds
are storage limits, not part of the API contract: drop them, keep real limits.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from egov.core.inputs import MAX_PARAM_LENGTH

_STORAGE_BOUNDS = {
    2**15 - 1,
    -(2**15),
    2**31 - 1,
    -(2**31),
    2**63 - 1,
    -(2**63),
}


def _strip(node: Any) -> None:
    if isinstance(node, dict):
        for key in ("maximum", "minimum"):
            value = node.get(key)
            if isinstance(value, int) and value in _STORAGE_BOUNDS:
                del node[key]
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


def drop_storage_integer_bounds(result, generator, request, public):
    _strip(result.get("components", {}))
    _strip(result.get("paths", {}))
    return result


def register_extensions() -> None:
    """drf-spectacular extensions (imported when the apps are ready)."""
    from drf_spectacular.authentication import SessionScheme

    class EgovSessionScheme(SessionScheme):
        """The same security scheme (``cookieAuth``) as DRF's session authentication."""

        target_class = "egov.core.authentication.SessionAuthentication"


IF_MATCH = "If-Match"
IF_MATCH_PARAMETER = OpenApiParameter(
    IF_MATCH,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    pattern=r'^\s*(W/)?"?[0-9]{1,9}"?\s*$',
    description=(
        'ETag của hồ sơ (phiên bản, ví dụ "3"). Thiếu: 428 precondition_required; cũ: 409 '
        'version_mismatch. / The dossier ETag (its version, e.g. "3"). Without it 428 '
        "precondition_required (unless the body carries the same number as `version`, "
        "for multipart clients); a stale one 409 version_mismatch."
    ),
)


def idempotency_key_parameter() -> OpenApiParameter:
    from egov.core.idempotency import IDEMPOTENCY_KEY_PARAMETER

    return IDEMPOTENCY_KEY_PARAMETER


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="stable code to program against")
    message = serializers.CharField(help_text="Vietnamese")
    message_en = serializers.CharField(help_text="English")
    field = serializers.CharField(required=False, help_text="the input it is about")
    details = serializers.JSONField(required=False)
    fields = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="validation_error: the messages of each bad field or parameter",
    )


class ErrorSerializer(serializers.Serializer):
    """Every error of the API (docs/api.md)."""

    error = ErrorBodySerializer()


_ERROR_TEXT = {
    "400": "Dữ liệu không hợp lệ / bad input (validation_error, malformed_request, "
    "json_too_deep, a domain rule's code)",
    "403": "Chưa đăng nhập, không có quyền, thiếu xác thực hai lớp / not_authenticated, "
    "permission_denied, second_factor_required",
    "404": "Không tìm thấy (hoặc ngoài phạm vi) / not_found, also outside the caller's scope",
    "409": "Xung đột / a conflict code (version_mismatch, a lifecycle refusal, ...)",
    "413": "Quá lớn / json_too_large or an upload over its limit",
    "422": "idempotency_key_reused: the key was used for another request",
    "428": "precondition_required: send If-Match (or the body's version)",
    "429": "throttled: too many requests, retry later",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        # Later entries win over the view's own declaration of the same header.
        if self.method in _WRITES and getattr(self.view, "requires_version", False):
            parameters.append(IF_MATCH_PARAMETER)
        if self.method in _WRITES and getattr(self.view, "idempotency_key", False):
            parameters.append(idempotency_key_parameter())
        return parameters

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] == "query" and schema.get("type") == "string":
                if not {"enum", "format", "maxLength"} & set(schema):
                    # egov.core.inputs.QueryParams refuses longer text.
                    schema["maxLength"] = MAX_PARAM_LENGTH
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for status in self.error_statuses(operation):
            responses.setdefault(
                status,
                {
                    "content": {"application/json": {"schema": error}},
                    "description": _ERROR_TEXT[status],
                },
            )
        return operation

    def error_statuses(self, operation: dict[str, Any]) -> list[str]:
        statuses = ["400", "403"]
        if "{" in self.path:
            statuses.append("404")
        if self.method in _WRITES:
            statuses.append("409")
            if "requestBody" in operation:
                statuses.append("413")
        headers = {p.get("name") for p in operation.get("parameters", []) if "name" in p}
        if "Idempotency-Key" in headers:
            statuses.append("422")
        if self.method in _WRITES and getattr(self.view, "requires_version", False):
            statuses.append("428")
        if self.view.get_throttles():
            statuses.append("429")
        return statuses
