"""The receipt of a payment ("biên lai", A5): HTML printable from the browser and PDF,
for whoever may view the dossier (404 otherwise, so that codes cannot be probed).
A plain receipt now; the e-invoice of Decree 123/2020/NĐ-CP comes later."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from egov.core.permissions import Action, can
from egov.dossiers.forms import context as ctx
from egov.dossiers.forms import formatting as fmt
from egov.dossiers.forms import render
from egov.payments import rules
from egov.payments.models import Method, Payment


def _payment(request: HttpRequest, code: str, number: str) -> Payment:
    payment = get_object_or_404(
        Payment.objects.select_related(
            "dossier__procedure_version", "agency__parent", "received_by"
        ),
        dossier__code=code,
        receipt_number=number,
    )
    if not can(request.user, Action.VIEW, payment.dossier):
        raise Http404("no such dossier")
    return payment


def receipt_document(
    request: HttpRequest, payment: Payment, *, for_pdf: bool, back_url: str | None = None
) -> str:
    dossier = payment.dossier
    url = fmt.lookup_url(dossier.code, request)
    # What this receipt and the ones before it settled (payments are never changed).
    settled = sum(p.amount for p in dossier.payments.filter(id__lte=payment.pk))
    context = {
        "for_pdf": for_pdf,
        "title": "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "payment": payment,
        "code": dossier.code,
        "lookup_url": url,
        "qr": fmt.qr_data_uri(url),
        "agency": ctx.agency_header(payment.agency),
        "applicant": ctx.applicant(dossier),
        "procedure_name": dossier.procedure_version.name,
        "items": [
            {"name": fee.name, "amount": fmt.money(fee.amount)}
            for fee in dossier.procedure_version.fees.all()
        ],
        "amount": fmt.money(payment.amount),
        "amount_words": rules.amount_in_words(payment.amount),
        "method": fmt.label(payment.get_method_display()),
        "exempt": payment.method == Method.EXEMPT,
        "outstanding_after": fmt.money(max(dossier.fee_due - settled, 0)),
        "collector": (
            str(payment.received_by or "")
            if payment.method != Method.ONLINE
            else "Nền tảng thanh toán trực tuyến"
        ),
        "document_date": fmt.vn_date(timezone.localtime(payment.received_at)),
        "dossier_url": back_url or reverse("dossiers:dossier", args=[dossier.code]),
    }
    return render_to_string("payments/receipt.html", context, request=request)


@require_GET
@login_required
def receipt_html(request: HttpRequest, code: str, number: str) -> HttpResponse:
    return HttpResponse(receipt_document(request, _payment(request, code, number), for_pdf=False))


@require_GET
@login_required
def receipt_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    payment = _payment(request, code, number)
    body = render.html_to_pdf(receipt_document(request, payment, for_pdf=True))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bien-lai-{payment.receipt_number}-{payment.dossier.code}.pdf"'
    )
    return response
