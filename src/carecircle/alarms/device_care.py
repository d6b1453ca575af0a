"""Device care (issue 18, item 4), the reads: which devices need care (no test signal within the
test interval, a low battery, offline or never heard from), a device's page, and what a user may do
with a device and its test calls (`device_actions`, `test_call_actions`: the pages' buttons and the
services follow these rules). Always through the user's scope.

Offline is the device's own rule (alarms.selectors.device_online): no heartbeat for longer than its
interval × the grace factor of its region's Policy; here it is one SQL condition over every device,
so the list counts, pages and exports without reading each device."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carecircle.alarms.models import (
    Device,
    DeviceTest,
    DeviceTestCall,
    DeviceTestState,
    Policy,
)
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.selectors import region_label
from carecircle.core.types import Actor

PROBLEMS = (
    ("untested", gettext_lazy("未按月测试")),
    ("low_battery", gettext_lazy("电量低")),
    ("offline", gettext_lazy("离线或从未上报")),
)


def low_battery() -> int:
    """Below this per cent a device's battery is low (setting CARECIRCLE_DEVICE_LOW_BATTERY)."""
    return int(settings.CARECIRCLE_DEVICE_LOW_BATTERY)


def test_days() -> int:
    """A device is due its test when none came for this many days (CARECIRCLE_DEVICE_TEST_DAYS)."""
    return int(settings.CARECIRCLE_DEVICE_TEST_DAYS)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def offline_q(now: datetime.datetime | None = None) -> Q:
    """Active devices never heard from, or silent past interval × their region's grace factor: per
    heartbeat interval (a handful of values) and per Policy row (the longest matching prefix wins, as
    policy_for decides), one condition."""
    now = _now(now)
    policies = {p.region_prefix: p.offline_grace_factor for p in Policy.objects.all()}
    policies.setdefault("", Policy().offline_grace_factor)
    silent = Q(last_heartbeat_at__isnull=True)
    intervals = Device.objects.filter(active=True).values_list("heartbeat_seconds", flat=True).distinct()
    for hb in intervals.order_by():
        for prefix, grace in policies.items():
            own = Q(region_code__startswith=prefix) if prefix else Q()
            for longer in policies:
                if len(longer) > len(prefix) and longer.startswith(prefix):
                    own &= ~Q(region_code__startswith=longer)
            cutoff = now - datetime.timedelta(seconds=hb * grace)
            silent |= Q(heartbeat_seconds=hb, last_heartbeat_at__lt=cutoff) & own
    return Q(active=True) & silent


def tested_since(since: datetime.datetime) -> Exists:
    return Exists(DeviceTest.objects.filter(device=OuterRef("pk"), received_at__gte=since))


def problem_q(problem: str, now: datetime.datetime | None = None) -> Q:
    """One problem as a condition on Device rows (all three when `problem` is empty)."""
    now = _now(now)
    conditions = {
        "untested": Q(active=True) & ~Q(tested_since(now - datetime.timedelta(days=test_days()))),
        "low_battery": Q(active=True, battery__lt=low_battery()),
        "offline": offline_q(now),
    }
    if problem:
        return conditions[problem]
    found = Q()
    for condition in conditions.values():
        found |= condition
    return found


def with_last_test(qs: QuerySet[Device]) -> QuerySet[Device]:
    last = DeviceTest.objects.filter(device=OuterRef("pk")).order_by("-received_at").values("received_at")[:1]
    return qs.annotate(last_test_at=Subquery(last, output_field=DateTimeField()))


def care_devices(*, user: Actor) -> QuerySet[Device]:
    """The active devices of the user's regions, with their last test (the device-care list's rows;
    its filters narrow them to the devices with a problem)."""
    return with_last_test(
        scope.in_scope(Device.objects.filter(active=True), user, "alarms.devices")
        .select_related("person")
        .defer("person__id_number", "person__phone", "person__address")
    )


def problems_of(devices: list[Any], now: datetime.datetime | None = None) -> None:
    """Each device's problems in words (`problems`) and when its next test is due (`test_due`):
    one query for the page, the same rules as problem_q."""
    now = _now(now)
    ids = [d.pk for d in devices]
    offline = set(Device.objects.filter(offline_q(now), pk__in=ids).values_list("pk", flat=True))
    days = datetime.timedelta(days=test_days())
    for d in devices:
        found = []
        last = getattr(d, "last_test_at", None)
        if d.active and (last is None or last < now - days):
            found.append(str(PROBLEMS[0][1]))
        if d.active and d.battery is not None and d.battery < low_battery():
            found.append(str(PROBLEMS[1][1]))
        if d.pk in offline:
            found.append(str(PROBLEMS[2][1]))
        d.problems = "、".join(found)
        d.test_due = (last or d.created_at) + days


def device_get(*, user: Actor, device_id: object, perm: str = "alarms.devices") -> Device:
    return access_by_id(
        Device.objects.select_related("person").defer(
            "person__id_number", "person__phone", "person__address"
        ),
        device_id,
        user=user,
        perm=perm,
    )


def test_call_get(*, user: Actor, test_call_id: object, perm: str = "alarms.devices") -> DeviceTestCall:
    return access_by_id(
        DeviceTestCall.objects.select_related("device", "device__person", "started_by", "finished_by").defer(
            "device__person__id_number", "device__person__phone", "device__person__address"
        ),
        test_call_id,
        user=user,
        perm=perm,
    )


class DeviceAction(StrEnum):
    """What an operator does with a device: start a test call (`alarms:device_test_call`)."""

    TEST_CALL = "test_call"


class DeviceCallAction(StrEnum):
    """What an operator does with a waiting test call: each has its own URL
    (`alarms:test_call_<value>`)."""

    CONFIRM = "confirm"
    FAIL = "fail"


def waiting_call(device: Device) -> DeviceTestCall | None:
    return DeviceTestCall.objects.filter(device=device, state=DeviceTestState.WAITING).first()


def test_call_open(device: Device, waiting: DeviceTestCall | None) -> bool:
    """THE state rule of a new test call: an active device with no test call waiting."""
    return device.active and waiting is None


def device_actions(user: Actor, device: Device, waiting: DeviceTestCall | None) -> frozenset[DeviceAction]:
    """An operator of the device's region may start a test call while none waits."""
    if not scope.has_perm(user, "alarms.operate", device.region_code):
        return frozenset()
    return frozenset({DeviceAction.TEST_CALL}) if test_call_open(device, waiting) else frozenset()


def test_call_actions(user: Actor, call: DeviceTestCall) -> frozenset[DeviceCallAction]:
    """A waiting test call is confirmed or failed by an operator of its region."""
    if call.state != DeviceTestState.WAITING or not scope.has_perm(user, "alarms.operate", call.region_code):
        return frozenset()
    return frozenset(DeviceCallAction)


def device_page(device: Device, now: datetime.datetime | None = None) -> dict[str, Any]:
    """What the device's page shows: its tests (latest first), its test calls, its problems."""
    tests = list(DeviceTest.objects.filter(device=device).select_related("call")[:24])
    calls = list(
        DeviceTestCall.objects.filter(device=device).select_related("started_by", "finished_by")[:12]
    )
    device.last_test_at = tests[0].received_at if tests else None  # type: ignore[attr-defined]  # as with_last_test annotates it
    problems_of([device], now)
    local = timezone.localdate(_now(now))
    month_start = local.replace(day=1)
    return {
        "device": device,
        "tests": tests,
        "calls": calls,
        "waiting": next((c for c in calls if c.state == DeviceTestState.WAITING), None),
        "tested_this_month": any(timezone.localdate(t.received_at) >= month_start for t in tests),
        "test_days": test_days(),
        "low_battery": low_battery(),
        "region": region_label(device.region_code),
    }
