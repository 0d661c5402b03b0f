"""Public catalogue pages (no login) under /thu-tuc/, and the catalogue
administrators' import and export pages under /thu-tuc/quan-tri/."""

from __future__ import annotations

import os

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from egov.catalog import exporting, queries, stats
from egov.catalog.api import read_filters
from egov.catalog.models import Component, Field, ImportJob, ProcedureVersion, ServiceLevel
from egov.core.inputs import bad_query_page
from egov.core.permissions import Action, filter_for
from egov.directory.models import Agency, Tier

PAGE_SIZE = 20
PUBLIC_TIERS = ("province", "department", "district", "commune")


def procedure_list(request):
    filters, errors = read_filters(request.GET, blank=True)
    if errors:
        return bad_query_page(request, errors)
    qs = queries.search(queries.catalogue(), **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    tiers = list(Tier.objects.filter(code__in=PUBLIC_TIERS))
    names = {t.code: t.name for t in Tier.objects.all()}
    for entry in page:
        entry.tier_names = [names.get(code, code) for code in entry.tiers]
    query = request.GET.copy()
    query.pop("page", None)
    if "search" in query and not request.GET.get("q"):
        # Links carry the canonical name.
        query["q"] = query.pop("search")[-1]
    return render(
        request,
        "catalog/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "fields": Field.objects.all(),
            "tiers": tiers,
            "agencies": Agency.objects.in_force()
            .exclude(tier__code="commune")
            .select_related("tier")
            .order_by("path"),
            "levels": ServiceLevel.choices,
            "can_edit": _can_edit(request.user),
        },
    )


def procedure_detail(request, code: str):
    version = queries.public_detail(code)
    if version is None:
        raise Http404
    tiers = list(version.tiers.all())
    return render(
        request,
        "catalog/detail.html",
        {
            "v": version,
            "tiers": tiers,
            "agencies": list(version.agencies.all()),
            "participants": list(version.participants.all()),
            "workflows": list(version.workflows.all()),
        },
    )


def template_download(request, code: str, component_id: int):
    """A component's template form. Only from a published version: drafts stay private."""
    component = get_object_or_404(
        Component.objects.select_related("version"),
        pk=component_id,
        version__procedure__code=code,
        version__status__in=[ProcedureVersion.Status.PUBLISHED, ProcedureVersion.Status.RETIRED],
    )
    if not component.template:
        raise Http404
    try:
        handle = component.template.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=os.path.basename(component.template.name)
    )


def statistics(request):
    return render(request, "catalog/stats.html", {"stats": stats.level_stats()})


# --- catalogue administration -------------------------------------------------------


def _can_edit(user) -> bool:
    return user.is_authenticated and filter_for(user, Action.CHANGE, ProcedureVersion) is not None


def _require_editor(request) -> None:
    if not _can_edit(request.user):
        raise PermissionDenied


@login_required
def export_xlsx(request):
    _require_editor(request)
    response = HttpResponse(
        exporting.to_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"danh-muc-tthc-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_csv(request):
    _require_editor(request)
    response = HttpResponse(exporting.to_csv_zip(), content_type="application/zip")
    name = f"danh-muc-tthc-{timezone.localdate():%Y%m%d}-csv.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload a catalogue file (our layout) or a portal export; a background task
    imports it and the job page shows its progress."""
    _require_editor(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = "portal" if request.POST.get("kind") == "portal" else "catalog"
        if upload is None:
            error = "Chọn tệp cần nhập."
        elif not upload.name.lower().endswith((".xlsx", ".csv", ".zip")):
            error = "Chỉ nhận tệp .xlsx, .csv hoặc .zip (các tệp CSV)."
        else:
            job = ImportJob.objects.create(
                kind=kind, file=upload, file_name=upload.name, created_by=request.user
            )
            _start(job)
            return redirect("catalog:import_job", job_id=job.pk)
    return render(
        request,
        "catalog/import.html",
        {"error": error, "jobs": ImportJob.objects.filter(created_by=request.user)[:10]},
    )


def _start(job: ImportJob) -> None:
    from django.db import transaction

    from egov.catalog.tasks import run_import

    # Enqueue after commit so that the worker finds the job row.
    transaction.on_commit(lambda: run_import.enqueue(str(job.pk)))


@login_required
def import_job(request, job_id):
    _require_editor(request)
    job = get_object_or_404(ImportJob, pk=job_id)
    return render(
        request,
        "catalog/import_job.html",
        {"job": job, "running": job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)},
    )
