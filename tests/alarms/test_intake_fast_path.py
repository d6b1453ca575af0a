"""The device intake's fast path (carecircle.alarms.asgi) in the ASGI application that
`carecircle serve` runs: it answers the common path itself and passes everything else to the API,
so a device gets the API's answer whichever way its request goes."""

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application

from carecircle.alarms import asgi as intake
from carecircle.alarms import delivery
from carecircle.alarms.models import Alarm, Device, Heartbeat, Incident

from .conftest import post_alarm
from .test_delivery import wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # the alarm worker writes on its own connection

ALARM = {"event_id": "e1", "kind": "sos", "device_time": "2026-03-10T10:00:00+08:00"}


class Spy:
    """The Django application, counting the requests the fast path passed on to it."""

    def __init__(self):
        self.app = get_asgi_application()
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await self.app(scope, receive, send)


class Answer:
    def __init__(self, status_code, content):
        self.status_code, self.content = status_code, content

    def json(self):
        return json.loads(self.content)


@pytest.fixture
def server():
    spy = Spy()
    app = intake.wrap(spy)

    def post(path, body, token=None, chunks=1):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"host", b"testserver")]
        if token is not None:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        # A loop of its own in another thread: the browser tests' Playwright keeps one running in this one.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _call(app, path, raw, headers, chunks)).result()

    post.spy = spy
    return post


async def _call(app, path, raw, headers, chunks):
    comm = ApplicationCommunicator(
        app,
        {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        },
    )
    size = -(-len(raw) // chunks)
    for n in range(chunks):
        await comm.send_input(
            {"type": "http.request", "body": raw[n * size : (n + 1) * size], "more_body": n < chunks - 1}
        )
    start = await comm.receive_output(20)
    body = b""
    while True:
        message = await comm.receive_output(20)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return Answer(start["status"], body)


def settled() -> bool:
    """Wait until the worker has delivered the outbox (the in-memory test database locks whole
    tables while the worker writes, so reads wait for it)."""
    return wait_for(lambda: not delivery.pending().exists(), timeout=5)


def test_alarm_answered_without_django_and_delivered(server, make_person, make_device):
    device, token = make_device(make_person())
    first = server("/api/v1/alarms", ALARM | {"event_id": "fast-1"}, token)
    assert first.status_code == 201, first.content
    assert settled()
    assert first.json() == {"ack": True, "alarm_id": Alarm.objects.get().pk, "duplicate": False}
    again = server("/api/v1/alarms", ALARM | {"event_id": "fast-1"}, token)
    assert again.status_code == 200
    assert again.json() == {"ack": True, "alarm_id": first.json()["alarm_id"], "duplicate": True}
    assert server.spy.calls == 0  # Django never saw them
    assert settled()
    assert Alarm.objects.filter(device=device).count() == 1
    # The worker that stored it delivers it: an incident, without waiting for a poll or a sweep.
    assert wait_for(lambda: Incident.objects.filter(alarm_count=1).exists(), timeout=5)


def test_heartbeat_answered_without_django(server, make_person, make_device):
    device, token = make_device(make_person())
    body = {"beat_id": "b1", "device_time": "2026-03-10T10:00:00+08:00", "battery": 80}
    r = server("/api/v1/devices/heartbeat", body, token)
    assert (r.status_code, r.json()) == (201, {"ack": True, "duplicate": False, "heartbeat_seconds": 300})
    r = server("/api/v1/devices/heartbeat", body, token)
    assert (r.status_code, r.json()["duplicate"]) == (200, True)
    assert server.spy.calls == 0
    assert Heartbeat.objects.count() == 1
    device.refresh_from_db()
    assert device.battery == 80 and device.last_heartbeat_at is not None


STAFF = object()  # stands for a staff member's API token


@pytest.mark.parametrize(
    ("path", "body", "token"),
    [
        ("/api/v1/alarms", ALARM | {"kind": "explosion"}, "device"),
        ("/api/v1/alarms", ALARM | {"event_id": " "}, "device"),
        ("/api/v1/alarms", ALARM | {"device_time": "2026-03-10T10:00:00"}, "device"),  # no time zone
        ("/api/v1/alarms", ALARM | {"device_time": "2099-01-01T00:00:00+08:00"}, "device"),
        ("/api/v1/alarms", {"kind": "sos"}, "device"),  # fields missing
        ("/api/v1/alarms", b"{not json", "device"),
        ("/api/v1/alarms", ALARM, None),  # no token
        ("/api/v1/alarms", ALARM, "no-such-token"),
        ("/api/v1/alarms", ALARM, STAFF),
        ("/api/v1/alarms", ALARM, "inactive"),
        (
            "/api/v1/devices/heartbeat",
            {"beat_id": "b", "device_time": "2026-03-10T10:00:00+08:00", "battery": 120},
            "device",
        ),
        (
            "/api/v1/devices/heartbeat",
            {"beat_id": "b", "device_time": "2026-03-10T10:00:00+08:00"},
            "no-such-token",
        ),
    ],
)
def test_anything_else_gets_the_apis_answer(
    server, client, users, make_person, make_device, path, body, token
):
    device, device_token = make_device(make_person())
    if token == "inactive":
        Device.objects.filter(pk=device.pk).update(active=False)
    if token in ("device", "inactive"):
        token = device_token
    elif token is STAFF:
        from carecircle.core.services import token_create

        token = token_create(user=users["operator"], name="x")[1]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    expected = client.post(path, data=raw, content_type="application/json", **headers)
    assert expected.status_code in (400, 401, 403, 422)
    got = server(path, body, token)
    assert server.spy.calls == 1  # passed on to the API
    assert (got.status_code, got.json()) == (expected.status_code, expected.json())
    assert not Alarm.objects.exists() and not Heartbeat.objects.exists()


def test_large_body_is_passed_on_whole(server, make_person, make_device):
    _, token = make_device(make_person())
    detail = {"log": "x" * (intake.MAX_BODY * 2)}
    r = server("/api/v1/alarms", ALARM | {"detail": detail}, token, chunks=5)
    assert r.status_code == 201, r.content
    assert server.spy.calls == 1
    assert settled()
    assert Alarm.objects.get().detail == detail


def test_worker_stopped_alarm_stored_by_the_api_and_delivered_later(server, make_person, make_device):
    _, token = make_device(make_person())
    delivery.stop_worker()
    r = server("/api/v1/alarms", ALARM | {"event_id": "while-stopped"}, token)
    assert r.status_code == 201
    assert server.spy.calls == 1
    time.sleep(0.3)
    assert delivery.pending().count() == 1 and not Incident.objects.exists()
    delivery.start_worker(poll_seconds=0.2)
    assert wait_for(lambda: not delivery.pending().exists())
    assert Incident.objects.get().alarm_count == 1


def test_failed_batch_is_stored_once_by_the_api(server, make_person, make_device, monkeypatch):
    """A batch that fails after its insert rolls back whole; the API path then stores the event,
    so the device is acknowledged once and the alarm exists once."""
    _, token = make_device(make_person())
    real_store = intake._AlarmJob.store_many

    def store_then_fail(jobs):
        real_store(jobs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake._AlarmJob, "store_many", store_then_fail)
    r = server("/api/v1/alarms", ALARM | {"event_id": "retry-me"}, token)
    assert r.status_code == 201, r.content
    assert server.spy.calls == 1
    assert settled()
    assert Alarm.objects.filter(event_id="retry-me").count() == 1


def test_api_and_fast_path_share_the_duplicate_check(server, client, make_person, make_device):
    """An event first stored through the API (say, a retry that went another way) is a duplicate
    on the fast path, and the other way round."""
    _, token = make_device(make_person())
    first = post_alarm(client, token, event_id="both-ways")
    assert first.status_code == 201
    assert settled()
    again = server("/api/v1/alarms", ALARM | {"event_id": "both-ways"}, token)
    assert (again.status_code, again.json()["alarm_id"]) == (200, first.json()["alarm_id"])
    fast = server("/api/v1/alarms", ALARM | {"event_id": "fast-first"}, token)
    assert fast.status_code == 201
    assert settled()
    later = post_alarm(client, token, event_id="fast-first")
    assert (later.status_code, later.json()["alarm_id"]) == (200, fast.json()["alarm_id"])
    assert Alarm.objects.count() == 2


def test_failed_delivery_still_acknowledges_the_stored_alarm(server, make_person, make_device, monkeypatch):
    """The device is acknowledged once its alarm is stored; a delivery that fails leaves it in
    the outbox, and the worker tries again."""
    _, token = make_device(make_person())
    real_group = delivery._group

    def broken(*args, **kwargs):
        raise RuntimeError("policy table unreadable")

    monkeypatch.setattr(delivery, "_group", broken)
    r = server("/api/v1/alarms", ALARM | {"event_id": "undeliverable"}, token)
    assert r.status_code == 201, r.content
    assert server.spy.calls == 0
    assert wait_for(lambda: delivery.pending().count() == 1) and not Incident.objects.exists()
    monkeypatch.setattr(delivery, "_group", real_group)
    assert wait_for(lambda: Incident.objects.filter(alarm_count=1).exists())
    assert wait_for(lambda: not delivery.pending().exists())
