"""The seeds' targets computed live (issue 16 item 3): each indicator counted on a small city built
by hand, and its value equal to the count done by hand in the comment above the assertion."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.planning import defaults as seed
from carecircle.planning.indicators import compute
from carecircle.planning.models import Indicator
from carecircle.registry.models import Person, PersonStatus
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B
from tests.planning.conftest import needs, today

CITY, DISTRICT, DISTRICT_B, STREET = "339900000000", "339901000000", "339902000000", "339901001000"


def long_ago() -> datetime.date:
    return today() - datetime.timedelta(days=400)


def figures(code: str, region: str, day: datetime.date | None = None):
    day = day or today()
    out = compute(list(Indicator.objects.filter(code=code)), [region], day)[code][region]
    return out.numerator, out.denominator, out.value


def hold(person: Person, kind: str, since: datetime.date | None = None) -> None:
    since = since or long_ago()
    PersonStatus.objects.create(
        person=person, region_code=person.region_code, kind=kind, valid_from=since, source="测试"
    )


def assess(person: Person, level: int) -> None:

    from tests.assessment.factories import capability_on_file

    capability_on_file(
        person,
        level,
        assessed_on=long_ago(),
        valid_from=long_ago(),
        valid_to=today() + datetime.timedelta(days=300),
    )


def test_dementia_care_and_elder_university_per_county(defaults, facility):
    """Jiaxing 二(三)8: every county at least one dementia-care institution; Qujing 二(二): 老年大学
    县级全覆盖. By hand: 东湖区 has a dementia-care unit and an elder university only pending
    filing; 西山区 has an elder university. So 1 of 2 counties each."""
    from carecircle.facilities.models import FilingStatus

    facility("dementia_unit", COMMUNITY_A, beds_cognitive=20)
    facility("elder_university", COMMUNITY_A, status=FilingStatus.PENDING)
    facility("elder_university", COMMUNITY_B)
    facility("nursing_public", COMMUNITY_B, beds_cognitive=10)  # cognitive beds, but not a dementia-care unit
    assert figures("E19", CITY) == (1, 2, pytest.approx(50.0))
    assert figures("E20", CITY) == (1, 2, pytest.approx(50.0))
    assert Indicator.objects.get(code="E19").lowest_level == 2  # a county figure: the city and above


def test_caregiver_shares_from_certificates(defaults, city):
    """Hangzhou 二(二) 养老表第11行 (高级、技师级护理员比例) and Yizhou 三(三) (岗位培训率). By hand, in
    文新街道: 甲 holds 三级 and a training certificate; 乙 四级; 丙 一级 expired and a training
    certificate; 丁 left last year with 二级. Employed 3; 三级 and up valid 1; trained 2."""
    needs("workforce")
    from carecircle.workforce.models import Caregiver, Certificate

    def carer(name, left=None):
        return Caregiver.objects.create(
            organisation_id=1, region_code=COMMUNITY_A, name=name, employed_from=long_ago(), employed_to=left
        )

    def cert(cg, kind, level=None, valid_to=None):
        Certificate.objects.create(
            caregiver=cg,
            region_code=COMMUNITY_A,
            kind=kind,
            level=level,
            valid_from=long_ago(),
            valid_to=valid_to,
        )

    a, b, c, d = (
        carer("甲"),
        carer("乙"),
        carer("丙"),
        carer("丁", left=today() - datetime.timedelta(days=30)),
    )
    cert(a, "elder_care", 3)
    cert(a, "training")
    cert(b, "elder_care", 2)
    cert(c, "elder_care", 5, valid_to=today() - datetime.timedelta(days=1))
    cert(c, "training")
    cert(d, "elder_care", 4)
    assert figures("E11", STREET) == (1, 3, pytest.approx(100 / 3))
    assert figures("E21", STREET) == (2, 3, pytest.approx(200 / 3))


def test_disabled_tekun_in_institutional_care(defaults, make_person, facility):
    """Qujing 二(二): 失能特困人员集中供养率. By hand: 甲 特困, 中度失能, lives in a nursing home;
    乙 特困, 轻度失能, on a short stay in a street centre (not 集中供养); 丙 特困, 重度失能, left the
    home yesterday; 丁 特困 but not assessed (not 失能) in the home; 戊 低保, 失能, in the home.
    The 失能特困 are 甲乙丙: 1 of 3 in care."""
    needs("assessment")
    from carecircle.facilities.models import Bed, Stay

    home = facility("nursing_public", COMMUNITY_A, beds_nursing=10)
    centre = facility("street_centre", COMMUNITY_A2, beds_general=5)

    def stay(person, where, n, left=None):
        bed = Bed.objects.create(facility=where, region_code=where.region_code, code=f"B{n}", kind="nursing")
        Stay.objects.create(
            facility=where,
            bed=bed,
            person=person,
            region_code=where.region_code,
            admitted_on=long_ago(),
            discharged_on=left,
        )

    people = [make_person(COMMUNITY_A, age=70 + n) for n in range(5)]
    for p, status, level in zip(people, ["tekun"] * 4 + ["dibao"], [2, 1, 3, None, 2], strict=True):
        hold(p, status)
        if level is not None:
            assess(p, level)
    stay(people[0], home, 1)
    stay(people[1], centre, 2)
    stay(people[2], home, 3, left=today() - datetime.timedelta(days=1))
    stay(people[3], home, 4)
    stay(people[4], home, 5)
    assert figures("E22", STREET) == (1, 3, pytest.approx(100 / 3))


def test_smart_devices_of_people_living_alone(defaults, make_person):
    """Jiaxing 一: 独居空巢老年人家庭智能设备应配尽配. By hand: 甲 独居 with a device in use; 乙 空巢
    whose device is out of use; 丙 with a device but neither alone nor in an empty nest; 丁 独居
    without a device. 1 of 3 (甲乙丁)."""
    needs("alarms")
    from carecircle.alarms.models import Device

    a, b, c, d = (make_person(COMMUNITY_A, age=70 + n) for n in range(4))
    hold(a, "living_alone")
    hold(b, "empty_nest")
    hold(d, "living_alone")
    for n, (person, active) in enumerate([(a, True), (b, False), (c, True)]):
        Device.objects.create(
            person=person,
            region_code=person.region_code,
            kind="sos",
            serial=f"SN{n}",
            token_hash=f"{n:064d}",
            active=active,
        )
    assert figures("E23", STREET) == (1, 3, pytest.approx(100 / 3))


def test_satisfaction_from_homecare_ratings(defaults, users, make_person):
    """Yizhou 三(三): 老年人对养老服务的满意率达到80%以上. By hand: in 东湖区 four ratings, 5 4 3 1
    stars: 2 of 4 satisfied (4–5); 西山区's 5-star rating is not 东湖区's."""
    needs("homecare")
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import Order, Rating, ServiceCategory, ServiceItem
    from carecircle.homecare.services import provider_create

    catalogue_sync(ServiceCategory, ServiceItem)
    provider = provider_create(
        actor=users["admin"],
        name="安康居家养老服务中心",
        licence_no="91330100MA0000001X",
        region_code=CITY,
        areas=[CITY],
        latitude=30.29,
        longitude=120.12,
    )
    item = ServiceItem.objects.get(code="clean.home")
    start = timezone.now() - datetime.timedelta(days=3)
    for n, (region, score) in enumerate(
        [(COMMUNITY_A, 5), (COMMUNITY_A, 4), (COMMUNITY_A2, 3), (COMMUNITY_A, 1), (COMMUNITY_B, 5)]
    ):
        person = make_person(region, age=70 + n)
        order = Order.objects.create(
            region_code=region,
            person=person,
            item=item,
            provider=provider,
            window_start=start,
            window_end=start + datetime.timedelta(hours=1),
            channel="self",
            price=Decimal("40"),
            idempotency_key=f"rate-{n}",
        )
        Rating.objects.create(order=order, region_code=region, provider=provider, score=score)
    assert figures("E24", DISTRICT) == (2, 4, pytest.approx(50.0))
    assert figures("E24", DISTRICT_B) == (1, 1, pytest.approx(100.0))


def test_stunting_from_growth_checks(defaults, make_person):
    """Hangzhou 二(二) 托育表第9行: 5岁以下儿童生长迟缓率 < 1%. By hand: 甲 was below −2 half a year ago
    but −1.0 at the newest check (not stunted); 乙 −2.3 (stunted); 丙 −2.8 but checked over a year
    ago (not measured); 丁 −1.9. Measured 甲乙丁, stunted 乙: 1 of 3."""
    needs("assessment")
    from carecircle.assessment.models import ChildCheck

    def check(person, days_ago, z):
        day = today() - datetime.timedelta(days=days_ago)
        ChildCheck.objects.create(
            person=person,
            region_code=person.region_code,
            kind="growth",
            checked_on=day,
            age_months=12,
            examiner_name="医生",
            data={"lhfa_z": z},
            result="测试",
        )

    a, b, c, d = (make_person(COMMUNITY_A, age=n % 2 + 1) for n in range(4))
    check(a, 200, "-2.5")
    check(a, 20, "-1.0")
    check(b, 30, "-2.3")
    check(c, 400, "-2.8")
    check(d, 10, "-1.9")
    assert figures("C09", STREET) == (1, 3, pytest.approx(100 / 3))
    assert Indicator.objects.get(code="C09").direction == "down"


def test_the_seeds_targets_are_data_with_their_citations():
    targets = {(t[0], t[1], t[2]): (t[3], t[4], t[6]) for t in seed.TARGETS}
    assert targets[("E19", seed.JIAXING, 2025)] == (">=", 100, "Jiaxing 二(三)8")
    assert targets[("E20", seed.QUJING, 2025)] == (">=", 100, seed.QJ)
    assert targets[("E21", seed.YIZHOU, 2022)] == (">=", 100, "Yizhou 三(三)")
    assert targets[("E22", seed.QUJING, 2025)] == (">=", 60, seed.QJ)
    assert targets[("E23", seed.JIAXING, 2025)] == (">=", 100, seed.JX)
    assert targets[("E24", seed.YIZHOU, 2022)] == (">=", 80, "Yizhou 三(三)")
    assert targets[("E25", seed.JIAXING, 2022)] == (">=", 55, "Jiaxing 三(二)")
    assert targets[("E25", seed.QUJING, 2025)] == (">=", 60, seed.QJ)
    # the 15-minute circle: Jiaxing and Hechuan name a year and no percentage
    assert targets[("E13", seed.JIAXING, 2025)][1] is None
    assert targets[("E13", seed.HECHUAN, 2027)] == ("up", None, "Hechuan 一")


def test_every_figure_entered_by_hand_names_its_office(defaults, users):
    """A target the platform cannot count from its own records is entered by hand: the indicators
    page names the office that holds the figure (福彩公益金: the funds ledger holds only the
    programmes the platform pays, not the lottery fund and its uses)."""
    from carecircle.planning.selectors import _formula

    manual = [i for i in Indicator.objects.all() if not i.computed]
    assert manual
    assert {i.code for i in manual} == set(seed.MANUAL_OFFICES)
    assert _formula(Indicator.objects.get(code="E25")) == "人工填报（来源：民政部门（福彩中心）、财政部门）"
    assert _formula(Indicator.objects.get(code="E11")) == (
        "持有该等级及以上养老护理员职业技能等级证书的在岗护理员数（三级/高级工） ÷ 在岗护理员数 × 100"
    )


def test_infant_fifteen_minute_circle_reads_the_newest_infant_run(defaults, city):
    """Hechuan 一: 2027年基本建成……城15分钟婴幼儿服务(圈). By hand: in 桂花社区 the older infant run of
    托育机构 found 4 of 10 infants within 15 minutes, the newer one 6 of 10; an elder run of the same
    day (9 of 10) is another indicator's. C13 = 6 of 10."""
    from carecircle.planning.models import CoverageArea, CoverageRun, RoadNetwork

    net = RoadNetwork.objects.create(
        name="测试路网", region_code=CITY, source="测试", file_name="x.npz", node_count=1, edge_count=0
    )
    for group, kind, days_ago, covered in (
        ("infant", "childcare", 30, 4),
        ("infant", "childcare", 2, 6),
        ("elder", "childcare", 2, 9),
    ):
        run = CoverageRun.objects.create(
            network=net,
            region_code=CITY,
            kind=kind,
            group=group,
            day=today() - datetime.timedelta(days=days_ago),
            population=10,
            covered=covered,
        )
        CoverageArea.objects.create(run=run, region_code=COMMUNITY_A, population=10, covered=covered)
    assert figures("C13", COMMUNITY_A) == (6, 10, pytest.approx(60.0))
    targets = {(t[0], t[1], t[2]): (t[3], t[4], t[6]) for t in seed.TARGETS}
    assert targets[("C13", seed.HECHUAN, 2027)] == ("up", None, "Hechuan 一")
