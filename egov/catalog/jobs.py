"""Import jobs: a file uploaded on the web is imported by a background task that
records its progress, so the job page shows a progress bar.

Why the bar moves only while checking: the checks (the long part: every row of
every sheet) run outside any transaction, and each progress update commits at
once; the writing runs in one transaction (all or nothing), invisible to other
connections until it commits, so the page then shows an indeterminate bar."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from egov.catalog import importing, portal
from egov.catalog.models import ImportJob
from egov.core.permissions import SYSTEM


def run(job: ImportJob) -> ImportJob:
    """Run ``job`` (in a task worker, or inline)."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, phase="reading")
    actor: Any = job.created_by or SYSTEM
    last_phase = [""]

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "checking":
            ImportJob.objects.filter(pk=job.pk).update(phase=phase, done=done, total=total)
        elif phase != last_phase[0]:
            ImportJob.objects.filter(pk=job.pk).update(phase=phase, done=0, total=total)
        last_phase[0] = phase

    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        if job.kind == "portal":
            summary = portal.import_list(data, job.file_name, actor=actor, progress=progress)
        else:
            summary = importing.import_catalog(data, job.file_name, actor=actor, progress=progress)
    except importing.ImportFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, errors=exc.details, finished_at=timezone.now()
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            summary=summary,
            done=job.total or 0,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    if job.status == ImportJob.Status.DONE:
        ImportJob.objects.filter(pk=job.pk).update(done=job.total)
        job.done = job.total
    return job
