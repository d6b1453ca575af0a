from datetime import timedelta

from carecircle.core.tasks import periodic, task


def _job_region(job_id: int) -> str:
    """An import job's region picks its Celery queue (CARECIRCLE_REGION_QUEUES): a district's imports
    run on that district's workers."""
    from carecircle.registry.models import ImportJob

    return ImportJob.objects.filter(pk=job_id).values_list("region_code", flat=True).first() or ""


@task(region=_job_region)
def import_people(job_id: int) -> None:
    """Run (or resume) an import job. A redelivered message for a job that is done or held by a
    live run does nothing; for a job whose run died it takes over after the last committed batch."""
    from carecircle.registry import importjobs

    job = importjobs.job_claim(job_id)
    if job is not None:
        importjobs.job_run(job)


@periodic(timedelta(minutes=1), name="registry.recover_imports", lease=timedelta(minutes=2))
def recover_imports():
    """Import jobs whose process died: resumed, or marked failed with a retry button."""
    from carecircle.registry import importjobs

    importjobs.jobs_recover()


@periodic(timedelta(hours=1), name="registry.purge_uploads")
def purge_uploads():
    """Uploaded import files whose retention ran out are deleted (registry/uploads.py)."""
    from carecircle.registry import uploads

    uploads.purge()
