"""The citizen's online payment pages (``/thanh-toan/<code>/``): the fees owed and a
button that starts paying on the platform, the page the platform sends the payer back
to, the printable receipt, and the platform's server-to-server callback."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.core import audit
from egov.core.errors import DomainError
from egov.core.middleware import ContentSecurityPolicyMiddleware
from egov.dossiers.forms import render as pdf
from egov.payments import providers, queries, services
from egov.payments.models import OnlineTransaction, Payment, TransactionState
from egov.payments.views import receipt_document


def _dossier(request: HttpRequest, code: str):
    dossier = queries.owned_dossier(request.user, code)
    if dossier is None:
        raise Http404("no such dossier")
    return dossier


def _allow_platform(response: HttpResponse) -> HttpResponse:
    """The page's forms post to us and are redirected to the platform's pay page: the
    strict policy's ``form-action`` names the platform too (browsers check redirects
    of a form submission against it)."""
    origin = providers.provider().pay_origin
    if origin:
        response["Content-Security-Policy"] = ContentSecurityPolicyMiddleware.POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def _site(request: HttpRequest) -> str:
    return (settings.EGOV_PUBLIC_URL or f"{request.scheme}://{request.get_host()}").rstrip("/")


@require_http_methods(["GET", "POST"])
@login_required
def pay_online(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the fees owed; POST: start paying and go to the platform's pay page."""
    dossier = _dossier(request, code)
    error = None
    if request.method == "POST":
        try:
            txn = services.start_online_payment(
                actor=request.user, dossier=dossier, site_url=_site(request)
            )
        except DomainError as refused:
            # The service wrote nothing; the refusal itself is kept for the auditor.
            audit.record(
                actor=request.user,
                action="payments.online.start_refused",
                obj=dossier,
                changes={"code": refused.code},
            )
            error = refused
            dossier.refresh_from_db()
        else:
            if txn.pay_url:
                return redirect(txn.pay_url)
            # A double click: the first request is still asking the platform.
            return redirect("payments:online_return", dossier.code, txn.reference)
    context = {"d": dossier, "error": error, **queries.online_payment_page(dossier)}
    status = error.status if error is not None else 200
    return _allow_platform(render(request, "payments/online/pay.html", context, status=status))


@require_GET
@login_required
def online_return(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """Where the platform sends the payer back. What its query string says is not
    trusted: the page shows the attempt as the callback (or, while it is pending, a
    status query made now) settled it."""
    dossier = _dossier(request, code)
    txn = get_object_or_404(
        OnlineTransaction.objects.select_related("payment"), dossier=dossier, reference=reference
    )
    if txn.state == TransactionState.PENDING:
        txn = services.refresh_online_payment(txn)
        txn.refresh_from_db()
        dossier.refresh_from_db()
    context = {"d": dossier, "txn": txn, "summary": queries.fee_summary(dossier)}
    return _allow_platform(render(request, "payments/online/result.html", context))


def _receipt(request: HttpRequest, code: str, number: str) -> tuple[Payment, str]:
    dossier = _dossier(request, code)
    payment = get_object_or_404(
        Payment.objects.select_related(
            "dossier__procedure_version", "agency__parent", "received_by"
        ),
        dossier=dossier,
        receipt_number=number,
    )
    return payment, reverse("payments:pay_online", args=[code])


@require_GET
@login_required
def citizen_receipt(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """The receipt for the applicant who filed the dossier (404 for anyone else)."""
    payment, back = _receipt(request, code, number)
    return HttpResponse(receipt_document(request, payment, for_pdf=False, back_url=back))


@require_GET
@login_required
def citizen_receipt_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    payment, back = _receipt(request, code, number)
    body = pdf.html_to_pdf(receipt_document(request, payment, for_pdf=True, back_url=back))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bien-lai-{payment.receipt_number}-{payment.dossier.code}.pdf"'
    )
    return response


@csrf_exempt  # server to server: the platform signs its message (MaXacThuc) instead
@require_POST
def online_callback(request: HttpRequest) -> JsonResponse:
    """The platform's callback; answered in JSON (``MaLoi`` "00": accepted)."""
    provider = providers.provider()
    try:
        payload = json.loads(request.body)
    except ValueError:
        payload = None
    try:
        services.handle_callback(payload)
    except DomainError as error:
        return JsonResponse(provider.answer(error), status=error.status)
    return JsonResponse(provider.answer(None))
