"""The HTTP side of the proxy towards providers: one ``urllib3`` pool manager per
process (thread-safe, kept-alive connections; ``urllib3`` rather than ``requests``
on top of it: a third of the cost per call, measured in bench/bench_gateway.py), the
request body read in chunks with its hash, and the provider's answer streamed back
with its hash and a size limit."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Callable, Iterator

import urllib3
from urllib3.exceptions import HTTPError, ReadTimeoutError

CHUNK = 64 * 1024

_lock = threading.Lock()
_pools: list[urllib3.PoolManager] = []


def pool() -> urllib3.PoolManager:
    """The process's pool manager (made at first use: after gunicorn's fork)."""
    if not _pools:
        with _lock:
            if not _pools:
                # Retries are the proxy's own (idempotent methods only): none in urllib3.
                _pools.append(urllib3.PoolManager(num_pools=100, maxsize=16, retries=False))
    return _pools[0]


def digest_text(digest) -> str:
    return base64.b64encode(digest.digest()).decode()


class RequestBody:
    """The client's body read in chunks as the provider connection sends it (never
    whole in memory), hashed on the way; sent with the client's ``Content-Length``.
    ``limit`` stops a body longer than announced."""

    def __init__(self, request, length: int, limit: int) -> None:
        self.request = request
        self.len = length
        self.limit = limit
        self.sent = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        left = min(self.len, self.limit) - self.sent
        if left <= 0:
            return b""
        chunk = self.request.read(min(size if size and size > 0 else CHUNK, left))
        self.sent += len(chunk)
        self.digest.update(chunk)
        return chunk

    def hash(self) -> str:
        return digest_text(self.digest)


class BufferedBody:
    """A small body kept in memory, so that an idempotent call can be sent again."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.digest = hashlib.sha256(data)

    def hash(self) -> str:
        return digest_text(self.digest)


class Relay:
    """The provider's body streamed to the client, hashed; cut after ``limit`` bytes
    (the headers are gone by then: the client sees a truncated body) or when the
    provider stalls past the read timeout. ``finish(status, error_type, response
    hash)`` is called once, at the end or at close, whichever comes first."""

    def __init__(self, upstream: urllib3.BaseHTTPResponse, limit: int, finish: Callable) -> None:
        self.upstream = upstream
        self.limit = limit
        self.finish = finish
        self.digest = hashlib.sha256()
        self.received = 0
        self.error_type = ""
        self.done = False
        self.chunks = self.stream()

    def stream(self) -> Iterator[bytes]:
        try:
            for chunk in self.upstream.stream(CHUNK, decode_content=False):
                self.received += len(chunk)
                if self.received > self.limit:
                    self.error_type = "Server.ServerProxy.ResponseTooLarge"
                    return
                self.digest.update(chunk)
                yield chunk
        except ReadTimeoutError:
            self.error_type = "Server.ServerProxy.Timeout"
        except (HTTPError, OSError):
            self.error_type = "Server.ServerProxy.ServiceFailed"

    def __iter__(self) -> Relay:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.chunks)
        except StopIteration:
            self.close()
            raise

    def close(self) -> None:
        if self.done:
            return
        self.done = True
        self.chunks.close()
        if self.error_type or not self.upstream.isclosed():
            self.upstream.close()  # read only in part: the connection cannot be reused
        self.upstream.release_conn()
        self.finish(self.error_type, digest_text(self.digest))


def pause(attempt: int) -> None:
    """Back off before retry ``attempt`` (1, 2...): 50 ms, 100 ms, 200 ms..."""
    time.sleep(0.05 * 2 ** (attempt - 1))
