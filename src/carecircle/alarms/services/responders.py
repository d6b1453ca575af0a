"""Responders: who can be sent to an incident, dispatching one, their confirmation, and replacing one
who did not confirm in time."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from carecircle.alarms import events
from carecircle.alarms.incidents import for_update, timeline_add
from carecircle.alarms.models import Incident, IncidentState, Responder, ResponderState, TimelineKind
from carecircle.alarms.policy import policy_for
from carecircle.alarms.selectors import IncidentAction
from carecircle.alarms.services._state import STATE_ORDER, _locked, _now, _require_open, _set_state
from carecircle.alarms.types import ResponderCandidate
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import RoleGrant
from carecircle.core.regions import prefix_of
from carecircle.core.roles import Role
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import FamilyContact

if TYPE_CHECKING:
    from django.http import HttpRequest


def responder_candidates(incident: Incident) -> list[ResponderCandidate]:
    """Who can be sent, in order: emergency family contacts, then community and street workers
    whose grants cover the person's community."""
    out = [
        ResponderCandidate(
            name=c.name,
            role=c.relation or _("家属"),
            phone_masked=c.phone_masked,
            contact_id=c.pk,
            user_id=c.user_id,
        )
        for c in FamilyContact.objects.filter(person_id=incident.person_id, is_emergency=True).order_by("id")
    ]
    grants = RoleGrant.objects.filter(role__in=[Role.COMMUNITY_WORKER, Role.STREET_WORKER]).select_related(
        "user"
    )
    workers = [g for g in grants if incident.region_code.startswith(prefix_of(g.region_id))]
    workers.sort(key=lambda g: (g.role != Role.COMMUNITY_WORKER, g.user_id))
    for g in workers:
        out.append(
            ResponderCandidate(
                name=g.user.display_name or g.user.username,
                role=str(Role(g.role).label),
                phone_masked="",
                contact_id=None,
                user_id=g.user_id,
            )
        )
    return out


def untried_candidates(incident: Incident) -> list[ResponderCandidate]:
    """The candidates not yet asked for this incident, in order (the card's choice, dispatch's)."""
    tried = _tried_keys(incident)
    return [c for c in responder_candidates(incident) if c.key not in tried]


def _tried_keys(incident: Incident) -> set[str]:
    keys = set()
    for r in incident.responders.all():
        keys.add(
            f"contact:{r.contact_id}"
            if r.contact_id
            else f"user:{r.user_id}"
            if r.user_id
            else f"name:{r.name}"
        )
    return keys


def _ask(incident: Incident, cand: ResponderCandidate, now: datetime.datetime, actor: Actor) -> Responder:
    policy = policy_for(incident.region_code)
    responder = Responder.objects.create(
        incident=incident,
        region_code=incident.region_code,
        name=cand.name,
        role=cand.role,
        phone_masked=cand.phone_masked,
        user_id=cand.user_id,
        contact_id=cand.contact_id,
        asked_at=now,
        confirm_by=now + datetime.timedelta(seconds=policy.responder_confirm_seconds),
    )
    timeline_add(
        incident,
        TimelineKind.RESPONDER,
        _("派出 %(n)s（%(r)s）") % {"n": cand.name, "r": cand.role},
        now=now,
        actor=actor,
        responder=responder.pk,
    )
    return responder


@transaction.atomic
def responder_dispatch(
    *,
    actor: Actor,
    incident_id: int,
    key: str = "",
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Responder:
    """Send a responder: the candidate with `key`, or the first one not yet asked."""
    now = _now(now)
    incident = _locked(incident_id, actor)
    _require_open(incident, IncidentAction.DISPATCH)
    candidates = untried_candidates(incident)
    if key:
        candidates = [c for c in candidates if c.key == key]
    if not candidates:
        raise InvalidInput(_("没有可派的响应人（家属紧急联系人或社区、街道工作人员）"), field="key")
    responder = _ask(incident, candidates[0], now, actor)
    if STATE_ORDER.index(incident.state) < STATE_ORDER.index(IncidentState.DISPATCHED):
        _set_state(incident, IncidentState.DISPATCHED, now, actor=actor)
        incident.save()
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_RESPONDER_DISPATCH,
        obj=incident,
        request=request,
        responder=responder.pk,
    )
    events.incident_changed(incident)
    return responder


@transaction.atomic
def responder_confirm(
    *,
    actor: Actor,
    responder_id: int,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Responder:
    """The responder (or the operator on their behalf, after a call) confirms they are going."""
    now = _now(now)
    responder = for_update(
        Responder.objects.select_related("incident").filter(pk=responder_id), of=("self",)
    ).first()
    if responder is None:
        raise NotFound()
    if not (signed_in(actor) and responder.user_id == actor.pk):
        scope.require(actor, "alarms.operate", responder.region_code)
    if responder.state != ResponderState.ASKED:
        raise Conflict(_("该响应人已%(s)s") % {"s": responder.get_state_display()}, field="state")
    responder.state, responder.confirmed_at = ResponderState.CONFIRMED, now
    responder.save()
    timeline_add(
        responder.incident,
        TimelineKind.RESPONDER_CONFIRMED,
        _("%(n)s 已确认前往") % {"n": responder.name},
        now=now,
        actor=actor,
        responder=responder.pk,
    )
    audit.record(
        actor=actor, action=AuditAction.ALARMS_RESPONDER_CONFIRM, obj=responder.incident, request=request
    )
    events.incident_changed(responder.incident)
    return responder


def replace_responder(responder: Responder, now: datetime.datetime) -> Responder | None:
    """Mark an unconfirmed responder replaced and ask the next candidate (None when none is left)."""
    incident = responder.incident
    responder.state, responder.replaced_at = ResponderState.REPLACED, now
    responder.save()
    waited = int((now - responder.asked_at).total_seconds())
    timeline_add(
        incident,
        TimelineKind.RESPONDER_REPLACED,
        _("%(n)s %(s)s秒未确认，已更换") % {"n": responder.name, "s": waited},
        now=now,
        seconds=waited,
    )
    nxt = next(iter(untried_candidates(incident)), None)
    if nxt is None:
        timeline_add(incident, TimelineKind.NOTE, _("已无其他可派响应人，请坐席处理"), now=now)
        return None
    return _ask(incident, nxt, now, None)
