"""Assistive-device rental (Jiaxing 二(七)20, 二(八)24; Qujing 三(三)4; Hechuan 二(七)): a unit goes out,
bills two months with the subsidy, comes back, and must be cleaned before it goes out again."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.careathome import homes_reference, rentals_selectors
from carecircle.careathome import rentals_services as svc
from carecircle.careathome.models.homes import DeviceType, RentalBill, RentalContract, UnitCondition
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.careathome.homes_helpers import hold
from tests.conftest import COMMUNITY_A

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def unit(users):
    homes_reference.ensure()
    point = svc.point_create(actor=users["community"], name="桂花社区辅具租赁点", region_code=COMMUNITY_A)
    return svc.unit_add(
        actor=users["community"],
        point=point,
        device_type=DeviceType.objects.get(code="wheelchair"),
        serial="wc-0001",
    )


def _month(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def test_out_two_months_back_cleaned_before_next(users, make_person, unit):
    person = make_person(region_code=COMMUNITY_A, age=83)
    hold(person, "dibao")  # 低保 and 80+: the higher share
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
    contract = svc.rental_deliver(
        actor=users["community"], person=person, unit=unit, delivered_on=last_month, months=1
    )
    assert contract.subsidy_rate == Decimal("0.80") and contract.monthly_rent == Decimal("60.00")
    first = svc.rental_bill(actor=users["community"], contract=contract, month=_month(last_month))
    second = svc.rental_bill(actor=users["community"], contract=contract, month=_month(today))
    assert [(b.rent, b.subsidy, b.own_share) for b in (first, second)] == [
        (Decimal("60.00"), Decimal("48.00"), Decimal("12.00"))
    ] * 2
    with pytest.raises(Conflict, match="已出账"):
        svc.rental_bill(actor=users["community"], contract=contract, month=_month(today))
    assert RentalBill.objects.count() == 2
    # overdue (due a month after delivery) is visible to the point's manager
    assert list(rentals_selectors.overdue(user=users["community"], day=today)) == [contract]
    assert not rentals_selectors.overdue(user=users["community_b"], day=today).exists()
    svc.rental_return(actor=users["community"], contract=contract, returned_on=today)
    unit.refresh_from_db()
    assert unit.condition == UnitCondition.TO_CLEAN
    other = make_person(region_code=COMMUNITY_A, age=70)
    with pytest.raises(Conflict, match="尚未清洗消毒"):
        svc.rental_deliver(actor=users["community"], person=other, unit=unit, delivered_on=today, months=2)
    assert RentalContract.objects.count() == 1
    svc.unit_clean(actor=users["community"], unit=unit)
    again = svc.rental_deliver(
        actor=users["community"], person=other, unit=unit, delivered_on=today, months=2
    )
    assert again.subsidy_rate == Decimal("0.00")  # 70, no status: no subsidy
    point = rentals_selectors.points(user=users["community"]).get()
    assert (point.units_total, point.units_rented) == (1, 1)


def test_annual_cap_limits_the_subsidy(users, make_person, unit, monkeypatch):
    monkeypatch.setattr(homes_reference, "RENTAL_ANNUAL_CAP", Decimal("50.00"))
    person = make_person(region_code=COMMUNITY_A, age=85)
    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    contract = svc.rental_deliver(
        actor=users["community"], person=person, unit=unit, delivered_on=start, months=3
    )
    assert contract.subsidy_rate == Decimal("0.50")
    a = svc.rental_bill(actor=users["community"], contract=contract, month=_month(start))
    b = svc.rental_bill(actor=users["community"], contract=contract, month=_month(today))
    if start.year == today.year:
        assert (a.subsidy, b.subsidy, b.own_share) == (Decimal("30.00"), Decimal("20.00"), Decimal("40.00"))


def test_damaged_return_goes_to_repair_then_cleaning(users, make_person, unit):
    person = make_person(region_code=COMMUNITY_A, age=81)
    today = timezone.localdate()
    contract = svc.rental_deliver(
        actor=users["community"], person=person, unit=unit, delivered_on=today, months=1
    )
    svc.rental_return(actor=users["community"], contract=contract, returned_on=today, damaged=True)
    unit.refresh_from_db()
    assert unit.condition == UnitCondition.IN_REPAIR
    with pytest.raises(Conflict):
        svc.rental_deliver(actor=users["community"], person=person, unit=unit, delivered_on=today, months=1)
    svc.unit_repaired(actor=users["community"], unit=unit)
    unit.refresh_from_db()
    assert unit.condition == UnitCondition.TO_CLEAN
    with pytest.raises(Conflict):
        svc.rental_return(actor=users["community"], contract=contract, returned_on=today)


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-13", "YYYY-MM"), ("abc", "YYYY-MM"), ("2001-01", "不在租期内"), ("2099-01", "不在租期内")],
)
def test_bad_bill_months_refused(users, make_person, unit, month, message):
    person = make_person(region_code=COMMUNITY_A, age=81)
    contract = svc.rental_deliver(
        actor=users["community"], person=person, unit=unit, delivered_on=timezone.localdate(), months=1
    )
    with pytest.raises(InvalidInput, match=message) as err:
        svc.rental_bill(actor=users["community"], contract=contract, month=month)
    assert err.value.field == "month" and not RentalBill.objects.exists()


def test_bad_delivery_and_duplicate_serial(users, make_person, unit):
    person = make_person(region_code=COMMUNITY_A, age=81)
    with pytest.raises(InvalidInput, match="租期"):
        svc.rental_deliver(
            actor=users["community"], person=person, unit=unit, delivered_on=timezone.localdate(), months=0
        )
    with pytest.raises(InvalidInput, match="交付日期"):
        svc.rental_deliver(
            actor=users["community"],
            person=person,
            unit=unit,
            delivered_on=timezone.localdate() + datetime.timedelta(days=3),
            months=1,
        )
    with pytest.raises(InvalidInput, match="已登记") as err:
        svc.unit_add(
            actor=users["community"], point=unit.point, device_type=unit.device_type, serial="WC-0001"
        )
    assert err.value.field == "serial"
    unit.refresh_from_db()
    assert unit.condition == UnitCondition.READY


def test_scope_both_sides(users, make_person, unit):
    person = make_person(region_code=COMMUNITY_A, age=81)
    with pytest.raises((Forbidden, NotFound)):
        svc.rental_deliver(
            actor=users["community_b"], person=person, unit=unit, delivered_on=timezone.localdate(), months=1
        )
    with pytest.raises(NotFound):
        rentals_selectors.unit_get(user=users["community_b"], unit_id=unit.pk)
    assert rentals_selectors.unit_get(user=users["community"], unit_id=unit.pk) == unit
