from carecircle.core.tasks import task


@task
def import_people(job_id: int) -> None:
    from carecircle.registry.imports import import_run
    from carecircle.registry.models import ImportJob

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state in (ImportJob.State.DONE,):
        return  # a redelivered message: the job already ran
    import_run(job, job.created_by)
