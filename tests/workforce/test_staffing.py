"""Certified 养老护理员 per assessed resident (issue 21, item 2), counted by hand: the rule is data a
city sets (a district overrides it), residents count by their assessed level (never assessed: not
counted), carers count while employed at the unit with a valid 养老护理员 certificate; a shortfall
is a breach with its first and last day; with no rule for a level the unit is named, not judged."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core.errors import InvalidInput, NotFound
from carecircle.facilities.services import beds_add, stay_admit
from carecircle.workforce import ratios, staffing
from carecircle.workforce.models import NursingRatioRule
from tests.planning.test_seed_targets import assess
from tests.workforce.test_compliance import op_admin, worker  # noqa: F401  (shared fixture)

CITY, DISTRICT_A = "339900000000", "339901000000"


@pytest.fixture
def home(users, make_facility, make_person, op_admin):  # noqa: F811
    first = timezone.localdate() - datetime.timedelta(days=9)
    unit = make_facility("nursing_public", beds_general=60, name="东湖颐养院")
    beds_add(actor=users["admin"], facility=unit, kind="general", count=10)
    # residents: 3 重度失能, 2 中度失能, 1 能力完好, 1 never assessed
    for k, level in enumerate([3, 3, 3, 2, 2, 0, None]):
        person = make_person(name=f"住养{k}")
        if level is not None:
            assess(person, level)  # valid from long ago to 300 days ahead
        stay_admit(actor=users["admin"], facility=unit, person=person, day=first)
    valid = datetime.date(2024, 1, 1)
    worker(op_admin, unit, "持证甲", "carer", certs=[("elder_care", 3, valid, None)])
    expires = first + datetime.timedelta(days=4)
    worker(op_admin, unit, "持证乙", "carer", certs=[("elder_care", 4, valid, expires)])
    worker(op_admin, unit, "无证丙", "carer")
    worker(op_admin, unit, "护士丁", "nurse")
    return {"unit": unit, "first": first, "last": first + datetime.timedelta(days=9)}


def _set(users, who, region, level, value):
    return staffing.nursing_rule_set(
        actor=users[who],
        region_code=region,
        care_level=level,
        residents_per_carer=value,
        source="测试市民政局关于养老机构护理员配备的通知",
    )


def test_no_rule_names_the_unit_and_levels(home):
    not_set: list[str] = []
    found = ratios.unit_breaches([home["unit"]], home["first"], home["last"], not_set)
    assert [b for b in found if b.kind == ratios.NURSING] == []
    assert not_set == [
        "东湖颐养院：尚未设定能力完好、中度失能、重度失能老人的护理员配比，"
        "请市或区民政部门在“护理员配比规则”页填写每名持证养老护理员可服务的老人数"
    ]


def test_breach_matches_a_count_by_hand(users, home):
    _set(users, "admin", CITY, 3, "3")
    _set(users, "admin", CITY, 2, "6")
    _set(users, "admin", CITY, 0, "15")
    _set(users, "district", DISTRICT_A, 2, "4")  # the district's own figure for 中度失能 wins
    assert staffing.rules_for(home["unit"].region_code) == {3: 3, 2: 4, 0: 15}
    # by hand: 3/3 + 2/4 + 1/15 = 1.57 -> 2 carers needed (the unassessed resident does not count);
    # certified carers: 甲 throughout, 乙 until her certificate ends on day 5 (丙 has none, 丁 is a nurse)
    not_set: list[str] = []
    found = [
        b
        for b in ratios.unit_breaches([home["unit"]], home["first"], home["last"], not_set)
        if b.kind == ratios.NURSING
    ]
    day6 = home["first"] + datetime.timedelta(days=5)
    assert [(b.start, b.end, b.have, b.need) for b in found] == [(day6, home["last"], 1, 2)]
    assert not_set == [] and found[0].unit_name == "东湖颐养院"


def test_rule_bad_input_and_scope(users):
    for value, text in [("0", "大于0"), ("abc", "须为数字"), ("51", "不超过50"), ("1.234", "两位小数")]:
        with pytest.raises(InvalidInput) as err:
            _set(users, "admin", CITY, 3, value)
        assert err.value.field == "residents_per_carer" and text in str(err.value.message)
    with pytest.raises(InvalidInput) as err:
        _set(users, "admin", CITY, 7, "3")
    assert err.value.field == "care_level"
    with pytest.raises(NotFound):  # another district's official
        _set(users, "district_b", DISTRICT_A, 3, "3")
    assert not NursingRatioRule.objects.exists()


def test_the_breaches_page_says_the_rule_is_not_set(client_for, users, home):
    page = client_for(users["district"]).get("/workforce/breaches/").content.decode()
    assert "护理员配比规则未设定" in page and "东湖颐养院" in page


def test_the_rule_page_from_both_sides(client_for, users):
    form = {
        "region_code": DISTRICT_A,
        "care_level": "3",
        "residents_per_carer": "3",
        "source": "区民政局通知",
    }
    assert client_for(users["district_b"]).post("/workforce/breaches/nursing-rules/", form).status_code == 404
    assert client_for(users["inspector"]).post("/workforce/breaches/nursing-rules/", form).status_code == 403
    r = client_for(users["district"]).post("/workforce/breaches/nursing-rules/", {**form, "source": ""})
    assert r.status_code == 422 and "请填写配比依据" in r.content.decode()
    r = client_for(users["district"]).post("/workforce/breaches/nursing-rules/", {})
    page = r.content.decode()
    assert r.status_code == 422 and "请选择适用区域" in page and "请选择能力等级" in page
    assert not NursingRatioRule.objects.exists()
    r = client_for(users["district"]).post("/workforce/breaches/nursing-rules/", form)
    assert r.status_code == 302
    rule = NursingRatioRule.objects.get()
    assert (rule.region_code, rule.care_level, rule.residents_per_carer) == (DISTRICT_A, 3, 3)
    page = client_for(users["inspector"]).get("/workforce/breaches/nursing-rules/").content.decode()
    assert "<td>东湖区</td><td>重度失能</td>" in page
    page = client_for(users["district_b"]).get("/workforce/breaches/nursing-rules/").content.decode()
    assert "区民政局通知" not in page
