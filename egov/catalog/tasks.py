"""Background work of the catalogue: imports started from the web."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: str) -> None:
    from egov.catalog import jobs
    from egov.catalog.models import ImportJob

    jobs.run(ImportJob.objects.get(pk=job_id))
