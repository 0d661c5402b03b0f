"""The electronic result as a PDF, with the renderer the forms use
(``egov.dossiers.forms.pdf.html_to_pdf``: WeasyPrint, the shipped DejaVu fonts, no
other file and no network), on A4, as PDF/A-2b: the national motto header, the
dossier code, a QR code to the verification page, and the signature block that the
stamps of ``appearance`` fill."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from egov.dossiers.forms import context as form_context
from egov.dossiers.forms import formatting as fmt
from egov.dossiers.models import Dossier
from egov.signing import conf

PDF_VARIANT = "pdf/a-2b"


def verification_url(code: str, request: Any = None) -> str:
    path = reverse("signing:verify_page") + "?ma=" + quote(code, safe="")
    if request is not None:
        return request.build_absolute_uri(path)
    return conf.site_url() + path


def result_context(dossier: Dossier, *, title: str, name: str, request: Any = None) -> dict:
    url = verification_url(dossier.code, request)
    agency = dossier.processing_agency
    return {
        "agency": form_context.agency_header(agency),
        "code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "summary": dossier.summary or dossier.procedure_version.name,
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address,
        "received": fmt.vn_datetime(dossier.received_at) if dossier.received_at else "",
        "document_date": fmt.vn_date(timezone.now()),
        "verify_url": url,
        "lookup_url": fmt.lookup_url(dossier.code, request),
        "qr": fmt.qr_data_uri(url),
        "signer_title": title.upper(),
        "signer_name": name,
    }


def result_html(dossier: Dossier, *, title: str, name: str, request: Any = None) -> str:
    context = result_context(dossier, title=title, name=name, request=request)
    return render_to_string("signing/result.html", context)


def result_pdf(dossier: Dossier, *, title: str, name: str, request: Any = None) -> bytes:
    from egov.dossiers.forms.pdf import html_to_pdf

    return html_to_pdf(
        result_html(dossier, title=title, name=name, request=request), pdf_variant=PDF_VARIANT
    )
