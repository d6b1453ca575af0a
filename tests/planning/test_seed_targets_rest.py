"""The rest of the seeds' quantified targets as data (issue 16 item 3): every target keeps the seed's
own words (each piece between “……” stands in the seed's text), fits the database, is unique per
indicator, region and year, and reaches the indicator table; the one computed from records
(Qujing 三(五)2, 养老护理人员持证上岗率) matches a count done by hand."""

import datetime

import pytest

from carecircle.planning import defaults as seed
from carecircle.planning.models import Indicator, IndicatorTarget
from tests import seeds
from tests.conftest import COMMUNITY_A
from tests.planning.conftest import needs, today
from tests.planning.test_seed_targets import STREET, figures, long_ago

needs_seeds = pytest.mark.skipif(not seeds.AVAILABLE, reason=f"the seeds' text is not at {seeds.SEEDS_DIR}")


def _added_by_this_item(code: str) -> bool:
    """E26–E67 and C14–C27: the targets that were absent until issue 16 item 3's second pass."""
    return (code[0] == "E" and int(code[1:]) >= 26) or (code[0] == "C" and int(code[1:]) >= 14)


@needs_seeds
def test_every_target_quotes_its_seed() -> None:
    """A target's wording is the seed's (Hangzhou 二(一): 爭取創建“全國示范性老年友好型社區”50個), in the
    seed's script, not a paraphrase; “……” marks a cut. (The older rows quote Hangzhou's table cells,
    "65", ">80", which the seed's text does not hold as words.)"""
    bad = []
    checked = 0
    for code, _region, year, _op, _value, text, source in seed.TARGETS:
        if not _added_by_this_item(code):
            continue
        checked += 1
        said = seeds.text(seeds.citations(source)[0].seed)
        bad += [
            f"{code} {year}: {piece!r}"
            for piece in text.removesuffix(" (sic)").split("……")
            if piece not in said
        ]
    assert checked >= 50
    assert not bad, "\n".join(bad)


def test_targets_fit_and_are_unique_per_year() -> None:
    keys = [(t[0], t[1], t[2]) for t in seed.TARGETS]
    assert len(keys) == len(set(keys)), (
        "two targets for one indicator, region and year (the later overwrites)"
    )
    assert all(len(t[5]) <= 60 for t in seed.TARGETS), "IndicatorTarget.text holds 60 characters"


def test_the_rest_of_the_seeds_targets_reach_the_indicator_table(defaults) -> None:
    """Loading the defaults again (as every deployment does) installs the new definitions and targets."""
    t = IndicatorTarget.objects.get(indicator__code="E40", region_code=seed.QUJING, year=2025)
    assert (t.op, t.value, t.source) == (">=", 95, seed.QJ + "（养老方面）")
    t = IndicatorTarget.objects.get(indicator__code="E67", region_code=seed.HECHUAN, year=2027)
    assert (t.op, t.value) == ("up", None)
    assert IndicatorTarget.objects.get(indicator__code="E64", region_code=seed.YIZHOU, year=2021).value == 80
    assert IndicatorTarget.objects.get(indicator__code="E64", region_code=seed.YIZHOU, year=2022).value == 100
    assert Indicator.objects.get(code="C27").unit == "元/生·年"
    assert Indicator.objects.get(code="E44").computed  # from care at home's paid adaptation cases
    assert Indicator.objects.get(code="E56").computed


def test_certified_share_of_caregivers(defaults, city) -> None:
    """Qujing 三(五)2: 养老护理人员持证上岗率达80%以上. By hand, in 文新街道: 甲 holds a valid 三级
    certificate; 乙 a valid 四级 one; 丙 only an expired one and a training certificate (a training
    certificate is not a 职业技能等级证书); 丁 holds one but left last month; 戊 holds none.
    Employed 4 (甲乙丙戊); certified 2 (甲乙). E56 = 2 / 4 = 50%."""
    needs("workforce")
    from carecircle.workforce.models import Caregiver, Certificate

    def carer(name: str, left: datetime.date | None = None) -> Caregiver:
        return Caregiver.objects.create(
            organisation_id=1, region_code=COMMUNITY_A, name=name, employed_from=long_ago(), employed_to=left
        )

    def cert(
        cg: Caregiver, kind: str, level: int | None = None, valid_to: datetime.date | None = None
    ) -> None:
        Certificate.objects.create(
            caregiver=cg,
            region_code=COMMUNITY_A,
            kind=kind,
            level=level,
            valid_from=long_ago(),
            valid_to=valid_to,
        )

    a, b, c = carer("甲"), carer("乙"), carer("丙")
    d, _e = carer("丁", left=today() - datetime.timedelta(days=30)), carer("戊")
    cert(a, "elder_care", 3)
    cert(b, "elder_care", 2)
    cert(c, "elder_care", 4, valid_to=today() - datetime.timedelta(days=1))
    cert(c, "training")
    cert(d, "elder_care", 3)
    assert figures("E56", STREET) == (2, 4, pytest.approx(50.0))


def test_the_indicator_page_shows_an_adopted_target_with_its_citation(defaults, users, client_for) -> None:
    """A city adopting Qujing's targets sees 基本养老保险参保率 with Qujing's words and section, and the
    office the figure comes from (人工填报（来源：人社部门）)."""
    from carecircle.planning import services

    services.targets_adopt(actor=users["admin"], from_region=seed.QUJING, to_region="339900000000")
    html = client_for(users["district"]).get("/planning/region/339901000000/indicator/E40/").content.decode()
    assert "基本养老保险参保率达95%以上" in html
    assert "曲靖市“一老一小”整体解决方案(2022) 二(二)具体指标（养老方面）" in html.replace(
        "&ldquo;", "“"
    ).replace("&rdquo;", "”")
    assert "人工填报（来源：人社部门）" in html
