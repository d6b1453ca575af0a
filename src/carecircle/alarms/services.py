"""Writes of the call platform: devices, alarm and heartbeat intake, incident handling.

Every function takes `now` so that tests drive time with a fake clock; `None` means the real one.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import delivery, events
from carecircle.alarms.incidents import for_update, incident_build, timeline_add
from carecircle.alarms.models import Alarm as AlarmRow
from carecircle.alarms.models import (
    AlarmKind,
    CallOutcome,
    CallTarget,
    Device,
    DeviceKind,
    Heartbeat,
    Incident,
    IncidentState,
    Outcome,
    Responder,
    ResponderState,
    Source,
    TimelineEntry,
    TimelineKind,
)
from carecircle.alarms.policy import policy_for
from carecircle.alarms.selectors import IncidentAction, action_open
from carecircle.alarms.types import ReceivedAlarm, ResponderCandidate
from carecircle.core import audit, scope
from carecircle.core.access import access_by_id
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import RoleGrant
from carecircle.core.regions import prefix_of
from carecircle.core.roles import Role
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import FamilyContact, Person

if TYPE_CHECKING:
    from django.http import HttpRequest

    from carecircle.core.models import User

STATE_ORDER: list[str] = [
    IncidentState.NEW, IncidentState.ACKNOWLEDGED, IncidentState.IN_PROGRESS,
    IncidentState.DISPATCHED, IncidentState.ON_SITE, IncidentState.RESOLVED,
]
STAMP: dict[str, str] = {
    IncidentState.ACKNOWLEDGED: "acknowledged_at", IncidentState.IN_PROGRESS: "in_progress_at",
    IncidentState.DISPATCHED: "dispatched_at", IncidentState.ON_SITE: "on_site_at",
    IncidentState.RESOLVED: "resolved_at",
}
MAX_CLOCK_SKEW = datetime.timedelta(days=1)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def token_hash(token: str) -> str:
    # Device tokens are 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(token.strip().encode()).hexdigest()


# ------------------------------------------------------------------ devices


@transaction.atomic
def device_register(
    *, actor: Actor, person: Person, kind: str, serial: str, heartbeat_seconds: int = 3600, location: str = "",
    latitude: float | None = None, longitude: float | None = None, request: HttpRequest | None = None,
) -> tuple[Device, str]:
    """Register a device for `person`; returns the device and its token (shown once, stored hashed)."""
    scope.require(actor, "alarms.devices", person.region_code)
    if kind not in DeviceKind.values:
        raise InvalidInput(_("未知的设备类型：%(k)s") % {"k": kind}, field="kind")
    serial = (serial or "").strip()
    if not serial:
        raise InvalidInput(_("设备编号不能为空"), field="serial")
    if not 30 <= int(heartbeat_seconds) <= 7 * 86400:
        raise InvalidInput(_("心跳间隔应在30秒到7天之间"), field="heartbeat_seconds")
    if Device.objects.filter(serial=serial).exists():
        raise Conflict(_("设备编号已登记：%(s)s") % {"s": serial}, field="serial")
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(
        person=person, region_code=person.region_code, kind=kind, serial=serial, token_hash=token_hash(token),
        heartbeat_seconds=int(heartbeat_seconds), location=(location or "").strip()[:100],
        latitude=latitude if latitude is not None else person.latitude,
        longitude=longitude if longitude is not None else person.longitude,
    )
    audit.record(actor=actor, action=AuditAction.ALARMS_DEVICE_REGISTER, obj=device, request=request, serial=serial, kind=kind)
    return device, token


def device_for_token(token: str) -> Device | None:
    return devices_for_tokens([token]).get(token)


def devices_for_tokens(tokens: list[str]) -> dict[str, Device | None]:
    """The active device of each token (None: unknown or deactivated), in one query."""
    hashes = {t: token_hash(t) for t in tokens if t}
    # Only the device's own columns: loading the person would decrypt their ID number, phone and address.
    found = {d.token_hash: d for d in Device.objects.filter(token_hash__in=set(hashes.values()), active=True)
             .only("id", "person_id", "region_code", "heartbeat_seconds", "kind", "token_hash")}
    return {t: found.get(hashes[t]) if t in hashes else None for t in tokens}


# ------------------------------------------------------------------ intake (device-authenticated)


def _check_device_time(device_time: datetime.datetime, now: datetime.datetime) -> None:
    if timezone.is_naive(device_time):
        raise InvalidInput(_("设备时间须带时区，如 2026-01-01T08:00:00+08:00"), field="device_time")
    if device_time - now > MAX_CLOCK_SKEW:
        raise InvalidInput(_("设备时间晚于当前时间超过一天，请校准设备时钟"), field="device_time")


def alarm_check(*, event_id: str, kind: str, device_time: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """The checks of an alarm that need no database; returns the cleaned event id."""
    event_id = (event_id or "").strip()
    if not event_id or len(event_id) > 64:
        raise InvalidInput(_("事件编号不能为空且不超过64个字符"), field="event_id")
    if kind not in AlarmKind.values:
        raise InvalidInput(_("未知的事件类型：%(k)s") % {"k": kind}, field="kind")
    _check_device_time(device_time, _now(now))
    return event_id


def alarm_receive(
    *, device: Device, event_id: str, kind: str, device_time: datetime.datetime, detail: dict[str, object] | None = None, now: datetime.datetime | None = None,
    wake: bool = True,
) -> tuple[AlarmRow, bool]:
    """Store an alarm durably (it waits in the outbox until delivered). The same event id again
    returns the stored alarm and False: acknowledged, never duplicated. `wake=False`: the caller
    delivers the outbox itself (the alarm worker storing from the device intake)."""
    now = _now(now)
    event_id = alarm_check(event_id=event_id, kind=kind, device_time=device_time, now=now)
    # Insert first (one round trip on the common path); the unique constraint catches repeats.
    try:
        with transaction.atomic():
            alarm = _alarm_row(device, event_id, kind, device_time, detail, now)
            alarm.save()
    except IntegrityError:  # sent before (a retry after a lost acknowledgement): acknowledge again
        existing = AlarmRow.objects.filter(device=device, event_id=event_id).first()
        if existing is None:
            raise
        return existing, False
    if wake:
        transaction.on_commit(delivery.notify)
    return alarm, True


def _alarm_row(device: Device, event_id: str, kind: str, device_time: datetime.datetime,
               detail: dict[str, object] | None, now: datetime.datetime) -> AlarmRow:
    return AlarmRow(device=device, person_id=device.person_id, region_code=device.region_code, event_id=event_id,
                    kind=kind, device_time=device_time, received_at=now, detail=detail or {})


def alarm_receive_batch(alarms: list[ReceivedAlarm], *, now: datetime.datetime | None = None) -> list[tuple[int, bool]]:
    """Store many alarms at once (the device intake's batches; each dict holds alarm_receive's
    arguments but `now`): one look-up of those already stored and one insert of the rest, with
    the outcome of alarm_receive for each in turn: (alarm id, created). The caller delivers."""
    now = _now(now)
    keys = [(a["device"].pk, alarm_check(event_id=a["event_id"], kind=a["kind"], device_time=a["device_time"],
                                         now=now)) for a in alarms]
    stored = {(d, e): pk for d, e, pk in AlarmRow.objects.filter(
        device_id__in={d for d, _e in keys}, event_id__in={e for _d, e in keys}).values_list("device_id", "event_id", "pk")}
    new: dict[tuple[int, str], AlarmRow] = {}
    created = []
    for a, key in zip(alarms, keys, strict=True):
        first = key not in stored and key not in new  # the same event twice in one batch is a repeat
        created.append(first)
        if first:
            new[key] = _alarm_row(a["device"], key[1], a["kind"], a["device_time"], a.get("detail"), now)
    try:
        with transaction.atomic():
            AlarmRow.objects.bulk_create(new.values())
    except IntegrityError:  # stored meanwhile by another process: one at a time, each finds its row
        return [(alarm.pk, made) for alarm, made in (
            alarm_receive(now=now, wake=False, **a) for a in alarms)]
    ids = stored | {key: row.pk for key, row in new.items()}
    return [(ids[key], made) for key, made in zip(keys, created, strict=True)]


def heartbeat_check(*, beat_id: str, device_time: datetime.datetime, battery: int | None, now: datetime.datetime | None = None) -> str:
    """The checks of a heartbeat that need no database; returns the cleaned beat id."""
    beat_id = (beat_id or "").strip()
    if not beat_id or len(beat_id) > 64:
        raise InvalidInput(_("心跳编号不能为空且不超过64个字符"), field="beat_id")
    if battery is not None and not 0 <= battery <= 100:
        raise InvalidInput(_("电量应在0到100之间"), field="battery")
    _check_device_time(device_time, _now(now))
    return beat_id


def heartbeat_receive(
    *, device: Device, beat_id: str, device_time: datetime.datetime, battery: int | None = None, now: datetime.datetime | None = None
) -> bool:
    now = _now(now)
    beat_id = heartbeat_check(beat_id=beat_id, device_time=device_time, battery=battery, now=now)
    try:
        with transaction.atomic():
            Heartbeat.objects.create(device=device, region_code=device.region_code, beat_id=beat_id,
                                     device_time=device_time, received_at=now, battery=battery)
            Device.objects.filter(pk=device.pk).update(last_heartbeat_at=now, battery=battery)
            _device_back_online(device, now)
    except IntegrityError:
        return False
    return True


def _device_back_online(device: Device, now: datetime.datetime) -> None:
    incident = for_update(Incident.objects.filter(device=device, source=Source.OFFLINE).exclude(
        state=IncidentState.RESOLVED)).first()
    if incident is None:
        return
    timeline_add(incident, TimelineKind.NOTE, _("设备已恢复心跳"), now=now)
    if incident.state == IncidentState.NEW:  # nobody has taken it up: close it as a device fault
        _set_state(incident, IncidentState.RESOLVED, now, actor=None)
        incident.outcome = Outcome.DEVICE_FAULT
        incident.save()
    events.incident_changed(incident)


# ------------------------------------------------------------------ incidents


def incident_create(
    *, person: Person, source: str, kind: str, title: str, now: datetime.datetime | None = None, device: Device | None = None, actor: Actor = None,
    publish: bool = True, levels: dict[int, int] | None = None,
) -> Incident:
    """Open an incident and, once committed, show it on the consoles. No scope check: the callers
    are the delivery worker, the periodic checks, other modules' services (a care visit that finds
    an emergency) and `incident_open_by_phone`, which check their own."""
    incident, opened = incident_build(person=person, source=source, kind=kind, title=title, now=now, device=device,
                                      actor=actor, levels=levels)
    incident.save()
    opened.incident = incident
    opened.save()
    if publish:
        events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_open_by_phone(*, actor: Actor, person: Person, kind: str = "phone", note: str = "", now: datetime.datetime | None = None, request: HttpRequest | None = None) -> Incident:
    scope.require(actor, "alarms.operate", person.region_code)
    if kind != "phone" and kind not in AlarmKind.values:
        raise InvalidInput(_("未知的事件类型：%(k)s") % {"k": kind}, field="kind")
    now = _now(now)
    label = _("电话呼入") if kind == "phone" else AlarmKind(kind).label
    incident = incident_create(person=person, source=Source.PHONE, kind=kind, title=f"{label}：{person.name}",
                               now=now, actor=actor, publish=False)
    # The operator who took the call has it in hand already.
    _set_state(incident, IncidentState.ACKNOWLEDGED, now, actor=actor)
    incident.operator = _user(actor)
    incident.save()
    if note.strip():
        timeline_add(incident, TimelineKind.NOTE, note.strip(), now=now, actor=actor)
    audit.record(actor=actor, action=AuditAction.ALARMS_INCIDENT_OPEN, obj=incident, request=request, kind=kind)
    events.incident_changed(incident)
    return incident


def _user(actor: Actor) -> User | None:
    return actor if signed_in(actor) else None


def _set_state(incident: Incident, state: str, now: datetime.datetime, *, actor: Actor) -> None:
    incident.state = state
    for s in STATE_ORDER[1: STATE_ORDER.index(state) + 1]:  # a skipped step takes the same time
        field = STAMP[s]
        if getattr(incident, field) is None:
            setattr(incident, field, now)
    timeline_add(incident, TimelineKind.STATE, str(IncidentState(state).label), now=now, actor=actor, state=state)


def _locked(incident_id: int, actor: Actor, perm: str = "alarms.operate") -> Incident:
    incident = access_by_id(for_update(Incident.objects.select_related("person"), of=("self",)), incident_id,
                            user=actor, perm=perm)
    return incident


@transaction.atomic
def incident_acknowledge(*, actor: Actor, incident_id: int, now: datetime.datetime | None = None, request: HttpRequest | None = None) -> Incident:
    now = _now(now)
    incident = _locked(incident_id, actor)
    if not action_open(incident, IncidentAction.ACKNOWLEDGE):
        if signed_in(actor) and incident.operator_id == actor.pk:
            return incident
        raise Conflict(_("该警情已由%(u)s接警") % {"u": incident.operator or _("他人")}, field="state")
    incident.operator = _user(actor)
    _set_state(incident, IncidentState.ACKNOWLEDGED, now, actor=actor)
    incident.save()
    audit.record(actor=actor, action=AuditAction.ALARMS_INCIDENT_ACKNOWLEDGE, obj=incident, request=request,
                 seconds=int((now - incident.opened_at).total_seconds()))
    events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_advance(*, actor: Actor, incident_id: int, state: str, now: datetime.datetime | None = None, request: HttpRequest | None = None) -> Incident:
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
            state=ResponderState.ARRIVED)
    audit.record(actor=actor, action=AuditAction.ALARMS_INCIDENT_ADVANCE, obj=incident, request=request, state=state)
    events.incident_changed(incident)
    return incident


def _require_claimed(incident: Incident) -> None:
    if incident.state == IncidentState.NEW:
        raise Conflict(_("请先接警"), field="state")
    if incident.state == IncidentState.RESOLVED:
        raise Conflict(_("警情已结案"), field="state")


def _require_open(incident: Incident, action: IncidentAction) -> None:
    """Refuse, saying why, what selectors.action_open (the card's buttons) does not allow."""
    if action_open(incident, action):
        return
    _require_claimed(incident)
    raise Conflict(_("请先派员") if action == IncidentAction.ON_SITE else
                   _("警情已处于%(s)s") % {"s": incident.get_state_display()}, field="state")


@transaction.atomic
def incident_resolve(*, actor: Actor, incident_id: int, outcome: str, note: str = "", now: datetime.datetime | None = None, request: HttpRequest | None = None) -> Incident:
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
    timeline_add(incident, TimelineKind.NOTE, f"{Outcome(outcome).label}{('：' + note.strip()) if note.strip() else ''}",
                 now=now, actor=actor, outcome=outcome)
    audit.record(actor=actor, action=AuditAction.ALARMS_INCIDENT_RESOLVE, obj=incident, request=request, outcome=outcome)
    events.incident_changed(incident)
    return incident


@transaction.atomic
def incident_note(*, actor: Actor, incident_id: int, text: str, now: datetime.datetime | None = None, request: HttpRequest | None = None) -> TimelineEntry:
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
    *, actor: Actor, incident_id: int, target: str, outcome: str, note: str = "", now: datetime.datetime | None = None, request: HttpRequest | None = None,
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
    text = f"{CallTarget(target).label} · {CallOutcome(outcome).label}" + (f"：{note.strip()}" if note.strip() else "")
    entry = timeline_add(incident, TimelineKind.CALL, text, now=now, actor=actor, target=target, outcome=outcome)
    audit.record(actor=actor, action=AuditAction.ALARMS_INCIDENT_CALL, obj=incident, request=request, target=target, outcome=outcome)
    events.incident_changed(incident)
    return entry


def responder_candidates(incident: Incident) -> list[ResponderCandidate]:
    """Who can be sent, in order: emergency family contacts, then community and street workers
    whose grants cover the person's community."""
    out = [
        ResponderCandidate(name=c.name, role=c.relation or _("家属"), phone_masked=c.phone_masked, contact_id=c.pk,
                           user_id=c.user_id)
        for c in FamilyContact.objects.filter(person_id=incident.person_id, is_emergency=True).order_by("id")
    ]
    grants = RoleGrant.objects.filter(role__in=[Role.COMMUNITY_WORKER, Role.STREET_WORKER]).select_related("user")
    workers = [g for g in grants if incident.region_code.startswith(prefix_of(g.region_id))]
    workers.sort(key=lambda g: (g.role != Role.COMMUNITY_WORKER, g.user_id))
    for g in workers:
        out.append(ResponderCandidate(name=g.user.display_name or g.user.username, role=str(Role(g.role).label),
                                      phone_masked="", contact_id=None, user_id=g.user_id))
    return out


def untried_candidates(incident: Incident) -> list[ResponderCandidate]:
    """The candidates not yet asked for this incident, in order (the card's choice, dispatch's)."""
    tried = _tried_keys(incident)
    return [c for c in responder_candidates(incident) if c.key not in tried]


def _tried_keys(incident: Incident) -> set[str]:
    keys = set()
    for r in incident.responders.all():
        keys.add(f"contact:{r.contact_id}" if r.contact_id else f"user:{r.user_id}" if r.user_id else f"name:{r.name}")
    return keys


def _ask(incident: Incident, cand: ResponderCandidate, now: datetime.datetime, actor: Actor) -> Responder:
    policy = policy_for(incident.region_code)
    responder = Responder.objects.create(
        incident=incident, region_code=incident.region_code, name=cand.name, role=cand.role,
        phone_masked=cand.phone_masked, user_id=cand.user_id, contact_id=cand.contact_id,
        asked_at=now, confirm_by=now + datetime.timedelta(seconds=policy.responder_confirm_seconds),
    )
    timeline_add(incident, TimelineKind.RESPONDER, _("派出 %(n)s（%(r)s）") % {"n": cand.name, "r": cand.role},
                 now=now, actor=actor, responder=responder.pk)
    return responder


@transaction.atomic
def responder_dispatch(*, actor: Actor, incident_id: int, key: str = "", now: datetime.datetime | None = None, request: HttpRequest | None = None) -> Responder:
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
    audit.record(actor=actor, action=AuditAction.ALARMS_RESPONDER_DISPATCH, obj=incident, request=request, responder=responder.pk)
    events.incident_changed(incident)
    return responder


@transaction.atomic
def responder_confirm(*, actor: Actor, responder_id: int, now: datetime.datetime | None = None, request: HttpRequest | None = None) -> Responder:
    """The responder (or the operator on their behalf, after a call) confirms they are going."""
    now = _now(now)
    responder = for_update(Responder.objects.select_related("incident").filter(pk=responder_id), of=("self",)).first()
    if responder is None:
        raise NotFound()
    if not (signed_in(actor) and responder.user_id == actor.pk):
        scope.require(actor, "alarms.operate", responder.region_code)
    if responder.state != ResponderState.ASKED:
        raise Conflict(_("该响应人已%(s)s") % {"s": responder.get_state_display()}, field="state")
    responder.state, responder.confirmed_at = ResponderState.CONFIRMED, now
    responder.save()
    timeline_add(responder.incident, TimelineKind.RESPONDER_CONFIRMED, _("%(n)s 已确认前往") % {"n": responder.name},
                 now=now, actor=actor, responder=responder.pk)
    audit.record(actor=actor, action=AuditAction.ALARMS_RESPONDER_CONFIRM, obj=responder.incident, request=request)
    events.incident_changed(responder.incident)
    return responder


def replace_responder(responder: Responder, now: datetime.datetime) -> Responder | None:
    """Mark an unconfirmed responder replaced and ask the next candidate (None when none is left)."""
    incident = responder.incident
    responder.state, responder.replaced_at = ResponderState.REPLACED, now
    responder.save()
    waited = int((now - responder.asked_at).total_seconds())
    timeline_add(incident, TimelineKind.RESPONDER_REPLACED,
                 _("%(n)s %(s)s秒未确认，已更换") % {"n": responder.name, "s": waited}, now=now, seconds=waited)
    nxt = next(iter(untried_candidates(incident)), None)
    if nxt is None:
        timeline_add(incident, TimelineKind.NOTE, _("已无其他可派响应人，请坐席处理"), now=now)
        return None
    return _ask(incident, nxt, now, None)
