"""Alarm and heartbeat intake: device tokens, validation naming the field, duplicates."""

import datetime

import pytest

from carecircle.alarms import delivery
from carecircle.alarms.models import Alarm, Device, Heartbeat, Incident

from .conftest import post_alarm

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed(make_person, make_device):
    device, token = make_device(make_person())
    assert token not in Device.objects.filter(pk=device.pk).values_list("token_hash", flat=True)[0]
    assert len(token) >= 40


def test_duplicate_event_id_acknowledged_not_duplicated(client, make_person, make_device):
    device, token = make_device(make_person())
    first = post_alarm(client, token, event_id="evt-42")
    assert first.status_code == 201, first.content
    again = post_alarm(client, token, event_id="evt-42")
    assert again.status_code == 200
    assert again.json() == {"ack": True, "alarm_id": first.json()["alarm_id"], "duplicate": True}
    assert Alarm.objects.filter(device=device).count() == 1
    delivery.deliver_pending()
    post_alarm(client, token, event_id="evt-42")
    delivery.deliver_pending()
    assert Incident.objects.count() == 1
    assert Incident.objects.get().alarm_count == 1


def test_same_event_id_on_two_devices_is_two_alarms(client, make_person, make_device):
    person = make_person()
    _, t1 = make_device(person)
    _, t2 = make_device(person, kind="fall")
    assert post_alarm(client, t1, event_id="x").status_code == 201
    assert post_alarm(client, t2, event_id="x", kind="fall").status_code == 201
    assert Alarm.objects.count() == 2


def test_unknown_device_is_401(client):
    r = post_alarm(client, "no-such-token")
    assert r.status_code == 401
    r = client.post("/api/v1/alarms", data={}, content_type="application/json")
    assert r.status_code == 401


def test_staff_token_is_refused(client, users):
    from carecircle.core.services import token_create

    _t, plain = token_create(user=users["operator"], name="x")
    assert post_alarm(client, plain).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "explosion"}, "kind"),
        ({"event_id": ""}, "event_id"),
        ({"event_id": "x" * 65}, "event_id"),
        ({"device_time": "yesterday"}, "device_time"),
        ({"device_time": "2026-03-10T10:00:00"}, "device_time"),  # no time zone
        ({"device_time": "2099-01-01T00:00:00+08:00"}, "device_time"),
    ],
)
def test_bad_payload_names_the_field(client, make_person, make_device, body, field):
    _, token = make_device(make_person())
    r = post_alarm(client, token, **body)
    assert r.status_code == 422, r.content
    data = r.json()
    assert field in (data.get("field") or "") or any(e["field"] == field for e in data.get("errors", []))
    assert Alarm.objects.count() == 0


def test_missing_field_is_named(client, make_person, make_device):
    _, token = make_device(make_person())
    r = client.post(
        "/api/v1/alarms",
        data={"kind": "sos"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"event_id", "device_time"}


def test_heartbeat_updates_device_and_is_idempotent(client, make_person, make_device):
    device, token = make_device(make_person())
    body = {"beat_id": "b1", "device_time": "2026-03-10T10:00:00+08:00", "battery": 80}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = client.post("/api/v1/devices/heartbeat", data=body, content_type="application/json", **auth)
    assert r.status_code == 201 and r.json()["heartbeat_seconds"] == 300
    r = client.post("/api/v1/devices/heartbeat", data=body, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["duplicate"] is True
    assert Heartbeat.objects.count() == 1
    device.refresh_from_db()
    assert device.last_heartbeat_at is not None and device.battery == 80
    r = client.post(
        "/api/v1/devices/heartbeat",
        data=body | {"beat_id": "b2", "battery": 120},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422 and r.json()["field"] == "battery"
    r = client.post(
        "/api/v1/devices/heartbeat",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer wrong",
    )
    assert r.status_code == 401


def test_inactive_device_is_401(client, make_person, make_device):
    device, token = make_device(make_person())
    Device.objects.filter(pk=device.pk).update(active=False)
    assert post_alarm(client, token).status_code == 401


def test_device_register_api_scoped(client_for, users, make_person):
    from tests.conftest import COMMUNITY_B

    a = make_person()
    b = make_person(region_code=COMMUNITY_B)
    c = client_for(users["operator"])
    r = c.post(
        "/api/v1/alarm-devices",
        data={"person_id": a.pk, "kind": "fall", "serial": "F-1"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["token"]
    r = c.post(
        "/api/v1/alarm-devices",
        data={"person_id": b.pk, "kind": "fall", "serial": "F-2"},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = c.post(
        "/api/v1/alarm-devices",
        data={"person_id": a.pk, "kind": "fall", "serial": "F-1"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["field"] == "serial"


def test_body_that_is_not_json_is_400_with_position(client, make_person, make_device):
    _, token = make_device(make_person())
    r = client.post(
        "/api/v1/alarms",
        data=b'{"event_id": "e1",\n  kind: sos}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 400
    assert r.json() == {"code": "invalid", "field": "body", "message": "请求内容不是有效的 JSON：第2行第3列"}
    assert Alarm.objects.count() == 0


def _batch_item(device, event_id, kind="sos"):
    return {
        "device": device,
        "event_id": event_id,
        "kind": kind,
        "device_time": datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC),
    }


def test_batch_store_is_alarm_receive_for_each_in_turn(make_person, make_device):
    from carecircle.alarms import services

    d1, _ = make_device(make_person())
    d2, _ = make_device(make_person())
    ((earlier, _),) = [services.alarm_receive(**_batch_item(d1, "old"))]
    got = services.alarm_receive_batch(
        [
            _batch_item(d1, "old"),
            _batch_item(d1, "new"),
            _batch_item(d2, "new"),
            _batch_item(d1, "new"),
        ]
    )
    assert got[0] == (earlier.pk, False)  # stored before
    assert got[1][1] is True and got[2][1] is True and got[1][0] != got[2][0]  # same event id, two devices
    assert got[3] == (got[1][0], False)  # the same event twice in one batch
    assert Alarm.objects.count() == 3
    assert Alarm.objects.get(pk=got[2][0]).device_id == d2.pk


def test_batch_store_falls_back_when_another_process_stored_meanwhile(make_person, make_device, monkeypatch):
    from carecircle.alarms import services

    d1, _ = make_device(make_person())
    real_filter = Alarm.objects.filter
    raced = []

    class Seen:
        """What the batch's look-up saw, just before another process stored "raced"."""

        def __init__(self, rows):
            self.rows = rows

        def values_list(self, *fields):
            return self.rows

    def racing_filter(*args, **kwargs):
        if raced:
            return real_filter(*args, **kwargs)
        seen = list(real_filter(*args, **kwargs).values_list("device_id", "event_id", "pk"))
        raced.append(services.alarm_receive(**_batch_item(d1, "raced")))
        return Seen(seen)

    monkeypatch.setattr(Alarm.objects, "filter", racing_filter)
    got = services.alarm_receive_batch([_batch_item(d1, "raced"), _batch_item(d1, "mine")])
    assert got[0] == (raced[0][0].pk, False) and got[1][1] is True
    assert Alarm.objects.filter(event_id="raced").count() == 1 and Alarm.objects.count() == 2


def test_batch_store_checks_every_alarm(make_person, make_device):
    from carecircle.alarms import services
    from carecircle.core.errors import InvalidInput

    d1, _ = make_device(make_person())
    with pytest.raises(InvalidInput) as err:
        services.alarm_receive_batch([_batch_item(d1, "ok"), _batch_item(d1, "bad", kind="explosion")])
    assert err.value.field == "kind"
    assert Alarm.objects.count() == 0
