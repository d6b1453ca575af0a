"""Reads for the call centre's wall screen and its staffing calculator (issue 18, service levels):
who waits now, answered within target today and this month, who is on shift, and the load a shift
carries (arrival rate and handling time) for Erlang C (`alarms.erlang`). Scoped to the regions
where the user holds `alarms.supervise`."""

from __future__ import annotations

import datetime
from typing import TypedDict

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from carecircle.alarms import selectors
from carecircle.alarms.models import Incident, IncidentState, Shift, TimelineEntry, TimelineKind
from carecircle.alarms.policy import answer_targets, centre_policy
from carecircle.alarms.types import TargetCheck
from carecircle.core import scope
from carecircle.core.types import Actor

PERM = "alarms.supervise"


class Wallboard(TypedDict):
    now: datetime.datetime
    waiting: int
    longest_wait_seconds: int | None
    today: list[TargetCheck]
    today_calls: int
    month: list[TargetCheck]
    month_calls: int
    operators: list[str]
    on_shift_minutes: int


def _checks(
    qs: QuerySet[Incident], now: datetime.datetime, targets: tuple[tuple[int, float], ...]
) -> tuple[int, list[TargetCheck]]:
    """The calls of `qs` and, per target, those answered within its limit among the decided ones
    (answered, or still waiting past the limit) — the rule of `selectors.target_checks`, counted in
    the database (a month of a busy centre is many rows) in one query."""
    aggregates: dict[str, Count] = {"calls": Count("pk")}
    for n, (limit, _target) in enumerate(targets):
        within = datetime.timedelta(seconds=limit)
        aggregates[f"met{n}"] = Count(
            "pk", filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("opened_at") + within)
        )
        aggregates[f"decided{n}"] = Count(
            "pk", filter=Q(acknowledged_at__isnull=False) | Q(opened_at__lt=now - within)
        )
    got = qs.aggregate(**aggregates)
    out: list[TargetCheck] = []
    for n, (limit, target) in enumerate(targets):
        met, decided = got[f"met{n}"], got[f"decided{n}"]
        share = round(100 * met / decided, 1) if decided else None
        out.append(
            {
                "seconds": limit,
                "target": target,
                "within": met,
                "decided": decided,
                "share": share,
                "ok": share is None or share >= target,
            }
        )
    return got["calls"], out


def on_shift(*, user: Actor, now: datetime.datetime, minutes: int) -> list[str]:
    """Names of the operators signed on a shift at a centre of the user's regions, and of those who
    acted on an incident of them in the last `minutes` (answered, called, dispatched, noted, closed;
    a responder confirming is not an operator)."""
    rows = (
        scope.in_scope(TimelineEntry.objects.all(), user, PERM)
        .filter(at__gt=now - datetime.timedelta(minutes=minutes), at__lte=now, actor__isnull=False)
        .exclude(kind__in=[TimelineKind.RESPONDER_CONFIRMED, TimelineKind.OPENED, TimelineKind.ALARM])
        .values_list("actor__display_name", "actor__username")
        .distinct()
    )
    # … and those signed on a shift at a centre of the user's regions (issue 18, routing).
    signed_on = (
        scope.in_scope(Shift.objects.all(), user, PERM)
        .filter(started_at__lte=now, ended_at__isnull=True)
        .values_list("operator__display_name", "operator__username")
    )
    return sorted({display or username for display, username in [*rows, *signed_on]})


def wallboard(*, user: Actor, now: datetime.datetime | None = None) -> Wallboard:
    """The centre's figures now: calls waiting for an answer and the longest wait, the share of
    calls answered within each target today and this month (local days), operators on shift."""
    scope.require_perm(user, PERM)
    now = now or timezone.now()
    policy = centre_policy(scope.prefixes(user, PERM))
    targets = answer_targets(policy)
    waiting = selectors.incidents(user=user, perm=PERM).filter(state=IncidentState.NEW)
    got = waiting.aggregate(n=Count("pk"), oldest=Min("opened_at"))
    oldest = got["oldest"]
    day = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    day_start = datetime.datetime.combine(day, datetime.time(), tz)
    month_start = datetime.datetime.combine(day.replace(day=1), datetime.time(), tz)
    calls = selectors.answered_calls(user=user, perm=PERM).filter(opened_at__lte=now)
    today_calls, today = _checks(calls.filter(opened_at__gte=day_start), now, targets)
    month_calls, month = _checks(calls.filter(opened_at__gte=month_start), now, targets)
    return {
        "now": now,
        "waiting": got["n"],
        "longest_wait_seconds": max(0, int((now - oldest).total_seconds())) if oldest else None,
        "today": today,
        "today_calls": today_calls,
        "month": month,
        "month_calls": month_calls,
        "operators": on_shift(user=user, now=now, minutes=policy.on_shift_minutes),
        "on_shift_minutes": policy.on_shift_minutes,
    }


# ------------------------------------------------------------------ staffing (Erlang C)


class Load(TypedDict):
    """The measured load of a window: incidents opened in it, hours it spans, and the mean handling
    time (acknowledged → resolved) of those closed."""

    incidents: int
    hours: float
    calls_per_hour: float
    handled: int
    handling_seconds: float | None


def measured_load(
    *, user: Actor, start: datetime.date, end: datetime.date, hour_from: int = 0, hour_to: int = 24
) -> Load:
    """Incidents an operator handles (every source: a phone call takes an operator too) opened on
    the days `start`…`end` (inclusive) between `hour_from` and `hour_to` o'clock (local time), as
    an hourly arrival rate, and their mean handling time."""
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time(), tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz)
    qs = selectors.incidents(user=user, perm=PERM).filter(opened_at__gte=lo, opened_at__lt=hi)
    if hour_from > 0:
        qs = qs.filter(opened_at__hour__gte=hour_from)
    if hour_to < 24:
        qs = qs.filter(opened_at__hour__lt=hour_to)
    n = qs.count()
    hours = float(((end - start).days + 1) * (hour_to - hour_from))
    spans = [
        (resolved - acknowledged).total_seconds()
        for acknowledged, resolved in qs.filter(
            acknowledged_at__isnull=False, resolved_at__isnull=False
        ).values_list("acknowledged_at", "resolved_at")
        if acknowledged is not None and resolved is not None
    ]
    return {
        "incidents": n,
        "hours": hours,
        "calls_per_hour": round(n / hours, 4) if hours else 0.0,
        "handled": len(spans),
        "handling_seconds": round(sum(spans) / len(spans), 1) if spans else None,
    }
