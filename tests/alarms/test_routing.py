"""Routing (issue 18): operators on shift, a waiting call ringing the free operators of its centre
after the first threshold and the overflow centre's after the second, higher priority first, once
per stage; an operator of a third district never sees it."""

import datetime
import json

import pytest
from django.utils import timezone

from carecircle.alarms import routing, selectors, services
from carecircle.alarms.hub import ThreadSubscriber, hub
from carecircle.alarms.models import Incident, IncidentState, Ring, RingStage, Shift, TimelineEntry
from carecircle.core.errors import Conflict, NotFound
from carecircle.core.roles import Role
from carecircle.core.tasks import periodic_tasks
from tests.conftest import COMMUNITY_B, make_user

DISTRICT_A, DISTRICT_B, DISTRICT_C = "339901000000", "339902000000", "339903000000"


@pytest.fixture
def centres(users):
    from carecircle.core.services import region_upsert

    region_upsert(actor=None, code=DISTRICT_C, name="南湖区", latitude=30.1, longitude=120.3)
    routing.clear_cache()
    admin = users["admin"]
    b = services.centre_save(actor=admin, region_code=DISTRICT_B, name="西山区接警中心")
    c = services.centre_save(actor=admin, region_code=DISTRICT_C, name="南湖区接警中心")
    a = services.centre_save(actor=admin, region_code=DISTRICT_A, name="东湖区接警中心", overflow=b)
    routing.clear_cache()
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def operators(users, centres, frozen_now):
    ops = {
        "a": users["operator"],
        "b": make_user("operator_b", Role.OPERATOR, DISTRICT_B),
        "c": make_user("operator_c", Role.OPERATOR, DISTRICT_C),
    }
    for key, user in ops.items():
        services.shift_sign_on(actor=user, centre=centres[key])
    return ops


def _open(person, *, kind="sos", at=None):
    return services.incident_create(
        person=person,
        source="device",
        kind=kind,
        title=f"测试{kind}：{person.name}",
        now=at or timezone.now(),
    )


def _routing_notes(incident):
    return list(
        TimelineEntry.objects.filter(incident=incident, detail__has_key="routing_stage").values_list(
            "detail__routing_stage", flat=True
        )
    )


def test_defaults_are_twenty_and_sixty_seconds(centres):
    assert (centres["a"].ring_after_seconds, centres["a"].overflow_after_seconds) == (20, 60)
    assert "alarms.route_waiting" in periodic_tasks()


def test_the_overflow_centre_rings_after_the_threshold_not_before(operators, make_person, frozen_now):
    incident = _open(make_person(name="等待人"))
    frozen_now.shift(19)
    assert services.route_waiting() == []
    assert list(routing.ringing(operators["a"])) == []

    frozen_now.shift(1)  # 20 s: every free operator of the centre
    rings = services.route_waiting()
    assert [(r.stage, r.centre.region_code) for r in rings] == [(RingStage.CENTRE, DISTRICT_A)]
    assert rings[0].operators == [operators["a"].pk]
    assert list(routing.ringing(operators["a"])) == [incident]
    assert list(routing.ringing(operators["b"])) == []

    frozen_now.shift(39)  # 59 s: not yet the overflow centre
    assert services.route_waiting() == []
    assert list(routing.ringing(operators["b"])) == []

    frozen_now.shift(1)  # 60 s: the overflow centre's operators too
    rings = services.route_waiting()
    assert [(r.stage, r.centre.region_code) for r in rings] == [(RingStage.OVERFLOW, DISTRICT_B)]
    assert list(routing.ringing(operators["b"])) == [incident]
    assert list(routing.ringing(operators["a"])) == [incident]  # still ringing at home
    assert list(routing.ringing(operators["c"])) == []  # a third district never

    frozen_now.shift(30)  # once per stage, however often the sweep runs
    assert services.route_waiting() == []
    assert Ring.objects.filter(incident=incident).count() == 2
    assert _routing_notes(incident) == [1, 2]


def test_higher_priority_rings_first(operators, make_person, frozen_now):
    motion = _open(make_person(name="低优先"), kind="water")  # older, but 40
    frozen_now.shift(5)
    fall = _open(make_person(name="高优先"), kind="fall")  # newer, 75
    assert fall.priority > motion.priority
    frozen_now.shift(120)
    rings = services.route_waiting()
    order = [(r.incident_id, r.stage) for r in rings]
    assert order == [(fall.pk, 1), (motion.pk, 1), (fall.pk, 2), (motion.pk, 2)]
    assert list(routing.ringing(operators["a"])) == [fall, motion]
    assert list(routing.ringing(operators["b"])) == [fall, motion]


def test_a_busy_operator_or_one_off_shift_is_not_rung(operators, users, make_person, frozen_now):
    held = _open(make_person(name="已接"))
    services.incident_acknowledge(actor=operators["a"], incident_id=held.pk)
    waiting = _open(make_person(name="等待"))
    frozen_now.shift(25)
    (ring,) = services.route_waiting()
    assert ring.operators == []  # the only operator of the centre holds a call
    assert list(routing.ringing(operators["a"])) == []
    assert "暂无空闲坐席" in TimelineEntry.objects.filter(incident=waiting).last().text
    services.incident_resolve(actor=operators["a"], incident_id=held.pk, outcome="false_alarm")
    assert list(routing.ringing(operators["a"])) == [waiting]  # free again: it rings
    services.shift_sign_off(actor=operators["a"])
    assert list(routing.ringing(operators["a"])) == []


def test_the_overflow_operator_answers_and_handles_the_call(operators, make_person, frozen_now):
    incident = _open(make_person(name="溢出人"))
    frozen_now.shift(61)
    services.route_waiting()
    with pytest.raises(NotFound):  # a third district's operator: not theirs
        services.ring_answer(actor=operators["c"], incident_id=incident.pk)
    with pytest.raises(NotFound):
        selectors.incident_get(user=operators["b"], incident_id=incident.pk)  # before answering: not theirs
    answered = services.ring_answer(actor=operators["b"], incident_id=incident.pk)
    assert answered.state == IncidentState.ACKNOWLEDGED and answered.operator == operators["b"]
    card = selectors.incident_get(user=operators["b"], incident_id=incident.pk)
    assert selectors.IncidentAction.CALL in selectors.incident_actions(operators["b"], card)
    services.incident_call(actor=operators["b"], incident_id=incident.pk, target="person", outcome="reached")
    with pytest.raises(Conflict):  # the home operator comes too late
        services.ring_answer(actor=operators["a"], incident_id=incident.pk)
    with pytest.raises(NotFound):
        selectors.incident_get(user=operators["c"], incident_id=incident.pk)
    assert list(routing.ringing(operators["a"])) == []  # answered: rings no more


def test_the_ring_event_reaches_the_overflow_centre_and_not_a_third_district(
    operators, make_person, frozen_now, django_capture_on_commit_callbacks
):
    subs = {k: ThreadSubscriber([p]) for k, p in [("a", "339901"), ("b", "339902"), ("c", "339903")]}
    for s in subs.values():
        hub.subscribe(s)
    try:
        incident = _open(make_person(name="广播人"))
        frozen_now.shift(61)
        with django_capture_on_commit_callbacks(execute=True):
            services.route_waiting()
        got = {k: [json.loads(d) for d in iter(lambda s=s: s.get(0.05), None)] for k, s in subs.items()}
    finally:
        for s in subs.values():
            hub.unsubscribe(s)
    rings = {k: [(e["id"], e["stage"]) for e in v if e.get("type") == "ring"] for k, v in got.items()}
    assert rings == {"a": [(incident.pk, 1)], "b": [(incident.pk, 2)], "c": []}
    assert all("title" not in e for v in got.values() for e in v if e.get("type") == "ring")


def test_signing_on_is_for_a_centre_of_ones_own_district(operators, centres):
    with pytest.raises(NotFound):
        services.shift_sign_on(actor=operators["c"], centre=centres["a"])
    again = services.shift_sign_on(actor=operators["a"], centre=centres["a"])
    assert Shift.objects.filter(operator=operators["a"], ended_at__isnull=True).get() == again
    assert services.shift_sign_off(actor=operators["a"]).ended_at is not None
    assert services.shift_sign_off(actor=operators["a"]) is None


def test_centre_settings_refuse_bad_input_naming_the_field(users, centres):
    from carecircle.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as e:
        services.centre_save(
            actor=users["admin"],
            region_code=DISTRICT_A,
            name="东湖",
            ring_after_seconds=60,
            overflow_after_seconds=30,
        )
    assert e.value.field == "overflow_after_seconds"
    with pytest.raises(InvalidInput) as e:
        services.centre_save(actor=users["admin"], region_code=DISTRICT_A, name="东湖", overflow=centres["a"])
    assert e.value.field == "overflow"
    with pytest.raises(NotFound):  # another district's supervisor
        services.centre_save(actor=users["district_b"], region_code=DISTRICT_A, name="东湖")


def test_the_delivery_worker_step_rings_due_calls(operators, make_person, frozen_now, monkeypatch):
    incident = _open(make_person(name="步骤"))
    frozen_now.shift(21)
    monkeypatch.setattr(routing, "_last_step", 0.0)
    assert [r.incident_id for r in routing.route_step()] == [incident.pk]
    assert routing.route_step() == []  # at most once a second


def test_pages_sign_on_ring_and_answer(client_for, operators, users, make_person, frozen_now, centres):
    services.shift_sign_off(actor=operators["b"])
    client = client_for(operators["b"])
    assert client.get("/alarms/shift/").status_code == 200
    r = client.post("/alarms/shift/sign-on/", {"centre": centres["b"].pk})
    assert r.status_code == 302
    assert client.post("/alarms/shift/sign-on/", {"centre": centres["a"].pk}).status_code == 422  # not theirs
    incident = _open(make_person(name="页面人"))
    frozen_now.shift(61)
    services.route_waiting()
    page = client.get("/alarms/ringing/").content.decode()
    assert f'id="ring-{incident.pk}"' in page and "页面人" in page
    assert "页面人" not in client_for(operators["c"]).get("/alarms/ringing/").content.decode()
    r = client.post(f"/alarms/ringing/{incident.pk}/answer/")
    assert r.status_code == 302 and r["Location"].endswith(f"/alarms/incidents/{incident.pk}/")
    assert client.get(r["Location"]).status_code == 200
    assert client_for(operators["c"]).post(f"/alarms/ringing/{incident.pk}/answer/").status_code == 404


def test_centre_page_saves_and_shows_who_is_on_shift(client_for, users, operators, centres):
    client = client_for(users["district"])
    page = client.get("/alarms/centres/").content.decode()
    assert "东湖区接警中心" in page and "西山区接警中心" not in page.split("<tbody>")[1].split("</tbody>")[
        0
    ].replace("东湖区接警中心</td><td>西山区接警中心", "")
    r = client.post(
        "/alarms/centres/save/",
        {
            "region_code": DISTRICT_A,
            "name": "东湖区中心",
            "overflow": centres["b"].pk,
            "ring_after_seconds": 15,
            "overflow_after_seconds": 10,
        },
    )
    assert r.status_code == 422 and "溢出振铃时限应长于本中心振铃时限" in r.content.decode()
    r = client.post(
        "/alarms/centres/save/",
        {
            "region_code": DISTRICT_A,
            "name": "东湖区中心",
            "overflow": centres["b"].pk,
            "ring_after_seconds": 15,
            "overflow_after_seconds": 45,
        },
    )
    assert r.status_code == 302
    centres["a"].refresh_from_db()
    assert (centres["a"].name, centres["a"].ring_after_seconds, centres["a"].overflow_after_seconds) == (
        "东湖区中心",
        15,
        45,
    )
    assert client_for(users["district_b"]).post(
        "/alarms/centres/save/",
        {"region_code": DISTRICT_A, "name": "x", "ring_after_seconds": 15, "overflow_after_seconds": 45},
    ).status_code in (403, 404, 422)


def test_wallboard_counts_operators_signed_on(users, operators):
    from carecircle.alarms import wallboard

    names = wallboard.wallboard(user=users["district"])["operators"]
    assert operators["a"].display_name in names or operators["a"].username in names
    assert not ({"operator_b", "operator_c"} & set(names))


def test_incidents_of_b_ring_no_one_in_a_without_overflow(operators, make_person, frozen_now):
    incident = _open(make_person(region_code=COMMUNITY_B, name="西山人"))
    frozen_now.shift(200)
    rings = services.route_waiting()
    assert [(r.stage, r.centre.region_code) for r in rings] == [(1, DISTRICT_B)]
    assert list(routing.ringing(operators["a"])) == []
    assert list(routing.ringing(operators["b"])) == [incident]
    assert Incident.objects.get(pk=incident.pk).state == IncidentState.NEW
    assert datetime.timedelta(seconds=200) <= timezone.now() - incident.opened_at


def test_the_demo_sets_up_centres_shifts_and_rings(users, make_person, frozen_now):
    from types import SimpleNamespace

    from carecircle.alarms import demo_routing

    make_user("operator_b", Role.OPERATOR, DISTRICT_B)
    waiting = _open(make_person(name="演示等待"))
    frozen_now.shift(90)
    said: list[str] = []
    demo_routing.generate(SimpleNamespace(say=said.append))
    a = routing.centre_of(COMMUNITY_B[:6] + "000000")
    assert a is not None and a.overflow is not None
    assert Shift.objects.filter(operator=users["operator"], ended_at__isnull=True).exists()
    assert list(routing.ringing(users["operator"])) == [waiting]
    assert "接警中心 2 个" in said[0]
