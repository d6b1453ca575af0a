"""The outbox's background work: deliver what is due, right after a message is queued and every
half minute (retries after their back-off, rows whose worker died). See portal/outbox.py."""

import datetime

from carecircle.core.tasks import enqueue, periodic, task
from carecircle.portal import outbox


@task(name="portal.deliver")
def deliver() -> None:
    outbox.deliver_due()


def deliver_soon() -> None:
    """Queue a delivery run after the current transaction commits (message_send calls it)."""
    enqueue(deliver)


@periodic(datetime.timedelta(seconds=30), name="portal.deliver_sweep", lease=datetime.timedelta(minutes=10))
def deliver_sweep() -> None:
    outbox.deliver_due()
