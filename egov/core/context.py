"""Per-request context (request id, client address) carried in a ContextVar,
so that logs and audit entries can name the request without passing it around.
A ContextVar is per thread / per task, never shared between requests."""

from __future__ import annotations

from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("egov_request_id", default="")
_client_ip: ContextVar[str] = ContextVar("egov_client_ip", default="")


def current_request_id() -> str:
    return _request_id.get()


def current_client_ip() -> str:
    return _client_ip.get()


def set_request_context(request_id: str, client_ip: str) -> tuple:
    return _request_id.set(request_id), _client_ip.set(client_ip)


def reset_request_context(tokens: tuple) -> None:
    _request_id.reset(tokens[0])
    _client_ip.reset(tokens[1])
