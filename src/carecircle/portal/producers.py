"""Messages the portal sends of its own accord, read from the modules that own the facts (their
selectors), never hooked into them: a month's allowances once a payroll batch is paid (granted,
recovered, stopped) and an order accepted by its provider. Every message's key is derived from the
fact it tells (`payment:<line>`, `stopped:<programme>:<month>:<person>`, `order_accepted:<event>`),
so a sweep that runs twice, or over overlapping windows, queues each message once. Each names the
person it is about: their linked family accounts get a copy each (portal/family_copies.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.portal.family_copies import PersonMessageSpec
from carecircle.portal.services_messages import messages_queue_bulk
from carecircle.portal.types import MessageKind, MessageSpec

CHUNK = 5000


def _period_text(period: str) -> str:
    return _("%(y)s年%(m)s月") % {"y": period[:4], "m": int(period[5:7])} if len(period) == 7 else period


def _chunks(specs: Iterable[MessageSpec]) -> Iterator[list[MessageSpec]]:
    it = iter(specs)
    while part := list(islice(it, CHUNK)):
        yield part


def allowance_specs(batch_id: int) -> Iterator[MessageSpec]:
    from carecircle.benefits import selectors  # noqa: PLC0415 — the other module may be absent (apps.is_installed)

    for n in selectors.payment_notices(batch_id=batch_id):
        money = f"{abs(n.amount).quantize(Decimal('0.01'))}"
        when = _period_text(n.period)
        if n.kind == "granted":
            kind, title = MessageKind.ALLOWANCE_GRANTED, _("补贴已发放")
            body = _("您%(when)s的%(name)s%(money)s元已发放，请注意查收。") % {
                "when": when,
                "name": n.programme,
                "money": money,
            }
        elif n.kind == "recovered":
            kind, title = MessageKind.ALLOWANCE_RECOVERED, _("补贴追回通知")
            body = _("您%(when)s多领的%(name)s%(money)s元需要退回，社区工作人员会与您联系。") % {
                "when": when,
                "name": n.programme,
                "money": money,
            }
        else:
            kind, title = MessageKind.ALLOWANCE_STOPPED, _("补贴停发通知")
            body = _("您的%(name)s自%(when)s起停发。如有疑问，可以向所在社区了解原因或提出申诉。") % {
                "name": n.programme,
                "when": when,
            }
        yield PersonMessageSpec(
            key=f"{kind.value}:{n.key}",
            kind=kind,
            region_code=n.region_code,
            title=title,
            body=body,
            recipient_id=n.user_id,
            phone=n.phone,
            person_id=n.person_id,
        )


def allowance_messages(*, batch_id: int) -> int:
    """Queue the messages of one paid batch; answers how many were new."""
    return sum(messages_queue_bulk(part) for part in _chunks(allowance_specs(batch_id)))


def allowance_messages_between(*, since: datetime.datetime, until: datetime.datetime) -> int:
    if not apps.is_installed("carecircle.benefits"):
        return 0
    from carecircle.benefits import selectors  # noqa: PLC0415 — the other module may be absent (apps.is_installed)

    return sum(allowance_messages(batch_id=b) for b in selectors.paid_batch_ids(since=since, until=until))


def order_accepted_messages(*, since: datetime.datetime, until: datetime.datetime) -> int:
    """Queue "order accepted" for the orders accepted in [since, until); answers how many were new."""
    if not apps.is_installed("carecircle.homecare"):
        return 0
    from carecircle.homecare import selectors  # noqa: PLC0415 — the other module may be absent (apps.is_installed)

    specs = []
    for n in selectors.accept_notices(since=since, until=until):
        start = timezone.localtime(n.window_start)
        specs.append(
            PersonMessageSpec(
                key=f"order_accepted:{n.event_id}",
                kind=MessageKind.ORDER_ACCEPTED,
                region_code=n.region_code,
                title=_("服务订单已接单"),
                body=_("%(provider)s已接下您%(day)s %(time)s的%(item)s，服务人员会按时上门。")
                % {
                    "provider": n.provider,
                    "day": f"{start.month}月{start.day}日",
                    "time": start.strftime("%H:%M"),
                    "item": n.item,
                },
                recipient_id=n.user_id,
                phone=n.phone,
                person_id=n.person_id,
            )
        )
    return sum(messages_queue_bulk(part) for part in _chunks(specs))
