"""The SMS gateway client: one JSON ``POST {"to", "text"}`` to ``EGOV_SMS_URL`` (by
default the local catcher ``fakes/sms.py`` that ``make run`` starts; a provincial
gateway takes an adapter with the same call). Every message sent is logged, without
its text (it may carry a code)."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings

log = logging.getLogger("egov.sms")


class SmsError(Exception):
    pass


def send_sms(to: str, text: str) -> None:
    body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        settings.EGOV_SMS_URL,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.EGOV_SMS_TIMEOUT_SECONDS) as answer:
            status = answer.status
    except OSError as error:  # HTTPError included: the relay retries later
        raise SmsError(f"SMS gateway: {error}") from error
    log.info("sms sent", extra={"to": to[:-3] + "***", "status": status})
