"""Credit's periodic work: on the first of every month, collect the month's credit events from
every source and recompute every unit's grade (services_credit.credit_refresh, idempotent)."""

from celery.schedules import crontab

from carecircle.core.tasks import periodic
from carecircle.oversight.services_credit import credit_refresh


@periodic(crontab(day_of_month="1", hour=3, minute=30), name="oversight.credit_monthly")
def credit_monthly() -> int:
    return credit_refresh()
