"""The proxy: ``/gateway/r1/<instance>/<class>/<member>/<subsystem>/<service>/<path>``
forwards a REST call to the provider's ``base_url + path`` with X-Road's REST
conventions (docs/gateway.md).

Order of the checks: the ``X-Road-Client`` header, the bearer token (it must name
that client), the client's rate limit, the service and the access right (one query;
no right: 403, deny by default), the body's size, the provider's circuit. Then the
call, retried for idempotent methods on connection errors and 502/503/504, and the
answer streamed back. Errors of the gateway itself carry ``X-Road-Error`` and a JSON
body ``{"type", "message", "message_en", "detail"}``; a provider's own answer,
errors included, is passed through unchanged."""

from __future__ import annotations

import hashlib
import math
import re
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

import urllib3
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
)

from egov.core.errors import DomainError
from egov.gateway import breaker, ratelimit, registry_cache, tokens, upstream
from egov.gateway.exchanges import record_exchange
from egov.gateway.models import AccessRight, Service
from egov.messagelog import log as messagelog

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({502, 503, 504})
# Not forwarded: hop-by-hop headers (RFC 9110 section 7.6.1), the gateway's own
# credentials and cookies, and the X-Road headers the gateway sets itself.
REQUEST_DROPPED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "authorization",
        "cookie",
        "x-road-client",
        "x-road-id",
        "x-road-userid",
        "x-request-id",
    }
)
RESPONSE_DROPPED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "set-cookie",
        "x-road-id",
        "x-road-request-hash",
        "x-road-error",
    }
)
MESSAGE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
EMPTY_HASH = upstream.digest_text(hashlib.sha256())  # of an empty body


@dataclass
class Refusal(Exception):
    status: int
    type: str
    message: str
    message_en: str
    detail: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


@dataclass
class Call:
    """What the record of one call needs, filled in as the call goes."""

    request: object
    message_id: str
    client: str
    service: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    request_hash: str = EMPTY_HASH
    latency_ms: float = 0.0

    def record(self, *, status: int, error_type: str = "", response_hash: str = "") -> None:
        record_exchange(
            client=self.client,
            service=self.service,
            message_id=self.message_id,
            user_id=self.request.headers.get("X-Road-UserId", ""),
            method=self.request.method,
            path=self.path,
            status=status,
            latency_ms=self.latency_ms or (time.perf_counter() - self.started) * 1000,
            request_hash=self.request_hash,
            response_hash=response_hash,
            error_type=error_type,
        )


def _error(refusal: Refusal, message_id: str) -> JsonResponse:
    answer = JsonResponse(
        {
            "type": refusal.type,
            "message": refusal.message,
            "message_en": refusal.message_en,
            "detail": refusal.detail,
        },
        status=refusal.status,
    )
    answer["X-Road-Error"] = refusal.type
    answer["X-Road-Id"] = message_id
    for name, value in refusal.headers.items():
        answer[name] = value
    return answer


def _authenticate(request) -> str:
    client = request.headers.get("X-Road-Client", "")
    if not client:
        raise Refusal(
            400,
            "Client.MissingHeader",
            "Thiếu tiêu đề X-Road-Client (định danh hệ thống gọi).",
            "The X-Road-Client header (the calling subsystem's identifier) is missing.",
        )
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    holder = tokens.client_of(token.strip()) if scheme.lower() == "bearer" else None
    if holder is None:
        raise Refusal(
            401,
            "Client.InvalidToken",
            "Thiếu mã truy cập hoặc mã đã hết hạn: lấy mã mới tại /gateway/token.",
            "Missing, invalid or expired access token: get one at /gateway/token.",
            headers={"WWW-Authenticate": 'Bearer realm="egov-gateway"'},
        )
    if holder != client:
        raise Refusal(
            403,
            "Client.ClientMismatch",
            "X-Road-Client không khớp với hệ thống được cấp mã truy cập.",
            "X-Road-Client does not match the client the token was issued to.",
            {"token_client": holder, "header_client": client},
        )
    return client


def _lookup(client: str, provider: str, code: str) -> tuple[Service | None, bool]:
    right = AccessRight.objects.filter(
        service=OuterRef("pk"), client__identifier=client, client__is_active=True
    )
    service = (
        Service.objects.filter(
            provider__identifier=provider, code=code, is_active=True, provider__is_active=True
        )
        .only("id", "code", "base_url", "provider_id")
        .annotate(allowed=Exists(right))
        .first()
    )
    return service, bool(service is not None and service.allowed)


def _service(client: str, provider: str, code: str) -> Service:
    service, allowed = registry_cache.resolve(client, provider, code, _lookup)
    if service is None:
        raise Refusal(
            404,
            "Server.ClientProxy.UnknownService",
            "Dịch vụ không có trong danh mục của nền tảng.",
            "No such service in the gateway's registry.",
            {"service": f"{provider}/{code}"},
        )
    if not allowed:
        raise Refusal(
            403,
            "Server.ClientProxy.AccessDenied",
            "Hệ thống gọi chưa được cấp quyền truy cập dịch vụ này.",
            "The client subsystem has no access right to this service.",
            {"client": client, "service": f"{provider}/{code}"},
        )
    return service


def _rate_limit(client: str) -> None:
    wait = ratelimit.take(client)
    if wait > 0:
        raise Refusal(
            429,
            "Client.RateLimited",
            "Quá nhiều yêu cầu từ hệ thống này: thử lại sau.",
            "Too many calls from this client subsystem: try again later.",
            {"retry_after_seconds": round(wait, 3)},
            {"Retry-After": str(max(1, math.ceil(wait)))},
        )


def _body(request, replayable: bool):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.EGOV_GATEWAY_MAX_REQUEST_BYTES
    if length > limit:
        raise Refusal(
            413,
            "Client.RequestTooLarge",
            "Dữ liệu gửi lên vượt giới hạn của nền tảng.",
            "The request body is over the gateway's limit.",
            {"limit": limit, "length": length},
        )
    if length == 0:
        return None
    if replayable and length <= settings.EGOV_GATEWAY_REPLAY_BYTES:
        return upstream.BufferedBody(request.read(length))
    return upstream.RequestBody(request, length, limit)


def _target(service: Service, path: str, query: str) -> str:
    segments = path.split("/")
    if any(s in (".", "..") for s in segments):
        raise Refusal(
            400,
            "Client.BadRequest",
            "Đường dẫn không hợp lệ.",
            "Invalid path.",
            {"path": path},
        )
    url = service.base_url.rstrip("/") + "/" + quote(path, safe="/:@!$&'()*+,;=~")
    return f"{url}?{query}" if query else url


def _headers(request, client: str, message_id: str) -> dict[str, str]:
    headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in REQUEST_DROPPED
    }
    headers["X-Road-Client"] = client
    headers["X-Road-Id"] = message_id
    user_id = request.headers.get("X-Road-UserId")
    if user_id:
        headers["X-Road-UserId"] = user_id
    return headers


def _send(method: str, url: str, headers: dict, body, retries: int):
    """The provider's answer (headers read, body not yet), after at most ``retries``
    retries on connection errors and 502/503/504."""
    data = body.data if isinstance(body, upstream.BufferedBody) else body
    if isinstance(body, upstream.RequestBody):
        headers["Content-Length"] = str(body.len)
    timeout = urllib3.Timeout(
        connect=settings.EGOV_GATEWAY_CONNECT_TIMEOUT_MS / 1000,
        read=settings.EGOV_GATEWAY_READ_TIMEOUT_MS / 1000,
    )
    for attempt in range(retries + 1):
        last = attempt == retries
        try:
            answer = upstream.pool().request(
                method,
                url,
                body=data,
                headers=headers,
                preload_content=False,
                redirect=False,
                retries=False,
                timeout=timeout,
            )
        except ReadTimeoutError as error:
            raise _timeout(error) from error  # the provider may still be working: no retry
        except (HTTPError, OSError) as error:
            # Refused, reset, closed without an answer, or no connection in time.
            if (
                last
                and isinstance(error, ConnectTimeoutError)
                and not isinstance(error, NewConnectionError)
            ):
                raise _timeout(error) from error
            if last:
                raise Refusal(
                    502,
                    "Server.ServerProxy.ServiceFailed",
                    "Không kết nối được tới hệ thống cung cấp dịch vụ.",
                    "Could not reach the provider's system.",
                    {"error": type(error).__name__, "attempts": attempt + 1},
                ) from error
        else:
            if answer.status not in RETRY_STATUSES or last:
                return answer
            answer.drain_conn()
            answer.release_conn()
        upstream.pause(attempt + 1)
    raise AssertionError("unreachable")  # pragma: no cover


def _log_accepting() -> None:
    """Like X-Road, no exchange while the message log refuses (too long without a
    timestamp seal): the provider never answers a call the log could not keep."""
    try:
        messagelog.check_accepting()
    except DomainError as refused:
        raise Refusal(
            503,
            "Server.ServerProxy.MessageLogUnavailable",
            refused.message,
            refused.message_en,
            {"code": refused.code},
        ) from refused


def _timeout(error: Exception) -> Refusal:
    return Refusal(
        504,
        "Server.ServerProxy.Timeout",
        "Hệ thống cung cấp dịch vụ không trả lời kịp thời hạn.",
        "The provider's system did not answer in time.",
        {"error": type(error).__name__},
    )


def _circuit_open(provider: str, wait: float) -> Refusal:
    return Refusal(
        503,
        "Server.ServerProxy.CircuitOpen",
        "Hệ thống cung cấp dịch vụ đang tạm ngắt do lỗi liên tiếp: thử lại sau.",
        "The provider's system is cut off after repeated failures: try again later.",
        {"provider": provider, "retry_after_seconds": round(wait, 3)},
        {"Retry-After": str(max(1, math.ceil(wait)))},
    )


@csrf_exempt
def proxy(request, instance, member_class, member_code, subsystem, service, path=""):
    message_id = request.headers.get("X-Road-Id") or uuid.uuid4().hex
    if not MESSAGE_ID.match(message_id):
        message_id = uuid.uuid4().hex
    provider = f"{instance}/{member_class}/{member_code}/{subsystem}"
    try:
        client = _authenticate(request)
    except Refusal as refusal:
        return _error(refusal, message_id)  # not recorded: nobody known is calling
    path = path or ""
    call = Call(request, message_id, client, f"{provider}/{service}", "/" + path)
    try:
        _rate_limit(client)
        found = _service(client, provider, service)
        body = _body(request, request.method in IDEMPOTENT)
        if isinstance(body, upstream.BufferedBody):
            call.request_hash = body.hash()
        url = _target(found, path, request.META.get("QUERY_STRING", ""))
        _log_accepting()
        admitted, seen, wait = breaker.admit(provider)
        if not admitted:
            raise _circuit_open(provider, wait)
        retries = settings.EGOV_GATEWAY_RETRIES
        replayable = request.method in IDEMPOTENT and not isinstance(body, upstream.RequestBody)
        try:
            answer = _send(
                request.method,
                url,
                _headers(request, client, message_id),
                body,
                retries if replayable else 0,
            )
        except Refusal:
            breaker.failed(provider)
            raise
        finally:
            if isinstance(body, upstream.RequestBody):
                call.request_hash = body.hash()
        if answer.status >= 500:
            breaker.failed(provider)
        else:
            breaker.succeeded(provider, seen)
        return _relay(call, answer)
    except Refusal as refusal:
        call.record(status=refusal.status, error_type=refusal.type)
        answer = _error(refusal, message_id)
        answer["X-Road-Request-Hash"] = call.request_hash
        return answer


def _relay(call: Call, answer: urllib3.BaseHTTPResponse) -> StreamingHttpResponse:
    call.latency_ms = (time.perf_counter() - call.started) * 1000
    limit = settings.EGOV_GATEWAY_MAX_RESPONSE_BYTES
    length = answer.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        answer.close()
        answer.release_conn()
        raise Refusal(
            502,
            "Server.ServerProxy.ResponseTooLarge",
            "Dữ liệu trả về vượt giới hạn của nền tảng.",
            "The provider's answer is over the gateway's limit.",
            {"limit": limit, "length": int(length)},
        )
    status = answer.status

    def finish(error_type: str, response_hash: str) -> None:
        call.record(status=status, error_type=error_type, response_hash=response_hash)

    relay = upstream.Relay(answer, limit, finish)
    response = StreamingHttpResponse(relay, status=status)
    if "Content-Type" not in answer.headers:
        del response["Content-Type"]  # not Django's text/html default
    for name, value in answer.headers.itermerged():
        if name.lower() not in RESPONSE_DROPPED:
            response[name] = value
    response["X-Road-Id"] = call.message_id
    response["X-Road-Request-Hash"] = call.request_hash
    return response
