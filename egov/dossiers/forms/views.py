"""Pages of the forms: ``ho-so/<code>/mau/<01-05>/`` (HTML, printable from the
browser) and ``.../pdf`` (the PDF), and the tracking register of the officer's
agency ``so-theo-doi-ho-so/?tu=YYYY-MM-DD&den=YYYY-MM-DD[&pdf=1]``.

A dossier the user may not view is answered 404, as if it did not exist, so that
codes cannot be probed.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from egov.core.errors import DomainError
from egov.core.inputs import QueryParams, bad_query_page
from egov.core.permissions import Action, can, scope
from egov.dossiers import services
from egov.dossiers.forms import context as ctx
from egov.dossiers.forms import render
from egov.dossiers.models import Dossier


def dossier_form(request: HttpRequest, code: str, form_no: str) -> tuple[Dossier, str]:
    """The dossier and the number of one of its forms: of its set (Circular 01/2018 or
    03/2025, by its receipt date), the register aside."""
    try:
        number = ctx.form_number(form_no)
    except ValueError:
        raise Http404("unknown form") from None
    dossier = get_object_or_404(Dossier, code=code)
    if not can(request.user, Action.VIEW, dossier):
        raise Http404("no such dossier")
    try:
        ctx.kind_of(number, dossier)
    except ValueError:
        raise Http404("unknown form") from None
    return dossier, number


def _refused(error: DomainError) -> HttpResponse:
    return HttpResponse(
        f"{error.message} ({error.message_en})",
        status=error.status,
        content_type="text/plain; charset=utf-8",
    )


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _shown(request: HttpRequest, dossier: Dossier, number: str, kind: str) -> None:
    """A form printing the applicant's ID number was rendered for this user: one audit
    entry (a form that does not apply showed nothing and writes none)."""
    if ctx.kind_of(number, dossier)[1] in ctx.SHOWS_ID_NUMBER:
        services.record_dossier_read(actor=request.user, dossier=dossier, form=f"{number} {kind}")


@require_GET
def form_html(request: HttpRequest, code: str, form_no: str) -> HttpResponse:
    dossier, number = dossier_form(request, code, form_no)
    try:
        html = render.render_form_html(number, dossier, request)
    except DomainError as error:
        return _refused(error)
    _shown(request, dossier, number, "html")
    return HttpResponse(html)


@require_GET
def form_pdf(request: HttpRequest, code: str, form_no: str) -> HttpResponse:
    dossier, number = dossier_form(request, code, form_no)
    try:
        body = render.render_form_pdf(number, dossier, request)
    except DomainError as error:
        return _refused(error)
    _shown(request, dossier, number, "pdf")
    return _pdf(body, f"mau-{number}-{dossier.code}.pdf")


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Form 06 of the officer's agency: the dossiers it received between two dates
    (default: the current month), as far as the officer may view them."""
    officer = getattr(request.user, "officer_or_none", None)
    if officer is None:
        raise Http404("officers only")
    today = timezone.localdate()
    params = QueryParams(request.GET, blank=True)
    date_from = params.date("tu", today.replace(day=1))
    date_to = params.date("den", today)
    if params.errors:
        return bad_query_page(request, params.errors)
    dossiers = scope(
        request.user,
        Action.VIEW,
        Dossier.objects.filter(
            receiving_agency=officer.agency,
            received_at__date__gte=date_from,
            received_at__date__lte=date_to,
        ),
    )
    if request.GET.get("pdf"):
        body = render.render_register_pdf(dossiers, officer.agency, date_from, date_to)
        return _pdf(body, f"so-theo-doi-{officer.agency.code}-{date_from:%Y%m%d}.pdf")
    html = render.render_register_html(
        dossiers, officer.agency, date_from, date_to, request=request
    )
    return HttpResponse(html)
