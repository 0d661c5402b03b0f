"""SMS: a small provider interface, the implementation chosen by ``EGOV_SMS_PROVIDER``
(a dotted path; by default ``JsonHttpGateway``).

``JsonHttpGateway`` sends one JSON ``POST {"to", "text", "reference"}`` to
``EGOV_SMS_URL`` (by default the local catcher ``fakes/sms.py`` that ``make run``
starts). A provincial or carrier gateway takes another class with the same ``send``
(and ``unicode``) and is chosen by setting; nothing else changes.

``reference`` is the caller's stable id of one message (the notifications use one per
event and channel). A gateway that deduplicates on a client reference (the fake does;
several Vietnamese brand-name gateways accept a request id for this) then never
delivers a retried message twice. Every message sent is logged, without its text (it
may carry a code)."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("egov.sms")


class SmsError(Exception):
    pass


class SmsProvider(Protocol):
    # Whether the gateway carries Vietnamese with its diacritics (UCS-2 messages, 70
    # characters a part instead of 160); callers send unaccented text otherwise.
    unicode: bool

    def send(self, to: str, text: str, *, reference: str = "") -> None:
        """Hand one message to the gateway; SmsError when it was not accepted."""


class JsonHttpGateway:
    """The JSON-over-HTTP gateway at ``EGOV_SMS_URL`` (the fake, or a compatible one)."""

    def __init__(self) -> None:
        self.url = settings.EGOV_SMS_URL
        self.timeout = settings.EGOV_SMS_TIMEOUT_SECONDS
        self.unicode = settings.EGOV_SMS_UNICODE

    def send(self, to: str, text: str, *, reference: str = "") -> None:
        message = {"to": to, "text": text, **({"reference": reference} if reference else {})}
        request = urllib.request.Request(
            self.url,
            data=json.dumps(message, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status = answer.status
        except OSError as error:  # HTTPError (a 5xx) included: the caller retries later
            raise SmsError(f"SMS gateway: {error}") from error
        log.info(
            "sms sent",
            extra={"to": to[:-3] + "***", "status": status, "reference": reference},
        )


def provider() -> SmsProvider:
    """The configured provider (a new instance: settings may change in tests)."""
    return import_string(settings.EGOV_SMS_PROVIDER)()


def send_sms(to: str, text: str, *, reference: str = "") -> None:
    provider().send(to, text, reference=reference)
