"""Periodic work of the call platform (carecircle.core.tasks: Celery beat or the in-process scheduler)."""

from datetime import timedelta

from carecircle.alarms import delivery, watch
from carecircle.core.tasks import periodic


@periodic(timedelta(seconds=10), name="alarms.deliver_outbox")
def deliver_outbox():
    """Sweep the outbox: alarms stored while no worker ran are delivered here at the latest."""
    delivery.deliver_pending()


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
