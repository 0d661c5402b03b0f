"""Accounts of officers and citizens: password change and reset (OWASP ASVS v4 2.5).

A reset asked for by e-mail writes an audit entry and an outbox event in one
transaction; the relay delivers it (``send_password_reset``) by e-mail through the
configured SMTP server. The link's token is made at delivery, from the account's
state (Django's ``default_token_generator``), so no usable secret is stored in the
outbox; it stops working once the password changes or after PASSWORD_RESET_TIMEOUT.

A reset by SMS sends a 6-digit code to the phone of the account (``send_password_reset_sms``
through ``egov.core.sms``). The code is a keyed hash (SECRET_KEY) of the account, its
current password hash and a random nonce kept in the requesting browser's session, so
the outbox holds only the nonce; the code works in that session only, for
``SMS_CODE_SECONDS``, ``SMS_CODE_TRIES`` tries, and opens Django's set-password page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from egov.core import audit, outbox, sms
from egov.core.models import OutboxEvent

RESET_TOPIC = "account.password_reset"
SMS_TOPIC = "account.password_reset_sms"
SMS_CODE_SECONDS = 600
SMS_CODE_TRIES = 5


def request_password_reset(*, actor: Any, user: Any, base_url: str) -> None:
    """``actor``: the requester (None when not logged in, as usual)."""
    with transaction.atomic():
        outbox.emit(topic=RESET_TOPIC, aggregate=user, payload={"base_url": base_url.rstrip("/")})
        audit.record(
            actor=actor,
            action="account.password_reset_requested",
            obj=user,
            changes={"channel": "email"},
        )


def request_password_reset_sms(*, actor: Any, user: Any, nonce: str) -> None:
    with transaction.atomic():
        outbox.emit(topic=SMS_TOPIC, aggregate=user, payload={"nonce": nonce})
        audit.record(
            actor=actor,
            action="account.password_reset_requested",
            obj=user,
            changes={"channel": "sms"},
        )


def phone_digits(value: str) -> str:
    """0912 345 678, +84 912 345 678 and 84912345678 are one number."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def sms_code(user: Any, nonce: str) -> str:
    digest = salted_hmac("egov.password-reset-sms", f"{user.pk}:{nonce}:{user.password}")
    return f"{int(digest.hexdigest()[:12], 16) % 1_000_000:06d}"


def change_password(*, actor: Any, form: Any) -> Any:
    """Save a Django password form (change, or set after a reset) with an audit entry."""
    with transaction.atomic():
        user = form.save()
        audit.record(actor=actor or user, action="account.password_changed", obj=user)
    return user


@outbox.handler(RESET_TOPIC)
def send_password_reset(event: OutboxEvent) -> None:
    user = get_user_model().objects.filter(pk=event.aggregate_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return  # nothing to send any more: the account went, or lost its address
    base = event.payload.get("base_url") or settings.EGOV_PUBLIC_URL or "http://localhost"
    parts = urlsplit(base)
    context = {
        "email": user.email,
        "domain": parts.netloc,
        "site_name": parts.netloc,
        "protocol": parts.scheme or "https",
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    context["link"] = base + reverse(
        "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
    )
    # Vietnamese first, English below it, whatever language the request was in.
    with translation.override("vi"):
        subject = loader.render_to_string("registration/password_reset_subject.txt", context)
        body = loader.render_to_string("registration/password_reset_email.txt", context)
    EmailMultiAlternatives(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
    ).send()


@outbox.handler(SMS_TOPIC)
def send_password_reset_sms(event: OutboxEvent) -> None:
    user = get_user_model().objects.filter(pk=event.aggregate_id, is_active=True).first()
    if user is None or not user.phone:
        return
    code = sms_code(user, event.payload["nonce"])
    sms.send_sms(
        user.phone,
        f"egov: mã đặt lại mật khẩu {code}, hiệu lực 10 phút, không chia sẻ mã này. "
        f"Password reset code {code} (10 min, do not share).",
    )
