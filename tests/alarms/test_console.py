"""The console's live stream, pages and their scope."""

import json

import pytest

from carecircle.alarms import delivery, services
from carecircle.alarms.events import incident_event
from carecircle.alarms.hub import hub
from carecircle.alarms.models import Incident, IncidentState
from tests.conftest import COMMUNITY_B

pytestmark = pytest.mark.django_db


def test_stream_delivers_only_events_of_the_users_regions(client_for, users, make_person, t0):
    a = services.incident_open_by_phone(actor=users["admin"], person=make_person(), now=t0)
    b = services.incident_open_by_phone(
        actor=users["admin"], person=make_person(region_code=COMMUNITY_B), now=t0
    )
    response = client_for(users["operator"]).get("/alarms/stream/", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/event-stream")
    chunks = iter(response.streaming_content)
    hello = next(chunks).decode()
    assert "event: hello" in hello
    hub.publish(incident_event(b))  # 西山区: not for this operator
    hub.publish(incident_event(a))
    data = next(chunks).decode()
    assert data.startswith("data: ")
    assert json.loads(data[6:])["id"] == a.pk
    response.close()
    assert hub.count() == 0


def test_stream_without_event_stream_accept_is_a_snapshot(client_for, users, make_person, t0):
    a = services.incident_open_by_phone(actor=users["admin"], person=make_person(), now=t0)
    services.incident_open_by_phone(actor=users["admin"], person=make_person(region_code=COMMUNITY_B), now=t0)
    body = client_for(users["operator"]).get("/alarms/stream/").content.decode()
    ids = [json.loads(line[6:])["id"] for line in body.splitlines() if line.startswith("data: ")]
    assert ids == [a.pk]


def test_console_queue_ordered_by_priority_then_age(client_for, users, make_person, make_device, t0):
    import datetime

    low, _ = make_device(make_person(name="低优先", age=65), kind="water")
    high, _ = make_device(make_person(name="高优先", age=85), kind="fall")
    services.alarm_receive(device=low, event_id="1", kind="water", device_time=t0, now=t0)
    services.alarm_receive(
        device=high, event_id="1", kind="fall", device_time=t0, now=t0 + datetime.timedelta(seconds=5)
    )
    delivery.deliver_pending()
    html = client_for(users["operator"]).get("/alarms/").content.decode()
    assert html.index("高优先") < html.index("低优先")
    assert 'src="/static/alarms/console.js"' in html and 'data-stream-url="/alarms/stream/"' in html
    from django.contrib.staticfiles import finders

    script = open(finders.find("alarms/console.js"), encoding="utf-8").read()
    assert "EventSource" in script and "createOscillator" in script
    west = client_for(users["district_b"]).get("/alarms/queue/").content.decode()
    assert "高优先" not in west


def test_card_and_one_click_actions(client_for, users, make_person, make_device):
    person = make_person(name="卡片人")
    d, _ = make_device(person, kind="fall")
    services.alarm_receive(
        device=d,
        event_id="1",
        kind="fall",
        device_time=__import__("django.utils.timezone").utils.timezone.now(),
    )
    delivery.deliver_pending()
    i = Incident.objects.get()
    c = client_for(users["operator"])
    card = c.get(f"/alarms/incidents/{i.pk}/card/").content.decode()
    assert "卡片人" in card and person.id_masked in card and person.id_number not in card
    assert f"/alarms/incidents/{i.pk}/acknowledge/" in card and f"/alarms/incidents/{i.pk}/call/" not in card
    r = c.post(f"/alarms/incidents/{i.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    card = r.content.decode()  # the card again, with the actions of an acknowledged incident
    assert f"/alarms/incidents/{i.pk}/call/" in card and f"/alarms/incidents/{i.pk}/acknowledge/" not in card
    assert f"/alarms/incidents/{i.pk}/on-site/" not in card  # on site only once someone is dispatched
    r = c.post(
        f"/alarms/incidents/{i.pk}/call/", {"target": "person", "outcome": "reached"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200
    r = c.post(f"/alarms/incidents/{i.pk}/resolve/", {"outcome": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "请选择处置结果" in r.content.decode()
    r = c.post(f"/alarms/incidents/{i.pk}/resolve/", {"outcome": ""})  # the page again, the message on it
    assert r.status_code == 422 and "请选择处置结果" in r.content.decode() and "卡片人" in r.content.decode()
    r = c.post(f"/alarms/incidents/{i.pk}/resolve/", {"outcome": "false_alarm"})
    assert r.status_code == 302
    i.refresh_from_db()
    assert i.state == IncidentState.RESOLVED and i.in_progress_at is not None
    csv = c.get(f"/alarms/incidents/{i.pk}/timeline.csv").content.decode("utf-8-sig")
    assert "接警" in csv and "误报" in csv and csv.count("\n") >= 6
    assert client_for(users["district_b"]).get(f"/alarms/incidents/{i.pk}/card/").status_code == 404


def test_phone_open_page(client_for, users, make_person):
    person = make_person(name="来电人")
    c = client_for(users["operator"])
    assert "来电人" in c.get("/alarms/incidents/new/?q=来电人").content.decode()
    r = c.post(
        "/alarms/incidents/new/", {"person_id": person.pk, "kind": "phone", "note": "摔倒后自己起来了"}
    )
    assert r.status_code == 302
    assert Incident.objects.get().operator == users["operator"]


def test_supervisor_service_levels(client_for, users, make_person, t0):
    import datetime

    from carecircle.alarms import selectors

    person = make_person()
    s = datetime.timedelta(seconds=1)
    answers = [10, 30, 59, 61, 200]
    for n, secs in enumerate(answers):
        i = services.incident_create(
            person=person, source="device", kind="sos", title=f"t{n}", now=t0 + n * s
        )
        services.incident_acknowledge(actor=users["operator"], incident_id=i.pk, now=t0 + n * s + secs * s)
    services.incident_create(person=person, source="device", kind="sos", title="waiting", now=t0 + 600 * s)
    levels = selectors.service_levels(user=users["district"], day=t0.date(), now=t0 + 700 * s)
    total = levels["total"]
    # 6 calls; the unanswered one waited 100 s: counts against 60 s, not yet decided for 180 s.
    assert total["calls"] == 6
    assert total["within_60"] == 3 and total["share_60"] == 50.0 and not total["ok_60"]
    assert total["within_180"] == 4 and total["share_180"] == 80.0
    assert levels["operators"][0][0] == "operator" and levels["operators"][0][1]["calls"] == 5
    html = client_for(users["district"]).get(f"/alarms/supervisor/?day={t0.date()}").content.decode()
    assert "98.5%" in html
    assert client_for(users["operator"]).get("/alarms/supervisor/").status_code == 403


def test_monthly_report(client_for, users, make_person, t0):
    person = make_person()
    i = services.incident_create(person=person, source="device", kind="fall", title="x", now=t0)
    services.incident_resolve(actor=users["operator"], incident_id=i.pk, outcome="emergency", now=t0)
    c = client_for(users["district"])
    html = c.get("/alarms/reports/monthly/?month=2026-03").content.decode()
    assert "文新街道" in html
    csv = c.get("/alarms/reports/monthly/?month=2026-03&format=csv").content.decode("utf-8-sig")
    assert "339901001000" in csv
    assert c.get("/alarms/reports/monthly/?month=March").status_code == 422
    west = client_for(users["district_b"]).get("/alarms/reports/monthly/?month=2026-03&format=csv")
    assert "339901001000" not in west.content.decode("utf-8-sig")


def test_devices_page_registers_by_id_number_and_shows_token_once(client_for, users, make_person):
    person = make_person()
    c = client_for(users["community"])
    url = "/alarms/devices/register/"
    r = c.post(
        url,
        {
            "person": person.id_number,
            "kind": "smoke",
            "serial": "S-9",
            "heartbeat_seconds": "600",
            "location": "厨房",
        },
    )
    assert r.status_code == 200 and 'id="device-token"' in r.content.decode()
    r = c.post(url, {"person": person.id_number, "kind": "smoke", "serial": "S-9"})
    assert r.status_code == 409 and "设备编号已登记" in r.content.decode()  # a conflict: the error page
    r = c.post(url, {"person": person.id_number, "kind": "smoke", "serial": ""})
    assert r.status_code == 422 and "设备编号不能为空" in r.content.decode()
    r = c.post(url, {"person": str(person.pk), "kind": "smoke", "serial": "S-11"})
    assert r.status_code == 422 and "身份证号应为18位" in r.content.decode()  # no internal numbers
    other = client_for(users["community_b"]).post(
        url, {"person": person.id_number, "kind": "smoke", "serial": "S-10"}
    )
    assert other.status_code == 422 and "不在您的管辖范围内" in other.content.decode()
    assert "S-9" in c.get("/alarms/devices/").content.decode()
    assert "S-9" not in client_for(users["community_b"]).get("/alarms/devices/").content.decode()


def test_events_fan_out_through_redis_between_processes(redis_url, monkeypatch, users, make_person, t0):
    """With several web processes the hub publishes to Redis and every process's listener feeds its
    own consoles; here the publisher and the listener share a process but meet only in Redis."""
    from carecircle.alarms.hub import ThreadSubscriber

    monkeypatch.setenv("CARECIRCLE_REDIS_URL", redis_url)
    a = services.incident_open_by_phone(actor=users["admin"], person=make_person(), now=t0)
    sub = hub.subscribe(ThreadSubscriber(["339901"]))
    try:
        assert hub.listening.wait(5)
        hub.publish(incident_event(a))
        data = sub.get(timeout=5)
        assert data is not None and json.loads(data)["id"] == a.pk
        import redis

        assert (
            redis.Redis.from_url(redis_url).publish("carecircle:alarms:console", "{}") >= 1
        )  # really via Redis
    finally:
        hub.unsubscribe(sub)


def test_stream_under_asgi_is_an_async_generator(users, make_person, t0):
    """Under ASGI (uvicorn, `carecircle serve`) the same view streams from an async generator."""
    from asgiref.sync import async_to_sync, sync_to_async
    from django.test import AsyncClient

    from carecircle.core import signin

    a = services.incident_open_by_phone(actor=users["admin"], person=make_person(), now=t0)
    event = incident_event(a)

    async def scenario():
        client = AsyncClient()
        await client.aforce_login(users["operator"])
        session = await client.asession()  # marked as the sign-in marks it (core/signin.py)
        await sync_to_async(signin.mark)(session, users["operator"], second_factor=True)
        await session.asave()
        response = await client.get("/alarms/stream/", headers={"Accept": "text/event-stream"})
        assert response.is_async
        chunks = aiter(response.streaming_content)
        hello = await anext(chunks)
        hub.publish(event)
        data = await anext(chunks)
        await chunks.aclose()
        return hello, data

    hello, data = async_to_sync(scenario)()
    text = data.decode() if isinstance(data, bytes) else data
    assert "event: hello" in (hello.decode() if isinstance(hello, bytes) else hello)
    assert json.loads(text.removeprefix("data: "))["id"] == a.pk
    assert hub.count() == 0


def test_community_worker_sees_area_incidents_and_confirms_as_responder(client_for, users, make_person, t0):
    person = make_person(name="求助人")
    i = services.incident_open_by_phone(actor=users["operator"], person=person, now=t0)
    r = services.responder_dispatch(actor=users["operator"], incident_id=i.pk, now=t0)
    assert r.user == users["community"]
    c = client_for(users["community"])
    assert "求助人" in c.get("/").content.decode()  # home card lists the area's open incidents
    page = c.get(f"/alarms/incidents/{i.pk}/").content.decode()
    assert (
        "确认前往" in page
        and "/acknowledge/" not in page
        and "/resolve/" not in page
        and "/note/" not in page
    )
    assert c.post(f"/alarms/responders/{r.pk}/confirm/").status_code == 302
    r.refresh_from_db()
    assert r.state == "confirmed"
    assert c.post(f"/alarms/incidents/{i.pk}/note/", {"text": "x"}).status_code == 403
    assert client_for(users["community_b"]).post(f"/alarms/responders/{r.pk}/confirm/").status_code == 404


def test_incident_opened_by_another_module_reaches_the_consoles(
    users, make_person, django_capture_on_commit_callbacks
):
    """carevisits opens an incident through services.incident_create: the consoles hear of it."""
    from carecircle.alarms.hub import ThreadSubscriber

    sub = hub.subscribe(ThreadSubscriber(["339901"]))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            incident = services.incident_create(
                person=make_person(), source="phone", kind="sos", title="探访发现危急情况"
            )
        data = sub.get(timeout=2)
        assert data is not None and json.loads(data)["id"] == incident.pk
    finally:
        hub.unsubscribe(sub)


def test_incident_actions_one_rule_for_the_card_and_the_services(client_for, users, make_person, t0):
    """selectors.incident_actions says what the card offers; the services refuse the same things."""
    from carecircle.alarms import selectors
    from carecircle.alarms.selectors import IncidentAction as A
    from carecircle.core.errors import Conflict

    op = users["operator"]
    i = services.incident_create(
        person=make_person(name="规则人"), source="device", kind="sos", title="t", now=t0
    )
    assert selectors.incident_actions(op, i) == {A.ACKNOWLEDGE, A.RESOLVE, A.NOTE}
    assert selectors.incident_actions(users["community"], i) == frozenset()  # looks, does not operate
    with pytest.raises(Conflict):
        services.incident_call(actor=op, incident_id=i.pk, target="person", outcome="reached", now=t0)
    i = services.incident_acknowledge(actor=op, incident_id=i.pk, now=t0)
    assert selectors.incident_actions(op, i) == {A.CALL, A.DISPATCH, A.RESOLVE, A.NOTE}
    with pytest.raises(Conflict) as refused:  # on site only once someone is on the way (the card's rule)
        services.incident_advance(actor=op, incident_id=i.pk, state=IncidentState.ON_SITE, now=t0)
    assert "请先派员" in str(refused.value.message)
    c = client_for(op)
    assert c.post(f"/alarms/incidents/{i.pk}/on-site/").status_code == 409
    services.responder_dispatch(actor=op, incident_id=i.pk, now=t0)
    i.refresh_from_db()
    assert A.ON_SITE in selectors.incident_actions(op, i)
    assert f"/alarms/incidents/{i.pk}/on-site/" in c.get(f"/alarms/incidents/{i.pk}/").content.decode()
    assert c.post(f"/alarms/incidents/{i.pk}/on-site/").status_code == 302
    services.incident_resolve(actor=op, incident_id=i.pk, outcome="false_alarm", now=t0)
    i.refresh_from_db()
    assert selectors.incident_actions(op, i) == frozenset()
    with pytest.raises(Conflict):  # no note on a closed incident, as the card offers none
        services.incident_note(actor=op, incident_id=i.pk, text="补记", now=t0)
    page = c.get(f"/alarms/incidents/{i.pk}/").content.decode()
    assert "/note/" not in page and "/resolve/" not in page


def test_phone_open_form_errors(client_for, users, make_person):
    c = client_for(users["operator"])
    r = c.post("/alarms/incidents/new/", {"person_id": "", "kind": "phone"})
    assert r.status_code == 422 and "请选择人员" in r.content.decode()
    r = c.post("/alarms/incidents/new/", {"person_id": make_person().pk, "kind": "meteor"})
    assert r.status_code == 422 and "未知的事件类型" in r.content.decode()
    outsider = c.post("/alarms/incidents/new/", {"person_id": make_person(region_code=COMMUNITY_B).pk})
    assert outsider.status_code == 404
