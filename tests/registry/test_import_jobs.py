"""Import jobs that finish (issue 14): a job whose process died is resumed from its last committed
batch, or marked failed with a retry button; its counts are exact after any number of retries;
rows with cells outside the columns are rejected, not cut."""

import datetime
import pathlib
import socket
import subprocess
import sys

import pytest

from carecircle.core import leases, tasks
from carecircle.core.models import AuditEvent
from carecircle.registry import importjobs, imports
from carecircle.registry import tasks as registry_tasks
from carecircle.registry.models import ImportJob, Person
from tests.conftest import COMMUNITY_B, id_number
from tests.registry.test_imports import HEADERS, csv_file, row

ELDER = datetime.date(1950, 3, 7)


def file_rows():
    """23 data rows: 17 good, 2 refused (bad ID number, out of scope), a duplicate of row 2 that
    falls into a later batch, a row with extra cells, and 2 blank lines the reader skips."""
    rows = [row(f"老人{i}", id_number(ELDER, 10 + i)) for i in range(17)]
    rows.insert(3, row("错号", "330106195003071235"))
    rows.insert(8, row("外区", id_number(ELDER, 90), community=COMMUNITY_B))
    rows.insert(14, row("重复", id_number(ELDER, 10)))
    rows.insert(17, row("多列", id_number(ELDER, 91)) + ["多出来的备注", "第二个"])
    rows.insert(5, [""] * len(HEADERS))
    rows.insert(11, [""] * len(HEADERS))
    return rows


GOOD, BAD, DATA_ROWS = 17, 4, 21  # the blank lines are not data rows


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 4)


@pytest.fixture
def community_user(users):
    return users["community"]


@pytest.fixture(autouse=True)
def upload_folder(tmp_path):
    """The kept files of these jobs live in the test's own folder (not the shared uploads)."""
    global FOLDER
    FOLDER = tmp_path


FOLDER: pathlib.Path


def start_job(user, origin="web") -> ImportJob:
    """Keep an uploaded file and create its job, as import_start does, without running it."""
    upload = csv_file(file_rows())
    path = FOLDER / f"test-{origin}-{user.pk}.csv"
    path.write_bytes(upload.read())
    return ImportJob.objects.create(
        file_name="people.csv", stored_path=str(path), created_by=user, origin=origin, total_rows=DATA_ROWS
    )


def dead_owner() -> str:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{socket.gethostname()}:{proc.pid}:1"


def kill_after_batches(monkeypatch, job: ImportJob, batches: int):
    """Run `job` until `batches` batches committed, then stop it the way kill -9 does: nothing of
    the run's own clean-up happens; the job row is left 'running' with a process that is gone."""
    real = imports._write_batch
    calls = {"n": 0}

    class Killed(BaseException):
        pass

    def write(*args, **kwargs):
        if calls["n"] == batches:
            raise Killed()
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "_write_batch", write)
    claimed = importjobs.job_claim(job.pk)
    with pytest.raises(Killed):
        importjobs.job_run(claimed)
    monkeypatch.setattr(imports, "_write_batch", real)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, owner=dead_owner(), error="", finished_at=None
    )
    job.refresh_from_db()
    return job


def assert_exact(job: ImportJob):
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error
    assert job.created_count == GOOD and job.updated_count == 0 and job.unchanged_count == 0
    assert job.rejected_count == BAD == len(job.rejections)
    rows = [r["row"] for r in job.rejections]
    assert len(rows) == len(set(rows))  # each row reported once
    assert (
        job.created_count + job.updated_count + job.unchanged_count + job.rejected_count == job.processed_rows
    )
    assert job.processed_rows == DATA_ROWS == job.total_rows
    assert Person.objects.count() == GOOD
    reasons = {r["name"]: r for r in job.rejections}
    assert "重复" in reasons and "与第2行身份证号重复" in reasons["重复"]["reason"]  # seen before the kill
    assert reasons["多列"]["field"] == "多余单元格"


def test_rows_with_cells_outside_the_columns_are_rejected_not_cut(community_user):
    job = start_job(community_user)
    job = imports.import_run(job, community_user)
    extra = next(r for r in job.rejections if r["name"] == "多列")
    assert "多出来的备注" in extra["reason"] and "2 个单元格不属于任何列" in extra["reason"]
    assert not Person.objects.filter(name="多列").exists()


def test_region_rows_with_extra_cells_are_rejected(tmp_path, city):
    from carecircle.core.region_import import region_import

    path = tmp_path / "regions.csv"
    path.write_text("区划代码,名称\n339901001003,新社区\n339901001004,又一社区,多余\n", encoding="utf-8")
    result = region_import(path, actor=None)
    assert result["created"] == 1
    assert result["rejected"][0]["row"] == 3 and "多余" in result["rejected"][0]["reason"]


def test_a_redelivered_task_resumes_a_killed_job_with_exact_counts(
    community_user, small_batches, monkeypatch
):
    """The finding: after a retry the job reported 25,729 outcomes for 20,000 rows (a re-run
    counted every row again). Now the redelivered message takes over after the last batch."""
    job = kill_after_batches(monkeypatch, start_job(community_user), batches=3)
    assert job.processed_rows == 12 and job.resume_row > 0 and job.rejected_count == 2
    assert job.interrupted and job.can_retry
    registry_tasks.import_people(job.pk)  # Celery redelivers the message (acks_late)
    assert_exact(job)
    assert job.attempts == 2
    registry_tasks.import_people(job.pk)  # and once more: a finished job is left alone
    assert_exact(job)


def test_the_recovery_sweep_resumes_a_web_job_whose_server_died(
    community_user, small_batches, monkeypatch, django_capture_on_commit_callbacks
):
    job = kill_after_batches(monkeypatch, start_job(community_user), batches=2)
    job = kill_after_batches(monkeypatch, job, batches=1)  # killed again after one more batch
    assert job.processed_rows == 12
    with django_capture_on_commit_callbacks(execute=True):  # the task runs when the sweep commits
        found = importjobs.jobs_recover()
    assert found == {"resumed": [job.pk], "failed": []}
    assert_exact(job)


def test_a_killed_command_line_job_is_marked_failed_and_the_retry_button_finishes_it(
    community_user, small_batches, monkeypatch, client_for, django_capture_on_commit_callbacks
):
    job = kill_after_batches(monkeypatch, start_job(community_user, origin="cli"), batches=2)
    client = client_for(community_user)
    page = client.get(f"/people/imports/{job.pk}/").content.decode()
    assert 'id="interrupted"' in page and 'id="retry"' in page and "hx-get" not in page
    assert importjobs.jobs_recover() == {"resumed": [], "failed": [job.pk]}
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and f"--resume {job.pk}" in job.error
    page = client.get(f"/people/imports/{job.pk}/").content.decode()
    assert 'id="retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/people/imports/{job.pk}/retry/")
    assert response.status_code == 302
    assert_exact(job)
    assert AuditEvent.objects.filter(action="import.retry", object_id=str(job.pk)).exists()
    again = client.post(f"/people/imports/{job.pk}/retry/", follow=True).content.decode()
    assert "无需继续" in again  # a finished job is not run again


def test_only_the_owner_of_a_job_can_retry_it(community_user, users, client_for, small_batches, monkeypatch):
    job = kill_after_batches(monkeypatch, start_job(community_user), batches=1)
    response = client_for(users["street"]).post(f"/people/imports/{job.pk}/retry/")
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and job.attempts == 1


def test_a_live_job_is_left_alone_and_a_stale_one_elsewhere_is_taken_over(community_user, settings):
    job = start_job(community_user)
    now = datetime.datetime.now(datetime.UTC)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, owner=leases.owner_token(), heartbeat_at=now, attempts=1
    )
    assert importjobs.job_claim(job.pk) is None  # this process holds it and is alive
    assert importjobs.jobs_recover() == {"resumed": [], "failed": []}
    ImportJob.objects.filter(pk=job.pk).update(owner="another-machine:77:1")
    assert importjobs.job_claim(job.pk) is None  # its heartbeat is fresh
    settings.CARECIRCLE_JOB_STALE_SECONDS = 60
    later = now + datetime.timedelta(seconds=61)
    claimed = importjobs.job_claim(job.pk, now=later)
    assert claimed is not None and claimed.owner == leases.owner_token() and claimed.attempts == 2


def test_a_job_interrupted_too_often_is_failed_with_a_retry_button(
    community_user, small_batches, monkeypatch
):
    job = kill_after_batches(monkeypatch, start_job(community_user), batches=1)
    ImportJob.objects.filter(pk=job.pk).update(attempts=importjobs.MAX_ATTEMPTS)
    assert importjobs.jobs_recover()["failed"] == [job.pk]
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "继续导入" in job.error and job.can_retry


def test_recovery_runs_as_a_periodic_task():
    p = tasks.periodic_tasks()["registry.recover_imports"]
    assert p.every.run_every == datetime.timedelta(minutes=1)
