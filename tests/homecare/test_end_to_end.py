"""Done-when: a son orders 助浴 for his mother, sees the split, a caregiver is dispatched, checks in
near the address and out 60 minutes later, the mother rates it, the statement shows the lines."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.benefits.types import Entitlement, PaymentMethod, Period
from carecircle.core.errors import Forbidden, NotFound
from carecircle.core.models import AuditEvent
from carecircle.homecare import evv, selectors, services, services_dispatch, settlement
from carecircle.homecare.models import (
    FundingRule,
    OrderStatus,
    ServiceCategory,
    StatementEntry,
    VisitException,
)
from carecircle.homecare.types import SatisfactionRow
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, tomorrow_at


def test_family_orders_bath_for_mother_end_to_end(world, voucher):
    w = world
    start = tomorrow_at(9)
    q = services.quote(person=w["mother"], item=w["bath"], provider=w["provider"], window_start=start)
    assert q.price == Decimal("80.00")
    assert [(line.source, line.amount) for line in q.lines] == [
        ("voucher", Decimal("50.00")),
        ("self_pay", Decimal("30.00")),
    ]
    assert q.own_share == Decimal("30.00")

    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=start,
        idempotency_key="son-bath-1",
        notes="老人怕冷",
    )
    assert order.channel == "family" and order.status == OrderStatus.CONFIRMED
    assert order.window_end - order.window_start == datetime.timedelta(minutes=60)
    assert sum(p.amount for p in order.payment_lines.all()) == order.price
    # sending the same order again does not make a second one
    again = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=start,
        idempotency_key="son-bath-1",
    )
    assert again.pk == order.pk

    summary = services_dispatch.dispatch_day(actor=w["admin_p"], day=start.date(), provider=w["provider"])
    assert summary["offered"] == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.OFFERED
    assert order.caregiver == w["carer"]  # nearer than 李护理 and qualified
    services_dispatch.order_accept(actor=w["carer_user"], order=order)

    # the address opens to the dispatched caregiver only around the window
    with pytest.raises(Forbidden):
        evv.order_address_reveal(actor=w["carer_user"], order=order, now=start - datetime.timedelta(hours=5))
    with pytest.raises(NotFound):
        evv.order_address_reveal(actor=w["carer2_user"], order=order, now=start)
    assert evv.order_address_reveal(actor=w["carer_user"], order=order, now=start) == "桂花苑3幢2单元501室"
    assert AuditEvent.objects.filter(
        action="pii.unmask", object_id=str(order.pk), username="caregiver"
    ).exists()

    route = selectors.caregiver_route(caregiver=w["carer"], day=start.date())
    assert [r.order.pk for r in route] == [order.pk]

    t_in = start + datetime.timedelta(minutes=3)
    evv.visit_check_in(
        actor=w["carer_user"],
        order=order,
        latitude=MOTHER_LAT + 0.0004,
        longitude=MOTHER_LNG,
        accuracy_m=15,
        at=t_in,
        now=t_in,
        idempotency_key="in-1",
    )
    t_out = t_in + datetime.timedelta(minutes=60)
    evv.visit_check_out(
        actor=w["carer_user"],
        order=order,
        latitude=MOTHER_LAT,
        longitude=MOTHER_LNG + 0.0003,
        accuracy_m=10,
        at=t_out,
        now=t_out,
        idempotency_key="out-1",
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED
    assert order.visit.minutes == 60 and order.visit.check_in_distance_m < 60
    assert not VisitException.objects.filter(visit=order.visit).exists()

    rating = settlement.order_rate(actor=w["mother_user"], order=order, score=5, comment="很贴心")
    order.refresh_from_db()
    assert rating.score == 5 and order.status == OrderStatus.COMPLETED

    st = settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=start.date())
    lines = {(line.source, line.programme_code): (line.visits, line.amount) for line in st.lines.all()}
    assert lines == {
        ("voucher", "HC_VOUCHER"): (1, Decimal("50.00")),
        ("self_pay", ""): (1, Decimal("30.00")),
    }
    assert st.visit_count == 1 and st.total == Decimal("80.00") and st.held_count == 0
    # rebuilding the statement does not count anything twice
    st = settlement.statement_generate(actor=w["admin_p"], provider=w["provider"], month=start.date())
    assert st.lines.count() == 2 and st.entries.get().state == StatementEntry.State.PAID

    sat = selectors.satisfaction(user=w["admin_p"], by="provider")
    assert sat == [SatisfactionRow(key=w["provider"].pk, name=w["provider"].name, n=1, mean=5.0, rate=100.0)]


def test_meal_order_splits_five_shares(world, no_entitlements):
    w = world
    q = services.quote(
        person=w["mother"], item=w["meal"], provider=w["provider"], window_start=tomorrow_at(11)
    )
    assert [(line.source, line.amount) for line in q.lines] == [
        ("enterprise", Decimal("2.00")),
        ("government", Decimal("4.50")),
        ("collective", Decimal("1.00")),
        ("social", Decimal("1.00")),
        ("self_pay", Decimal("6.50")),
    ]


def test_voucher_balance_is_used_up_over_the_month(world, voucher):
    w = world
    day = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=10)

    def at(hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    first = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=w["provider"],
        window_start=at(9),
        idempotency_key="clean-0",
    )
    assert {p.source: p.amount for p in first.payment_lines.all()} == {"voucher": Decimal("40.00")}
    second = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=w["provider"],
        window_start=at(14),
        idempotency_key="clean-1",
    )
    assert {p.source: p.amount for p in second.payment_lines.all()} == {
        "voucher": Decimal("10.00"),
        "self_pay": Decimal("30.00"),
    }
    q = services.quote(person=w["mother"], item=w["clean"], provider=w["provider"], window_start=at(16))
    assert [(line.source, line.amount) for line in q.lines] == [("self_pay", Decimal("40.00"))]
    # cancelling gives the voucher balance back
    services.order_cancel(actor=w["son"], order=first, reason="住院")
    q = services.quote(person=w["mother"], item=w["clean"], provider=w["provider"], window_start=at(16))
    assert q.lines[0].source == "voucher" and q.lines[0].amount == Decimal("40.00")


def test_only_listed_programmes_pay_orders(world, monkeypatch):
    """GOV_BUY is listed in FundingRule; an insurance (in kind) and a cash allowance are not."""
    w = world
    monkeypatch.setattr(
        "carecircle.homecare.services.quotes._entitlements",
        lambda person, day: [
            Entitlement(
                "ACCIDENT_INSURANCE",
                "老年人团体意外伤害统筹保险",
                Decimal("100"),
                Period.YEARLY,
                PaymentMethod.IN_KIND,
            ),
            Entitlement("GOV_BUY", "政府购买居家服务", Decimal("100"), Period.YEARLY, PaymentMethod.IN_KIND),
            Entitlement("ALLOWANCE_80", "高龄津贴", Decimal("100"), Period.MONTHLY, PaymentMethod.CASH),
        ],
    )
    q = services.quote(
        person=w["mother"], item=w["bath"], provider=w["provider"], window_start=tomorrow_at(9)
    )
    assert [(line.source, line.programme_code, line.amount) for line in q.lines] == [
        ("allowance", "GOV_BUY", Decimal("80.00"))
    ]
    services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=tomorrow_at(9),
        idempotency_key="gov-1",
    )
    q = services.quote(
        person=w["mother"], item=w["bath"], provider=w["provider"], window_start=tomorrow_at(15)
    )
    assert [(line.source, line.amount) for line in q.lines] == [
        ("allowance", Decimal("20.00")),
        ("self_pay", Decimal("60.00")),
    ]
    clean = services.quote(
        person=w["mother"], item=w["clean"], provider=w["provider"], window_start=tomorrow_at(15)
    )
    assert clean.lines[0].source == "allowance" and clean.lines[0].amount == Decimal("20.00")
    # a rule for one category only: once GOV_BUY pays 助浴 alone, 居家保洁 is self-pay
    FundingRule.objects.filter(programme_code="GOV_BUY").update(
        category=ServiceCategory.objects.get(code="bath")
    )
    clean = services.quote(
        person=w["mother"], item=w["clean"], provider=w["provider"], window_start=tomorrow_at(15)
    )
    assert [line.source for line in clean.lines] == ["self_pay"]
