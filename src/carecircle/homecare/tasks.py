"""Periodic work of home services. Every run is idempotent (idempotency keys, unique constraints,
rebuildable statements), so hourly and daily timers are safe where a clock time would be nicer.
(Timedelta schedules: core.tasks.slot_for does not yet handle a Celery crontab.)"""

import datetime

from django.utils import timezone

from carecircle.core.tasks import periodic
from carecircle.homecare.careplans import careplans_generate
from carecircle.homecare.models import Provider
from carecircle.homecare.services_dispatch import dispatch_day, escalate_unassigned
from carecircle.homecare.settlement import statement_generate


@periodic(datetime.timedelta(minutes=10))
def escalate_unassigned_orders():
    return escalate_unassigned()


@periodic(datetime.timedelta(hours=1))
def generate_care_plan_orders():
    """Tomorrow's orders from recurring plans (keys plan:<id>:<day> make repeats no-ops)."""
    return careplans_generate(day=timezone.localdate() + datetime.timedelta(days=1))


@periodic(datetime.timedelta(hours=1))
def dispatch_tomorrow():
    """Offer tomorrow's waiting orders; only orders nobody holds are touched."""
    return dispatch_day(actor=None, day=timezone.localdate() + datetime.timedelta(days=1))


@periodic(datetime.timedelta(days=1))
def month_end_statements():
    """In the first days of a month, (re)build last month's statements, so that late check-outs and
    reviews of held visits are taken in; from the 6th the statement stands."""
    today = timezone.localdate()
    if today.day > 5:
        return
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for provider in Provider.objects.filter(active=True):
        statement_generate(actor=None, provider=provider, month=last_month)
