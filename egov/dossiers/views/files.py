"""The only way to a dossier's stored files: the access policy on the dossier (the
rule that lets the actor see the dossier page or its API), one audit entry per read,
then the bytes (``egov.core.files.respond``). Officers, the applicant who submitted
online and any future portal use the same links; anyone else gets 404, so that links
cannot be probed."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_GET

from egov.core import files
from egov.core.permissions import Action, can
from egov.dossiers import files as dossier_files
from egov.dossiers.models import DossierComponent, ResultFile


def _deliver(request, row):
    dossier = row.dossier
    if not row.file or not can(request.user, Action.VIEW, dossier):
        raise Http404("no such file")
    filename = dossier_files.read(actor=request.user, row=row, dossier=dossier)
    return files.respond(row.file, content_type=row.content_type, filename=filename)


@require_GET
def component_file(request, pk: int):
    row = DossierComponent.objects.select_related("dossier").filter(pk=pk).first()
    if row is None:
        raise Http404("no such file")
    return _deliver(request, row)


@require_GET
def result_file(request, pk: int):
    row = ResultFile.objects.select_related("dossier").filter(pk=pk).first()
    if row is None:
        raise Http404("no such file")
    return _deliver(request, row)
