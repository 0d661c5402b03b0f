"""The public look-up page /tra-cuu/ (no login; Circular 01/2018/TT-VPCP art. 16):
anyone sees the code, the procedure and the completion status; the owner, logged
in, or anyone who gives the applicant's ID number (or its last 4 digits) or phone
(``egov/dossiers/lookup.py``) also sees the applicant's name, the dates, where the
dossier is down to the department, its outcome and its history."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from egov.core.errors import DomainError
from egov.dossiers import lookup, queries
from egov.dossiers.api.public import PublicLookupThrottle, present

MAX_CODE = 30
MAX_PROOF = 20


def _throttled(request) -> bool:
    return not PublicLookupThrottle().allow_request(request, None)


def lookup_form(request):
    code = request.GET.get("code", "").strip().upper()
    if code and len(code) <= MAX_CODE:
        return redirect(reverse("dossiers_public:result", args=[code]))
    return render(
        request,
        "dossiers/public/lookup.html",
        {"code": code, "invalid": bool(code)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def lookup_result(request, code: str):
    code = code.strip().upper()
    if _throttled(request):
        return render(
            request, "dossiers/public/lookup.html", {"code": code, "throttled": True}, status=429
        )
    dossier = queries.public_lookup(code) if len(code) <= MAX_CODE else None
    if dossier is None:
        if request.method == "POST":
            lookup.count_failure(request, code[:MAX_CODE])
        return render(
            request, "dossiers/public/lookup.html", {"code": code, "not_found": True}, status=404
        )
    verified, error, status = None, None, 200
    proof = {"id_number": "", "phone": ""}
    if request.method == "POST":
        proof = {k: request.POST.get(k, "").strip()[:MAX_PROOF] for k in proof}
        full = queries.owner_view(dossier)
        try:
            lookup.verify(request, full, code, **proof)
        except DomainError as refused:
            error, status = refused, refused.status
        else:
            verified = full
    response = render(
        request,
        "dossiers/public/result.html",
        {
            "d": present(dossier, request.user, verified=verified),
            # What was given is never echoed back into the page.
            "proof_error": error,
        },
        status=status,
    )
    if request.method == "POST":
        # What a proof opened (personal data, perhaps for a visitor not logged in) and
        # the answers to proofs are kept in no cache.
        patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response
