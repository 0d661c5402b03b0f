"""The public look-up page /tra-cuu/ (no login; Circular 01/2018/TT-VPCP art. 16):
anyone sees the code, the procedure and the completion status; the owner, logged
in, also sees where the dossier is down to the department and its history."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from rest_framework.exceptions import Throttled

from egov.dossiers import queries
from egov.dossiers.api.public import PublicLookupThrottle, present

MAX_CODE = 30


def _throttled(request) -> bool:
    return not PublicLookupThrottle().allow_request(request, None)


def lookup_form(request):
    code = request.GET.get("code", "").strip()
    if code and len(code) <= MAX_CODE:
        return redirect(reverse("dossiers_public:result", args=[code]))
    return render(
        request,
        "dossiers/public/lookup.html",
        {"code": code, "invalid": bool(code)},
    )


def lookup_result(request, code: str):
    code = code.strip()
    if _throttled(request):
        wait = Throttled().detail
        return render(
            request, "dossiers/public/lookup.html", {"code": code, "throttled": wait}, status=429
        )
    dossier = queries.public_lookup(code) if len(code) <= MAX_CODE else None
    if dossier is None:
        return render(
            request, "dossiers/public/lookup.html", {"code": code, "not_found": True}, status=404
        )
    return render(request, "dossiers/public/result.html", {"d": present(dossier, request.user)})
