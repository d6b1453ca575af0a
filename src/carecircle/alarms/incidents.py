"""Building incidents and their timelines: the primitives that the alarm services, the delivery
worker (delivery.py) and the periodic checks (watch.py) share. Below all three, so that none of them
imports another to reach these (no circle between services and delivery)."""

import datetime
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms.models import Device, Incident, TimelineEntry, TimelineKind
from carecircle.alarms.policy import policy_for, priority_of
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person

M = TypeVar("M", bound=Model)


def for_update(qs: QuerySet[M], **kwargs: Any) -> QuerySet[M]:
    """select_for_update, as FOR NO KEY UPDATE where the database has it (PostgreSQL), so that
    locking an incident or a person does not block inserts of rows that merely reference it."""
    return qs.select_for_update(no_key=connection.features.has_select_for_no_key_update, **kwargs)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def timeline_entry(
    incident: Incident,
    kind: str,
    text: str,
    *,
    now: datetime.datetime | None = None,
    actor: Actor = None,
    **detail: object,
) -> TimelineEntry:
    """A timeline row, not yet saved. The system (actor None) is named as such."""
    if signed_in(actor):
        actor_name = actor.display_name or actor.username
    else:
        actor_name = "" if actor is not None else _("系统")
    return TimelineEntry(
        incident=incident,
        region_code=incident.region_code,
        at=_now(now),
        kind=kind,
        text=str(text)[:500],
        actor=actor if signed_in(actor) else None,
        actor_name=actor_name,
        detail=detail,
    )


def timeline_add(
    incident: Incident,
    kind: str,
    text: str,
    *,
    now: datetime.datetime | None = None,
    actor: Actor = None,
    **detail: object,
) -> TimelineEntry:
    entry = timeline_entry(incident, kind, text, now=now, actor=actor, **detail)
    entry.save()
    return entry


def incident_build(
    *,
    person: Person,
    source: str,
    kind: str,
    title: str,
    now: datetime.datetime | None = None,
    device: Device | None = None,
    actor: Actor = None,
    levels: dict[int, int] | None = None,
) -> tuple[Incident, TimelineEntry]:
    """A new incident with its priority, and its "opened" timeline row, neither saved yet (the
    delivery worker inserts a batch's new incidents together)."""
    now = _now(now)
    policy = policy_for(person.region_code)
    priority, reasons = priority_of(kind, person, policy, timezone.localdate(now), levels)
    incident = Incident(
        person=person,
        region_code=person.region_code,
        source=source,
        kind=kind,
        title=title[:200],
        priority=priority,
        priority_reasons=reasons,
        device=device,
        opened_at=now,
    )
    opened = timeline_entry(
        incident, TimelineKind.OPENED, title, now=now, actor=actor, priority=priority, reasons=reasons
    )
    return incident, opened
