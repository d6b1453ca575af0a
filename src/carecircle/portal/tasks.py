"""The outbox's background work: deliver what is due, right after a message is queued and every
half minute (retries after their back-off, rows whose worker died). See portal/outbox.py."""

import datetime

from django.utils import timezone

from carecircle.core.tasks import periodic
from carecircle.portal import (
    applications,  # noqa: F401 — registers portal.application_messages
    outbox,
    producers,
)


@periodic(datetime.timedelta(seconds=30), name="portal.deliver_sweep", lease=datetime.timedelta(minutes=10))
def deliver_sweep() -> None:
    outbox.deliver_due()


# Windows overlap on purpose (a late commit, a slow run): the keys make a second pass queue nothing.
@periodic(datetime.timedelta(hours=1), name="portal.allowance_messages", lease=datetime.timedelta(minutes=30))
def allowance_messages(due: datetime.datetime | None = None) -> None:
    until = due or timezone.now()
    producers.allowance_messages_between(since=until - datetime.timedelta(hours=3), until=until)


@periodic(datetime.timedelta(minutes=1), name="portal.order_accepted_messages")
def order_accepted_messages(due: datetime.datetime | None = None) -> None:
    until = due or timezone.now()
    producers.order_accepted_messages(since=until - datetime.timedelta(minutes=10), until=until)
