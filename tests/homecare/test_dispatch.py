"""Dispatch rules, decline/reassign, escalation, cancel and reschedule, and the engine against a
brute-force oracle."""

import datetime
import itertools

import numpy as np
import pytest

from carecircle.core.errors import Conflict, InvalidInput
from carecircle.homecare import dispatch as engine
from carecircle.homecare import services, services_dispatch
from carecircle.homecare.models import DispatchEvent, OrderStatus, ServiceItem
from carecircle.workforce.models import Certificate
from tests.homecare.conftest import tomorrow_at


def order(w, hour, key, item="bath", minute=0):
    return services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w[item],
        provider=w["provider"],
        window_start=tomorrow_at(hour, minute),
        idempotency_key=key,
    )


def test_decline_with_reason_goes_to_the_other_caregiver(world, no_entitlements):
    w = world
    o = order(w, 9, "a")
    services_dispatch.dispatch_day(actor=w["admin_p"], day=o.window_start.date(), provider=w["provider"])
    o.refresh_from_db()
    assert o.caregiver == w["carer"]
    with pytest.raises(InvalidInput):
        services_dispatch.order_decline(actor=w["carer_user"], order=o, reason=" ")
    services_dispatch.order_decline(actor=w["carer_user"], order=o, reason="身体不适")
    o.refresh_from_db()
    assert o.status == OrderStatus.CONFIRMED and o.caregiver is None
    services_dispatch.dispatch_day(actor=w["admin_p"], day=o.window_start.date(), provider=w["provider"])
    o.refresh_from_db()
    assert o.caregiver == w["carer2"]
    assert list(o.dispatch_events.values_list("kind", flat=True)) == ["offer", "decline", "offer"]


def test_unqualified_caregivers_are_not_offered_and_order_escalates(world, no_entitlements):
    w = world
    rehab = ServiceItem.objects.get(code="rehab.nursing")  # needs level 3 (高级工)
    services.price_set(
        actor=w["admin_p"],
        provider=w["provider"],
        item=rehab,
        price="120",
        valid_from=datetime.date(2020, 1, 1),
    )
    Certificate.objects.filter(caregiver=w["carer2"], kind="elder_care").update(level=2)
    o = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=rehab,
        provider=w["provider"],
        window_start=tomorrow_at(10),
        idempotency_key="r",
    )
    summary = services_dispatch.dispatch_day(
        actor=w["admin_p"], day=o.window_start.date(), provider=w["provider"]
    )
    assert summary == {"orders": 1, "offered": 0, "unassigned": 1, "travel_minutes": 0.0}
    # three hours before: not yet; ninety minutes before (policy: 120): escalated
    assert (
        services_dispatch.escalate_unassigned(now=o.window_start - datetime.timedelta(hours=3))["escalated"]
        == 0
    )
    result = services_dispatch.escalate_unassigned(now=o.window_start - datetime.timedelta(minutes=90))
    o.refresh_from_db()
    assert result == {"escalated": 1, "offered": 0} and o.escalation_level == 1
    assert o.dispatch_events.filter(kind=DispatchEvent.Kind.ESCALATE).count() == 1
    # a qualified caregiver now exists: the next escalation run offers it
    Certificate.objects.filter(caregiver=w["carer2"], kind="elder_care").update(level=3)
    result = services_dispatch.escalate_unassigned(now=o.window_start - datetime.timedelta(minutes=80))
    o.refresh_from_db()
    assert result["offered"] == 1 and o.caregiver == w["carer2"] and o.escalation_level == 2


def test_busy_caregiver_is_not_double_booked(world, no_entitlements):
    w = world
    a, b = order(w, 9, "a"), order(w, 9, "b", minute=15)
    services_dispatch.dispatch_day(actor=w["admin_p"], day=a.window_start.date(), provider=w["provider"])
    a.refresh_from_db()
    b.refresh_from_db()
    assert {a.caregiver, b.caregiver} == {w["carer"], w["carer2"]}
    with pytest.raises(Conflict):
        services_dispatch.order_reassign(actor=w["admin_p"], order=b, caregiver=a.caregiver)


def test_cancel_and_reschedule_rules(world, no_entitlements):
    w = world
    o = order(w, 9, "a")  # 助浴: 12 hours' notice
    with pytest.raises(Conflict):
        services.order_reschedule(
            actor=w["son"],
            order=o,
            window_start=tomorrow_at(15),
            now=o.window_start - datetime.timedelta(hours=5),
        )
    moved = services.order_reschedule(
        actor=w["son"],
        order=o,
        window_start=tomorrow_at(15),
        now=o.window_start - datetime.timedelta(hours=20),
    )
    assert moved.window_start == tomorrow_at(15) and moved.status == OrderStatus.CONFIRMED
    cancelled = services.order_cancel(
        actor=w["mother_user"],
        order=moved,
        reason="家人陪同洗浴",
        now=moved.window_start - datetime.timedelta(hours=2),
    )
    assert cancelled.status == OrderStatus.CANCELLED and cancelled.late_cancel
    with pytest.raises(Conflict):
        services.order_cancel(actor=w["son"], order=cancelled, reason="再取消")


def test_wrong_inputs_are_named(world, no_entitlements, users, make_person):
    w = world
    with pytest.raises(InvalidInput) as err:
        services.order_create(
            actor=w["son"],
            person=w["mother"],
            item=w["bath"],
            provider=w["provider"],
            window_start=tomorrow_at(9) - datetime.timedelta(days=3),
            idempotency_key="x",
        )
    assert err.value.field == "window_start"
    walk = ServiceItem.objects.get(code="walk.escort")  # the provider has no price for it
    with pytest.raises(InvalidInput) as err:
        services.order_create(
            actor=w["son"],
            person=w["mother"],
            item=walk,
            provider=w["provider"],
            window_start=tomorrow_at(9),
            idempotency_key="y",
        )
    assert err.value.field == "item"
    other = make_person(region_code="339902001001")  # 西山区: not served by the provider
    with pytest.raises(InvalidInput) as err:
        services.order_create(
            actor=users["admin"],
            person=other,
            item=w["bath"],
            provider=w["provider"],
            window_start=tomorrow_at(9),
            idempotency_key="z",
        )
    assert err.value.field == "provider"


def brute_force_min_travel(p: engine.Problem) -> float:
    """All assignments of a tiny instance where every order is assigned, minimum total travel."""
    best = np.inf
    n_o, n_c = len(p.order_start), len(p.cg_provider)
    for combo in itertools.product(range(n_c), repeat=n_o):
        state = engine._State(p)
        total, ok = 0.0, True
        for o in np.argsort(p.order_start, kind="stable"):
            travel, feasible = state.costs(np.array([o]), np.array([combo[o]]))
            if not feasible[0, 0]:
                ok = False
                break
            total += travel[0, 0]
            state.take(int(o), combo[o])
        if ok:
            best = min(best, total)
    return best


def random_problem(rng, n_orders, n_cg, same_slot=True):
    starts = np.full(n_orders, 540.0) if same_slot else rng.uniform(480, 1000, n_orders).round()
    return engine.Problem(
        order_start=starts,
        order_end=starts + 60,
        order_lat=30.2 + rng.random(n_orders) * 0.1,
        order_lng=120.1 + rng.random(n_orders) * 0.1,
        order_provider=np.ones(n_orders, dtype=int),
        order_level=np.zeros(n_orders, dtype=int),
        order_health=np.zeros(n_orders, dtype=bool),
        cg_provider=np.ones(n_cg, dtype=int),
        cg_lat=30.2 + rng.random(n_cg) * 0.1,
        cg_lng=120.1 + rng.random(n_cg) * 0.1,
        cg_level=np.ones(n_cg, dtype=int),
        cg_health=np.ones(n_cg, dtype=bool),
        fair_minutes=0.0,
    )


def test_one_slot_assignment_is_optimal_against_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(5):
        p = random_problem(rng, 4, 5)
        result = engine.assign(p)
        assert result.assigned == 4
        assert result.total_travel == pytest.approx(brute_force_min_travel(p))
        assert result.total_travel <= engine.nearest_first(p).total_travel + 1e-9


def test_engine_respects_constraints_on_a_day():
    rng = np.random.default_rng(3)
    p = random_problem(rng, 300, 40, same_slot=False)
    p.order_level = rng.integers(0, 3, 300)
    p.cg_level = rng.integers(1, 4, 40)
    p.order_provider = rng.integers(1, 3, 300)
    p.cg_provider = rng.integers(1, 3, 40)
    p.fair_minutes = 4.0
    for result in (engine.assign(p), engine.nearest_first(p)):
        for cg in range(40):
            mine = np.flatnonzero(result.caregiver == cg)
            assert (p.order_provider[mine] == p.cg_provider[cg]).all()
            assert (p.order_level[mine] <= p.cg_level[cg]).all()
            spans = sorted(zip(p.order_start[mine], p.order_end[mine], strict=True))
            assert all(b[0] >= a[1] for a, b in itertools.pairwise(spans))
            assert len(mine) <= p.max_visits


def test_impaired_person_gets_a_skilled_caregiver(world, no_entitlements):
    pytest.importorskip("carecircle.assessment.models")

    w = world
    Certificate.objects.filter(caregiver=w["carer"], kind="elder_care").update(level=1)  # 初级 only
    day = tomorrow_at(9).date()
    o = order(w, 9, "imp", item="clean")  # 居家保洁 itself needs no level
    services_dispatch.dispatch_day(actor=w["admin_p"], day=day, provider=w["provider"])
    o.refresh_from_db()
    assert o.caregiver == w["carer"]  # the nearest
    services_dispatch.order_decline(actor=w["admin_p"], order=o, reason="重新评估后改派")
    from tests.assessment.factories import capability_on_file

    capability_on_file(
        w["mother"],
        3,
        assessed_on=day,
        valid_from=day - datetime.timedelta(days=30),
        valid_to=day + datetime.timedelta(days=300),
    )
    o2 = order(w, 14, "imp2", item="clean")
    services_dispatch.dispatch_day(actor=w["admin_p"], day=day, provider=w["provider"])
    o2.refresh_from_db()
    assert o2.caregiver == w["carer2"]  # 重度失能: 中级工 or better


def test_person_without_position_is_placed_at_the_community_centre(world, no_entitlements, make_person):
    from carecircle.registry.models import FamilyContact

    w = world
    father = make_person(age=80, sex="M", name="无坐标")
    FamilyContact.objects.create(
        person=father,
        region_code=father.region_code,
        name="张伟",
        relation="子女",
        user=w["son"],
        link_state="active",
    )
    o = services.order_create(
        actor=w["son"],
        person=father,
        item=w["clean"],
        provider=w["provider"],
        window_start=tomorrow_at(10),
        idempotency_key="nopos",
    )
    assert (o.latitude, o.longitude) == (30.291, 120.121)  # 桂花社区's centre
    services_dispatch.dispatch_day(actor=w["admin_p"], day=o.window_start.date(), provider=w["provider"])
    o.refresh_from_db()
    assert o.caregiver == w["carer"]
