"""The synthetic city's allowances: the default programmes, a year's budget in each fund, last
month's payroll (approved by a second person, most of it paid), this month's payroll waiting for
review, bank accounts for the first district's payees, and a few appeals."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from carecircle.benefits import defaults, engine, services
from carecircle.benefits.models import Batch, PayeeAccount, Payment, PaymentMethod, Programme
from carecircle.core.ages import age_on
from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.core.vault import encrypt
from carecircle.registry.models import Person, PersonStatus

ORDER = 35  # after the people (10) and assessments (20); homecare (50) reads entitlements
BANKS = ["中国农业银行", "中国工商银行", "中国建设银行", "浙江农商银行", "中国邮政储蓄银行"]


def generate(city: City) -> None:
    rng = city.rng_for("benefits")
    admin = User.objects.filter(username="admin").first()
    district_user = User.objects.filter(username="district").first()
    community_user = User.objects.filter(username="community").first()
    this_month = engine.month_of(city.today)
    last_month = engine.add_months(this_month, -1)
    with transaction.atomic():
        defaults.install(
            actor=None, region_code=city.city.code, valid_from=datetime.date(city.today.year - 1, 1, 1)
        )

    last = services.payroll_run(actor=None, month=last_month)
    # A year's budget for each fund: twelve times last month's payroll, plus a reserve.
    per_fund: dict[int, Decimal] = {}
    for b in last:
        per_fund[b.programme.fund_id] = per_fund.get(b.programme.fund_id, Decimal("0")) + b.total_payable
    for fund_id, amount in _voucher_month(engine.month_start(last_month)).items():
        per_fund[fund_id] = per_fund.get(fund_id, Decimal("0")) + amount
    for p in Programme.objects.select_related("fund"):
        amount = (per_fund.get(p.fund_id, Decimal("0")) * 12 * Decimal("1.2")).quantize(Decimal("1")) + 100000
        services.fund_appropriate(
            actor=admin,
            fund=p.fund,
            amount=amount,
            month=f"{city.today.year}-01",
            memo=f"{city.today.year}年度预算",
            key=f"demo:budget:{p.fund_id}",
        )
    for b in last:
        services.payroll_approve(actor=admin, batch_id=b.pk, note="核对无误")
        if b.programme.code in ("GAOLING", "ACCIDENT_INSURANCE"):
            services.payroll_mark_paid(actor=admin, batch_id=b.pk)

    district = city.districts[0]
    _payee_accounts(rng, district.code)
    pending = (
        services.payroll_run(actor=district_user, month=this_month, region_code=district.code)
        if district_user
        else []
    )
    pending += services.payroll_run(actor=None, month=this_month)
    appeals = (
        _appeals(city, community_user, district_user, last_month) if community_user and district_user else 0
    )
    paid = (
        Batch.objects.filter(state=Batch.State.PAID).aggregate(s=Sum("total_payable"))["s"] or Decimal("0")
    ).quantize(Decimal("0.01"))
    city.facts["benefit_batches"] = Batch.objects.count()
    city.say(
        f"  津贴：{Programme.objects.count()} 个项目；{last_month} 发放 {len(last)} 批（已发放 {paid} 元），"
        f"{this_month} 待审核 {len(pending)} 批，{Payment.objects.count():,} 笔明细，申诉 {appeals} 件"
    )


def _voucher_month(day: datetime.date) -> dict[int, Decimal]:
    """Per fund, a month of what the voucher programmes entitle people to (a one-off voucher: all
    of it). The payroll pays no voucher programme: their money is drawn when the vouchers are used
    (childcare redemptions, homecare statements), so the budget reserves it here."""
    out: dict[int, Decimal] = {}
    for p in Programme.objects.filter(active=True, payment_method=PaymentMethod.VOUCHER).prefetch_related(
        "tiers"
    ):
        if not engine.in_force(p, day):
            continue
        compiled = engine.Compiled(p, day)
        due = (
            compiled.annotate(Person.objects.filter(compiled.target_q)).aggregate(
                s=Sum(compiled.due_cents(with_appeals=False, targeted=True))
            )["s"]
            or 0
        )
        out[p.fund_id] = out.get(p.fund_id, Decimal("0")) + (Decimal(due) / 100).quantize(Decimal("0.01"))
    return out


def _payee_accounts(rng, district_code: str) -> None:
    prefix = district_code[:6]
    ids = (
        Payment.objects.filter(region_code__startswith=prefix, programme__payment_method="cash")
        .values_list("person_id", flat=True)
        .distinct()
    )
    rows = []
    for pid, region in Person.objects.filter(pk__in=ids).values_list("id", "region_code"):
        if rng.random() < 0.1:
            continue  # some have no account on file: the bank file says so
        number = "62" + "".join(str(rng.randrange(10)) for _ in range(17))
        rows.append(
            PayeeAccount(
                person_id=pid,
                region_code=region,
                bank=rng.choice(BANKS),
                account_number=encrypt(number),
                account_masked=f"{number[:4]}****{number[-4:]}",
            )
        )
    PayeeAccount.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def _appeals(city: City, community_user, district_user, last_month: str) -> int:
    community = city.communities[0].code
    day = engine.month_start(last_month)
    people = list(Person.objects.filter(region_code=community).order_by("id")[:400])
    gaoling = Programme.objects.get(code="GAOLING")
    care = Programme.objects.get(code="CARE_SUBSIDY")
    poor = set(
        PersonStatus.objects.filter(person__in=people, kind__in=["dibao", "tekun", "dibao_edge"]).values_list(
            "person_id", flat=True
        )
    )
    near_80 = [p for p in people if age_on(p.birth_date, day) == 79]
    elders = [p for p in people if age_on(p.birth_date, day) >= 65 and p.pk not in poor]
    made = 0
    if near_80:
        services.appeal_file(
            actor=community_user,
            person=near_80[0],
            programme=gaoling,
            month=last_month,
            reason="户籍出生日期登记有误，老人实际已满80周岁，申请补发高龄津贴",
        )
        made += 1
    if len(elders) >= 2:
        granted = services.appeal_file(
            actor=community_user,
            person=elders[0],
            programme=care,
            month=last_month,
            reason="家庭突发重大变故，经济困难，低保正在审批中",
        )
        services.appeal_decide(
            actor=district_user,
            appeal_id=granted.pk,
            grant=True,
            amount="100",
            reason="经入户核实，参照低保边缘标准自上月起发放",
        )
        refused = services.appeal_file(
            actor=community_user,
            person=elders[1],
            programme=care,
            month=last_month,
            reason="希望享受养老服务补贴",
        )
        services.appeal_decide(
            actor=district_user,
            appeal_id=refused.pk,
            grant=False,
            reason="家庭人均收入高于低保边缘标准，不符合条件",
        )
        made += 2
    return made
