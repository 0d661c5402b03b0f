"""Render the forms to HTML (shown in the browser, under the strict CSP) and to PDF
(WeasyPrint). Both use the same template and the same stylesheet,
``dossiers/static/dossiers/forms.css``: the browser links it through ``{% static %}``,
WeasyPrint reads it from the repository (``pdf``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string

from egov.directory.models import Agency
from egov.dossiers.forms import context as ctx
from egov.dossiers.forms import sets
from egov.dossiers.models import Dossier


def render_form_html(
    form_no: Any, dossier: Dossier, request: Any = None, *, for_pdf: bool = False, **options: Any
) -> str:
    """Form ``form_no`` (01-05; 06 gives the register of this one dossier) as an HTML
    page. ``options``: ``missing`` (components or names) and ``reason`` for form 02,
    ``reason`` for forms 03 and 04, overriding what the history says.
    Raises ``Conflict`` ``form_not_applicable`` when the dossier has no such form
    (form 01 of a dossier never received...)."""
    number = ctx.form_number(form_no)
    if sets.of_dossier(dossier).kinds.get(number) == sets.REGISTER:
        return render_register_html([dossier], None, None, None, request=request, for_pdf=for_pdf)
    context = ctx.for_dossier(number, dossier, request, **options)
    context["for_pdf"] = for_pdf
    return render_to_string(f"dossiers/forms/{context['kind']}.html", context, request=request)


def render_register_html(
    dossiers: QuerySet[Dossier] | Iterable[Dossier],
    agency: Agency | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    *,
    request: Any = None,
    for_pdf: bool = False,
) -> str:
    """Form 06, the tracking register: one row per dossier."""
    context = ctx.register(dossiers, agency, date_from, date_to)
    context["for_pdf"] = for_pdf
    return render_to_string("dossiers/forms/register.html", context, request=request)


def render_form_pdf(form_no: Any, dossier: Dossier, request: Any = None, **options: Any) -> bytes:
    """Form ``form_no`` as a PDF (A5 portrait; form 06 on A4 landscape)."""
    return html_to_pdf(render_form_html(form_no, dossier, request, for_pdf=True, **options))


def render_register_pdf(
    dossiers: QuerySet[Dossier] | Iterable[Dossier],
    agency: Agency | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> bytes:
    """Form 06 as a PDF on A4 landscape."""
    return html_to_pdf(render_register_html(dossiers, agency, date_from, date_to, for_pdf=True))


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only PDFs need.
    from egov.dossiers.forms.pdf import html_to_pdf as weasyprint_pdf

    return weasyprint_pdf(html)
