"""The synthetic city's device care and call quality audit (issue 18, items 4 and 6): three months
of monthly test signals (some devices never test, some missed a month), a few operator test calls
(passed, failed, one waiting), and last month's call audit sample with part of it reviewed."""

import datetime
import random

from django.utils import timezone

from carecircle.alarms import call_audit, services
from carecircle.alarms.models import CallAudit, CallAuditItem, Device, DeviceTest, DeviceTestSource, Incident
from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.core.months import month_start

TEST_MONTHS = 3
NEVER_TESTS = 0.08  # of devices: never sent a test (listed under 设备维护)
MISSES_A_MONTH = 0.12  # each month, of the others
BATCH = 5000


def generate(city: City, devices: list[Device]) -> None:
    rng = city.rng_for("alarms.care")
    tests = _tests(rng, devices)
    _test_calls(devices)
    sampled, reviewed = _audits(rng)
    city.say(f"  设备测试 {tests:,} 次；上月通话质检抽样 {sampled} 起，已评审 {reviewed} 起")


def _tests(rng: random.Random, devices: list[Device]) -> int:
    now = timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    rows = []
    for d in devices:
        if rng.random() < NEVER_TESTS:
            continue
        for back in range(TEST_MONTHS):
            first = (today.replace(day=1) - datetime.timedelta(days=back * 28)).replace(day=1)
            if back and rng.random() < MISSES_A_MONTH:
                continue
            last_day = today.day if back == 0 else 28
            if back == 0 and rng.random() < 0.5:
                continue  # half of this month's tests are still to come
            day = first.replace(day=rng.randint(1, max(1, last_day)))
            at = datetime.datetime.combine(day, datetime.time(rng.randint(9, 11), rng.randint(0, 59)), tz)
            if at >= now:
                continue
            rows.append(
                DeviceTest(
                    device=d,
                    region_code=d.region_code,
                    test_id=f"demo-{day:%Y-%m}",
                    source=DeviceTestSource.DEVICE,
                    device_time=at,
                    received_at=at,
                    battery=d.battery,
                )
            )
    for i in range(0, len(rows), BATCH):
        DeviceTest.objects.bulk_create(rows[i : i + BATCH], ignore_conflicts=True)
    return len(rows)


def _test_calls(devices: list[Device]) -> None:
    op = User.objects.filter(grants__role="operator").first()
    untested = [d for d in devices if not DeviceTest.objects.filter(device=d).exists()][:3]
    if op is None or len(untested) < 3:
        return
    now = timezone.now()
    services.device_test_call_start(actor=op, device_id=untested[0].pk, now=now - datetime.timedelta(hours=3))
    services.device_test_receive(
        device=untested[0],
        test_id="demo-call",
        device_time=now - datetime.timedelta(hours=3),
        now=now - datetime.timedelta(hours=3) + datetime.timedelta(minutes=2),
    )
    failed = services.device_test_call_start(
        actor=op, device_id=untested[1].pk, now=now - datetime.timedelta(hours=2)
    )
    services.device_test_call_fail(
        actor=op,
        test_call_id=failed.pk,
        note="老人按键后未收到信号，已通知社区上门检查",
        now=now - datetime.timedelta(hours=2) + datetime.timedelta(minutes=6),
    )
    services.device_test_call_start(
        actor=op, device_id=untested[2].pk, now=now - datetime.timedelta(minutes=5)
    )


def _audits(rng: random.Random) -> tuple[int, int]:
    """Last month's handled incidents spread over the centre's operators, the sample drawn, and about
    half of it reviewed by a supervisor."""
    month = month_start(timezone.localdate() - datetime.timedelta(days=timezone.localdate().day))
    operators = list(User.objects.filter(grants__role="operator").distinct().order_by("id")[:5])
    handled = list(call_audit.handled_in(month).values_list("id", flat=True))
    if not operators or not handled:
        return 0, 0
    for k, pk in enumerate(handled):
        Incident.objects.filter(pk=pk).update(operator=operators[k % len(operators)])
    draw, _made = services.call_audit_draw(actor=None, month=month)
    supervisors = User.objects.exclude(pk__in=[o.pk for o in operators]).order_by("id")
    reviewer = (
        supervisors.filter(grants__role="city_admin").first()
        or supervisors.filter(grants__role="district_official").first()
    )
    items = list(CallAuditItem.objects.filter(active=True))
    reviewed = 0
    audits = list(CallAudit.objects.filter(draw=draw).order_by("id"))
    mine = [a for a in audits if reviewer and call_audit.call_audit_actions(reviewer, a)]
    for audit in mine[: len(mine) // 2 + 1]:
        results = {i.code: rng.random() > 0.12 for i in items}
        services.call_audit_review(
            actor=reviewer,
            call_audit_id=audit.pk,
            results=results,
            comment="" if all(results.values()) else "个别环节需改进，已反馈坐席",
        )
        reviewed += 1
    return len(audits), reviewed
