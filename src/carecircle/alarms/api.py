"""The call platform's JSON API. Devices authenticate with their own token (DeviceAuth) on the
intake endpoints; everything else uses the staff token or session of core/api.py."""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from carecircle.alarms import api_device_care, api_telephony, selectors, services
from carecircle.alarms.models import Incident
from carecircle.core import services as core_services
from carecircle.core.errors import Forbidden
from carecircle.core.limits import Count, Id, Limit
from carecircle.registry import selectors as registry_selectors

router = Router(tags=["alarms"])


class DeviceAuth(HttpBearer):
    """`Authorization: Bearer <device token>`. Unknown tokens get 401; a staff token is
    authenticated but may not send device events (403)."""

    def authenticate(self, request, token):
        device = services.device_for_token(token)
        if device is not None:
            request.device = device
            return device
        if core_services.token_user(token) is not None:
            raise Forbidden(_("此接口仅供报警终端使用，请使用设备令牌"))
        return None


class AlarmIn(Schema):
    event_id: str
    kind: str
    device_time: datetime.datetime
    detail: dict = {}


class AckOut(Schema):
    ack: bool
    alarm_id: int
    duplicate: bool


def alarm_ack(alarm_id: Id, created: bool) -> tuple[int, dict]:
    """(status, body) of an alarm's acknowledgement; also the device intake's fast path (asgi.py)."""
    return (201 if created else 200), {"ack": True, "alarm_id": alarm_id, "duplicate": not created}


@router.post("/alarms", auth=DeviceAuth(), response={200: AckOut, 201: AckOut})
def alarm_intake(request, payload: AlarmIn):
    alarm, created = services.alarm_receive(
        device=request.device,
        event_id=payload.event_id,
        kind=payload.kind,
        device_time=payload.device_time,
        detail=payload.detail,
    )
    return Status(*alarm_ack(alarm.pk, created))


class HeartbeatIn(Schema):
    beat_id: str
    device_time: datetime.datetime
    battery: Count | None = None


class BeatOut(Schema):
    ack: bool
    duplicate: bool
    heartbeat_seconds: int


def beat_ack(device, created: bool) -> tuple[int, dict]:
    """(status, body) of a heartbeat's acknowledgement; also the fast path (asgi.py)."""
    return (201 if created else 200), {
        "ack": True,
        "duplicate": not created,
        "heartbeat_seconds": device.heartbeat_seconds,
    }


@router.post("/devices/heartbeat", auth=DeviceAuth(), response={200: BeatOut, 201: BeatOut})
def heartbeat(request, payload: HeartbeatIn):
    created = services.heartbeat_receive(
        device=request.device,
        beat_id=payload.beat_id,
        device_time=payload.device_time,
        battery=payload.battery,
    )
    return Status(*beat_ack(request.device, created))


class DeviceIn(Schema):
    person_id: Id
    kind: str
    serial: str
    heartbeat_seconds: Count = 3600
    location: str = ""


class DeviceOut(Schema):
    id: int
    serial: str
    kind: str
    token: str  # shown once; only its hash is stored


@router.post("/alarm-devices", response={201: DeviceOut})
def device_register(request, payload: DeviceIn):
    person = registry_selectors.person_get(
        user=request.user, person_id=payload.person_id, perm="alarms.devices"
    )
    device, token = services.device_register(
        actor=request.user,
        person=person,
        kind=payload.kind,
        serial=payload.serial,
        heartbeat_seconds=payload.heartbeat_seconds,
        location=payload.location,
        request=request,
    )
    return Status(201, {"id": device.pk, "serial": device.serial, "kind": device.kind, "token": token})


class IncidentOut(Schema):
    id: int
    region_code: str
    person_id: int
    person_name: str
    source: str
    kind: str
    title: str
    priority: int
    state: str
    opened_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    outcome: str
    escalation_level: int
    alarm_count: int


class TimelineOut(Schema):
    at: str
    kind: str
    actor: str
    text: str
    seconds: int


class IncidentDetailOut(IncidentOut):
    timeline: list[TimelineOut]


def incident_out(i, with_timeline=False) -> dict:
    row = {
        f: getattr(i, f)
        for f in (
            "id",
            "region_code",
            "person_id",
            "source",
            "kind",
            "title",
            "priority",
            "state",
            "opened_at",
            "acknowledged_at",
            "resolved_at",
            "outcome",
            "escalation_level",
            "alarm_count",
        )
    }
    row["person_name"] = i.person.name
    if with_timeline:
        row["timeline"] = selectors.timeline_rows(i)
    return row


@router.get("/alarm-incidents", response=list[IncidentOut])
def incident_list(request, open_only: bool = True, limit: Limit = 100):
    rows: Iterable[Incident]
    if open_only:
        rows = selectors.queue(user=request.user, limit=max(1, min(limit, 500)))
    else:
        rows = selectors.incidents(user=request.user).select_related("person")[: max(1, min(limit, 500))]
    return [incident_out(i) for i in rows]


@router.get("/alarm-incidents/{incident_id}", response=IncidentDetailOut)
def incident_detail(request, incident_id: Id):
    return incident_out(
        selectors.incident_get(user=request.user, incident_id=incident_id), with_timeline=True
    )


@router.post("/alarm-incidents/{incident_id}/acknowledge", response=IncidentOut)
def incident_acknowledge(request, incident_id: Id):
    return incident_out(
        services.incident_acknowledge(actor=request.user, incident_id=incident_id, request=request)
    )


class ResolveIn(Schema):
    outcome: str
    note: str = ""


@router.post("/alarm-incidents/{incident_id}/resolve", response=IncidentOut)
def incident_resolve(request, incident_id: Id, payload: ResolveIn):
    return incident_out(
        services.incident_resolve(
            actor=request.user,
            incident_id=incident_id,
            outcome=payload.outcome,
            note=payload.note,
            request=request,
        )
    )


# The device's test signal (issue 18, item 4; alarms/api_device_care.py), with the devices' own auth.
router.add_router("", api_device_care.router, auth=DeviceAuth())
# The telephone system's call events and trunks (issue 18, item 5; alarms/api_telephony.py).
router.add_router("", api_telephony.router)
