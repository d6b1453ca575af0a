"""免申即享: on the 1st of every month the payroll of every programme in force is computed for
the whole city and left for review; nobody has to apply. A birthday, a new 低保 status, a
reassessment or a death recorded during the month shows up in that run by itself."""

import datetime

from celery.schedules import crontab
from django.utils import timezone

from carecircle.benefits import engine, services
from carecircle.core.models import User
from carecircle.core.tasks import periodic, task


# The full city's payroll takes under a minute (docs/performance.md); the lease leaves room for a
# much larger one and is renewed while it runs. Up to three missed months are caught up, each
# for its own month (`due`), oldest first.
@periodic(
    crontab(minute=30, hour=2, day_of_month=1),
    name="benefits.monthly_payroll",
    lease=datetime.timedelta(minutes=15),
    catch_up=3,
)
def monthly_payroll(due: datetime.datetime | None = None):
    services.payroll_run(actor=None, month=engine.month_of(timezone.localdate(due or timezone.now())))


@task
def region_payroll(month: str, region_code: str, actor_id: int | None = None):
    """One district's payroll for `month`, in the background: `enqueue(region_payroll, month=…,
    region_code=…, actor_id=…)` sends it to that district's queue (CARECIRCLE_REGION_QUEUES), so a
    large district's run does not wait behind, or hold up, the others. Re-running it writes only
    what changed (benefits/_batches.py), so a redelivered message pays nothing twice."""
    actor = User.objects.get(pk=actor_id) if actor_id else None
    services.payroll_run(actor=actor, month=month, region_code=region_code)
