"""``POST /gateway/token``: the OAuth2 token endpoint (client credentials grant)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov.gateway import tokens


def _credentials(request) -> tuple[str, str, bool]:
    """(client_id, secret, given by HTTP Basic). Basic's parts are form-encoded first
    (RFC 6749 section 2.3.1), so an identifier's "/" may come as "%2F"."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as error:
            raise tokens.Refused(
                "invalid_request", "Tiêu đề Authorization hỏng (bad Basic header).", 400
            ) from error
        client_id, _, secret = decoded.partition(":")
        return unquote_plus(client_id), unquote_plus(secret), True
    return request.POST.get("client_id", ""), request.POST.get("client_secret", ""), False


def _refusal(refused: tokens.Refused, basic: bool) -> JsonResponse:
    answer = JsonResponse(
        {"error": refused.error, "error_description": refused.description},
        status=refused.status,
    )
    if refused.status == 401 and basic:
        answer["WWW-Authenticate"] = 'Basic realm="egov-gateway"'
    answer["Cache-Control"] = "no-store"
    return answer


@csrf_exempt
@require_POST
def token(request):
    basic = False
    try:
        client_id, secret, basic = _credentials(request)
        if request.POST.get("grant_type") != "client_credentials":
            raise tokens.Refused(
                "unsupported_grant_type",
                "Chỉ hỗ trợ grant_type=client_credentials (only client_credentials).",
            )
        if not client_id or not secret:
            raise tokens.Refused(
                "invalid_client", "Thiếu client_id hoặc client_secret (missing credentials).", 401
            )
        subsystem = tokens.authenticate(client_id, secret)
    except tokens.Refused as refused:
        return _refusal(refused, basic)
    answer = JsonResponse(tokens.issue(subsystem))
    answer["Cache-Control"] = "no-store"
    answer["Pragma"] = "no-cache"
    return answer
