"""The endpoint where the national portal delivers the dossiers filed there
(``inbound.receive_inbound_dossier``). A machine-to-machine call through the
data-sharing platform, authenticated by the shared token ``EGOV_NATIONAL_INBOUND_TOKEN``
(``Authorization: Bearer ...``); answers in the portal's manner (``error_code`` 0 on
success) with the back office's dossier code."""

from __future__ import annotations

import hmac
import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov.core.errors import DomainError
from egov.national import conf, inbound

MAX_BODY = 1024 * 1024  # the files come by address, not in the body


def _authorised(request) -> bool:
    token = conf.inbound_token()
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


@csrf_exempt  # a machine with a bearer token, not a browser with a session
@require_POST
def inbound_dossier(request):
    if not _authorised(request):
        return JsonResponse(
            {"error_code": 401, "message": "Không được phép.", "message_en": "Unauthorised."},
            status=401,
        )
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error_code": 1, "message": "Body too large"}, status=413)
    try:
        message = json.loads(request.body or b"{}")
    except ValueError:
        message = None
    if not isinstance(message, dict):
        return JsonResponse(
            {"error_code": 1, "message": "Cần JSON.", "message_en": "JSON expected."}, status=400
        )
    try:
        outcome = inbound.receive_inbound_dossier(actor=None, message=message)
    except DomainError as error:
        return JsonResponse(
            {
                "error_code": 1,
                "code": error.code,
                "message": error.message,
                "message_en": error.message_en,
                "field": error.field,
            },
            status=error.status if error.status >= 400 else 400,
        )
    dossier = outcome.inbound.dossier
    return JsonResponse(
        {
            "error_code": 0,
            "MaHoSoQG": outcome.inbound.national_id,
            "MaHoSo": dossier.code,
            "created": outcome.created,
        },
        status=201 if outcome.created else 200,
    )
