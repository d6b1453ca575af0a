"""Reads of the proactive wellbeing calls (主动关怀, issue 18), always through the user's scope;
re-exported by alarms/selectors.py (the module's public surface): the calls, one call, what a user
may do with it, and the indicator, the share of calls done on time per district and month."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from carecircle.alarms import outreach
from carecircle.alarms.models import OUTREACH_OPEN, OutreachCall, OutreachState
from carecircle.alarms.types import OnTimeRate
from carecircle.core import region_pick, regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.types import Actor

DISTRICT = 6  # the first 6 digits of a code: its district (GB/T 2260)


def outreach_calls(*, user: Actor, perm: str = "alarms.operate") -> QuerySet[OutreachCall]:
    """The calls of the regions where `user` holds `perm`."""
    return scope.in_scope(OutreachCall.objects.select_related("person", "rule", "assignee"), user, perm)


def outreach_call_get(*, user: Actor, call_id: int) -> OutreachCall:
    """One call of the user's regions (404 outside them, or for a bad id)."""
    call: OutreachCall = access_by_id(
        OutreachCall.objects.select_related("person", "rule", "assignee"),
        call_id,
        user=user,
        perm="alarms.view",
    )
    return call


class OutreachAction(StrEnum):
    """What may be done with a call: record an attempt's outcome (an operator of its region, on or
    after its day, while it is open); order the service it found needed (someone who may order
    home services there: the order page, prefilled)."""

    RECORD = "record"
    ORDER = "order"


def outreach_actions(user: Actor, call: OutreachCall) -> frozenset[OutreachAction]:
    found = set()
    if (
        call.state in OUTREACH_OPEN
        and call.scheduled_for <= timezone.localdate()
        and scope.has_perm(user, "alarms.operate", call.region_code)
    ):
        found.add(OutreachAction.RECORD)
    if call.state == OutreachState.SERVICE and scope.has_perm(user, "homecare.order", call.region_code):
        found.add(OutreachAction.ORDER)
    return frozenset(found)


def outreach_script(call: OutreachCall) -> str:
    """The call's short script, with the person's name."""
    return outreach.script_for(call)


def outreach_on_time(
    *, user: Actor, month: datetime.date, now: datetime.datetime | None = None, perm: str = "alarms.view"
) -> list[OnTimeRate]:
    """The month's calls done on time, by district of the user's regions, the total last (its
    `region_code` empty): a call counts once its due time has passed, or once it was tried; it is
    on time when its first attempt came by its due time (a call nobody answered was still made)."""
    now = now or timezone.now()
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    qs = outreach.due_so_far(
        scope.in_scope(OutreachCall.objects.all(), user, perm).filter(
            scheduled_for__gte=first, scheduled_for__lt=following
        ),
        now,
    )
    rows = list(
        qs.annotate(district=Substr("region_code", 1, DISTRICT))
        .values("district")
        .annotate(due=Count("id"), on_time=Count("id", filter=outreach.on_time_q()))
        .order_by("district")
        .values_list("district", "due", "on_time")
    )
    codes = {d: regions.district_of(d) for d, _due, _ok in rows}
    names = region_pick.names_of(codes.values())
    out = [
        OnTimeRate(region_code=codes[d], region=names.get(codes[d], d), due=due, on_time=ok)
        for d, due, ok in rows
    ]
    out.append(
        OnTimeRate(
            region_code="",
            region="",
            due=sum(r.due for r in out),
            on_time=sum(r.on_time for r in out),
        )
    )
    return out
