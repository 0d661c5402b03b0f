"""The files of a dossier (component scans, result documents): their links, their
bytes counted against the dossier's limit, and the audited read behind the links
(``egov.dossiers.views.files``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.urls import reverse

from egov.core import audit
from egov.core.files import clean_name, download_name
from egov.dossiers.models import DossierComponent, ResultFile

__all__ = ["clean_name", "component_url", "read", "result_url", "stored_bytes"]


def component_url(line: DossierComponent) -> str | None:
    """The link to a component's scan (None without one), for pages and the API."""
    return reverse("dossiers:component_file", args=[line.pk]) if line.file else None


def result_url(result: ResultFile) -> str:
    return reverse("dossiers:result_file", args=[result.pk])


def display_name(row: DossierComponent | ResultFile) -> str:
    """The client's name of the file, or one made from its type for files without."""
    return row.original_name or download_name("", row.content_type)


def stored_bytes(dossier: Any, *, except_line: int | None = None) -> int:
    """The bytes of every file the dossier already holds (0 for one not saved yet),
    without the component line ``except_line`` (whose file is being replaced)."""
    if dossier.pk is None:
        return 0
    lines = DossierComponent.objects.filter(dossier_id=dossier.pk).exclude(file="")
    if except_line is not None:
        lines = lines.exclude(pk=except_line)
    scans = lines.aggregate(total=Sum("size"))["total"] or 0
    results = ResultFile.objects.filter(dossier_id=dossier.pk).aggregate(total=Sum("size"))
    return scans + (results["total"] or 0)


def read(*, actor: Any, row: DossierComponent | ResultFile, dossier: Any) -> str:
    """Record that ``actor`` read the file of ``row`` (a scan or a result shows personal
    data: ID cards, certificates); returns the name to download it under."""
    audit.record(
        actor=actor,
        action="dossier.file.read",
        obj=row,
        object_repr=f"{dossier.code}: {display_name(row)}"[:255],
        agency_id=dossier.processing_agency_id,
        changes={
            "dossier": dossier.code,
            "file": row.file.name,
            "content_type": row.content_type,
            "personal_data": True,
        },
    )
    return download_name(display_name(row), row.content_type)
