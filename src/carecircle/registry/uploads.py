"""Uploaded import files: kept only while they are needed.

An uploaded people file holds full ID numbers, phones and addresses in clear. It is written
owner-only (0600, in a 0700 folder under the data folder) and deleted once its import is done:
at once by default, or CARECIRCLE_UPLOAD_RETENTION_HOURS after the import finished. A failed or
interrupted import keeps its file for CARECIRCLE_UPLOAD_RETRY_HOURS (at least the retention), so
that "继续导入" can resume it; then it is deleted too. The periodic `registry.purge_uploads` deletes
what is due, and any file in the folder that no job names (a crash between writing it and
creating the job). A job's `file_deleted_at` says when its file went.

Only uploads are deleted: a command-line import reads the operator's own file, which stays theirs.
"""

import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from carecircle.registry.models import ImportJob

ORPHAN_AFTER = timedelta(days=1)


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def store(uploaded_file, *, suffix: str) -> Path:
    """Write an upload to a new owner-only file under a random name."""
    path = folder() / f"{uuid.uuid4().hex}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    return path


def is_upload(job: ImportJob) -> bool:
    """The job's file is an upload (kept by us), not an operator's own file."""
    if job.origin != "web" or not job.stored_path:
        return False
    return Path(job.stored_path).resolve().parent == folder().resolve()


def discard(job: ImportJob, now: datetime | None = None) -> bool:
    """Delete the job's uploaded file now. Returns whether there was one to delete."""
    if job.file_deleted_at is not None or not is_upload(job):
        return False
    Path(job.stored_path).unlink(missing_ok=True)
    job.file_deleted_at = now or timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(file_deleted_at=job.file_deleted_at)
    return True


def after_import(job: ImportJob) -> None:
    """Called when a run of the job ended: a finished import's file goes at once when nothing is
    to be kept (retention 0)."""
    if job.state == ImportJob.State.DONE and settings.CARECIRCLE_UPLOAD_RETENTION_HOURS <= 0:
        discard(job)


def retry_hours() -> int:
    return max(settings.CARECIRCLE_UPLOAD_RETRY_HOURS, settings.CARECIRCLE_UPLOAD_RETENTION_HOURS)


def purge(now: datetime | None = None) -> int:
    """Delete every uploaded file that is due; returns how many files went."""
    now = now or timezone.now()
    done_before = now - timedelta(hours=settings.CARECIRCLE_UPLOAD_RETENTION_HOURS)
    failed_before = now - timedelta(hours=retry_hours())
    due = ImportJob.objects.filter(origin="web", file_deleted_at__isnull=True).filter(
        Q(state=ImportJob.State.DONE, finished_at__lte=done_before)
        | Q(state=ImportJob.State.FAILED, finished_at__lte=failed_before)
    )
    count = sum(discard(job, now) for job in due)
    known = {
        Path(p).name
        for p in ImportJob.objects.filter(file_deleted_at__isnull=True).values_list("stored_path", flat=True)
    }
    for path in folder().iterdir():
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo)
        if path.is_file() and path.name not in known and modified <= now - ORPHAN_AFTER:
            path.unlink(missing_ok=True)
            count += 1
    return count
