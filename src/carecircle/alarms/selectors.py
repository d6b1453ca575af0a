"""Reads of the call platform, always through the user's scope."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms.models import OPEN_STATES, Device, Incident, IncidentState, Outcome, Source
from carecircle.alarms.policy import capability_level, person_factors, policy_for
from carecircle.alarms.types import LevelRow, MonthlyRow, PersonCard, ServiceLevels, TimelineRow
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.selectors import region_label
from carecircle.core.types import Actor, Viewer
from carecircle.registry import selectors as registry_selectors

# TEC Services Association: 97.5% of calls answered within 60 s, 99% within 180 s.
TEC_TARGETS = ((60, 97.5), (180, 99.0))


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
    )
    return incident


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
    if not scope.has_perm(user, "alarms.operate", incident.region_code):
        return frozenset()
    return frozenset(a for a in IncidentAction if action_open(incident, a))


def person_card(incident: Incident, day: datetime.date | None = None) -> PersonCard:
    """What the operator needs on one screen about the person (masked values only)."""
    person = incident.person
    day = day or timezone.localdate()
    level, level_label = capability_level(person, day)
    return {
        "person": person,
        "age": registry_selectors.shown_person_age(person, day),
        "statuses": [s.get_kind_display() for s in registry_selectors.statuses_on(person, day)],
        "factors": list(person_factors(person, day).values()),
        "level": level,
        "level_label": level_label or (str(level) if level is not None else ""),
        "contacts": list(person.contacts.all()),
        "region": region_label(person.region_code),
        "devices": list(Device.objects.filter(person=person).order_by("kind")),
        "recent": list(
            Incident.objects.filter(person=person).exclude(pk=incident.pk).order_by("-opened_at")[:5]
        ),
        "latitude": person.latitude,
        "longitude": person.longitude,
    }


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


def _answer_seconds(i: Incident) -> float | None:
    if i.acknowledged_at is None:
        return None
    return (i.acknowledged_at - i.opened_at).total_seconds()


def _level_row(rows: list[Incident], now: datetime.datetime) -> LevelRow:
    """Calls answered within 60 s / 180 s. A call still unanswered counts against the share once its
    limit has passed (it can no longer be answered in time); before that it is left out."""
    out: LevelRow = {"calls": len(rows)}
    for limit, target in TEC_TARGETS:
        met = sum(1 for i in rows if (s := _answer_seconds(i)) is not None and s <= limit)
        decided = sum(
            1 for i in rows if _answer_seconds(i) is not None or (now - i.opened_at).total_seconds() > limit
        )
        share = round(100 * met / decided, 1) if decided else None
        out[f"within_{limit}"] = met
        out[f"share_{limit}"] = share
        out[f"ok_{limit}"] = share is None or share >= target
    answered = [s for i in rows if (s := _answer_seconds(i)) is not None]
    out["median_seconds"] = round(statistics.median(answered), 1) if answered else None
    return out


def service_levels(*, user: Actor, day: datetime.date, now: datetime.datetime | None = None) -> ServiceLevels:
    """Share of calls answered within 60 s and 180 s on `day`, per hour and per operator. Calls are
    the incidents that wait for an operator: device alarms and silence alarms (phone calls are
    answered by the person who opens them)."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tz)
    rows = list(
        incidents(user=user, perm="alarms.supervise")
        .filter(opened_at__gte=start, opened_at__lt=start + datetime.timedelta(days=1))
        .exclude(source=Source.PHONE)
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
        "total": _level_row(rows, now),
        "hours": [(h, _level_row(by_hour[h], now)) for h in sorted(by_hour)],
        "operators": [(name, _level_row(by_operator[name], now)) for name in sorted(by_operator)],
        "targets": TEC_TARGETS,
    }


# ------------------------------------------------------------------ monthly report


def monthly_report(*, user: Actor, month: datetime.date, level_digits: int = 9) -> list[MonthlyRow]:
    """Per region (street by default: the first 9 digits), the month's incidents by source and
    outcome, answer times and time to reach the person."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month.replace(day=1), datetime.time(), tz)
    nxt = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    end = datetime.datetime.combine(nxt, datetime.time(), tz)
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
                "share_60": round(100 * sum(1 for s in answered if s <= 60) / len(answered), 1)
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
