"""LTC care plans and the month's settlement: a plan within the level's entitlement (above it
refused) generates home-care orders once; verified visits settle per provider at the fund's share
with the co-payment; a visit in dispute is held back; the fund's share is posted to the funds ledger
once and the ledger balances."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from carecircle.benefits.models import Fund, LedgerEntry, Programme
from carecircle.benefits.selectors import ledger_check
from carecircle.benefits.services import fund_appropriate
from carecircle.careathome import services
from carecircle.careathome.models.ltc import LtcPlanOrder
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.homecare import evv, services_dispatch, settlement
from carecircle.homecare.models import Order
from tests.careathome.ltc_table import TABLE, answers
from tests.careathome.test_ltc_process import RULES, _travel, assessors  # noqa: F401 — fixture
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, world  # noqa: F401 — fixture

CITY = "339900000000"
DISTRICT = "339901000000"


@pytest.fixture
def ltc_world(users, world, assessors):  # noqa: F811
    services.ltc_scale_load(actor=users["admin"], region_code=CITY, **copy.deepcopy(TABLE))
    services.ltc_rules_load(actor=users["admin"], region_code=CITY, **RULES)
    fund = Fund.objects.create(code="F_LTC", name="长期护理保险基金", region_code=DISTRICT)
    Programme.objects.create(
        code="LTC_CARE",
        name="长期护理保险待遇",
        fund=fund,
        region_code=DISTRICT,
        target_rule="true",
        payment_method="voucher",
        valid_from=datetime.date(2020, 1, 1),
    )
    fund_appropriate(actor=users["admin"], fund=fund, amount=Decimal("10000"), memo="测试拨款")
    services.ltc_entitlement_load(
        actor=users["admin"],
        region_code=CITY,
        source="测试用待遇标准（由测试填写）",
        ledger_programme="LTC_CARE",
        rows=[{"level": lv, "hours_per_month": 10 + 5 * lv, "fund_percent": 70} for lv in range(1, 6)],
    )
    mother = world["mother"]
    a = services.ltc_apply(
        actor=users["community"], person=mother, applicant_kind="family", applicant_name="张伟"
    )
    a = services.ltc_accept(actor=users["district"], assessment=a)
    services.ltc_record(actor=assessors["a"], assessment=a, answers=answers(40, 8, 6))
    a = services.ltc_record(actor=assessors["b"], assessment=a, answers=answers(40, 8, 6))
    with _travel(8):
        a = services.ltc_deliver(actor=users["district"], assessment=a)
    assert a.level == 3  # 25 hours a month in the test's table
    return {**world, "assessment": a}


def _plan(users, w, weekdays="135"):
    today = timezone.localdate()
    return services.ltc_plan_create(
        actor=users["community"],
        assessment=w["assessment"],
        provider=w["provider"],
        item=w["bath"],
        weekdays=weekdays,
        start_time=datetime.time(9, 0),
        valid_from=today,
        valid_to=today + datetime.timedelta(days=60),
    )


def _serve(w, order):
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"])
    services_dispatch.order_accept(actor=w["carer_user"], order=order)
    for kind, offset in (("in", 0), ("out", w["bath"].duration_minutes)):
        at = order.window_start + datetime.timedelta(minutes=offset)
        do = evv.visit_check_in if kind == "in" else evv.visit_check_out
        do(
            actor=w["carer_user"],
            order=order,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            at=at,
            now=at,
            idempotency_key=f"ltc-{order.pk}-{kind}",
        )


def test_a_plan_above_the_entitlement_is_refused(users, ltc_world):
    with pytest.raises(InvalidInput) as exc:
        _plan(users, ltc_world, weekdays="1234567")
    assert "超过重度失能Ⅰ级每月25小时的待遇" in str(exc.value.message) and exc.value.field == "weekdays"


def settled_month(users, w):
    """A plan's orders, two visits served in a closed month (the second under complaint), the
    month settled: (plan, orders, month, settlement). Also the pages' tests' world."""
    plan = _plan(users, w)
    until = timezone.localdate() + datetime.timedelta(days=7)
    made = services.ltc_plan_generate(actor=users["community"], plan=plan, until=until)
    assert made == LtcPlanOrder.objects.filter(plan=plan).count() >= 3
    assert services.ltc_plan_generate(actor=users["community"], plan=plan, until=until) == 0  # once
    links = list(LtcPlanOrder.objects.filter(plan=plan).select_related("order").order_by("day")[:2])
    orders = [link.order for link in links]
    # both visits on the same day of a closed month, so that the month is one
    first_start = orders[0].window_start
    for n, order in enumerate(orders):
        Order.objects.filter(pk=order.pk).update(window_start=first_start + datetime.timedelta(hours=2 * n))
        order.refresh_from_db()
    for order in orders:
        Order.objects.filter(pk=order.pk).update(
            window_end=F("window_start") + datetime.timedelta(minutes=90)
        )
    with _travel((orders[0].window_start.date() - timezone.localdate()).days):
        for order in orders:
            order.refresh_from_db()
            _serve(w, order)
        settlement.complaint_create(actor=w["son"], order=orders[1], text="护理员迟到")
    back = datetime.timedelta(days=45)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        window_start=F("window_start") - back, window_end=F("window_end") - back
    )
    month = (first_start - back).astimezone(timezone.get_current_timezone()).date().replace(day=1)
    with pytest.raises(Conflict):  # only a provider's region official settles... and only a closed month
        services.ltc_settle(actor=users["district"], provider=w["provider"], month=timezone.localdate())
    s = services.ltc_settle(actor=users["district"], provider=w["provider"], month=month)
    return plan, orders, month, s


def test_plan_orders_visits_settlement_and_ledger(users, ltc_world):
    w = ltc_world
    _plan_, orders, month, s = settled_month(users, w)
    price = orders[0].price
    assert (s.visits, s.held_count, s.held_amount) == (1, 1, orders[1].price)
    assert s.total == price and s.fund_amount == (price * Decimal("0.7")).quantize(Decimal("0.01"))
    assert s.own_amount == price - s.fund_amount
    entry = LedgerEntry.objects.get(key=f"spend:careathome:ltc:{w['provider'].pk}:{month:%Y-%m}")
    assert entry.kind == "spending"
    check = ledger_check()
    assert check.ok, check
    with pytest.raises(Conflict):  # money moves once
        services.ltc_settle(actor=users["district"], provider=w["provider"], month=month)
    assert services.ltc_settle_month(month=month) == []  # the provider is settled already
    assert LedgerEntry.objects.filter(key__startswith="spend:careathome:").count() == 1
