"""Indicators that mean what the seeds mean (issue 16): who E12 counts, what E01 and C10 count,
and Qujing's “新增” targets as increases over a base year, not as published gaps."""

import datetime

import pytest

from carecircle.core.vault import blind_index, mask_id_number
from carecircle.planning import defaults as seed
from carecircle.planning.indicators import compute
from carecircle.planning.models import Indicator
from carecircle.registry.models import Person, PersonStatus
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, id_number
from tests.planning.conftest import needs, today

DISTRICT, STREET = "339901000000", "339901001000"


def values(codes, regions_, day=None):
    day = day or today()
    inds = list(Indicator.objects.filter(code__in=codes))
    out = compute(inds, regions_, day)
    return {c: {r: out[c][r].value for r in regions_} for c in codes}


def hold(person: Person, *kinds: str) -> None:
    for kind in kinds:
        PersonStatus.objects.create(
            person=person,
            region_code=person.region_code,
            kind=kind,
            valid_from=today() - datetime.timedelta(days=400),
            source="测试",
        )


def child_aged_10(region_code: str = COMMUNITY_A) -> Person:
    """A 10-year-old in difficulty, left behind (written directly: registering children of any
    age is the registry's part of issue 16)."""
    birth = today().replace(year=today().year - 10, day=min(today().day, 28)) - datetime.timedelta(days=10)
    number = id_number(birth, 901)
    child = Person.objects.create(
        name="困境儿童甲",
        sex="M",
        birth_date=birth,
        id_number=number,
        id_hash=blind_index(number),
        id_masked=mask_id_number(number),
        region_code=region_code,
    )
    hold(child, "child_in_difficulty", "left_behind")
    return child


def plan(person: Person, status: str) -> None:
    from carecircle.carevisits.models import VisitPlan

    first = today().replace(day=1)
    VisitPlan.objects.create(
        person=person,
        region_code=person.region_code,
        period_start=first,
        period_end=first + datetime.timedelta(days=27),
        frequency="monthly",
        reasons="测试",
        status=status,
    )


def test_e12_counts_only_special_difficulty_elders(defaults, make_person, users):
    """Qujing 二(二): 特殊困难老年人月探访率. Infants on the rounds as left-behind children and
    children in difficulty are not older people: the rate is 1 visited of 1 due, not 1 of 3."""
    needs("carevisits")
    elder = make_person(COMMUNITY_A, age=70)
    hold(elder, "dibao")
    infant = make_person(COMMUNITY_A, age=1)
    hold(infant, "left_behind")
    plan(elder, "done")
    plan(infant, "planned")
    plan(child_aged_10(), "planned")
    out = compute(list(Indicator.objects.filter(code="E12")), [DISTRICT], today())["E12"][DISTRICT]
    assert (out.numerator, out.denominator) == (1, 1)
    assert out.value == pytest.approx(100.0)
    # the care-visit coverage page, titled 特殊困难老年人月探访率, gives the same rate (its plan
    # counts still count every plan of the rounds)
    from carecircle.carevisits.selectors import coverage_by_region

    row = coverage_by_region(
        user=users["district"], region_code=DISTRICT, year=today().year, month=today().month
    )[0]
    assert (row["visited"], row["due"], row["rate"], row["plans"]) == (1, 1, 100.0, 3)


def test_e01_counts_dementia_beds_as_nursing_type_and_leaves_street_centres_out(defaults, facility):
    """E01 养老机构护理型床位占比 (Hangzhou 二(二) table row 1; Qujing, Jiaxing): nursing-type beds
    include beds for the cognitively impaired; a street centre's short-stay beds are not beds of
    an institution."""
    facility("nursing_public", COMMUNITY_A, beds_general=10, beds_nursing=30, beds_cognitive=4)
    facility("dementia_unit", COMMUNITY_A2, beds_cognitive=6)
    facility("street_centre", COMMUNITY_A, beds_general=20)
    v = values(["E01"], [DISTRICT, STREET])
    assert v["E01"][DISTRICT] == pytest.approx((30 + 4 + 6) / (44 + 6) * 100)


def test_c10_counts_every_kind_of_childcare_institution(defaults, facility):
    """C10 托育机构备案数 (Hangzhou 二(二) childcare table row 10): childcare centres and embedded,
    community or employer-run childcare are all 托育机构; a kindergarten's 托班 and a growth station
    are not filed as 托育机构."""
    facility("childcare_centre", COMMUNITY_A, childcare_places=20)
    facility("embedded_childcare", COMMUNITY_A2, childcare_places=15)
    facility("kindergarten_class", COMMUNITY_A, childcare_places=10)
    facility("growth_station", COMMUNITY_A)
    assert values(["C10"], [DISTRICT])["C10"][DISTRICT] == 2


def test_qujing_new_beds_and_places_are_increases_not_gaps(defaults, facility):
    """Qujing 二(二): 新增养老床位20000张、新增托位24700个 are increases over the 2020 base, shown
    as a computed increase against the target, not as published gaps beside computed gaps."""
    from carecircle.planning import increases

    assert all(g["region"] != seed.QUJING for g in seed.PUBLISHED_GAPS)
    codes = {t.code: t for t in seed.INCREASE_TARGETS}
    assert (codes["QJ-BEDS"].target, codes["QJ-PLACES"].target) == (20000, 24700)
    assert codes["QJ-BEDS"].base_day == datetime.date(2020, 12, 31)

    facility("nursing_public", COMMUNITY_A, beds_general=100, filed_on=datetime.date(2019, 5, 1))
    facility("nursing_private", COMMUNITY_A2, beds_nursing=50, filed_on=datetime.date(2024, 5, 1))
    facility("childcare_centre", COMMUNITY_A, childcare_places=30, filed_on=datetime.date(2023, 1, 1))
    here = seed.IncreaseTarget(
        "T-BEDS", DISTRICT, "东湖区", "养老床位", "beds_total", seed.QJ_BASE, 2025, 120, "新增120张", "测试"
    )
    p = increases.progress(here, DISTRICT, today())
    assert (p.base_stock, p.stock, p.increase, p.remaining, p.met) == (100, 150, 50, 70, False)
    inside = increases.progress(
        here, STREET, today()
    )  # a street of the city: its increase, the target is the city's
    assert inside.applies and inside.increase == 50 and inside.remaining is None
    assert increases.progress(codes["QJ-BEDS"], DISTRICT, today()).applies is False


def test_projection_page_shows_new_targets_as_increases(defaults, client_for, users):
    r = client_for(users["district"]).get(f"/planning/region/{DISTRICT}/projection/")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-increase="QJ-BEDS"' in body and "新增养老床位20000张以上" in body
    assert "24700" not in body.split("已公布的缺口")[1]


def test_a_child_in_difficulty_is_counted_in_no_elder_indicator(defaults, make_person):
    """A 10-year-old in difficulty is planned for visits and counted as 困境儿童, never in an
    indicator of older people."""
    elder = make_person(COMMUNITY_A, age=70)
    hold(elder, "tekun")
    elder_inds = list(Indicator.objects.filter(domain="elder").exclude(numerator=""))
    before = compute(elder_inds, [DISTRICT, STREET], today())
    child = child_aged_10()
    if needs_visits():
        plan(child, "planned")
    after = compute(elder_inds, [DISTRICT, STREET], today())
    for ind in elder_inds:
        for code in (DISTRICT, STREET):
            b, a = before[ind.code][code], after[ind.code][code]
            assert (a.value, a.numerator, a.denominator) == (b.value, b.numerator, b.denominator), ind.code
    from carecircle.registry.selectors import population

    assert child in population(code="child_in_difficulty", day=today())
    assert child not in population(code="special_difficulty", day=today())


def needs_visits() -> bool:
    from carecircle.planning.computations import module_selectors

    return module_selectors("carevisits") is not None


def test_hangzhou_tables_are_cited_where_they_are():
    """Hangzhou's two tables (养老服务主要指标, 托育服务主要指标) stand in 二、发展目标 (二)具体目标, and
    “提高护理型床位占比” in 三(一)6; the defaults cited them as 一(三) and 二(一)6."""
    assert "二(二)“养老服务主要指标”表" in seed.HZ_ELDER and "二(二)“托育服务主要指标”表" in seed.HZ_CHILD
    e01 = next(row for row in seed.INDICATORS if row[0] == "E01")
    assert "三(一)6" in e01[10] and "一(三)" not in seed.HZ_ELDER + seed.HZ_CHILD
