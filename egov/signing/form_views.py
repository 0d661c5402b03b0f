"""Signing a printed form of a dossier (forms 01-05: receipt, supplement request,
refusal, apology, stop notice / control sheet): the officer types the passphrase,
the form is rendered as PDF by the forms' renderer, signed by the officer and sealed
by the agency (PAdES B-LTA, ``services.sign_document``, audited with the file's hash)
and handed to the browser as a download. Nothing else is stored."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from egov.core.errors import DomainError
from egov.dossiers.forms import context as form_context
from egov.dossiers.forms import render as form_render
from egov.dossiers.forms.views import dossier_form
from egov.signing import queries, services


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sign_form(request: HttpRequest, code: str, form_no: str) -> HttpResponse:
    officer = request.user.officer_or_none
    if officer is None:
        raise Http404("officers only")
    dossier, number = dossier_form(request, code, form_no)
    form_set, kind = form_context.kind_of(number, dossier)
    context = {
        "d": dossier,
        "number": number,
        "title": form_set.titles[kind],
        "has_credential": queries.personal_credential(request.user) is not None,
    }
    status = 200
    if request.method == "POST":
        try:
            data = form_render.render_form_pdf(number, dossier, request)
            signed = services.sign_document(
                actor=request.user,
                data=data,
                passphrase=request.POST.get("passphrase", ""),
                agency_id=officer.agency_id,
            )
        except DomainError as refused:
            context["error"], status = refused, refused.status
        else:
            response = HttpResponse(signed, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="mau-{number}-{dossier.code}-ky-so.pdf"'
            )
            patch_cache_control(response, private=True, no_store=True, max_age=0)
            return response
    return render(request, "signing/sign_form.html", context, status=status)
