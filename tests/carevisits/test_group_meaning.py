"""The care-visit rounds, lists and rates read the population groups of registry/groups.py (issue 16):
失能 is an older person (60+) whose newest valid assessment is GB/T 42195-2022 level 1 or worse;
孤儿 and 困境儿童 are children under 18 (Hangzhou 三(二)2); the home card's 月探访率 is the indicator
E12 特殊困难老年人月探访率 (Qujing 二(二)), not every plan of the rounds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carecircle.carevisits import plans, selectors, services
from carecircle.carevisits.home import cards
from carecircle.carevisits.models import VisitGroup, VisitPlan
from carecircle.core.vault import blind_index, mask_id_number
from carecircle.registry.models import Person, PersonStatus
from tests.assessment.factories import capability_on_file
from tests.carevisits.conftest import this_month, today
from tests.conftest import COMMUNITY_A, id_number

_seq = {"n": 0}


def person(age: int, *statuses: str, region_code: str = COMMUNITY_A) -> Person:
    """A person written directly (the registry's own age rule is not what these tests are about)."""
    _seq["n"] += 1
    birth = today().replace(year=today().year - age, day=min(today().day, 28)) - datetime.timedelta(days=10)
    number = id_number(birth, 700 + _seq["n"] * 2)
    p = Person.objects.create(
        name=f"对象{_seq['n']}",
        sex="F",
        birth_date=birth,
        id_number=number,
        id_hash=blind_index(number),
        id_masked=mask_id_number(number),
        region_code=region_code,
    )
    for kind in statuses:
        PersonStatus.objects.create(
            person=p, region_code=region_code, kind=kind, valid_from=datetime.date(2020, 1, 1), source="测试"
        )
    return p


def assess(p: Person, level: int, days_ago: int) -> None:
    start = today() - datetime.timedelta(days=days_ago)
    capability_on_file(
        p, level, assessed_on=start, valid_from=start, valid_to=today() + datetime.timedelta(days=300)
    )


def members(group: str) -> set[int]:
    return {pid for pid, _region in plans.group_members(group, "339901", today())}


def listed(users, group: str, population: str = "elder") -> set[int]:
    qs = selectors.vulnerable_people(user=users["district"], population=population, group=group, day=today())
    return set(qs.values_list("pk", flat=True))


def test_disabled_is_the_newest_assessment_of_an_older_person(users):
    """GB/T 42195-2022 as registry/groups.py reads it: the newest valid assessment decides (a person
    reassessed as 能力完好 is no longer 失能), and 失能老年人 are 60 or older."""
    mild = person(70)
    assess(mild, 1, days_ago=30)
    recovered = person(72)
    assess(recovered, 2, days_ago=60)
    assess(recovered, 0, days_ago=5)  # newer: 能力完好
    younger = person(50)
    assess(younger, 3, days_ago=30)
    assert members(VisitGroup.DISABLED) == {mild.pk}
    assert listed(users, VisitGroup.DISABLED) == {mild.pk}
    assert set(
        Person.objects.filter(selectors.group_q(VisitGroup.DISABLED, today())).values_list("pk", flat=True)
    ) == {mild.pk}


def test_the_disabled_rounds_plan_only_the_group(users):
    mild, recovered = person(70), person(75)
    assess(mild, 1, days_ago=60)  # the rounds read the month's first day: every assessment is older
    assess(recovered, 2, days_ago=90)
    assess(recovered, 0, days_ago=45)
    services.rule_set(actor=users["admin"], region_code="339900000000", group="disabled", frequency="monthly")
    y, m = this_month()
    services.plans_generate(actor=users["district"], region_code="339901000000", year=y, month=m)
    assert set(VisitPlan.objects.values_list("person_id", flat=True)) == {mild.pk}


@pytest.mark.parametrize("group", [VisitGroup.ORPHAN, VisitGroup.CHILD_IN_DIFFICULTY])
def test_children_groups_stop_at_18(users, group):
    """Hangzhou 三(二)2: 孤儿 and 困境儿童 are children (未满十八周岁); a 19-year-old still holding the
    status is not planned or listed as one."""
    child, adult = person(12, group), person(19, group)
    assert members(group) == {child.pk}
    assert listed(users, group, population="child") == {child.pk}
    services.rule_set(actor=users["admin"], region_code="339900000000", group=group, frequency="monthly")
    y, m = this_month()
    services.plans_generate(actor=users["district"], region_code="339901000000", year=y, month=m)
    assert set(VisitPlan.objects.values_list("person_id", flat=True)) == {child.pk}
    assert adult.pk not in members(group)


def _plan(p: Person, status: str) -> None:
    first = today().replace(day=1)
    VisitPlan.objects.create(
        person=p,
        region_code=p.region_code,
        period_start=first,
        period_end=first + datetime.timedelta(days=27),
        frequency="monthly",
        reasons="测试",
        status=status,
    )


def test_home_card_rate_is_e12(users):
    """The card's 月探访率 is 特殊困难老年人月探访率 as E12 computes it: an infant on the rounds as a
    left-behind child is not an older person, so 1 visited of 1 due is 100%, not 1 of 2."""
    elder, infant = person(70, "dibao"), person(1, "left_behind")
    _plan(elder, "done")
    _plan(infant, "planned")
    y, m = this_month()
    visited, due = selectors.visit_coverage(
        region_prefix="339901", year=y, month=m, group="special_difficulty"
    )
    assert (visited, due) == (1, 1)
    figures = dict(cards(users["district"])[0]["figures"])
    assert figures["月探访率"] == "100.0%"
    assert figures["应探访对象"] == 2  # every person on this month's rounds


def test_coverage_by_region_is_one_query_whatever_the_number_of_sub_regions(users):
    elder, other = person(70, "dibao"), person(71, "living_alone", region_code="339901002001")
    _plan(elder, "done")
    _plan(other, "planned")
    y, m = this_month()
    selectors.coverage_by_region(user=users["admin"], region_code="339901000000", year=y, month=m)  # warm
    counts = []
    # a district (2 streets), the city (2 districts), a district with 1 street, a street (2 communities)
    for code in ("339901000000", "339900000000", "339902000000", "339901001000"):
        with CaptureQueriesContext(connection) as ctx:
            rows = selectors.coverage_by_region(user=users["admin"], region_code=code, year=y, month=m)
        counts.append(len(ctx.captured_queries))
        assert rows[0]["is_total"] and rows[0]["code"] == code
    assert len(set(counts)) == 1, counts
    district = selectors.coverage_by_region(user=users["admin"], region_code="339901000000", year=y, month=m)
    by_code = {r["code"]: r for r in district}
    assert (by_code["339901001000"]["due"], by_code["339901001000"]["visited"]) == (1, 1)
    assert (by_code["339901002000"]["due"], by_code["339901002000"]["visited"]) == (1, 0)
    assert by_code["339901002000"]["rate"] == 0.0 and by_code["339901000000"]["rate"] == 50.0
    assert [r["code"] for r in district] == ["339901000000", "339901001000", "339901002000"]


@pytest.mark.parametrize("path", ["/carevisits/", "/carevisits/coverage/"])
@pytest.mark.parametrize("month", ["2026-13", "abc"])
def test_a_bad_month_is_refused_naming_the_month(users, client_for, path, month):
    response = client_for(users["district"]).get(f"{path}?month={month}")
    body = response.content.decode()
    assert response.status_code == 422 and "月份" in body and month in body  # the field and the value
