"""Writes of routing (issue 18): centres and their overflow centre (a supervisor's setting), operators
signing on and off a shift, the periodic ringing of waiting incidents, and answering a rung call —
by an operator of the incident's own region, or of the overflow centre it rang."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecircle.alarms import events, routing
from carecircle.alarms.incidents import for_update
from carecircle.alarms.models import Centre, Incident, IncidentState, Ring, Shift
from carecircle.alarms.selectors import IncidentAction, action_open
from carecircle.alarms.services._state import _now, _set_state, _user
from carecircle.alarms.services.incidents import incident_acknowledge
from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.types import Actor, signed_in

if TYPE_CHECKING:
    from django.http import HttpRequest

SUPERVISE = "alarms.supervise"
OPERATE = "alarms.operate"
MAX_SECONDS = 3600


def _seconds(value: int, field: str, label: str) -> int:
    if not 1 <= value <= MAX_SECONDS:
        raise InvalidInput(
            _("%(f)s应为 1 到 %(hi)s 之间的整数：%(v)s") % {"f": label, "hi": MAX_SECONDS, "v": value},
            field=field,
        )
    return value


@transaction.atomic
def centre_save(
    *,
    actor: Actor,
    region_code: str,
    name: str,
    overflow: Centre | None = None,
    ring_after_seconds: int = 20,
    overflow_after_seconds: int = 60,
    request: HttpRequest | None = None,
) -> Centre:
    """Create or change the alarm-receiving centre of a district: its name, overflow centre (another
    district's) and the two ring thresholds. A supervisor of the district or of the city."""
    region_code = (region_code or "").strip()
    if len(region_code) != 12 or not region_code.isdigit():
        raise InvalidInput(_("请选择区县"), field="region_code")
    region_code = regions.district_of(region_code)
    scope.require(actor, SUPERVISE, region_code)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写中心名称"), field="name")
    ring_after = _seconds(ring_after_seconds, "ring_after_seconds", _("本中心振铃时限"))
    overflow_after = _seconds(overflow_after_seconds, "overflow_after_seconds", _("溢出振铃时限"))
    if overflow_after <= ring_after:
        raise InvalidInput(_("溢出振铃时限应长于本中心振铃时限"), field="overflow_after_seconds")
    if overflow is not None and overflow.region_code == region_code:
        raise InvalidInput(_("溢出中心应为其他区县的接警中心"), field="overflow")
    centre = Centre.objects.select_for_update().filter(region_code=region_code).first()
    created = centre is None
    if centre is None:
        centre = Centre(region_code=region_code)
    before = {} if created else _settings(centre)
    centre.name = name[:100]
    centre.overflow = overflow
    centre.ring_after_seconds = ring_after
    centre.overflow_after_seconds = overflow_after
    centre.save()
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_CENTRE_SAVE,
        obj=centre,
        region_code=region_code,
        request=request,
        created=created,
        before=before,
        after=_settings(centre),
    )
    transaction.on_commit(routing.clear_cache)
    return centre


def _settings(centre: Centre) -> dict[str, object]:
    return {
        "name": centre.name,
        "overflow": centre.overflow.region_code if centre.overflow else "",
        "ring_after_seconds": centre.ring_after_seconds,
        "overflow_after_seconds": centre.overflow_after_seconds,
    }


@transaction.atomic
def shift_sign_on(
    *,
    actor: Actor,
    centre: Centre,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Shift:
    """The operator starts a shift at a centre whose district they operate in. Signing on again at
    the same centre keeps the shift; at another centre, the first shift ends."""
    if not signed_in(actor):
        raise Forbidden()
    scope.require(actor, OPERATE, centre.region_code)
    now = _now(now)
    current = Shift.objects.select_for_update().filter(operator=actor, ended_at__isnull=True).first()
    if current is not None and current.centre_id == centre.pk:
        return current
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    try:
        with transaction.atomic():
            shift = Shift.objects.create(
                operator=actor, centre=centre, region_code=centre.region_code, started_at=now
            )
    except IntegrityError:  # signed on at the same moment in another tab
        raise Conflict(_("已在岗"), field="centre") from None
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_SHIFT_SIGN_ON,
        obj=shift,
        region_code=centre.region_code,
        request=request,
        centre=centre.name,
    )
    return shift


@transaction.atomic
def shift_sign_off(
    *, actor: Actor, now: datetime.datetime | None = None, request: HttpRequest | None = None
) -> Shift | None:
    """End the operator's open shift; None (and nothing written) when they were not on one."""
    if not signed_in(actor):
        raise Forbidden()
    now = _now(now)
    shift = Shift.objects.select_for_update().filter(operator=actor, ended_at__isnull=True).first()
    if shift is None:
        return None
    shift.ended_at = now
    shift.save(update_fields=["ended_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_SHIFT_SIGN_OFF,
        obj=shift,
        region_code=shift.region_code,
        request=request,
        minutes=int((now - shift.started_at).total_seconds() // 60),
    )
    return shift


def route_waiting(*, now: datetime.datetime | None = None) -> list[Ring]:
    """Ring every waiting incident that is due (the periodic sweep; `routing.route_due`)."""
    return routing.route_due(now=now)


@transaction.atomic
def ring_answer(
    *,
    actor: Actor,
    incident_id: int,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Answer a ringing incident. An operator of its region answers it as from the queue
    (`incident_acknowledge`); an operator on shift at the overflow centre it rang answers it too,
    and handles it from then on. Anyone else: not found."""
    if scope.has_perm(actor, OPERATE) and _in_own_scope(actor, incident_id):
        return incident_acknowledge(actor=actor, incident_id=incident_id, now=now, request=request)
    now = _now(now)
    incident = (
        for_update(Incident.objects.select_related("person"), of=("self",)).filter(pk=incident_id).first()
        if isinstance(incident_id, int)
        else None
    )
    if incident is None or not routing.rung_to(actor, incident):
        raise NotFound()
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
        overflow=True,
    )
    events.incident_changed(incident)
    return incident


def _in_own_scope(actor: Actor, incident_id: int) -> bool:
    region = Incident.objects.filter(pk=incident_id).values_list("region_code", flat=True).first()
    return region is not None and scope.has_perm(actor, OPERATE, region)
