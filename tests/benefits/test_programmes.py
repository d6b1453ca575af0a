"""Each default programme's tiers and edges, checked per person (with reasons) and by the
set-based payroll (the same rules compiled to SQL), which must agree."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from carecircle.benefits import engine, services
from carecircle.benefits.models import Payment
from carecircle.benefits.types import Entitlement, PaymentMethod, Period
from carecircle.core.vault import shown_age_range
from carecircle.registry.services import status_add
from tests.benefits.conftest import born, month_of, month_start, today

STREET = "339901001000"


def entitlement(person, code, day=None):
    day = day or month_start()  # people's ages and statuses are built from the app's date
    return next(e for e in engine.person_eligibility(person, day) if e["programme_code"] == code)


def paid(users, person, code, month=None):
    month = month or month_of(month_start())
    services.payroll_run(actor=users["street"], month=month, region_code=STREET, programme_code=code)
    return sum(
        (
            p.amount
            for p in Payment.objects.filter(
                person=person,
                programme__code=code,
                period=engine.period_key(p_of(code), engine.month_start(month)),
            )
        ),
        Decimal("0"),
    )


def p_of(code):
    from carecircle.benefits.models import Programme

    return Programme.objects.get(code=code)


@pytest.mark.parametrize(
    "age, days, gaoling",
    [
        (79, 364, Decimal("0")),  # 79 and 364 days on the 1st: not yet
        (80, 0, Decimal("50.00")),  # 80th birthday on the 1st: this month
        (89, 364, Decimal("50.00")),
        (90, 0, Decimal("100.00")),
        (99, 364, Decimal("100.00")),
        (100, 0, Decimal("600.00")),  # Jiaxing 二(八)25: 600 yuan a month from 100, the allowance's own step
        (104, 10, Decimal("600.00")),
    ],
)
def test_age_edges(funded, make_person, users, age, days, gaoling):
    person = make_person(birth=born(age, month_start(), days))
    e = entitlement(person, "GAOLING")
    assert e["amount"] == gaoling and e["eligible"] == (gaoling > 0), e
    assert paid(users, person, "GAOLING") == gaoling


def test_birthday_mid_month_starts_next_month(funded, make_person, users):
    person = make_person(birth=born(80, month_start() + datetime.timedelta(days=14)))
    assert not entitlement(person, "GAOLING")["eligible"]
    assert entitlement(person, "GAOLING", month_start(1))["amount"] == Decimal("50.00")
    assert paid(users, person, "GAOLING") == 0
    assert paid(users, person, "GAOLING", month_of(month_start(1))) == Decimal("50.00")


def test_status_start_and_end_mid_month(funded, make_person, users):
    from carecircle.benefits.selectors import entitled_amounts
    from carecircle.registry.models import Person

    starts = make_person(age=70)
    ends = make_person(age=70)
    status_add(
        actor=users["admin"],
        person=starts,
        kind="dibao",
        valid_from=month_start() + datetime.timedelta(days=14),
        source="民政救助系统",
    )
    status_add(
        actor=users["admin"],
        person=ends,
        kind="tekun",
        valid_from=datetime.date(2024, 1, 1),
        valid_to=month_start() + datetime.timedelta(days=14),
        source="民政救助系统",
    )
    assert not entitlement(starts, "CARE_SUBSIDY")["eligible"]
    assert entitlement(ends, "CARE_SUBSIDY")["amount"] == Decimal("300.00")
    dec = month_start(1)
    assert entitlement(starts, "CARE_SUBSIDY", dec)["amount"] == Decimal("200.00")
    assert not entitlement(ends, "CARE_SUBSIDY", dec)["eligible"]
    # the same rule in SQL (a voucher programme is drawn where its vouchers are used, not by the payroll)
    both = Person.objects.filter(pk__in=[starts.pk, ends.pk])
    assert entitled_amounts(programme_code="CARE_SUBSIDY", persons=both, day=month_start()) == {
        ends.pk: Decimal("300.00")
    }
    assert entitled_amounts(programme_code="CARE_SUBSIDY", persons=both, day=dec) == {
        starts.pk: Decimal("200.00")
    }


def test_nursing_subsidy_tiers_by_capability_level(funded, make_person, users, monkeypatch):
    from carecircle.benefits import facts as facts_mod
    from tests.benefits.test_property import _fake_assessment

    people = [make_person(age=75) for _ in range(5)]
    for p in people:
        status_add(
            actor=users["admin"], person=p, kind="dibao", valid_from=datetime.date(2025, 1, 1), source="民政"
        )
    levels = {people[0].pk: None, people[1].pk: 1, people[2].pk: 2, people[3].pk: 3, people[4].pk: 4}
    monkeypatch.setattr(facts_mod, "_assessment", lambda: _fake_assessment(levels))
    expected = [Decimal("0"), Decimal("0"), Decimal("200.00"), Decimal("300.00"), Decimal("400.00")]
    for p, amount in zip(people, expected, strict=True):
        assert entitlement(p, "NURSING_SUBSIDY")["amount"] == amount
    services.payroll_run(
        actor=users["street"],
        month=month_of(month_start()),
        region_code=STREET,
        programme_code="NURSING_SUBSIDY",
    )
    got = {x.person_id: x.amount for x in Payment.objects.filter(programme__code="NURSING_SUBSIDY")}
    assert [got.get(p.pk, Decimal("0")) for p in people] == expected


def test_insurance_groups_and_yearly_once(funded, make_person, users):
    young_poor = make_person(age=65)
    status_add(
        actor=users["admin"],
        person=young_poor,
        kind="youfu",
        valid_from=datetime.date(2020, 1, 1),
        source="退役军人事务局",
    )
    young = make_person(age=65)
    old = make_person(age=81)
    for p in (young_poor, young, old):  # Hangzhou 三(一)9: 全市户籍 (tests/benefits/test_seed_allowance.py)
        status_add(
            actor=users["admin"], person=p, kind="huji", valid_from=datetime.date(1990, 1, 1), source="公安"
        )
    for p, amount in ((young_poor, Decimal("28.46")), (young, Decimal("0")), (old, Decimal("28.46"))):
        assert entitlement(p, "ACCIDENT_INSURANCE")["amount"] == amount
    first = month_start(-1 if month_start().month == 12 else 0)  # two months of one year
    for month in (first, month_start(0 if month_start().month == 12 else 1)):
        services.payroll_run(
            actor=users["street"],
            month=month_of(month),
            region_code=STREET,
            programme_code="ACCIDENT_INSURANCE",
        )
    lines = Payment.objects.filter(programme__code="ACCIDENT_INSURANCE")
    assert sorted(lines.values_list("person_id", flat=True)) == sorted([young_poor.pk, old.pk])
    assert set(lines.values_list("period", flat=True)) == {str(first.year)}
    assert all(x.kind == "regular" for x in lines)


def test_childcare_voucher_is_an_entitlement_not_a_payroll_line(funded, make_person, users):
    """The voucher programme says who is entitled to a voucher and its face value; the fund pays it
    when the voucher is used (tests/benefits/test_seed_vouchers.py), never through the payroll."""
    day = today()  # the infant is registered, so born by the app's date, never after it
    infant = make_person(birth=day - datetime.timedelta(days=200))
    e = entitlement(infant, "CHILDCARE_VOUCHER", day)
    assert e["payment_method"] == "voucher" and e["amount"] == Decimal("500.00") and e["period"] == "once"
    for month in (month_of(day.replace(day=1) - datetime.timedelta(days=1)), month_of(day)):
        services.payroll_run(actor=users["street"], month=month, region_code=STREET)
    assert not Payment.objects.filter(person=infant).exists()


def test_reasons_name_conditions_and_sources(funded, make_person, users):
    person = make_person(age=70)
    status_add(
        actor=users["admin"],
        person=person,
        kind="dibao",
        valid_from=datetime.date(2025, 1, 1),
        source="民政救助系统",
    )
    e = entitlement(person, "CARE_SUBSIDY")
    assert e["eligible"] and e["tier"] == "低保"
    assert any(t["condition"] == '"dibao" in statuses' and t["result"] for t in e["trace"])
    assert "民政救助系统" in e["facts"]["statuses"]["source"]
    no = entitlement(person, "GAOLING")
    assert not no["eligible"] and no["reasons"] == ["不符合对象条件"]
    age = shown_age_range(person.birth_date, month_start())  # what a masked view may say (core/vault.py)
    assert no["trace"][0] == {
        "condition": "age >= 80",
        "result": False,
        "facts": {"age": age},
        "part": "对象条件",
    }
    assert no["facts"]["age"]["source"].startswith("出生年月")


def test_entitlements_for_contract(funded, make_person, users):
    from carecircle.benefits.selectors import entitlements_for

    person = make_person(age=101)
    status_add(
        actor=users["admin"], person=person, kind="huji", valid_from=datetime.date(1990, 1, 1), source="公安"
    )
    rows = entitlements_for(person=person, day=month_start())
    codes = {r.programme_code: r for r in rows}
    assert set(codes) == {"GAOLING", "ACCIDENT_INSURANCE"}
    assert codes["GAOLING"] == Entitlement(
        programme_code="GAOLING",
        name="高龄津贴",
        amount=Decimal("600.00"),
        period=Period.MONTHLY,
        payment_method=PaymentMethod.CASH,
    )
    assert codes["ACCIDENT_INSURANCE"].payment_method is PaymentMethod.IN_KIND
    assert not codes["GAOLING"].pays_services and codes["ACCIDENT_INSURANCE"].pays_services
    with pytest.raises(dataclasses.FrozenInstanceError):
        codes["GAOLING"].amount = Decimal("1")  # a contract, not a record to edit


def test_period_bounds():
    """The period an entitlement's balance is counted over: a calendar month, a calendar year, or all time."""
    day = datetime.date(2025, 2, 14)
    assert Period.MONTHLY.bounds(day) == (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
    assert Period.MONTHLY.bounds(datetime.date(2024, 12, 31)) == (
        datetime.date(2024, 12, 1),
        datetime.date(2024, 12, 31),
    )
    assert Period.YEARLY.bounds(day) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert Period.ONCE.bounds(day) == (datetime.date.min, datetime.date.max)


def test_summed_tiers_with_a_cap_agree_per_person_and_in_sql(funded, make_person, users):
    from carecircle.benefits.models import Fund

    services.programme_save(
        actor=users["admin"],
        code="TOPUP",
        name="困难高龄叠加补贴",
        fund=Fund.objects.get(code="CITY_ELDER"),
        region_code="339900000000",
        target_rule="age >= 60",
        tier_mode="sum",
        cap="250",
        tiers=[
            {"label": "基础", "condition": "", "amount": "50"},
            {"label": "高龄", "condition": "age >= 80", "amount": "100"},
            {"label": "低保", "condition": '"dibao" in statuses', "amount": "150"},
        ],
        valid_from=datetime.date(2020, 1, 1),
    )
    young, old, old_poor = (make_person(birth=born(a, month_start(), 3)) for a in (70, 85, 85))
    status_add(
        actor=users["admin"],
        person=old_poor,
        kind="dibao",
        valid_from=datetime.date(2025, 1, 1),
        source="民政",
    )
    expected = {
        young.pk: Decimal("50.00"),
        old.pk: Decimal("150.00"),
        old_poor.pk: Decimal("250.00"),
    }  # 300 capped
    for p in (young, old, old_poor):
        e = entitlement(p, "TOPUP")
        assert e["amount"] == expected[p.pk], e
    assert "封顶" in entitlement(old_poor, "TOPUP")["tier"]
    services.payroll_run(
        actor=users["street"], month=month_of(month_start()), region_code=STREET, programme_code="TOPUP"
    )
    assert {x.person_id: x.amount for x in Payment.objects.filter(programme__code="TOPUP")} == expected


def test_lookback_turns_a_late_recorded_death_into_recoveries(funded, make_person, users):
    person = make_person(birth=born(85, month_start(), 3))
    before, last = month_of(month_start(-2)), month_of(month_start(-1))
    for month in (before, last):
        services.payroll_run(actor=users["street"], month=month, region_code=STREET, programme_code="GAOLING")
    status_add(
        actor=users["admin"],
        person=person,
        kind="deceased",
        valid_from=month_start(-3) + datetime.timedelta(days=19),
        source="殡葬系统",
    )
    (batch,) = services.payroll_run(
        actor=users["street"],
        month=month_of(month_start()),
        region_code=STREET,
        programme_code="GAOLING",
        lookback=2,
    )
    assert sorted(batch.payments.values_list("period", "kind", "amount")) == [
        (before, "recovery", Decimal("-50.00")),
        (last, "recovery", Decimal("-50.00")),
    ]
