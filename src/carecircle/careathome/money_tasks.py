"""The monthly posting of care at home's subsidies to the funds ledger (money_services.py)."""

import datetime

from celery.schedules import crontab
from django.utils import timezone

from carecircle.careathome.money_services import post_month
from carecircle.core.tasks import periodic


# On the 1st, after the benefits payroll (02:30): the month just closed. Up to three missed months
# are caught up, each for its own month (`due`); a rerun of a month posts nothing new.
@periodic(crontab(minute=40, hour=3, day_of_month=1), name="careathome.subsidies_monthly", catch_up=3)
def subsidies_monthly(due: datetime.datetime | None = None) -> int:
    day = timezone.localdate(due or timezone.now())
    closed = day.replace(day=1) - datetime.timedelta(days=1)
    done = post_month(month=closed)
    return done.beds + done.rentals
