"""The daily escalation of overdue rectification notices to their district (services_escalation)."""

from celery.schedules import crontab

from carecircle.core.tasks import periodic
from carecircle.oversight.services_escalation import findings_escalate


@periodic(crontab(hour=6, minute=10), name="oversight.findings_escalate_daily")
def findings_escalate_daily() -> int:
    return findings_escalate()
