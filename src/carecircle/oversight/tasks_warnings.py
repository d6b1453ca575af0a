"""Early warnings' periodic check: every night every rule is evaluated over the whole city; a
warning already raised this month for the same rule and subject is not raised again."""

from celery.schedules import crontab

from carecircle.core.tasks import periodic
from carecircle.oversight.services_warnings import warnings_raise


@periodic(crontab(hour=2, minute=15), name="oversight.warnings_daily")
def warnings_daily() -> int:
    return warnings_raise()
