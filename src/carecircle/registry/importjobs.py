"""Import jobs that finish: who runs a job, its heartbeat, and what happens when its process died.

A run first claims the job (state running, its owner token, a heartbeat) and a thread beats the
heartbeat while it works. A job whose heartbeat is older than CARECIRCLE_JOB_STALE_SECONDS, or whose
process on this machine is gone, is *interrupted*: the periodic `registry.recover_imports` (and any
redelivered task message) resumes it after its last committed batch; after MAX_ATTEMPTS interrupted
runs, or for a command-line run (whoever ran it decides), it is marked failed and its page offers
"继续导入" (`import_retry`), which resumes it the same way. Counts are exact after any number of
resumptions because every batch commits its outcome with its rows (registry/imports.py).
"""

import logging
from datetime import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import leases
from carecircle.core.tasks import enqueue, task
from carecircle.registry import uploads
from carecircle.registry.imports import import_run
from carecircle.registry.models import ImportJob

log = logging.getLogger("carecircle.tasks")

MAX_ATTEMPTS = 3


def heartbeat_every() -> float:
    return max(0.2, ImportJob.stale_after().total_seconds() / 6)


def job_claim(job_id: int, *, now: datetime | None = None, failed_too: bool = False) -> ImportJob | None:
    """Take job `job_id` for this process, or None when it is done, held by a live run, or failed
    (unless `failed_too`: a retry the user asked for)."""
    now = now or timezone.now()
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state == ImportJob.State.DONE:
        return None
    if job.state == ImportJob.State.FAILED and not failed_too:
        return None
    if job.state == ImportJob.State.RUNNING and not job.abandoned(now):
        return None
    taken = ImportJob.objects.filter(
        pk=job.pk, state=job.state, owner=job.owner, attempts=job.attempts
    ).update(
        state=ImportJob.State.RUNNING,
        owner=leases.owner_token(),
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        error="",
        finished_at=None,
    )
    if not taken:
        return None
    if job.state == ImportJob.State.RUNNING:
        log.warning("import job %s: taking over from %s after row %s", job.pk, job.owner, job.resume_row)
    return ImportJob.objects.select_related("created_by").get(pk=job.pk)


def job_run(job: ImportJob, progress=None) -> ImportJob:
    """Run a claimed job to its end, beating its heartbeat meanwhile."""
    owner = job.owner

    def beat() -> bool:
        return bool(
            ImportJob.objects.filter(pk=job.pk, owner=owner, state=ImportJob.State.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        )

    with leases.Renewer(beat, heartbeat_every(), f"import-{job.pk}"):
        job = import_run(job, job.created_by, progress)
    uploads.after_import(job)  # a finished import's uploaded file is deleted (retention)
    return job


def jobs_recover(now: datetime | None = None) -> dict[str, list[int]]:
    """Find interrupted jobs: resume them in the background, or mark them failed (command-line
    runs; jobs interrupted MAX_ATTEMPTS times) with what to do next."""
    now = now or timezone.now()
    out: dict[str, list[int]] = {"resumed": [], "failed": []}
    for job in ImportJob.objects.filter(state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]):
        if not job.abandoned(now):
            continue
        same = ImportJob.objects.filter(pk=job.pk, state=job.state, owner=job.owner, attempts=job.attempts)
        if job.origin == "cli" or job.attempts >= MAX_ATTEMPTS:
            if job.origin == "cli":
                error = _(
                    "导入命令已中断，已保存前 %(n)d 行的结果。点击“继续导入”，或运行 carecircle import people "
                    "文件 --user 账号 --resume %(id)d 从中断处继续。"
                ) % {"n": job.processed_rows, "id": job.pk}
            else:
                error = _(
                    "导入进程已中断 %(a)d 次，已保存前 %(n)d 行的结果。点击“继续导入”从中断处继续。"
                ) % {"a": job.attempts, "n": job.processed_rows}
            if same.update(state=ImportJob.State.FAILED, error=error, finished_at=now):
                out["failed"].append(job.pk)
            continue
        # Release the claim and send the job again; whichever run claims it first resumes it.
        if same.update(state=ImportJob.State.QUEUED, owner="", heartbeat_at=now):
            out["resumed"].append(job.pk)
            enqueue(import_people, job_id=job.pk)
    if out["resumed"] or out["failed"]:
        log.warning("interrupted import jobs: resumed %s, failed %s", out["resumed"], out["failed"])
    return out


def _job_region(job_id: int) -> str:
    """An import job's region picks its Celery queue (CARECIRCLE_REGION_QUEUES): a district's imports
    run on that district's workers."""
    return ImportJob.objects.filter(pk=job_id).values_list("region_code", flat=True).first() or ""


@task(name="carecircle.registry.tasks.import_people", region=_job_region)
def import_people(job_id: int) -> None:
    """Run (or resume) an import job. A redelivered message for a job that is done or held by a
    live run does nothing; for a job whose run died it takes over after the last committed batch.
    (Declared beside the runner and the recovery sweep that sends it; registry/tasks.py imports it,
    which registers it, under the name it has always had.)"""
    job = job_claim(job_id)
    if job is not None:
        job_run(job)
