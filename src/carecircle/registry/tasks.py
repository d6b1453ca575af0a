from datetime import timedelta

from carecircle.core.tasks import periodic
from carecircle.registry import importjobs, uploads
from carecircle.registry.importjobs import import_people  # noqa: F401 - declared there; registered with the others here


@periodic(timedelta(minutes=1), name="registry.recover_imports", lease=timedelta(minutes=2))
def recover_imports():
    """Import jobs whose process died: resumed, or marked failed with a retry button."""
    importjobs.jobs_recover()


@periodic(timedelta(hours=1), name="registry.purge_uploads")
def purge_uploads():
    """Uploaded import files whose retention ran out are deleted (registry/uploads.py)."""
    uploads.purge()
