"""The old-age allowance and the accident insurance mean what the seeds say (issue 16 item 1).

- Hechuan 二(十) "全面實施高齡津貼。全面實[現]80歲以上老年人享受高齡津貼全覆蓋": everyone aged 80 or more
  is covered by the allowance on its own, with no upper age, whatever other programme is installed.
- Jiaxing 二(八)25 "完善高龄补贴制度,百岁老人长寿保健金提高到每人每月600元": the centenarians' 长寿保健金 is the
  100+ step of the allowance system, so a centenarian is paid 600 a month once, not 600 on top of it.
- Hangzhou 三(一)9 "繼續為全市戶籍60歲及以上特困人員、低保和低邊家庭中的老年人、特殊困難老年人、優撫對象、失獨人員、
  80歲及以上老年人購買團體意外傷害統籌保險": only 户籍 residents, and among them these groups.
- Jiaxing 二(八)25 "继续为本市户籍60周岁及以上老年人购买意外伤害保险": every 户籍 resident aged 60 or more.
"""

import datetime
from decimal import Decimal

import pytest

from carecircle.benefits import defaults, engine, services
from carecircle.benefits.models import Payment, Programme
from carecircle.registry.services import status_add
from tests.benefits.conftest import CITY, born, month_of, month_start, today

STREET = "339901001000"


def eligibility(person, code, day=None):
    day = day or month_start()  # people's ages are built from the app's date
    return next((e for e in engine.person_eligibility(person, day) if e["programme_code"] == code), None)


def paid_in(users, code, month=None):
    services.payroll_run(
        actor=users["street"], month=month or month_of(month_start()), region_code=STREET, programme_code=code
    )
    return {p.person_id: p.amount for p in Payment.objects.filter(programme__code=code)}


def huji(users, person):
    status_add(
        actor=users["admin"],
        person=person,
        kind="huji",
        valid_from=datetime.date(1990, 1, 1),
        source="公安户籍系统",
    )


def test_allowance_covers_every_age_from_80_on_its_own(programmes, funded, make_person, users):
    """Hechuan 二(十) 80歲以上…全覆蓋: with the allowance the only programme in force, a 100-, a 104- and a
    110-year-old are paid by it; nobody aged 80 or more is left out."""
    Programme.objects.exclude(code="GAOLING").update(active=False)
    people = {age: make_person(birth=born(age, month_start(), 3)) for age in (80, 99, 100, 104, 110)}
    for age, person in people.items():
        e = eligibility(person, "GAOLING")
        assert e is not None and e["eligible"], (age, e)
    got = paid_in(users, "GAOLING")
    assert set(got) == {p.pk for p in people.values()}
    assert all(amount > 0 for amount in got.values())


@pytest.mark.parametrize(
    "age, amount",
    [
        (80, Decimal("50.00")),
        (89, Decimal("50.00")),
        (90, Decimal("100.00")),
        (99, Decimal("100.00")),
        (100, Decimal("600.00")),
        (107, Decimal("600.00")),
    ],
)
def test_centenarian_is_paid_600_once_not_twice(funded, make_person, users, age, amount):
    """Jiaxing 二(八)25: the 长寿保健金 of 600 a month is the allowance's step from 100, so the
    default programme set pays a centenarian 600 in all, through one programme."""
    person = make_person(birth=born(age, month_start(), 3))
    due = [
        e
        for e in engine.person_eligibility(person, month_start())
        if e["eligible"]
        and e["period"] == "monthly"
        and e["payment_method"] == "cash"
        and e["programme_code"] in ("GAOLING", "CENTENARIAN")
    ]
    assert sum(e["amount"] for e in due) == amount
    assert [e["programme_code"] for e in due] == ["GAOLING"]


def test_a_centenarian_programme_installed_earlier_is_retired_by_the_defaults(users):
    """A city that installed the earlier default set (高龄津贴 to 99 plus a separate 百岁 programme)
    gets the one allowance on reinstall; the old centenarian programme stops, so no one is paid twice."""
    from carecircle.benefits.models import Fund

    fund = Fund.objects.create(code="CITY_ELDER", name="市级财政养老服务专项资金", region_code=CITY)
    services.programme_save(
        actor=users["admin"],
        code="CENTENARIAN",
        name="百岁老人长寿保健金",
        fund=fund,
        region_code=CITY,
        target_rule="age >= 100",
        valid_from=datetime.date(2020, 1, 1),
        tiers=[{"label": "百岁及以上", "condition": "", "amount": "600"}],
    )
    defaults.install(actor=users["admin"], region_code=CITY, valid_from=datetime.date(2020, 1, 1))
    assert not Programme.objects.get(code="CENTENARIAN").active
    assert Programme.objects.get(code="GAOLING").target_rule == "age >= 80"


def test_insurance_requires_huji_hangzhou_groups(funded, make_person, users):
    """Hangzhou 三(一)9 全市戶籍60歲及以上…: a resident without 户籍 is not insured even when 80+ or 优抚;
    a 户籍 resident is insured when in one of the groups (80+, 优抚 here), not otherwise."""
    old_local, old_outsider = make_person(age=81), make_person(age=81)
    youfu_local, youfu_outsider, plain_local = make_person(age=65), make_person(age=65), make_person(age=65)
    for p in (youfu_local, youfu_outsider):
        status_add(
            actor=users["admin"],
            person=p,
            kind="youfu",
            valid_from=datetime.date(2020, 1, 1),
            source="退役军人事务局",
        )
    for p in (old_local, youfu_local, plain_local):
        huji(users, p)
    premium = Decimal("28.46")
    expected = {old_local.pk: premium, youfu_local.pk: premium}
    for p in (old_local, old_outsider, youfu_local, youfu_outsider, plain_local):
        assert eligibility(p, "ACCIDENT_INSURANCE")["amount"] == expected.get(p.pk, Decimal("0")), p.name
    assert paid_in(users, "ACCIDENT_INSURANCE") == expected


def test_insurance_jiaxing_variant_covers_every_huji_resident_from_60(users, make_person):
    """Jiaxing 二(八)25 本市户籍60周岁及以上老年人: installed with the Jiaxing variant, the insurance covers
    every 户籍 resident aged 60 or more (no group needed), and nobody without 户籍 or under 60."""
    defaults.install(
        actor=users["admin"], region_code=CITY, valid_from=datetime.date(2020, 1, 1), city="jiaxing"
    )
    insurance = Programme.objects.get(code="ACCIDENT_INSURANCE")
    assert "Jiaxing" in insurance.basis and "户籍60周岁及以上" in insurance.basis
    # a month back: the one a day short of 60 then is 60 by the app's date, so the registry takes them
    day = today() - datetime.timedelta(days=30)
    local60, local59, outsider = (
        make_person(birth=born(60, day)),
        make_person(birth=born(60, day, -1)),
        make_person(age=70),
    )
    for p in (local60, local59):
        huji(users, p)
    assert eligibility(local60, "ACCIDENT_INSURANCE", day)["eligible"]
    assert not eligibility(local59, "ACCIDENT_INSURANCE", day)["eligible"]
    assert not eligibility(outsider, "ACCIDENT_INSURANCE", day)["eligible"]


def test_an_unknown_city_variant_is_refused(users):
    from carecircle.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        defaults.install(actor=users["admin"], region_code=CITY, city="nowhere")
    assert exc.value.field == "city"


def test_insurance_names_the_special_difficulty_group_as_every_module_does(funded, make_person, users):
    """Hangzhou 三(一)9 names 特殊困難老年人 among the insured: the rule reads the platform's one
    definition of that group (registry/groups.py), so a 户籍 65-year-old living alone or empty-nest
    is insured, and one in no group is not."""
    from carecircle.benefits.group_rules import group_condition

    insurance = Programme.objects.get(code="ACCIDENT_INSURANCE")
    assert group_condition("special_difficulty") in insurance.target_rule
    alone, empty_nest, neither = make_person(age=65), make_person(age=65), make_person(age=65)
    for p, kind in ((alone, "living_alone"), (empty_nest, "empty_nest")):
        status_add(
            actor=users["admin"], person=p, kind=kind, valid_from=datetime.date(2020, 1, 1), source="社区摸底"
        )
    for p in (alone, empty_nest, neither):
        huji(users, p)
    premium = Decimal("28.46")
    assert paid_in(users, "ACCIDENT_INSURANCE") == {alone.pk: premium, empty_nest.pk: premium}
    assert eligibility(neither, "ACCIDENT_INSURANCE")["amount"] == Decimal("0")


def test_group_condition_follows_the_definition():
    from carecircle.benefits.group_rules import group_condition
    from carecircle.registry.selectors import population_group

    text = group_condition("special_difficulty")
    group = population_group("special_difficulty")
    assert text.startswith(f"age >= {group.min_age} && (")
    for criterion in group.any_of:
        for kind in criterion.statuses:
            assert f'"{kind}" in statuses' in text
        if criterion.min_level is not None:
            assert f"capability_level >= {criterion.min_level}" in text
        if criterion.min_age is not None:
            assert f"age >= {criterion.min_age}" in text
    assert group_condition("child_in_difficulty").startswith("age < 18 && (")
