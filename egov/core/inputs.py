"""Request input that cannot crash the server: the API's JSON parser (depth and size
limits), its pagination (bounded integers) and query-parameter readers that answer
400 with the project's error format instead of letting a bad value reach the database.

Kept apart from ``egov.core.api``: DRF imports the parser and pagination classes named
in ``REST_FRAMEWORK`` while ``rest_framework.views`` and ``generics`` are still loading,
so this module must not import views.
"""

from __future__ import annotations

import codecs
import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, JsonResponse
from rest_framework import exceptions, parsers
from rest_framework.pagination import LimitOffsetPagination

from egov.core.errors import DomainError

# Deepest nesting of arrays and objects a JSON body may have. The deepest body the API
# takes (a reception: applicant, checklist lines) is 3 levels; 32 leaves room for any
# client while staying far below Python's recursion limit.
MAX_JSON_DEPTH = 32
# Largest JSON body (files travel as multipart parts, not in JSON).
MAX_JSON_BYTES = 1024 * 1024
# Longest text a query parameter may carry (a search, a code).
MAX_PARAM_LENGTH = 200
# Largest page offset: far beyond any list, and within every database integer.
MAX_INT = 10**9


class InputRejected(exceptions.ParseError):
    """A request body refused before it reaches a view, with a stable code. An
    ``APIException``, so DRF's authentication (which reads the body for its CSRF check)
    lets it through to the exception handler."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(detail=error.message_en, code=error.code)
        self.status_code = error.status
        self.error = error


def too_deep() -> DomainError:
    return DomainError(
        "json_too_deep",
        f"Dữ liệu JSON lồng nhau quá {MAX_JSON_DEPTH} cấp.",
        f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.",
    )


def too_large() -> DomainError:
    return DomainError(
        "json_too_large",
        f"Dữ liệu JSON vượt quá {MAX_JSON_BYTES // 1024} KB; tệp gửi dạng multipart.",
        f"The JSON body exceeds {MAX_JSON_BYTES // 1024} KB; send files as multipart parts.",
        status=413,
    )


def depth_of(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """Nesting depth of parsed JSON (a scalar is 0), counting no further than
    ``limit + 1``. Iterative, so that no input can exhaust the stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size limit (413 ``json_too_large``, read no further
    than the limit) and a depth limit (400 ``json_too_deep``). Python's decoder is
    recursive: about 1,000 levels exhaust the interpreter's stack (RecursionError),
    so both that and a merely deep body are refused with the same code."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        raw = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_JSON_BYTES:
            raise InputRejected(too_large())
        try:
            text = codecs.decode(raw, encoding)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        return loads(text)


def loads(text: str | bytes) -> Any:
    """JSON from a request (a body, or a JSON document in a multipart part), within
    the depth limit: 400 ``json_too_deep``, or DRF's ``ParseError`` if it is not JSON."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise InputRejected(too_deep()) from None
    except ValueError as exc:
        raise exceptions.ParseError(f"JSON parse error - {exc}") from None
    if depth_of(data) > MAX_JSON_DEPTH:
        raise InputRejected(too_deep())
    return data


def _no_constant(name: str):
    # NaN and Infinity are not JSON (RFC 8259) and no field of the API takes them.
    raise ValueError(f"{name} is not valid JSON")


class Pagination(LimitOffsetPagination):
    """``limit`` / ``offset`` checked, not silently replaced: a value that is not a
    whole number in range answers 400 ``validation_error`` naming the parameter
    (DRF's own class falls back to the default for garbage and passes a huge offset
    on to the database, which fails)."""

    default_limit = 50
    max_limit = 500

    def get_limit(self, request):
        params = QueryParams(request.query_params)
        limit = params.integer(
            "limit", minimum=1, maximum=self.max_limit, default=self.default_limit
        )
        params.check()
        return limit

    def get_offset(self, request):
        params = QueryParams(request.query_params)
        offset = params.integer("offset", minimum=0, maximum=MAX_INT, default=0)
        params.check()
        return offset

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            "limit": {"minimum": 1, "maximum": self.max_limit, "default": self.default_limit},
            "offset": {"minimum": 0, "maximum": MAX_INT, "default": 0},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class QueryParams:
    """Typed, checked reads of a query string, for API views and pages alike. Each
    reader returns the value (or the default) and records a bilingual message per bad
    parameter; ``check()`` raises them all at once (DRF ``ValidationError``: 400
    ``validation_error`` with ``fields``). Pages read ``errors`` and show them instead.

    ``blank``: whether a date, number or choice given empty (``?to=``) means "not given",
    as HTML forms send their empty fields; in the API an empty value is not a value of
    its type, so it is refused, as the schema says."""

    def __init__(self, params, *, blank: bool = False) -> None:
        self.params = params
        self.blank = blank
        self.errors: dict[str, list[str]] = {}

    def _given(self, name: str) -> str:
        """The stripped value of a typed parameter, "" when absent (or blank, if allowed)."""
        value = self.text(name)
        if not value and name in self.params and not self.blank and name not in self.errors:
            self._fail(name, "Không được để trống. / Must not be empty.")
        return value

    def _fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, default: str = "", *, max_length: int = MAX_PARAM_LENGTH) -> str:
        value = self.params.get(name)
        if value is None:
            return default
        if "\x00" in value:
            self._fail(name, "Không được chứa ký tự NUL. / Must not contain NUL characters.")
            return default
        if len(value) > max_length:
            self._fail(
                name,
                f"Tối đa {max_length} ký tự. / At most {max_length} characters.",
            )
            return default
        return value.strip()

    def choice(self, name: str, choices: Iterable[str], default: str = "") -> str:
        value = self._given(name) or default
        allowed = list(choices)
        if value and value not in allowed:
            self._fail(
                name,
                f"Một trong: {', '.join(allowed)}. / One of: {', '.join(allowed)}.",
            )
            return default
        return value

    def date(self, name: str, default: datetime.date | None = None) -> datetime.date | None:
        value = self._given(name)
        if not value:
            return default
        try:
            # Exactly YYYY-MM-DD: fromisoformat also takes week dates and basic format.
            if len(value) != 10:
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            self._fail(
                name,
                f"'{value[:20]}' không phải ngày hợp lệ dạng YYYY-MM-DD. / "
                f"'{value[:20]}' is not a valid date in the YYYY-MM-DD format.",
            )
            return default

    def integer(
        self, name: str, *, minimum: int, maximum: int, default: int | None = None
    ) -> int | None:
        value = self._given(name)
        if not value:
            return default
        if not (value.isascii() and value.lstrip("-").isdigit() and len(value) <= 12):
            number = None
        else:
            number = int(value)
        if number is None or not minimum <= number <= maximum:
            self._fail(
                name,
                f"Số nguyên từ {minimum} đến {maximum}. / "
                f"A whole number from {minimum} to {maximum}.",
            )
            return default
        return number

    def check(self) -> None:
        if self.errors:
            raise exceptions.ValidationError(self.errors)


class RejectNulMiddleware:
    """A NUL character in the path or query string reaches no view: PostgreSQL refuses
    it in any text value (the query would fail with a 500), and no URL of the platform
    needs one. API paths answer the JSON error format, pages a bilingual text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            vi = "Địa chỉ chứa ký tự không hợp lệ (NUL)."
            en = "The address contains an invalid character (NUL)."
            if request.path.startswith("/api/"):
                error = DomainError("malformed_request", vi, en)
                return JsonResponse({"error": error.as_dict()}, status=400)
            return HttpResponse(
                f"{vi} / {en}", status=400, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


def bad_query_page(request, errors: dict[str, list[str]]) -> HttpResponse:
    """400 page for a page whose query string is not valid: what is wrong with each
    parameter, in Vietnamese and English, and a link to the page without them."""
    from django.shortcuts import render

    return render(request, "core/bad_query.html", {"errors": errors}, status=400)
