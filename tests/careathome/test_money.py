"""Money of care at home through the funds ledger, once (issue 22, items 3 and 5): the family bed's
monthly subsidy and the rental subsidy posted by the monthly task once per bed/contract and month;
a rerun posts nothing new; two months post two; a bed ended or a rental returned is not billed after
its end; a fund short of money refuses that posting only, and the next run posts it; the ledger
balances."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.benefits import services as benefits
from carecircle.benefits.models import Fund, LedgerEntry
from carecircle.benefits.selectors import ledger_check
from carecircle.careathome import beds_reference, beds_services, homes_reference, money_services
from carecircle.careathome import rentals_services as rentals
from carecircle.careathome.models.homes import DeviceType, RentalBill
from carecircle.careathome.models.money import BedSubsidy
from carecircle.careathome.money_tasks import subsidies_monthly
from carecircle.core.errors import Conflict
from carecircle.core.models import AuditEvent
from carecircle.core.months import add_months
from tests.careathome.beds_helpers import CITY, disabled_person, provider
from tests.careathome.homes_helpers import hold
from tests.conftest import COMMUNITY_A

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _fund(code: str, amount: str = "100000.00") -> None:
    fund = Fund.objects.get(code=code)
    benefits.fund_appropriate(
        actor=None, fund=fund, amount=Decimal(amount), memo="测试拨款", key=f"t:{code}:{amount}"
    )


@pytest.fixture
def money(users):
    beds_reference.ensure_programme(region_code=CITY)
    homes_reference.ensure()
    homes_reference.ensure_rental_programme(region_code=CITY)
    _fund(beds_reference.FUND_CODE)
    _fund(homes_reference.RENTAL_FUND_CODE)
    return provider(users)


def _months_back(n: int) -> datetime.date:
    """The first day of the month `n` months before this one."""
    return add_months(timezone.localdate().replace(day=1), -n)


def _bed(users, make_person, prov, starts_on):
    person = disabled_person(make_person, COMMUNITY_A)
    return beds_services.bed_contract(
        actor=users["community"],
        person=person,
        provider=prov,
        visit_every_days=7,
        assessment_note="入户评估：需床边护栏",
        starts_on=starts_on,
    )


def _rental(users, make_person, delivered_on, serial="WC-9001"):
    point = rentals.point_create(actor=users["community"], name="桂花社区辅具租赁点", region_code=COMMUNITY_A)
    unit = rentals.unit_add(
        actor=users["community"],
        point=point,
        device_type=DeviceType.objects.get(code="wheelchair"),
        serial=serial,
    )
    person = make_person(region_code=COMMUNITY_A, age=83)
    hold(person, "dibao")  # 低保 and 80+: 80 % of 60 yuan
    return rentals.rental_deliver(
        actor=users["community"], person=person, unit=unit, delivered_on=delivered_on, months=6
    )


def _spent(prefix: str) -> int:
    return LedgerEntry.objects.filter(key__startswith=f"spend:{prefix}").count()


def test_bed_and_rental_post_once_and_a_rerun_posts_nothing(users, make_person, money):
    last = _months_back(1)
    bed = _bed(users, make_person, money, last.replace(day=5))
    contract = _rental(users, make_person, last.replace(day=3))
    done = money_services.post_month(month=last)
    assert (done.beds, done.bed_amount, done.bills, done.rentals, done.rental_amount) == (
        1,
        Decimal("600.00"),
        1,
        1,
        Decimal("48.00"),
    )
    assert done.refused == []
    row = BedSubsidy.objects.get()
    assert (row.bed_id, row.month, row.amount) == (bed.pk, last, Decimal("600.00"))
    bill = RentalBill.objects.get(contract=contract)
    assert bill.ledger_reference == f"rental:{contract.pk}:{last:%Y-%m}" and bill.posted_at is not None
    assert _spent("family_bed:") == 1 and _spent("rental:") == 1
    # the rerun (and the task for the same closed month) posts nothing new
    again = money_services.post_month(month=last)
    assert (again.beds, again.bills, again.rentals) == (0, 0, 0)
    assert subsidies_monthly() == 0
    assert BedSubsidy.objects.count() == 1 and RentalBill.objects.count() == 1
    assert _spent("family_bed:") == 1 and _spent("rental:") == 1
    assert AuditEvent.objects.filter(action="family_bed.subsidy").count() == 1
    assert AuditEvent.objects.filter(action="rental.subsidy", username="careathome").count() == 1
    check = ledger_check()
    assert check.ok, check


def test_two_months_post_two_and_the_open_month_is_refused(users, make_person, money):
    two, one = _months_back(2), _months_back(1)
    bed = _bed(users, make_person, money, two.replace(day=20))
    contract = _rental(users, make_person, two.replace(day=10))
    money_services.post_month(month=two)
    money_services.post_month(month=one)
    assert sorted(BedSubsidy.objects.filter(bed=bed).values_list("month", flat=True)) == [two, one]
    assert sorted(contract.bills.values_list("month", flat=True)) == [f"{two:%Y-%m}", f"{one:%Y-%m}"]
    assert _spent("family_bed:") == 2 and _spent("rental:") == 2
    fund = Fund.objects.get(code=beds_reference.FUND_CODE)
    assert LedgerEntry.objects.filter(fund=fund, kind=LedgerEntry.Kind.SPENDING).count() == 2
    with pytest.raises(Conflict, match="尚未结束"):
        money_services.post_month(month=timezone.localdate())
    assert ledger_check().ok


def test_an_ended_bed_and_a_returned_rental_are_not_billed_after_their_end(users, make_person, money):
    two, one = _months_back(2), _months_back(1)
    bed = _bed(users, make_person, money, two.replace(day=1))
    contract = _rental(users, make_person, two.replace(day=2))
    rentals.rental_return(actor=users["community"], contract=contract, returned_on=two.replace(day=25))
    beds_services.bed_end(actor=users["community"], bed=bed, reason="老人入住养老机构")
    bed.refresh_from_db()
    bed.ended_on = two.replace(day=28)  # ended in the month before last
    bed.save(update_fields=["ended_on"])
    assert money_services.post_month(month=two).beds == 1
    later = money_services.post_month(month=one)
    assert (later.beds, later.bills, later.rentals) == (0, 0, 0)
    assert list(BedSubsidy.objects.values_list("month", flat=True)) == [two]
    assert list(contract.bills.values_list("month", flat=True)) == [f"{two:%Y-%m}"]
    assert ledger_check().ok


def test_a_short_fund_refuses_that_posting_only_and_the_next_run_posts_it(users, make_person):
    beds_reference.ensure_programme(region_code=CITY)
    homes_reference.ensure()
    homes_reference.ensure_rental_programme(region_code=CITY)
    _fund(homes_reference.RENTAL_FUND_CODE)  # the rental fund has money, the bed fund none
    prov = provider(users)
    last = _months_back(1)
    _bed(users, make_person, prov, last.replace(day=2))
    _rental(users, make_person, last.replace(day=2))
    done = money_services.post_month(month=last)
    assert done.beds == 0 and done.rentals == 1 and len(done.refused) == 1
    assert "资金不足" in done.refused[0]
    assert not BedSubsidy.objects.exists() and _spent("family_bed:") == 0
    _fund(beds_reference.FUND_CODE)
    assert money_services.post_month(month=last).beds == 1
    assert _spent("family_bed:") == 1 and ledger_check().ok


def test_a_bill_staff_made_is_posted_by_the_task_once(users, make_person, money):
    last = _months_back(1)
    contract = _rental(users, make_person, last.replace(day=8))
    rentals.rental_bill(actor=users["community"], contract=contract, month=f"{last:%Y-%m}")
    done = money_services.post_month(month=last)
    assert (done.bills, done.rentals) == (0, 1)
    assert money_services.post_month(month=last).rentals == 0
    assert _spent("rental:") == 1 and ledger_check().ok


def test_the_demo_budgets_the_funds_and_posts_the_closed_month_once(users, make_person):
    import io
    import random

    from carecircle.careathome import money_demo
    from carecircle.core.demo import City
    from carecircle.core.models import Region

    beds_reference.ensure_programme(region_code=CITY)
    homes_reference.ensure()
    prov = provider(users)
    _bed(users, make_person, prov, _months_back(1).replace(day=3))
    city = City(seed=1, scale=0.001, today=timezone.localdate(), rng=random.Random(1), out=io.StringIO())
    city.city = Region.objects.get(code=CITY)
    money_demo.generate(city)
    money_demo.generate(city)  # a second run: budgets once (their keys), nothing posted again
    assert "补贴入账：家庭养老床位 1 张共 600.00 元" in city.out.getvalue()
    assert "家庭养老床位 0 张" in city.out.getvalue()
    assert _spent("family_bed:") == 1 and ledger_check().ok


def test_the_monthly_task_is_registered_and_posts_the_month_before_its_slot(users, make_person, money):
    from carecircle.core.tasks import periodic_tasks

    assert "careathome.subsidies_monthly" in periodic_tasks()
    two = _months_back(2)
    _bed(users, make_person, money, two.replace(day=4))
    slot = timezone.make_aware(datetime.datetime.combine(_months_back(1), datetime.time(3, 40)))
    assert subsidies_monthly(due=slot) == 1  # the slot of the 1st posts the month before it
    assert list(BedSubsidy.objects.values_list("month", flat=True)) == [two]
    assert subsidies_monthly(due=slot) == 0 and _spent("family_bed:") == 1


def test_a_family_bed_programme_paid_in_kind_before_becomes_a_voucher_one(users):
    import importlib

    from django.apps import apps

    from carecircle.benefits.models import Programme

    beds_reference.ensure_programme(region_code=CITY)
    Programme.objects.filter(code="family_bed").update(payment_method="in_kind")  # as set up before
    step = importlib.import_module("carecircle.careathome.migrations.0005_money")
    step.family_bed_paid_where_used(apps, None)
    assert Programme.objects.get(code="family_bed").payment_method == "voucher"  # the payroll pays no bed
