"""Device care (issue 18, item 4), the writes: a device's test signal (device-authenticated, stored
once per device and test id, never an alarm), and the operator's test call that waits for it and
is completed by the signal or by the operator's confirmation on the phone, or recorded as failed."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms.device_care import (
    DeviceCallAction,
    device_get,
    test_call_actions,
    test_call_get,
    test_call_open,
    waiting_call,
)
from carecircle.alarms.incidents import for_update
from carecircle.alarms.models import (
    Device,
    DeviceTest,
    DeviceTestCall,
    DeviceTestSource,
    DeviceTestState,
)
from carecircle.alarms.services._state import _now, _user
from carecircle.alarms.services.intake import MAX_CLOCK_SKEW
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor

if TYPE_CHECKING:
    from django.http import HttpRequest

NOTE_MAX = 300


def device_test_check(
    *, test_id: str, device_time: datetime.datetime, battery: int | None, now: datetime.datetime | None = None
) -> str:
    """The checks of a test signal that need no database; returns the cleaned test id."""
    test_id = (test_id or "").strip()
    if not test_id or len(test_id) > 64:
        raise InvalidInput(_("测试编号不能为空且不超过64个字符"), field="test_id")
    if battery is not None and not 0 <= battery <= 100:
        raise InvalidInput(_("电量应在0到100之间"), field="battery")
    if timezone.is_naive(device_time):
        raise InvalidInput(_("设备时间须带时区，如 2026-01-01T08:00:00+08:00"), field="device_time")
    if device_time - _now(now) > MAX_CLOCK_SKEW:
        raise InvalidInput(_("设备时间晚于当前时间超过一天，请校准设备时钟"), field="device_time")
    return test_id


def device_test_receive(
    *,
    device: Device,
    test_id: str,
    device_time: datetime.datetime,
    battery: int | None = None,
    now: datetime.datetime | None = None,
) -> tuple[DeviceTest, bool]:
    """Store a device's test signal. The same test id again returns the stored test and False
    (acknowledged, not stored twice). A test call waiting for the device is completed by it. A
    test is never an alarm: nothing here reaches the outbox or opens an incident."""
    now = _now(now)
    test_id = device_test_check(test_id=test_id, device_time=device_time, battery=battery, now=now)
    try:
        with transaction.atomic():
            test = DeviceTest.objects.create(
                device=device,
                region_code=device.region_code,
                test_id=test_id,
                source=DeviceTestSource.DEVICE,
                device_time=device_time,
                received_at=now,
                battery=battery,
            )
            if battery is not None:
                Device.objects.filter(pk=device.pk).update(battery=battery)
            call = for_update(
                DeviceTestCall.objects.filter(device=device, state=DeviceTestState.WAITING)
            ).first()
            if call is not None:
                _finish(call, DeviceTestState.PASSED, now, actor=None, note=_("收到设备测试信号"))
                test.call = call
                test.save(update_fields=["call"])
    except IntegrityError:  # sent before (a retry after a lost acknowledgement)
        existing = DeviceTest.objects.filter(device=device, test_id=test_id).first()
        if existing is None:
            raise
        return existing, False
    return test, True


def _finish(
    call: DeviceTestCall, state: str, now: datetime.datetime, *, actor: Actor, note: str
) -> DeviceTestCall:
    call.state, call.finished_at, call.note = state, now, note[:NOTE_MAX]
    call.finished_by = _user(actor)
    call.save(update_fields=["state", "finished_at", "finished_by", "note"])
    return call


@transaction.atomic
def device_test_call_start(
    *,
    actor: Actor,
    device_id: int,
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> DeviceTestCall:
    """The operator calls the device's owner and asks for a test: a test signal is now expected."""
    now = _now(now)
    device = device_get(user=actor, device_id=device_id, perm="alarms.operate")
    device = for_update(Device.objects.filter(pk=device.pk)).get()
    if not test_call_open(device, waiting_call(device)):
        raise Conflict(_("该设备已有等待中的测试呼叫") if device.active else _("设备已停用，不能测试"))
    try:
        with transaction.atomic():
            call = DeviceTestCall.objects.create(
                device=device,
                region_code=device.region_code,
                started_at=now,
                started_by=_user(actor),
            )
    except IntegrityError:  # another operator started one meanwhile
        raise Conflict(_("该设备已有等待中的测试呼叫")) from None
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_DEVICE_TEST_CALL,
        obj=call,
        request=request,
        serial=device.serial,
    )
    return call


def _waiting(actor: Actor, test_call_id: int, action: DeviceCallAction) -> DeviceTestCall:
    call = test_call_get(user=actor, test_call_id=test_call_id, perm="alarms.operate")
    call = for_update(DeviceTestCall.objects.filter(pk=call.pk)).get()
    if action not in test_call_actions(actor, call):
        raise Conflict(_("该测试呼叫已有结果：%(s)s") % {"s": call.get_state_display()})
    return call


@transaction.atomic
def device_test_call_confirm(
    *,
    actor: Actor,
    test_call_id: int,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> DeviceTestCall:
    """The operator heard the test come through on the phone (a device that calls the centre
    itself): the test call passes, and the confirmation counts as the device's test."""
    now = _now(now)
    call = _waiting(actor, test_call_id, DeviceCallAction.CONFIRM)
    note = (note or "").strip() or _("坐席电话确认测试通过")
    _finish(call, DeviceTestState.PASSED, now, actor=actor, note=note)
    DeviceTest.objects.create(
        device_id=call.device_id,
        region_code=call.region_code,
        test_id=f"call-{call.pk}",
        source=DeviceTestSource.OPERATOR,
        device_time=now,
        received_at=now,
        call=call,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_DEVICE_TEST_RESULT,
        obj=call,
        request=request,
        result=DeviceTestState.PASSED.value,
        note=note,
    )
    return call


@transaction.atomic
def device_test_call_fail(
    *,
    actor: Actor,
    test_call_id: int,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> DeviceTestCall:
    """The test did not come through: recorded as failed with what happened (the reason is needed:
    someone must repair or replace the device)."""
    now = _now(now)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请写明未通过的情况，如“按键无反应”"), field="note")
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("说明不超过%(n)s个字") % {"n": NOTE_MAX}, field="note")
    call = _waiting(actor, test_call_id, DeviceCallAction.FAIL)
    _finish(call, DeviceTestState.FAILED, now, actor=actor, note=note)
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_DEVICE_TEST_RESULT,
        obj=call,
        request=request,
        result=DeviceTestState.FAILED.value,
        note=note,
    )
    return call
