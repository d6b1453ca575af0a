"""Periodic work of the call platform (carecircle.core.tasks: Celery beat or the in-process scheduler)."""

from datetime import timedelta

from celery.schedules import crontab
from django.utils import timezone

from carecircle.alarms import delivery, routing, services, watch
from carecircle.alarms.services import outreach as outreach_services
from carecircle.core.tasks import periodic


@periodic(timedelta(seconds=10), name="alarms.deliver_outbox")
def deliver_outbox():
    """Sweep the outbox: alarms stored while no worker ran are delivered here at the latest."""
    delivery.deliver_pending()


@periodic(timedelta(seconds=5), name="alarms.route_waiting")
def route_waiting():
    """Ring the free operators of the centre, then the overflow centre, for calls waiting too long
    (the delivery worker does the same after each wake-up; each stage rings once)."""
    routing.route_due()


@periodic(timedelta(seconds=10), name="alarms.escalate")
def escalate():
    watch.escalate_due()
    watch.replace_unconfirmed()


@periodic(timedelta(minutes=1), name="alarms.offline_check")
def offline_check():
    watch.offline_check()


@periodic(timedelta(minutes=5), name="alarms.inactivity_check")
def inactivity_check():
    watch.inactivity_check()


@periodic(timedelta(hours=1), name="alarms.prune_heartbeats")
def prune_heartbeats():
    """Heartbeats are kept a week (the device keeps its last one on `last_heartbeat_at`)."""
    watch.prune_heartbeats()


@periodic(crontab(hour=6, minute=0), name="alarms.outreach_generate")
def outreach_generate(due=None):
    """Each morning: the day's proactive wellbeing calls, assigned to the operators (once per slot)."""
    day = timezone.localdate(due) if due is not None else None
    outreach_services.outreach_generate(actor=None, day=day)


@periodic(crontab(day_of_month="1", hour=7, minute=0), name="alarms.call_audit_draw")
def call_audit_draw(due=None):
    """On the 1st: the month just ended's call quality audit sample (once: a month is drawn once)."""
    now = due or timezone.now()
    ended = timezone.localdate(now).replace(day=1) - timedelta(days=1)
    services.call_audit_draw(actor=None, month=ended, now=now)
