"""The delivery worker: every message sent once on every channel outside the site.

A worker takes a batch of due delivery rows in one transaction (`claim`): queued ones, failed ones
whose back-off has passed, and `sending` ones whose holder is gone (core/leases.py: its lease ran
out, or its process on this machine died). It writes itself into each as the lease holder and
commits, then hands the batch to the channel's gateway with each message's idempotency key, and
writes each outcome in a transaction (`_finish`) that only a row it still holds accepts. Whatever
moment a worker dies at, the row is either not yet handed over (sent by the next worker) or handed
over with its key (the next worker hands it over again and the gateway answers "duplicate" without
sending): every message reaches the phone once.

Back-off: the n-th failed attempt waits CARECIRCLE_SMS_RETRY_SECONDS × 2**(n-1) (at most
`BACKOFF_CAP`); after `MAX_ATTEMPTS` the row is dead and shows on the staff list of failures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from carecircle.core import leases
from carecircle.core.tasks import enqueue, task
from carecircle.portal.channels import GatewayError, Outcome, Outgoing, sender_for
from carecircle.portal.models import Delivery, Message
from carecircle.portal.types import Channel, DeliveryState

log = logging.getLogger("carecircle.portal.outbox")

LEASE = timedelta(seconds=60)
BACKOFF_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 8
CLAIM_BATCH = 500


def backoff(attempts: int) -> timedelta:
    """How long a row waits after its `attempts`-th failed attempt: CARECIRCLE_SMS_RETRY_SECONDS
    (30 s), doubled at each further failure, at most `BACKOFF_CAP`."""
    base = timedelta(seconds=getattr(settings, "CARECIRCLE_SMS_RETRY_SECONDS", 30))
    return min(BACKOFF_CAP, base * 2 ** max(0, attempts - 1))


@dataclass(frozen=True)
class RunStats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0

    def __add__(self, other: RunStats) -> RunStats:
        return RunStats(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int]:
        return (self.claimed, self.sent, self.failed, self.dead)


def claim(limit: int = CLAIM_BATCH, *, owner: str | None = None, now: datetime | None = None) -> list[int]:
    """Take up to `limit` due delivery rows for this process; answers their ids."""
    owner = owner or leases.owner_token()
    now = now or timezone.now()
    due = Q(state__in=[DeliveryState.QUEUED, DeliveryState.FAILED], next_attempt_at__lte=now)
    with transaction.atomic():
        rows = Delivery.objects.filter(due).order_by("next_attempt_at", "id")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True, no_key=True)
        ids = list(rows.values_list("id", flat=True)[:limit])
        # rows held by a worker that is gone (lease run out, or its process here dead): few at any time
        held = Delivery.objects.filter(state=DeliveryState.SENDING).exclude(lease_owner=owner)
        if connection.vendor == "postgresql":
            held = held.select_for_update(skip_locked=True, no_key=True)
        for did, holder, until in held.values_list("id", "lease_owner", "lease_until")[: limit * 4]:
            if len(ids) < limit and leases.abandoned(holder, until, now):
                ids.append(did)
        if not ids:
            return []
        Delivery.objects.filter(id__in=ids).update(
            state=DeliveryState.SENDING,
            lease_owner=owner,
            lease_until=now + LEASE,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return ids


def _renew(ids: Sequence[int], owner: str) -> bool:
    now = timezone.now()
    held = Delivery.objects.filter(id__in=ids, lease_owner=owner, state=DeliveryState.SENDING)
    return held.update(lease_until=now + LEASE) > 0 or not ids


def _finish(rows: list[tuple[Delivery, Outcome]], owner: str, now: datetime) -> RunStats:
    """Write a batch's outcomes, only to the rows this worker still holds (a row taken over by
    another worker after this one's lease ran out is that worker's now), in one transaction."""
    with transaction.atomic():
        held = Delivery.objects.filter(
            id__in=[r.pk for r, _ in rows], lease_owner=owner, state=DeliveryState.SENDING
        )
        if connection.vendor == "postgresql":
            held = held.select_for_update(no_key=True)
        mine = set(held.values_list("id", flat=True))
        done = {"lease_owner": "", "lease_until": None, "updated_at": now}
        sent: list[Delivery] = []
        dead: dict[str, list[int]] = {}
        failed: dict[tuple[int, str], list[int]] = {}
        for row, outcome in rows:
            if row.pk not in mine:
                continue
            if outcome.ok:
                row.provider_id = outcome.provider_id
                sent.append(row)
            elif outcome.final or row.attempts >= MAX_ATTEMPTS:
                dead.setdefault(outcome.error[:300], []).append(row.pk)
            else:
                failed.setdefault((row.attempts, outcome.error[:300]), []).append(row.pk)
        if sent:
            Delivery.objects.filter(id__in=[r.pk for r in sent]).update(
                state=DeliveryState.SENT, sent_at=now, **done
            )
            if len({r.provider_id for r in sent}) == 1:
                Delivery.objects.filter(id__in=[r.pk for r in sent]).update(provider_id=sent[0].provider_id)
            else:
                Delivery.objects.bulk_update(sent, ["provider_id"])
        dead_ids = {i for ids in dead.values() for i in ids}
        for error, ids in dead.items():
            Delivery.objects.filter(id__in=ids).update(state=DeliveryState.DEAD, last_error=error, **done)
        for (attempts, error), ids in failed.items():
            Delivery.objects.filter(id__in=ids).update(
                state=DeliveryState.FAILED, last_error=error, next_attempt_at=now + backoff(attempts), **done
            )
        # a one-time code's text is dropped once sent or given up (a row to retry still needs it)
        gone = [r.message_id for r in sent if r.message.secret_body]
        gone += [r.message_id for r, _ in rows if r.pk in dead_ids and r.message.secret_body]
        if gone:
            Message.objects.filter(id__in=gone).update(secret_body="")
    return RunStats(0, len(sent), sum(map(len, failed.values())), sum(map(len, dead.values())))


def send_claimed(ids: Sequence[int], *, owner: str | None = None, batch: int | None = None) -> RunStats:
    """Hand the claimed rows to their gateways, `batch` messages per request (default
    CARECIRCLE_SMS_BATCH), and record each outcome."""
    owner = owner or leases.owner_token()
    size: int = batch or int(getattr(settings, "CARECIRCLE_SMS_BATCH", 100))
    stats = RunStats(claimed=len(ids))
    rows = list(
        Delivery.objects.filter(id__in=ids, lease_owner=owner).select_related("message").order_by("id")
    )
    with leases.Renewer(lambda: _renew(ids, owner), LEASE.total_seconds() / 3, "portal-outbox"):
        for channel in {r.channel for r in rows}:
            mine = [r for r in rows if r.channel == channel]
            sender = sender_for(Channel(channel))
            for start in range(0, len(mine), size):
                part = mine[start : start + size]
                stats += _send_part(sender, part, owner)
    return stats


def _send_part(sender: object, part: list[Delivery], owner: str) -> RunStats:
    now = timezone.now()
    expired = [
        (r, Outcome(r.message.key, ok=False, error="验证码已过期，未发送", final=True))
        for r in part
        if r.message.expires_at is not None and r.message.expires_at <= now
    ]
    live = [r for r in part if not (r.message.expires_at is not None and r.message.expires_at <= now)]
    results: list[tuple[Delivery, Outcome]] = list(expired)
    if live and sender is None:
        results += [(r, Outcome(r.message.key, ok=False, error="渠道未配置")) for r in live]
    elif live:
        items = [
            Outgoing(r.message.key, r.message.phone, r.message.secret_body or r.message.body) for r in live
        ]
        try:
            outcomes = sender.send(items)  # type: ignore[attr-defined]  # a Sender (channels.py)
        except GatewayError as e:
            outcomes = [Outcome(i.ref, ok=False, error=str(e)) for i in items]
        results += list(zip(live, outcomes, strict=True))
    return _finish(results, owner, timezone.now())


def deliver_due(*, limit: int = CLAIM_BATCH, rounds: int | None = None, batch: int | None = None) -> RunStats:
    """Claim and send until nothing is due (or `rounds` claims were made): the worker's loop body."""
    stats = RunStats()
    done = 0
    while rounds is None or done < rounds:
        ids = claim(limit)
        if not ids:
            break
        stats += send_claimed(ids, batch=batch)
        done += 1
    return stats


@task(name="portal.deliver")
def deliver() -> None:
    deliver_due()


def deliver_soon() -> None:
    """Queue a delivery run after the current transaction commits (message_send calls it)."""
    enqueue(deliver)
