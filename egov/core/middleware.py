from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from egov.core.clientip import client_ip
from egov.core.context import reset_request_context, set_request_context

log = logging.getLogger("egov.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Give every request an id (or keep a sane X-Request-ID from the proxy), log
    one structured line per request and echo the id in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = set_request_context(request_id, client_ip(request))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if request.path != "/healthz":
                log.info(
                    "request",
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            reset_request_context(tokens)


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: no inline scripts, no third-party origin.
    Every asset is served by the platform itself."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequireSecondFactorMiddleware:
    """Administrators must pass a TOTP second factor before anything but the login,
    second-factor and static pages; other officers may enrol (/accounts/otp/setup/) and
    from then on must pass it too (the flag is set at login, egov/core/signals.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and (
                user.requires_second_factor
                or request.session.get("egov_second_factor_required", False)
            )
        ):
            allowed = (
                reverse("otp_verify"),
                reverse("otp_setup"),
                reverse("logout"),
                settings.STATIC_URL,
                "/i18n/",
                "/healthz",
            )
            if not request.path.startswith(allowed):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {
                            "error": {
                                "code": "second_factor_required",
                                "message": "Cần xác thực hai lớp (mã OTP).",
                                "message_en": "Second factor (OTP) required.",
                            }
                        },
                        status=403,
                    )
                return redirect(f"{reverse('otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose English with the language switch (the choice
    is kept in the language cookie). Unlike Django's LocaleMiddleware, the browser's
    Accept-Language is not followed: a Vietnamese public service speaks Vietnamese
    first, whatever the browser's settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        translation.deactivate()
        return response
