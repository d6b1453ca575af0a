"""Care plans, complaints with their deadline, satisfaction by street, and organisation scope."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.core.errors import Forbidden, InvalidInput, NotFound
from carecircle.core.models import RoleGrant
from carecircle.homecare import careplans, evv, selectors, services, services_dispatch, settlement
from carecircle.homecare.models import Order, StatementEntry
from carecircle.homecare.types import SatisfactionRow
from tests.conftest import make_user
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, tomorrow_at


def served(w, key, hour=9):
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=w["provider"],
        window_start=tomorrow_at(hour),
        idempotency_key=key,
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"])
    services_dispatch.order_accept(actor=w["carer_user"], order=order)
    t_in, t_out = order.window_start, order.window_start + datetime.timedelta(minutes=60)
    evv.visit_check_in(
        actor=w["carer_user"],
        order=order,
        latitude=MOTHER_LAT,
        longitude=MOTHER_LNG,
        at=t_in,
        now=t_in,
        idempotency_key=f"{key}-in",
    )
    evv.visit_check_out(
        actor=w["carer_user"],
        order=order,
        latitude=MOTHER_LAT,
        longitude=MOTHER_LNG,
        at=t_out,
        now=t_out,
        idempotency_key=f"{key}-out",
    )
    order.refresh_from_db()
    return order


def test_care_plan_makes_weekday_meals_once(world, no_entitlements, users):
    w = world
    today = timezone.localdate()
    plan = careplans.careplan_create(
        actor=users["community"],
        person=w["mother"],
        item=w["meal"],
        provider=w["provider"],
        weekdays="1,2,3,4,5",
        start_time=datetime.time(11),
        valid_from=today,
    )
    assert plan.weekdays == "12345"
    day = next(
        today + datetime.timedelta(days=k)
        for k in range(1, 8)
        if (today + datetime.timedelta(days=k)).isoweekday() <= 5
    )
    first = careplans.careplans_generate(day=day)
    again = careplans.careplans_generate(day=day)
    assert first == {"plans": 1, "created": 1, "skipped": 0} and again["created"] == 1
    order = Order.objects.get()
    assert order.channel == "care_plan" and order.care_plan == plan
    assert {p.source for p in order.payment_lines.all()} == {
        "enterprise",
        "government",
        "collective",
        "social",
        "self_pay",
    }
    saturday = next(
        today + datetime.timedelta(days=k)
        for k in range(1, 8)
        if (today + datetime.timedelta(days=k)).isoweekday() == 6
    )
    assert careplans.careplans_generate(day=saturday)["plans"] == 0
    with pytest.raises(InvalidInput) as err:
        careplans.careplan_create(
            actor=users["community"],
            person=w["mother"],
            item=w["meal"],
            provider=w["provider"],
            weekdays="8",
            start_time=datetime.time(11),
            valid_from=today,
        )
    assert err.value.field == "weekdays"


def test_complaint_holds_the_visit_and_reaches_street_with_deadline(world, no_entitlements, users):
    w = world
    order = served(w, "c1")
    now = timezone.now()
    with pytest.raises(Forbidden):
        settlement.complaint_create(actor=w["carer_user"], order=order, text="x")
    complaint = settlement.complaint_create(actor=w["son"], order=order, text="保洁不彻底", now=now)
    assert complaint.street_code == "339901001000"
    assert complaint.deadline == now + datetime.timedelta(hours=72)
    assert list(selectors.complaints_for(user=users["street"])) == [complaint]
    assert list(selectors.complaints_for(user=users["street_b"])) == []
    st = settlement.statement_generate(
        actor=w["admin_p"], provider=w["provider"], month=order.window_start.date()
    )
    assert st.entries.get().state == StatementEntry.State.HELD and st.held_total == Decimal("40.00")
    settlement.complaint_answer(actor=w["admin_p"], complaint=complaint, response="已安排返工")
    st = settlement.statement_generate(
        actor=w["admin_p"], provider=w["provider"], month=order.window_start.date()
    )
    assert st.visit_count == 1


def test_satisfaction_by_street(world, no_entitlements, users):
    w = world
    for k, score in enumerate((5, 4, 2)):
        settlement.order_rate(actor=w["mother_user"], order=served(w, f"s{k}", hour=8 + 2 * k), score=score)
    rows = selectors.satisfaction(user=users["district"], by="street")
    assert rows == [SatisfactionRow(key="339901001000", name="文新街道", n=3, mean=3.67, rate=66.7)]
    assert selectors.satisfaction(user=users["district_b"], by="street") == []
    with pytest.raises(InvalidInput):
        settlement.order_rate(actor=w["mother_user"], order=served(w, "s9", hour=16), score=6)


def test_provider_admin_sees_only_own_organisation(world, no_entitlements, users):
    w = world
    from carecircle.homecare.services import provider_create

    rival = provider_create(
        actor=users["admin"],
        name="另一家",
        licence_no="RIVAL1",
        region_code="339901000000",
        areas=["339901000000"],
    )
    services.price_set(
        actor=users["admin"],
        provider=rival,
        item=w["clean"],
        price="38",
        valid_from=datetime.date(2020, 1, 1),
    )
    rival_admin = make_user("rival", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=rival_admin).update(
        organisation_kind="homecare_provider", organisation_id=rival.pk
    )
    mine = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=w["provider"],
        window_start=tomorrow_at(9),
        idempotency_key="m",
    )
    theirs = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=rival,
        window_start=tomorrow_at(15),
        idempotency_key="t",
    )
    assert list(selectors.order_search(user=w["admin_p"])) == [mine]
    assert list(selectors.order_search(user=rival_admin)) == [theirs]
    with pytest.raises(NotFound):
        selectors.order_get(user=rival_admin, order_id=mine.pk)
    with pytest.raises(Forbidden):  # and cannot dispatch another organisation's day
        services_dispatch.dispatch_day(
            actor=rival_admin, day=mine.window_start.date(), provider=w["provider"]
        )
    with pytest.raises(InvalidInput):  # nor hand its order to a caregiver of another organisation
        services_dispatch.order_reassign(
            actor=w["admin_p"], order=mine, caregiver=_caregiver_of(rival, users)
        )
    assert set(selectors.order_search(user=w["son"])) == {mine, theirs}


def _caregiver_of(provider, users):
    from carecircle.workforce.services import caregiver_create

    return caregiver_create(
        actor=users["admin"],
        organisation_id=provider.pk,
        region_code="339901001001",
        name="对方护理员",
        employed_from=datetime.date(2020, 1, 1),
    )
