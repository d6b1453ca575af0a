"""Incidents: opened by the delivery worker, the checks, other modules or a phone call; acknowledged,
advanced, resolved, noted and called about by the operators."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from carecircle.alarms import events
from carecircle.alarms.incidents import incident_build, timeline_add
from carecircle.alarms.models import (
    AlarmKind,
    CallOutcome,
    CallTarget,
    Device,
    Incident,
    IncidentState,
    Outcome,
    ResponderState,
    Source,
    TimelineEntry,
    TimelineKind,
)
from carecircle.alarms.selectors import IncidentAction, action_open
from carecircle.alarms.services._state import (
    STATE_ORDER,
    _locked,
    _now,
    _require_claimed,
    _require_open,
    _set_state,
    _user,
)
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person

if TYPE_CHECKING:
    from django.http import HttpRequest


def incident_create(
    *,
    person: Person,
    source: str,
    kind: str,
    title: str,
    now: datetime.datetime | None = None,
    device: Device | None = None,
    actor: Actor = None,
    publish: bool = True,
    levels: dict[int, int] | None = None,
) -> Incident:
    """Open an incident and, once committed, show it on the consoles. No scope check: the callers
    are the delivery worker, the periodic checks, other modules' services (a care visit that finds
    an emergency) and `incident_open_by_phone`, which check their own."""
    incident, opened = incident_build(
        person=person,
        source=source,
        kind=kind,
        title=title,
        now=now,
        device=device,
        actor=actor,
        levels=levels,
    )
    incident.save()
    opened.incident = incident
    opened.save()
    if publish:
        events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_open_by_phone(
    *,
    actor: Actor,
    person: Person,
    kind: str = "phone",
    note: str = "",
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    scope.require(actor, "alarms.operate", person.region_code)
    if kind != "phone" and kind not in AlarmKind.values:
        raise InvalidInput(_("未知的事件类型：%(k)s") % {"k": kind}, field="kind")
    now = _now(now)
    label = _("电话呼入") if kind == "phone" else AlarmKind(kind).label
    incident = incident_create(
        person=person,
        source=Source.PHONE,
        kind=kind,
        title=f"{label}：{person.name}",
        now=now,
        actor=actor,
        publish=False,
    )
    # The operator who took the call has it in hand already.
    _set_state(incident, IncidentState.ACKNOWLEDGED, now, actor=actor)
    incident.operator = _user(actor)
    incident.save()
    if note.strip():
        timeline_add(incident, TimelineKind.NOTE, note.strip(), now=now, actor=actor)
    audit.record(
        actor=actor, action=AuditAction.ALARMS_INCIDENT_OPEN, obj=incident, request=request, kind=kind
    )
    events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_acknowledge(
    *,
    actor: Actor,
    incident_id: int,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    now = _now(now)
    incident = _locked(incident_id, actor)
    if not action_open(incident, IncidentAction.ACKNOWLEDGE):
        if signed_in(actor) and incident.operator_id == actor.pk:
            return incident
        raise Conflict(_("该警情已由%(u)s接警") % {"u": incident.operator or _("他人")}, field="state")
    incident.operator = _user(actor)
    _set_state(incident, IncidentState.ACKNOWLEDGED, now, actor=actor)
    incident.save()
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_INCIDENT_ACKNOWLEDGE,
        obj=incident,
        request=request,
        seconds=int((now - incident.opened_at).total_seconds()),
    )
    events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_advance(
    *,
    actor: Actor,
    incident_id: int,
    state: str,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Move an incident forward (in progress, on site); never backwards."""
    now = _now(now)
    incident = _locked(incident_id, actor)
    if state not in (IncidentState.IN_PROGRESS, IncidentState.ON_SITE):
        raise InvalidInput(_("不能直接设为此状态"), field="state")
    _require_claimed(incident)
    if STATE_ORDER.index(state) <= STATE_ORDER.index(incident.state):
        raise Conflict(_("警情已处于%(s)s") % {"s": incident.get_state_display()}, field="state")
    if state == IncidentState.ON_SITE:
        _require_open(incident, IncidentAction.ON_SITE)
    _set_state(incident, state, now, actor=actor)
    incident.save()
    if state == IncidentState.ON_SITE:
        incident.responders.filter(state__in=[ResponderState.ASKED, ResponderState.CONFIRMED]).update(
            state=ResponderState.ARRIVED
        )
    audit.record(
        actor=actor, action=AuditAction.ALARMS_INCIDENT_ADVANCE, obj=incident, request=request, state=state
    )
    events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_resolve(
    *,
    actor: Actor,
    incident_id: int,
    outcome: str,
    note: str = "",
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    now = _now(now)
    incident = _locked(incident_id, actor)
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择处置结果"), field="outcome")
    _require_open(incident, IncidentAction.RESOLVE)
    if incident.state == IncidentState.NEW:
        incident.operator = _user(actor)
    incident.outcome = outcome
    _set_state(incident, IncidentState.RESOLVED, now, actor=actor)
    incident.save()
    timeline_add(
        incident,
        TimelineKind.NOTE,
        f"{Outcome(outcome).label}{('：' + note.strip()) if note.strip() else ''}",
        now=now,
        actor=actor,
        outcome=outcome,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_INCIDENT_RESOLVE,
        obj=incident,
        request=request,
        outcome=outcome,
    )
    events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_note(
    *,
    actor: Actor,
    incident_id: int,
    text: str,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> TimelineEntry:
    incident = _locked(incident_id, actor)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("备注不能为空"), field="text")
    _require_open(incident, IncidentAction.NOTE)
    entry = timeline_add(incident, TimelineKind.NOTE, text, now=now, actor=actor)
    audit.record(actor=actor, action=AuditAction.ALARMS_INCIDENT_NOTE, obj=incident, request=request)
    return entry


@transaction.atomic
def incident_call(
    *,
    actor: Actor,
    incident_id: int,
    target: str,
    outcome: str,
    note: str = "",
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> TimelineEntry:
    """Record a call (to the person, family, community worker, 120) and its outcome; the first call
    puts an acknowledged incident in progress."""
    now = _now(now)
    incident = _locked(incident_id, actor)
    if target not in CallTarget.values:
        raise InvalidInput(_("请选择呼叫对象"), field="target")
    if outcome not in CallOutcome.values:
        raise InvalidInput(_("请选择通话结果"), field="outcome")
    _require_open(incident, IncidentAction.CALL)
    if incident.state == IncidentState.ACKNOWLEDGED:
        _set_state(incident, IncidentState.IN_PROGRESS, now, actor=actor)
        incident.save()
    text = f"{CallTarget(target).label} · {CallOutcome(outcome).label}" + (
        f"：{note.strip()}" if note.strip() else ""
    )
    entry = timeline_add(
        incident, TimelineKind.CALL, text, now=now, actor=actor, target=target, outcome=outcome
    )
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_INCIDENT_CALL,
        obj=incident,
        request=request,
        target=target,
        outcome=outcome,
    )
    events.incident_changed(incident)
    return entry
