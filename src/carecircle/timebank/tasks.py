"""The time bank's periodic task: requests unserved for the rule's days (7) are escalated, once
each (services.requests_escalate claims a row by a conditional update), and every volunteer of the
city sees them from then on."""

from datetime import timedelta

from carecircle.core.tasks import periodic
from carecircle.timebank.services import requests_escalate


@periodic(timedelta(hours=1), name="timebank.requests_escalate")
def requests_escalate_hourly() -> int:
    return requests_escalate()
