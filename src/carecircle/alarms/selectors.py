"""Reads of the call platform, always through the user's scope."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import routing
from carecircle.alarms.models import (
    OPEN_STATES,
    CallOutcome,
    CallTarget,
    Device,
    Incident,
    IncidentState,
    Outcome,
    Source,
    TimelineEntry,
    TimelineKind,
)
from carecircle.alarms.outreach_selectors import OutreachAction as OutreachAction
from carecircle.alarms.outreach_selectors import outreach_actions as outreach_actions
from carecircle.alarms.outreach_selectors import outreach_call_get as outreach_call_get
from carecircle.alarms.outreach_selectors import outreach_calls as outreach_calls
from carecircle.alarms.outreach_selectors import outreach_on_time as outreach_on_time
from carecircle.alarms.outreach_selectors import outreach_script as outreach_script
from carecircle.alarms.policy import (
    answer_targets,
    centre_policy,
    policy_for,
)
from carecircle.alarms.types import (
    IncidentTimes,
    LevelRow,
    MonthlyRow,
    ServiceLevels,
    TargetCheck,
    TimelineRow,
)
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.selectors import region_label
from carecircle.core.types import Actor, Viewer


def incidents(*, user: Actor, perm: str = "alarms.view") -> QuerySet[Incident]:
    return scope.in_scope(Incident.objects.all(), user, perm)


def queue(*, user: Actor, limit: int = 200) -> list[Incident]:
    """Open incidents ordered by priority, then age (oldest first)."""
    qs = (
        incidents(user=user, perm="alarms.operate")
        .filter(state__in=OPEN_STATES)
        .select_related("person", "operator")
        .order_by("-priority", "opened_at")
    )
    return list(qs[:limit])


def incident_get(*, user: Actor, incident_id: int, perm: str = "alarms.view") -> Incident:
    incident = access_by_id(
        Incident.objects.select_related("person", "operator", "device"),
        incident_id,
        user=user,
        perm=perm,
        check=incident_check,
    )
    return incident


def incident_check(user: Actor, perm: str, incident: Incident) -> None:
    """Scope over the incident's region, or (issue 18, routing) the overflow centre's operator who
    answered it when it rang there: they handle it to its close."""
    if scope.has_perm(user, perm, incident.region_code) or not routing.handles_by_overflow(user, incident):
        scope.require(user, perm, incident.region_code)


class IncidentAction(StrEnum):
    """The operator's actions on one incident; each has its own page URL (`alarms:incident_<value>`)."""

    ACKNOWLEDGE = "acknowledge"
    CALL = "call"
    DISPATCH = "dispatch"
    ON_SITE = "on_site"
    RESOLVE = "resolve"
    NOTE = "note"


_CLAIMED = frozenset(
    {IncidentState.ACKNOWLEDGED, IncidentState.IN_PROGRESS, IncidentState.DISPATCHED, IncidentState.ON_SITE}
)
_STATES: dict[IncidentAction, frozenset[str]] = {
    IncidentAction.ACKNOWLEDGE: frozenset({IncidentState.NEW}),
    IncidentAction.CALL: _CLAIMED,
    IncidentAction.DISPATCH: _CLAIMED,
    IncidentAction.ON_SITE: frozenset({IncidentState.DISPATCHED}),
    IncidentAction.RESOLVE: frozenset(OPEN_STATES),
    IncidentAction.NOTE: frozenset(OPEN_STATES),
}


def action_open(incident: Incident, action: IncidentAction) -> bool:
    """THE state rule: whether the incident's state allows the action at all (whoever asks). The
    services refuse with a Conflict when it does not; incident_actions() adds who may act."""
    return incident.state in _STATES[action]


def incident_actions(user: Viewer, incident: Incident) -> frozenset[IncidentAction]:
    """What `user` may do with `incident` now: the card's buttons and the services (through
    action_open and the same permission) follow this one rule. An operator of the incident's region
    acts; everyone else (a community worker sent as responder, a supervisor) only looks."""
    if not scope.has_perm(user, "alarms.operate", incident.region_code) and not routing.handles_by_overflow(
        user, incident
    ):
        return frozenset()
    return frozenset(a for a in IncidentAction if action_open(incident, a))


def devices(*, user: Actor) -> QuerySet[Device]:
    return (
        scope.in_scope(Device.objects.all(), user, "alarms.devices").select_related("person").order_by("-id")
    )


def device_online(device: Device, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    if device.last_heartbeat_at is None:
        return False
    policy = policy_for(device.region_code)
    return bool(
        (now - device.last_heartbeat_at).total_seconds()
        <= device.heartbeat_seconds * policy.offline_grace_factor
    )


# ------------------------------------------------------------------ service levels


def centre_targets(user: Actor, perm: str = "alarms.supervise") -> tuple[tuple[int, float], ...]:
    """The answer-time targets (seconds, share %) of the centre watching over the user's regions."""
    return answer_targets(centre_policy(scope.prefixes(user, perm)))


def _answer_seconds(i: Incident) -> float | None:
    if i.acknowledged_at is None:
        return None
    return (i.acknowledged_at - i.opened_at).total_seconds()


def _seconds(start: datetime.datetime, end: datetime.datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds()


def with_first_contact(qs: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents annotated with `first_contact_at`: the first call recorded on the timeline that
    reached the older person themselves (target 本人, outcome 已接通); None when there was none."""
    first = (
        TimelineEntry.objects.filter(
            incident=OuterRef("pk"),
            kind=TimelineKind.CALL,
            detail__target=CallTarget.PERSON.value,
            detail__outcome=CallOutcome.REACHED.value,
        )
        .order_by("at", "id")
        .values("at")[:1]
    )
    return qs.annotate(first_contact_at=Subquery(first, output_field=DateTimeField()))


def incident_times(incident: Incident) -> IncidentTimes:
    """Seconds from the incident's opening to: its answer by a person (acknowledged), the first
    call that reached the older person, a responder on site, its close. None for a step not reached.
    Reads `first_contact_at` when the incident came through `with_first_contact`."""
    if not hasattr(incident, "first_contact_at"):
        incident = with_first_contact(Incident.objects.filter(pk=incident.pk)).get()
    contact: datetime.datetime | None = getattr(incident, "first_contact_at", None)
    opened = incident.opened_at
    return {
        "answer": _seconds(opened, incident.acknowledged_at),
        "first_contact": _seconds(opened, contact),
        "on_site": _seconds(opened, incident.on_site_at),
        "close": _seconds(opened, incident.resolved_at),
    }


def target_checks(
    rows: list[Incident], now: datetime.datetime, targets: tuple[tuple[int, float], ...]
) -> list[TargetCheck]:
    """Per target, the calls answered within its limit. A call still unanswered counts against the
    share once its limit has passed (it can no longer be answered in time); before that it is left
    out (not yet decided)."""
    answers = [(_answer_seconds(i), (now - i.opened_at).total_seconds()) for i in rows]
    out: list[TargetCheck] = []
    for limit, target in targets:
        met = sum(1 for a, _w in answers if a is not None and a <= limit)
        decided = sum(1 for a, waited in answers if a is not None or waited > limit)
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
    return out


def _level_row(
    rows: list[Incident], now: datetime.datetime, targets: tuple[tuple[int, float], ...]
) -> LevelRow:
    """Calls answered within each target's limit: `checks`, and per limit `within_<s>`, `share_<s>`,
    `ok_<s>`; the median answer time."""
    checks = target_checks(rows, now, targets)
    out: LevelRow = {"calls": len(rows), "checks": checks}
    for c in checks:
        out[f"within_{c['seconds']}"] = c["within"]
        out[f"share_{c['seconds']}"] = c["share"]
        out[f"ok_{c['seconds']}"] = c["ok"]
    answered = [s for i in rows if (s := _answer_seconds(i)) is not None]
    out["median_seconds"] = round(statistics.median(answered), 1) if answered else None
    return out


def answered_calls(*, user: Actor, perm: str = "alarms.supervise") -> QuerySet[Incident]:
    """The incidents that wait for an operator: device alarms and silence alarms (a phone call is
    answered by the person who opens it, so it never waits in the queue)."""
    return incidents(user=user, perm=perm).exclude(source=Source.PHONE)


def service_levels(*, user: Actor, day: datetime.date, now: datetime.datetime | None = None) -> ServiceLevels:
    """Share of calls answered within each target's limit on `day`, per hour and per operator."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    targets = centre_targets(user)
    start = datetime.datetime.combine(day, datetime.time(), tz)
    rows = list(
        answered_calls(user=user)
        .filter(opened_at__gte=start, opened_at__lt=start + datetime.timedelta(days=1))
        .select_related("operator")
    )
    by_hour: defaultdict[int, list[Incident]] = defaultdict(list)
    by_operator: defaultdict[str, list[Incident]] = defaultdict(list)
    for i in rows:
        by_hour[timezone.localtime(i.opened_at, tz).hour].append(i)
        if i.operator is not None:
            by_operator[i.operator.display_name or i.operator.username].append(i)
    return {
        "day": day,
        "total": _level_row(rows, now, targets),
        "hours": [(h, _level_row(by_hour[h], now, targets)) for h in sorted(by_hour)],
        "operators": [(name, _level_row(by_operator[name], now, targets)) for name in sorted(by_operator)],
        "targets": targets,
    }


# ------------------------------------------------------------------ monthly report


def monthly_report(*, user: Actor, month: datetime.date, level_digits: int = 9) -> list[MonthlyRow]:
    """Per region (street by default: the first 9 digits), the month's incidents by source and
    outcome, the share answered within the centre's first target limit, answer times and time to
    reach the person."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month.replace(day=1), datetime.time(), tz)
    nxt = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    end = datetime.datetime.combine(nxt, datetime.time(), tz)
    limit = centre_targets(user)[0][0]
    qs = incidents(user=user, perm="alarms.supervise").filter(opened_at__gte=start, opened_at__lt=end)
    groups: defaultdict[str, list[Incident]] = defaultdict(list)
    for i in qs.only(
        "region_code", "source", "outcome", "state", "opened_at", "acknowledged_at", "on_site_at"
    ):
        groups[i.region_code[:level_digits].ljust(12, "0")].append(i)
    out: list[MonthlyRow] = []
    for code in sorted(groups):
        rows = groups[code]
        answered = [s for i in rows if i.source != Source.PHONE and (s := _answer_seconds(i)) is not None]
        reach = [(i.on_site_at - i.opened_at).total_seconds() / 60 for i in rows if i.on_site_at]
        out.append(
            {
                "region_code": code,
                "region": region_label(code),
                "total": len(rows),
                "by_source": {str(s.label): sum(1 for i in rows if i.source == s) for s in Source},
                "by_outcome": {str(o.label): sum(1 for i in rows if i.outcome == o) for o in Outcome},
                "open": sum(1 for i in rows if i.state != IncidentState.RESOLVED),
                "limit_seconds": limit,
                "share_in_time": round(100 * sum(1 for s in answered if s <= limit) / len(answered), 1)
                if answered
                else None,
                "median_answer_seconds": round(statistics.median(answered), 1) if answered else None,
                "median_on_site_minutes": round(statistics.median(reach), 1) if reach else None,
            }
        )
    return out


def timeline_rows(incident: Incident) -> list[TimelineRow]:
    tz = timezone.get_current_timezone()
    return [
        {
            "at": timezone.localtime(e.at, tz).strftime("%Y-%m-%d %H:%M:%S"),
            "kind": e.get_kind_display(),
            "actor": e.actor_name,
            "text": e.text,
            "seconds": int((e.at - incident.opened_at).total_seconds()),
        }
        for e in incident.timeline.all()
    ] or [{"at": "", "kind": "", "actor": "", "text": _("无记录"), "seconds": 0}]


def persons_with_device(*, person_ids: Iterable[int], day: datetime.date) -> set[int]:
    """Those of `person_ids` with an alarm device in use, registered by `day` (planning's 智能设备配备率).
    A device records whether it is in use now, not since when it stopped: a day in the past counts
    the devices in use today that were registered by then."""
    return set(
        Device.objects.filter(
            person_id__in=list(person_ids), active=True, created_at__date__lte=day
        ).values_list("person_id", flat=True)
    )


def unanswered_by_community(*, since: datetime.datetime, older_than: datetime.datetime) -> dict[str, int]:
    """Incidents opened from `since` to `older_than` that nobody has acknowledged nor resolved, counted
    per community (one grouped query): oversight's early warnings."""
    from django.db.models import Count  # noqa: PLC0415 — this file's own imports stay as they are

    rows = (
        Incident.objects.filter(
            opened_at__gte=since,
            opened_at__lt=older_than,
            acknowledged_at__isnull=True,
            resolved_at__isnull=True,
        )
        .values_list("region_code")
        .annotate(n=Count("id"))
        .values_list("region_code", "n")
    )
    return dict(rows)
