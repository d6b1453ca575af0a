"""Device care (issue 18, item 4): the monthly test signal (its own endpoint, never an incident, once
per test id; an unregistered device refused with nothing stored), the device-care list (no test
within the interval, low battery as a setting, offline by the device's own interval; owner and
community; count, filters, export), and the operator's test call completed by the signal or by a
confirmation on the phone, or recorded as failed; scope from both sides."""

import datetime
import io

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.alarms import device_care, services
from carecircle.alarms.models import (
    Alarm,
    Device,
    DeviceTest,
    DeviceTestCall,
    DeviceTestSource,
    DeviceTestState,
    Incident,
    Policy,
)
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from tests.conftest import COMMUNITY_B

pytestmark = pytest.mark.django_db


def post_test(client, token, **body):
    payload = {"test_id": "t1", "device_time": timezone.now().isoformat()} | body
    return client.post(
        "/api/v1/devices/test",
        data=payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def device(make_person, make_device):
    d, token = make_device(make_person(name="测试老人"))
    return d, token


# ------------------------------------------------------------------ the test signal


def test_a_test_signal_is_stored_once_and_opens_no_incident(client, device):
    d, token = device
    r = post_test(client, token, battery=77)
    assert r.status_code == 201 and r.json() == {"ack": True, "duplicate": False, "test_call_passed": False}
    again = post_test(client, token, battery=77)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert DeviceTest.objects.filter(device=d).count() == 1
    assert not Alarm.objects.exists() and not Incident.objects.exists()  # a test is never an alarm
    d.refresh_from_db()
    assert d.battery == 77


def test_a_test_from_an_unregistered_device_is_refused_and_nothing_stored(client, device, users):
    r = post_test(client, "not-a-device-token")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert post_test(client, "").status_code == 401
    d, token = device
    Device.objects.filter(pk=d.pk).update(active=False)  # retired: its token no longer counts
    assert post_test(client, token).status_code == 401
    from carecircle.core.services import token_create

    _t, staff = token_create(user=users["operator"], name="t")
    assert post_test(client, staff).status_code == 403  # a staff token is not a device
    assert not DeviceTest.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"test_id": ""}, "test_id"),
        ({"test_id": "x" * 65}, "test_id"),
        ({"battery": 101}, "battery"),
        ({"device_time": "2026-03-31T10:00:00"}, "device_time"),
        ({"device_time": "2099-01-01T10:00:00+08:00"}, "device_time"),
    ],
)
def test_a_bad_test_signal_names_its_field(client, device, body, field):
    r = post_test(client, device[1], **body)
    assert r.status_code == 422 and field in r.content.decode()
    assert not DeviceTest.objects.exists()


# ------------------------------------------------------------------ the device-care list


@pytest.fixture
def fleet(make_person, make_device, users):
    """Devices of district A: tested this month, untested, low battery, silent past its interval,
    never heard from; and a device of district B with every problem."""
    owner = make_person(name="王维护", phone="13912345678")
    now = timezone.now()
    made = {}
    for name in ("tested", "untested", "low", "silent", "never"):
        made[name], _token = make_device(owner, heartbeat_seconds=600)
    Device.objects.filter(pk__in=[d.pk for d in made.values()]).update(last_heartbeat_at=now, battery=90)
    Device.objects.filter(pk=made["low"].pk).update(battery=15)
    Device.objects.filter(pk=made["silent"].pk).update(last_heartbeat_at=now - datetime.timedelta(hours=1))
    Device.objects.filter(pk=made["never"].pk).update(last_heartbeat_at=None)
    recent, old = now - datetime.timedelta(days=3), now - datetime.timedelta(days=40)
    for name in ("tested", "low", "silent", "never"):
        services.device_test_receive(device=made[name], test_id="m", device_time=recent, now=recent)
    services.device_test_receive(device=made["untested"], test_id="old", device_time=old, now=old)
    far = make_person(name="西山维护", region_code=COMMUNITY_B)
    services.device_register(actor=users["admin"], person=far, kind="sos", serial="FAR-CARE")
    return made


def test_devices_that_need_care_are_listed_with_owner_and_community(users, client_for, fleet):
    c = client_for(users["district"])
    html = c.get("/alarms/devices/care/").content.decode()
    assert "共 4 条" in html  # untested, low, silent, never; not the one tested and well
    for name in ("untested", "low", "silent", "never"):
        assert fleet[name].serial in html
    assert fleet["tested"].serial not in html
    assert "王维护" in html and "139****5678" in html and "13912345678" not in html  # masked only
    assert "桂花社区" in html  # the community by name
    assert "FAR-CARE" not in html and "西山维护" not in html


@pytest.mark.parametrize(
    ("problem", "which"),
    [("untested", {"untested"}), ("low_battery", {"low"}), ("offline", {"silent", "never"})],
)
def test_device_care_problem_filter(users, client_for, fleet, problem, which):
    html = client_for(users["district"]).get(f"/alarms/devices/care/?problem={problem}").content.decode()
    assert f"共 {len(which)} 条" in html
    assert {n for n, d in fleet.items() if d.serial in html} == which


def test_offline_follows_the_regions_grace_factor(users, client_for, fleet):
    """Silent for an hour on a 10-minute interval: offline at the default grace (2×), not at 10×."""
    Policy.objects.create(region_prefix="339901", offline_grace_factor=10.0)
    html = client_for(users["district"]).get("/alarms/devices/care/?problem=offline").content.decode()
    assert "共 1 条" in html and fleet["never"].serial in html


def test_low_battery_threshold_is_a_setting(users, client_for, fleet):
    with override_settings(CARECIRCLE_DEVICE_LOW_BATTERY=95):
        html = client_for(users["district"]).get("/alarms/devices/care/?problem=low_battery").content.decode()
    assert "共 5 条" in html  # every active device of district A (each reads 90 % or less)


def test_device_care_filters_refuse_bad_values_and_export_is_audited(users, client_for, fleet):
    c = client_for(users["district"])
    assert c.get("/alarms/devices/care/?problem=broken").status_code == 422
    assert c.get("/alarms/devices/care/?region=" + COMMUNITY_B).status_code == 422
    assert "共 1 条" in c.get(f"/alarms/devices/care/?q={fleet['low'].serial}").content.decode()
    r = c.post("/alarms/devices/care/?problem=offline", {"purpose": "设备巡检"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    rows = [list(x) for x in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "问题" and len(rows) == 3
    assert all("离线" in row[0] for row in rows[1:])
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["rows"] == 2


def test_the_device_list_filters_untested_and_links_the_device_page(users, client_for, fleet):
    html = client_for(users["district"]).get("/alarms/devices/?state=untested").content.decode()
    assert "共 1 条" in html and f"/alarms/devices/{fleet['untested'].pk}/" in html


# ------------------------------------------------------------------ the test call


def test_a_test_call_is_completed_by_the_devices_test_signal(users, client_for, client, device):
    d, token = device
    op = client_for(users["operator"])
    page = op.get(f"/alarms/devices/{d.pk}/").content.decode()
    assert "发起测试呼叫" in page and "测试老人" in page
    r = op.post(f"/alarms/devices/{d.pk}/test-call/")
    assert r.status_code == 302
    call = DeviceTestCall.objects.get(device=d)
    assert call.state == DeviceTestState.WAITING and call.started_by == users["operator"]
    assert "等待设备测试信号" in op.get(f"/alarms/devices/{d.pk}/").content.decode()
    r = post_test(client, token, test_id="press-1")
    assert r.status_code == 201 and r.json()["test_call_passed"] is True
    call.refresh_from_db()
    assert call.state == DeviceTestState.PASSED and call.finished_at is not None
    assert DeviceTest.objects.get(device=d).call == call
    assert not Incident.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.ALARMS_DEVICE_TEST_CALL).count() == 1


def test_the_operator_confirms_on_the_phone_or_records_a_failure(users, client_for, device, make_device):
    d, _token = device
    op = client_for(users["operator"])
    op.post(f"/alarms/devices/{d.pk}/test-call/")
    call = DeviceTestCall.objects.get(device=d)
    assert op.post(f"/alarms/test-calls/{call.pk}/confirm/", {"note": "电话中听到报警音"}).status_code == 302
    call.refresh_from_db()
    assert call.state == DeviceTestState.PASSED and call.finished_by == users["operator"]
    test = DeviceTest.objects.get(device=d)
    assert test.source == DeviceTestSource.OPERATOR and test.call == call
    # a second result for the same call: a conflict, nothing changed
    assert op.post(f"/alarms/test-calls/{call.pk}/fail/", {"note": "x"}).status_code == 409
    # a failure needs its reason (422 naming it), then is recorded
    op.post(f"/alarms/devices/{d.pk}/test-call/")
    second = DeviceTestCall.objects.get(device=d, state=DeviceTestState.WAITING)
    r = op.post(f"/alarms/test-calls/{second.pk}/fail/", {"note": ""})
    assert r.status_code == 422 and "未通过的情况" in r.content.decode()
    assert op.post(f"/alarms/test-calls/{second.pk}/fail/", {"note": "按键无反应"}).status_code == 302
    second.refresh_from_db()
    assert second.state == DeviceTestState.FAILED and second.note == "按键无反应"
    assert DeviceTest.objects.filter(device=d).count() == 1  # a failure is no test
    results = AuditEvent.objects.filter(action=AuditAction.ALARMS_DEVICE_TEST_RESULT)
    assert sorted(e.detail["result"] for e in results) == ["failed", "passed"]


def test_one_test_call_waits_per_device(users, device):
    d, _token = device
    services.device_test_call_start(actor=users["operator"], device_id=d.pk)
    with pytest.raises(Conflict):
        services.device_test_call_start(actor=users["district"], device_id=d.pk)
    assert DeviceTestCall.objects.filter(device=d).count() == 1


def test_test_calls_in_scope_only(users, client_for, make_person, make_device):
    far = make_person(name="西山设备主", region_code=COMMUNITY_B)
    d, _token = services.device_register(actor=users["admin"], person=far, kind="sos", serial="FAR-T")
    assert client_for(users["operator"]).get(f"/alarms/devices/{d.pk}/").status_code == 404
    assert client_for(users["operator"]).post(f"/alarms/devices/{d.pk}/test-call/").status_code == 404
    with pytest.raises(NotFound):
        services.device_test_call_start(actor=users["operator"], device_id=d.pk)
    call = services.device_test_call_start(actor=users["district_b"], device_id=d.pk)
    assert client_for(users["operator"]).post(f"/alarms/test-calls/{call.pk}/confirm/").status_code == 404
    # a community worker sees the device but does not run the call centre's test call
    mine, _t = make_device(make_person())
    page = client_for(users["community"]).get(f"/alarms/devices/{mine.pk}/")
    assert page.status_code == 200 and "发起测试呼叫" not in page.content.decode()
    assert client_for(users["community"]).post(f"/alarms/devices/{mine.pk}/test-call/").status_code == 403


def test_problems_follow_the_test_interval(device):
    d, _token = device
    now = timezone.now()
    then = now - datetime.timedelta(days=20)
    services.device_test_receive(device=d, test_id="a", device_time=then, now=then)
    assert not Device.objects.filter(device_care.problem_q("untested", now), pk=d.pk).exists()
    with override_settings(CARECIRCLE_DEVICE_TEST_DAYS=14):
        assert Device.objects.filter(device_care.problem_q("untested", now), pk=d.pk).exists()


def test_device_test_check_rejects_before_the_database():
    with pytest.raises(InvalidInput) as e:
        services.device_test_check(test_id=" ", device_time=timezone.now(), battery=None)
    assert e.value.field == "test_id"
