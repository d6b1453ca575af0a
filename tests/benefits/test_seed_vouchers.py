"""A childcare voucher is charged to its fund once, when it is used (issue 16 item 1).

Hechuan 三(二) "鼓勵[向]3歲以下嬰幼兒家庭發放托育服務體驗券": the family receives a voucher, and the money goes
to the filed childcare facility where the voucher is used. So the programme's fund pays the face
value of each voucher redeemed, once, and nothing for a voucher never used; the monthly payroll,
which pays cash and premiums, writes no line for a voucher programme (it used to commit the
voucher's amount for every child under 3 as well, with no link to the vouchers).
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from carecircle.benefits import services
from carecircle.benefits.models import Account, Batch, Fund, LedgerLine, Payment
from carecircle.childcare import services as childcare
from carecircle.childcare.models import Voucher
from carecircle.core.errors import Conflict, InvalidInput
from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)

STREET = "339901001000"
DISTRICT = "339901000000"


def outflow(fund: Fund) -> Decimal:
    """What left the fund's available balance: the appropriations less what is still available."""
    lines = LedgerLine.objects.filter(fund=fund)
    appropriated = -(lines.filter(account=Account.APPROPRIATION).aggregate(s=Sum("amount"))["s"] or 0)
    available = lines.filter(account=Account.AVAILABLE).aggregate(s=Sum("amount"))["s"] or 0
    return Decimal(appropriated - available).quantize(Decimal("0.01"))


def pay_the_month(users, month: str) -> None:
    """The month's payroll of every programme, approved by a second person and paid."""
    for batch in services.payroll_run(actor=users["street"], month=month, region_code=STREET):
        services.payroll_approve(actor=users["district"], batch_id=batch.pk)
        services.payroll_mark_paid(actor=users["district"], batch_id=batch.pk)


def test_a_voucher_is_charged_once_when_used_and_never_by_the_payroll(
    funded,
    users,
    make_person,
    make_facility,  # noqa: F811
):
    today = timezone.localdate()
    used_by = make_person(birth=today - datetime.timedelta(days=200))
    unused_by = make_person(birth=today - datetime.timedelta(days=400))
    nursery = make_facility("childcare_centre", childcare_places=30, childcare_places_puhui=20)
    fund = Fund.objects.get(code="CHILDCARE")
    issued = childcare.voucher_issue(
        actor=users["district"],
        region_code=DISTRICT,
        batch="体验券第一批",
        programme_code="CHILDCARE_VOUCHER",
        valid_to=today + datetime.timedelta(days=90),
    )
    assert issued == 2 and outflow(fund) == 0  # issuing pays nobody yet
    voucher = Voucher.objects.get(child=used_by)
    childcare.voucher_redeem(actor=users["admin"], code=voucher.code, facility=nursery)
    pay_the_month(users, f"{today:%Y-%m}")
    # one child used one voucher of 500: the fund paid 500, not 500 per child under 3 on top of it
    assert outflow(fund) == Decimal("500.00")
    assert not Payment.objects.filter(person__in=[used_by, unused_by]).exists()
    spent = LedgerLine.objects.get(fund=fund, account=Account.DISBURSED)
    assert (
        spent.entry.key == f"spend:childcare:voucher:{voucher.code}"
        and spent.programme.code == "CHILDCARE_VOUCHER"
    )
    assert spent.region_code == used_by.region_code and spent.month == f"{today:%Y-%m}"
    # the voucher programme has no payroll of its own
    with pytest.raises(InvalidInput) as exc:
        services.payroll_run(
            actor=users["street"],
            month=f"{today:%Y-%m}",
            region_code=STREET,
            programme_code="CHILDCARE_VOUCHER",
        )
    assert exc.value.field == "programme" and "服务券" in str(exc.value.message)
    assert not Batch.objects.filter(programme__code="CHILDCARE_VOUCHER").exists()


def test_redeeming_is_refused_when_the_fund_is_short(programmes, users, make_person, make_facility):  # noqa: F811
    today = timezone.localdate()
    child = make_person(birth=today - datetime.timedelta(days=200))
    nursery = make_facility("childcare_centre", childcare_places=30, childcare_places_puhui=20)
    fund = Fund.objects.get(code="CHILDCARE")
    services.fund_appropriate(actor=users["admin"], fund=fund, amount="300", key="t:short")
    childcare.voucher_issue(
        actor=users["district"],
        region_code=DISTRICT,
        batch="体验券",
        programme_code="CHILDCARE_VOUCHER",
        valid_to=today + datetime.timedelta(days=30),
    )
    voucher = Voucher.objects.get(child=child)
    with pytest.raises(Conflict) as exc:
        childcare.voucher_redeem(actor=users["admin"], code=voucher.code, facility=nursery)
    assert "资金不足" in str(exc.value.message)
    voucher.refresh_from_db()
    assert voucher.redeemed_at is None and outflow(fund) == 0


def test_a_voucher_of_no_programme_stays_outside_the_ledger(programmes, users, make_person, make_facility):  # noqa: F811
    """A batch issued at a face value of its own (no programme) names no fund: redeeming it posts nothing."""
    today = timezone.localdate()
    child = make_person(birth=today - datetime.timedelta(days=200))
    nursery = make_facility("childcare_centre", childcare_places=30, childcare_places_puhui=20)
    childcare.voucher_issue(
        actor=users["district"],
        region_code=DISTRICT,
        batch="街道自筹券",
        amount="200",
        valid_to=today + datetime.timedelta(days=30),
    )
    voucher = Voucher.objects.get(child=child)
    assert voucher.programme_code == ""
    childcare.voucher_redeem(actor=users["admin"], code=voucher.code, facility=nursery)
    assert not LedgerLine.objects.filter(account=Account.DISBURSED).exists()


def test_the_demo_budget_covers_the_vouchers_it_redeems(db):
    """The demo's childcare fund is budgeted from the voucher programme's entitlements (the payroll
    no longer commits them), so every demo voucher redeemed is charged to it, once."""
    import random

    from carecircle.benefits import demo as benefits_demo
    from carecircle.childcare import demo as childcare_demo
    from carecircle.core.demo import City
    from carecircle.core.management.commands import generate as gen
    from carecircle.facilities import demo as facilities_demo
    from carecircle.registry import demo as registry_demo

    class Quiet:
        def write(self, text: str) -> None:
            pass

        def flush(self) -> None:
            pass

    city = City(seed=7, scale=0.0001, today=timezone.localdate(), rng=random.Random(7), out=Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    for step in (registry_demo, facilities_demo, benefits_demo, childcare_demo):
        step.generate(city)
    redeemed = Voucher.objects.filter(redeemed_at__isnull=False, programme_code="CHILDCARE_VOUCHER")
    assert redeemed.exists()
    spent = LedgerLine.objects.filter(account=Account.DISBURSED, programme__code="CHILDCARE_VOUCHER")
    assert spent.count() == redeemed.count()
    assert spent.aggregate(s=Sum("amount"))["s"] == redeemed.aggregate(s=Sum("amount"))["s"]


def test_the_payroll_run_form_offers_no_voucher_programme(funded, users, client_for):
    """The run form lists what a batch may pay: cash and premiums, never a voucher programme (the
    run would refuse it: its money is charged where each voucher is used)."""
    from carecircle.benefits import selectors

    visible = {p.code for p in selectors.programme_list(user=users["street"])}
    assert {"GAOLING", "CARE_SUBSIDY", "CHILDCARE_VOUCHER"} <= visible
    page = client_for(users["street"]).get("/benefits/").content.decode()
    assert 'value="GAOLING"' in page
    assert 'value="CARE_SUBSIDY"' not in page and 'value="CHILDCARE_VOUCHER"' not in page


def test_a_second_batch_of_a_one_off_programme_issues_no_second_voucher(funded, users, make_person):
    """托育服务体验券 is 每名婴幼儿一次: a second batch of the same programme gives nobody a second
    voucher (the batch check alone let every child draw the fund again)."""
    today = timezone.localdate()
    child = make_person(birth=today - datetime.timedelta(days=200))
    valid_to = today + datetime.timedelta(days=90)
    first = childcare.voucher_issue(
        actor=users["district"],
        region_code=DISTRICT,
        batch="第一批",
        programme_code="CHILDCARE_VOUCHER",
        valid_to=valid_to,
    )
    again = childcare.voucher_issue(
        actor=users["district"],
        region_code=DISTRICT,
        batch="第二批",
        programme_code="CHILDCARE_VOUCHER",
        valid_to=valid_to,
    )
    assert first >= 1 and again == 0
    assert Voucher.objects.filter(child=child).count() == 1
