"""Periodic work of home services."""

import datetime

from celery.schedules import crontab
from django.utils import timezone

from carecircle.core.tasks import periodic


@periodic(datetime.timedelta(minutes=10))
def escalate_unassigned_orders():
    from carecircle.homecare.services_dispatch import escalate_unassigned

    return escalate_unassigned()


@periodic(crontab(hour=18, minute=0))
def generate_care_plan_orders():
    """Tomorrow's orders from recurring plans, in the evening so that dispatch can run overnight."""
    from carecircle.homecare.careplans import careplans_generate

    return careplans_generate(day=timezone.localdate() + datetime.timedelta(days=1))


@periodic(crontab(hour=20, minute=0))
def dispatch_tomorrow():
    from carecircle.homecare.services_dispatch import dispatch_day

    return dispatch_day(actor=None, day=timezone.localdate() + datetime.timedelta(days=1))


@periodic(crontab(day_of_month=1, hour=2, minute=0))
def month_end_statements():
    from carecircle.homecare.models import Provider
    from carecircle.homecare.settlement import statement_generate

    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for provider in Provider.objects.filter(active=True):
        statement_generate(actor=None, provider=provider, month=last_month)
