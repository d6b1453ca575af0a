"""Alarm and heartbeat intake (device-authenticated): the checks that need no database, the durable
store of an alarm (one or a batch), heartbeats and an offline incident closed when the device is back."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import delivery, events
from carecircle.alarms.incidents import for_update, timeline_add
from carecircle.alarms.models import Alarm as AlarmRow
from carecircle.alarms.models import (
    AlarmKind,
    Device,
    Heartbeat,
    Incident,
    IncidentState,
    Outcome,
    Source,
    TimelineKind,
)
from carecircle.alarms.services._state import _now, _set_state
from carecircle.alarms.types import ReceivedAlarm
from carecircle.core.errors import InvalidInput

MAX_CLOCK_SKEW = datetime.timedelta(days=1)


def _check_device_time(device_time: datetime.datetime, now: datetime.datetime) -> None:
    if timezone.is_naive(device_time):
        raise InvalidInput(_("设备时间须带时区，如 2026-01-01T08:00:00+08:00"), field="device_time")
    if device_time - now > MAX_CLOCK_SKEW:
        raise InvalidInput(_("设备时间晚于当前时间超过一天，请校准设备时钟"), field="device_time")


def alarm_check(
    *, event_id: str, kind: str, device_time: datetime.datetime, now: datetime.datetime | None = None
) -> str:
    """The checks of an alarm that need no database; returns the cleaned event id."""
    event_id = (event_id or "").strip()
    if not event_id or len(event_id) > 64:
        raise InvalidInput(_("事件编号不能为空且不超过64个字符"), field="event_id")
    if kind not in AlarmKind.values:
        raise InvalidInput(_("未知的事件类型：%(k)s") % {"k": kind}, field="kind")
    _check_device_time(device_time, _now(now))
    return event_id


def alarm_receive(
    *,
    device: Device,
    event_id: str,
    kind: str,
    device_time: datetime.datetime,
    detail: dict[str, object] | None = None,
    now: datetime.datetime | None = None,
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


def _alarm_row(
    device: Device,
    event_id: str,
    kind: str,
    device_time: datetime.datetime,
    detail: dict[str, object] | None,
    now: datetime.datetime,
) -> AlarmRow:
    return AlarmRow(
        device=device,
        person_id=device.person_id,
        region_code=device.region_code,
        event_id=event_id,
        kind=kind,
        device_time=device_time,
        received_at=now,
        detail=detail or {},
    )


def alarm_receive_batch(
    alarms: list[ReceivedAlarm], *, now: datetime.datetime | None = None
) -> list[tuple[int, bool]]:
    """Store many alarms at once (the device intake's batches; each dict holds alarm_receive's
    arguments but `now`): one look-up of those already stored and one insert of the rest, with
    the outcome of alarm_receive for each in turn: (alarm id, created). The caller delivers."""
    now = _now(now)
    keys = [
        (
            a["device"].pk,
            alarm_check(event_id=a["event_id"], kind=a["kind"], device_time=a["device_time"], now=now),
        )
        for a in alarms
    ]
    stored = {
        (d, e): pk
        for d, e, pk in AlarmRow.objects.filter(
            device_id__in={d for d, _e in keys}, event_id__in={e for _d, e in keys}
        ).values_list("device_id", "event_id", "pk")
    }
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
        return [(alarm.pk, made) for alarm, made in (alarm_receive(now=now, wake=False, **a) for a in alarms)]
    ids = stored | {key: row.pk for key, row in new.items()}
    return [(ids[key], made) for key, made in zip(keys, created, strict=True)]


def heartbeat_check(
    *, beat_id: str, device_time: datetime.datetime, battery: int | None, now: datetime.datetime | None = None
) -> str:
    """The checks of a heartbeat that need no database; returns the cleaned beat id."""
    beat_id = (beat_id or "").strip()
    if not beat_id or len(beat_id) > 64:
        raise InvalidInput(_("心跳编号不能为空且不超过64个字符"), field="beat_id")
    if battery is not None and not 0 <= battery <= 100:
        raise InvalidInput(_("电量应在0到100之间"), field="battery")
    _check_device_time(device_time, _now(now))
    return beat_id


def heartbeat_receive(
    *,
    device: Device,
    beat_id: str,
    device_time: datetime.datetime,
    battery: int | None = None,
    now: datetime.datetime | None = None,
) -> bool:
    now = _now(now)
    beat_id = heartbeat_check(beat_id=beat_id, device_time=device_time, battery=battery, now=now)
    try:
        with transaction.atomic():
            Heartbeat.objects.create(
                device=device,
                region_code=device.region_code,
                beat_id=beat_id,
                device_time=device_time,
                received_at=now,
                battery=battery,
            )
            Device.objects.filter(pk=device.pk).update(last_heartbeat_at=now, battery=battery)
            _device_back_online(device, now)
    except IntegrityError:
        return False
    return True


def _device_back_online(device: Device, now: datetime.datetime) -> None:
    incident = for_update(
        Incident.objects.filter(device=device, source=Source.OFFLINE).exclude(state=IncidentState.RESOLVED)
    ).first()
    if incident is None:
        return
    timeline_add(incident, TimelineKind.NOTE, _("设备已恢复心跳"), now=now)
    if incident.state == IncidentState.NEW:  # nobody has taken it up: close it as a device fault
        _set_state(incident, IncidentState.RESOLVED, now, actor=None)
        incident.outcome = Outcome.DEVICE_FAULT
        incident.save()
    events.incident_changed(incident)
