"""Size limits on request bodies, enforced before and while the body is read, never
after reading it whole.

- ``UploadLimitMiddleware`` refuses by ``Content-Length`` before anything reads the
  body: a multipart body over ``EGOV_UPLOAD_MAX_REQUEST_BYTES``, any other body (JSON,
  forms) over ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
- ``LimitedUploadHandler`` (first of ``FILE_UPLOAD_HANDLERS``) counts each file part
  as it streams in and stops the request at the first byte over
  ``EGOV_UPLOAD_MAX_FILE_BYTES`` (or over the request limit in all): the rest of the
  body is never read.
- The total of one dossier's files is a rule of the services
  (``dossiers.rules.check_dossier_files``).

API paths answer in the JSON error format (``request_too_large``, ``file_too_large``,
413); pages answer 413 with the same bilingual message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from egov.core.errors import DomainError

API_PREFIX = "/api/"
# The data-sharing gateway streams bodies to providers and limits them itself
# (EGOV_GATEWAY_MAX_REQUEST_BYTES, docs/gateway.md): nothing here may read or refuse them.
STREAMED_PREFIX = "/gateway/"


def size_text(limit: int, decimal: str = ".") -> str:
    """``limit`` in MB, one decimal at most (the same text whatever the active language)."""
    text = f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', decimal)} MB"


def request_too_large(limit: int) -> DomainError:
    return DomainError(
        "request_too_large",
        f"Dữ liệu gửi lên quá lớn (tối đa {size_text(limit, ',')} cho một lần gửi).",
        f"The request is too large (at most {size_text(limit)} per request).",
        details={"limit": limit},
        status=413,
    )


def file_too_large(limit: int, field: str | None = None) -> DomainError:
    return DomainError(
        "file_too_large",
        f"Tệp quá lớn (tối đa {size_text(limit, ',')}).",
        f"File too large (at most {size_text(limit)}).",
        field=field,
        details={"limit": limit},
        status=413,
    )


def body_limit(request) -> int | None:
    """The most bytes a body of this request's type may have (None: no limit)."""
    if request.content_type.startswith("multipart/"):
        return settings.EGOV_UPLOAD_MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def refusal(request, error: DomainError):
    """``error`` as the API's JSON error, or as a page; the refusal is audited (who, where,
    how much), since nothing else of the request is kept."""
    from egov.core import audit
    from egov.core.clientip import client_ip

    user = getattr(request, "user", None)  # absent before the authentication middleware
    audit.record(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action="upload.refused",
        object_type="http.request",
        object_id=request.path[:200],
        changes={
            "code": error.code,
            "limit": (error.details or {}).get("limit"),
            "content_length": request.META.get("CONTENT_LENGTH") or "",
            "client_ip": client_ip(request),
        },
    )
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": error.as_dict()}, status=error.status)
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    return render(
        request, "core/upload_refused.html", {"error": error, "back": back}, status=error.status
    )


class UploadLimitMiddleware:
    """Placed before the CSRF and session middleware so that an oversized body is
    refused before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(STREAMED_PREFIX):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a bad length as an empty body
        limit = body_limit(request)
        if limit is not None and length > limit:
            return refusal(request, request_too_large(limit))
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        """A page's multipart form is parsed here, before the CSRF check reads it, so
        that a part over the limit (``LimitedUploadHandler``) is answered with a clear
        message instead of an error page. The API parses its own bodies (DRF) and
        turns the same errors into its JSON format (``egov.core.api``)."""
        if (
            request.method != "POST"
            or request.path.startswith((API_PREFIX, STREAMED_PREFIX))
            or not request.content_type.startswith("multipart/")
        ):
            return None
        try:
            request.POST  # noqa: B018 - parsing is the point
        except DomainError as error:
            return refusal(request, error)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return refusal(request, request_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        return None


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each file part and of all of them as they stream in; stops
    at the first chunk over a limit by raising (Django's parser then reads no more of
    the body). Passes every chunk on to the next handler (memory or temporary file)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.total = 0
        limit = settings.EGOV_UPLOAD_MAX_REQUEST_BYTES
        if content_length > limit:
            raise request_too_large(limit)

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        self.total = getattr(self, "total", 0) + len(raw_data)
        if self.received > settings.EGOV_UPLOAD_MAX_FILE_BYTES:
            raise file_too_large(settings.EGOV_UPLOAD_MAX_FILE_BYTES, field=self.field_name)
        if self.total > settings.EGOV_UPLOAD_MAX_REQUEST_BYTES:
            raise request_too_large(settings.EGOV_UPLOAD_MAX_REQUEST_BYTES)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file
