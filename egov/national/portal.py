"""The national public service portal (DVCQG) as the sync sees it: one small
interface, chosen by ``EGOV_NATIONAL_PROVIDER`` (``dvcqg`` or ``none``), and its client
for the protocol deployed systems speak (docs/national.md; ``fakes/dvcqg.py`` is a
local portal speaking it).

A session comes from a login call and is kept in the shared cache until shortly
before it expires; an answer saying the session has expired (HTTP 401 or error code
401) makes the client log in again once. Success is ``error_code`` 0, never the text
of the message. Network errors, 5xx and 429 are ``PortalUnavailable`` (the outbox tries
again later, with backoff); any other refusal is ``PortalRefused``, an
``outbox.PermanentFailure`` (the event is dead at once, with the reason)."""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
import urllib.parse
from typing import Any

from django.core.cache import cache

from egov.core.outbox import PermanentFailure
from egov.national import circuit, conf

log = logging.getLogger("egov.national")

SESSION = "national:dvcqg:session"
SESSION_EXPIRED = 401  # error_code of an unknown or expired session
NOT_FOUND = 2  # the dossier is not known to the portal
ALREADY_KNOWN = 3  # a new dossier (isUpdating false) the portal already has


class PortalUnavailable(Exception):
    """The portal could not be reached or asked to wait (network, 5xx, 429, hang,
    circuit open): try again later."""


class PortalRefused(PermanentFailure):
    """The portal refused the message for good (a 4xx other than 429, or an error code
    other than 0)."""

    def __init__(self, message: str, *, status: int = 200, error_code: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code


class NationalPortal:
    """The interface of the national portal."""

    name = ""

    def known(self, code: str) -> bool:  # pragma: no cover - interface
        """Whether the portal already has dossier ``code`` (TraCuuHoSo)."""
        raise NotImplementedError

    def sync(self, *, message_id: str, record: dict, updating: bool) -> dict:  # pragma: no cover
        """Send the dossier's record (DongBoHoSoMC)."""
        raise NotImplementedError

    def progress(self, *, message_id: str, items: list[dict]) -> dict:  # pragma: no cover
        """Send progress items of dossiers already accepted (CapNhatTienDoHoSoMC)."""
        raise NotImplementedError

    def catalogue(self, service: str, **params: Any) -> Any:  # pragma: no cover
        """A catalogue service's ``result`` (LayThuTuc, LayDanhSachTTHC, ...)."""
        raise NotImplementedError

    @property
    def circuit(self) -> str:
        return circuit.CLOSED


def provider(*, deadline: float | None = None) -> NationalPortal | None:
    """The configured portal, or None when the sync is off (``none``). ``deadline``
    (``time.monotonic()``): no call of this client lasts beyond it."""
    return Dvcqg(deadline=deadline) if conf.provider() == "dvcqg" else None


class Dvcqg(NationalPortal):
    """The client of the DVCQG protocol: ``POST <url>/login``, then ``POST
    <url>/<service>`` with the session in the JSON body. One instance per delivery;
    the session and the circuit state are read from the cache once, in one query."""

    name = "dvcqg"

    def __init__(self, *, deadline: float | None = None) -> None:
        self.url = conf.url()
        self.timeout = conf.timeout()
        self.deadline = deadline
        values = circuit.shared([SESSION, circuit.FAILURES, circuit.OPEN_UNTIL])
        self.session = values.get(SESSION)
        self.breaker = circuit.Breaker(values)

    @property
    def circuit(self) -> str:
        return self.breaker.state

    # --- the services ------------------------------------------------------------

    def known(self, code: str) -> bool:
        answer = self.call("TraCuuHoSo", {"MaHoSo": code})
        return bool(answer.get("result"))

    def sync(self, *, message_id: str, record: dict, updating: bool) -> dict:
        return self.call(
            "DongBoHoSoMC",
            {
                "madonvi": conf.unit_code(),
                "messageId": message_id,
                "isUpdating": "true" if updating else "false",
                "data": [record],
            },
        )

    def progress(self, *, message_id: str, items: list[dict]) -> dict:
        return self.call(
            "CapNhatTienDoHoSoMC",
            {"madonvi": conf.unit_code(), "messageId": message_id, "data": items},
        )

    def catalogue(self, service: str, **params: Any) -> Any:
        return self.call(service, params).get("result")

    # --- the transport -----------------------------------------------------------

    def call(self, service: str, body: dict) -> dict:
        """One service call; logs in first when no session is cached, and once more
        when the portal says the session has expired."""
        if not self.breaker.allows():
            raise PortalUnavailable(f"{service}: circuit open (the portal failed repeatedly)")
        for fresh in (False, True):
            if fresh or not self.session:
                self.session = self.login()
            status, answer = self.post(service, {"session": self.session, **body})
            if status == 401 or answer.get("error_code") == SESSION_EXPIRED:
                circuit.remember({}, deleted=[SESSION])
                self.session = None
                continue
            return self.checked(service, status, answer)
        raise PortalUnavailable(f"{service}: the portal refused a fresh session")

    def login(self) -> str:
        status, answer = self.post(
            "login", {"username": conf.username(), "password": conf.password()}
        )
        if status == 401 or answer.get("error_code") == SESSION_EXPIRED:
            raise PortalRefused("login refused: check EGOV_NATIONAL_USERNAME/PASSWORD", status=401)
        answer = self.checked("login", status, answer)
        session = answer.get("session")
        if not isinstance(session, str) or not session:
            raise PortalUnavailable("login: no session in the answer")
        try:
            lifetime = float(answer.get("expires_in") or 0)
        except (TypeError, ValueError):
            lifetime = 0
        # Kept a little less than its life, so that it is not used in its last moments.
        cache.set(SESSION, session, timeout=max(int(lifetime * 0.9), 1) if lifetime else 300)
        circuit.forget()
        return session

    def checked(self, service: str, status: int, answer: dict) -> dict:
        if status == 429 or status >= 500:
            self.breaker.failed()
            raise PortalUnavailable(f"{service}: HTTP {status}")
        if status >= 400:
            self.breaker.succeeded()  # it answered: the portal is up
            raise PortalRefused(
                f"{service}: HTTP {status}: {answer.get('message', '')}"[:500],
                status=status,
                error_code=answer.get("error_code"),
            )
        if "error_code" not in answer:
            self.breaker.failed()
            raise PortalUnavailable(f"{service}: HTTP {status} without error_code")
        self.breaker.succeeded()
        if answer["error_code"] != 0:
            raise PortalRefused(
                f"{service}: error_code {answer['error_code']}: {answer.get('message', '')}"[:500],
                status=status,
                error_code=answer["error_code"],
            )
        return answer

    def post(self, service: str, message: dict) -> tuple[int, dict]:
        data = json.dumps(message, ensure_ascii=False).encode()
        started = time.monotonic()
        timeout: float = self.timeout
        if self.deadline is not None:
            timeout = min(timeout, self.deadline - started)
            if timeout < 0.5:
                raise PortalUnavailable(f"{service}: no time left before the lease ends: later")
        try:
            status, body = _transport.exchange(self.url, f"/{service}", data, timeout)
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timeout
            self.breaker.failed()
            log.warning(
                "national portal unreachable", extra={"service": service, "error": str(error)}
            )
            raise PortalUnavailable(f"{service}: {error.__class__.__name__}: {error}") from error
        log.info(
            "national portal call",
            extra={
                "service": service,
                "status": status,
                "message_id": message.get("messageId", ""),
                "ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        return status, answer if isinstance(answer, dict) else {}


class _Transport(threading.local):
    """Keep-alive HTTP connections to the portal, one per thread of a relay process
    (as database connections are kept): a new TCP connection per call cost more than
    the call. A kept connection the portal closed meanwhile fails before any answer;
    the request then goes once more on a new connection (the message ids make a second
    copy harmless, and the other services only read)."""

    def __init__(self) -> None:
        self.connections: dict[str, http.client.HTTPConnection] = {}

    def exchange(self, url: str, path: str, data: bytes, timeout: float) -> tuple[int, bytes]:
        parts = urllib.parse.urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        headers = {"Content-Type": "application/json; charset=utf-8"}
        for fresh in (False, True):
            connection = self.connections.get(key)
            reused = connection is not None and not fresh
            if not reused:
                if connection is not None:
                    connection.close()
                kind = (
                    http.client.HTTPSConnection
                    if parts.scheme == "https"
                    else http.client.HTTPConnection
                )
                connection = kind(parts.hostname, parts.port, timeout=timeout)
                self.connections[key] = connection
            elif connection.sock is not None:
                connection.sock.settimeout(timeout)  # this call's own bound
            try:
                connection.request("POST", parts.path.rstrip("/") + path, data, headers)
                response = connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                self.connections.pop(key, None)
                if reused:
                    continue  # the kept connection had been closed: once more, new
                raise
            except BaseException:
                connection.close()
                self.connections.pop(key, None)
                raise
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                self.connections.pop(key, None)
            return response.status, body
        raise http.client.RemoteDisconnected("the portal closed the connection")


_transport = _Transport()
