"""Issue 13 item 6: an uploaded import file (full ID numbers, phones, addresses in clear) is written
owner-only and deleted once its import is done (CARECIRCLE_UPLOAD_RETENTION_HOURS, at once by
default); a failed import keeps it for a retry, then it goes too; an operator's own file is never
touched."""

import datetime
import os
import stat
from pathlib import Path

import pytest
from django.utils import timezone

from carecircle.registry import uploads
from carecircle.registry.models import ImportJob, Person
from tests.registry.test_imports import csv_file, good_rows, run  # noqa: F401 - `run` is a fixture


@pytest.fixture(autouse=True)
def _own_upload_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"  # no other test's files in the folder


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_uploaded_file_is_deleted_once_its_import_is_done(
    users,
    city,
    run,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    job = run(users["street"], csv_file(good_rows()))
    assert job.state == ImportJob.State.DONE and Person.objects.count() == 3
    assert not Path(job.stored_path).exists() and job.file_deleted_at is not None
    assert _mode(uploads.folder()) == 0o700
    # The same through the page and the API: nothing of the upload stays on disk.
    c = client_for(users["street"])
    before = set(uploads.folder().iterdir())
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post("/people/imports/", {"file": csv_file(good_rows()[:1])}).status_code == 302
        assert c.post("/api/v1/imports", {"file": csv_file(good_rows()[:1])}).status_code == 202
    assert set(uploads.folder().iterdir()) == before == set()
    assert (
        ImportJob.objects.count() == 3 and not ImportJob.objects.filter(file_deleted_at__isnull=True).exists()
    )
    assert not any(Path(p).exists() for p in ImportJob.objects.values_list("stored_path", flat=True))


def test_with_a_retention_the_file_is_kept_owner_only_then_purged(users, city, run, settings):  # noqa: F811
    settings.CARECIRCLE_UPLOAD_RETENTION_HOURS = 48
    job = run(users["street"], csv_file(good_rows()))
    stored = Path(job.stored_path)
    assert job.state == ImportJob.State.DONE and stored.exists() and job.file_deleted_at is None
    assert _mode(stored) == 0o600 and _mode(stored.parent) == 0o700
    assert uploads.purge(now=job.finished_at + datetime.timedelta(hours=47)) == 0 and stored.exists()
    assert uploads.purge(now=job.finished_at + datetime.timedelta(hours=48, seconds=1)) == 1
    job.refresh_from_db()
    assert not stored.exists() and job.file_deleted_at is not None


def test_a_failed_import_keeps_its_file_for_a_retry_then_loses_it(users, city, run, settings):  # noqa: F811
    settings.CARECIRCLE_UPLOAD_RETRY_HOURS = 24
    job = run(users["street"], csv_file(good_rows()))
    path = uploads.folder() / "kept.csv"
    path.write_bytes(b"x")
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED, stored_path=str(path), file_deleted_at=None
    )
    job.refresh_from_db()
    assert uploads.purge(now=job.finished_at + datetime.timedelta(hours=23)) == 0 and path.exists()
    assert uploads.purge(now=job.finished_at + datetime.timedelta(hours=25)) == 1 and not path.exists()


def test_files_no_job_names_are_purged_after_a_day(users, city):
    orphan = uploads.folder() / "0123abcd.csv"
    orphan.write_bytes(b"\xe5\xa7\x93\xe5\x90\x8d")
    # the file's time is the host's real time (a frozen test clock does not move it): count from there
    now = datetime.datetime.fromtimestamp(orphan.stat().st_mtime, tz=datetime.UTC)
    assert uploads.purge(now=now) == 0 and orphan.exists()  # perhaps an upload whose job is being created
    assert uploads.purge(now=now + datetime.timedelta(days=1, minutes=1)) == 1 and not orphan.exists()


def test_an_operators_own_file_is_never_deleted(users, city, tmp_path):
    own = tmp_path / "people.csv"
    own.write_bytes(csv_file(good_rows()).read())
    job = ImportJob.objects.create(
        file_name="people.csv",
        stored_path=str(own),
        origin="cli",
        created_by=users["street"],
        state=ImportJob.State.DONE,
        finished_at=timezone.now() - datetime.timedelta(days=30),
    )
    uploads.after_import(job)
    uploads.purge()
    assert own.exists()
    job.refresh_from_db()
    assert job.file_deleted_at is None
