"""Indicator formulas name what they count in Chinese (issue 17 item 1: "indicator formulas show
`activity_centre`"): every numerator and denominator of the seeds' indicators reads without a code,
and planning's words for facility kinds are the names facilities gives them."""

import re

from carecircle.facilities.models import FacilityKind
from carecircle.planning import computations, defaults
from tests.planning.test_pages import DISTRICT, board  # noqa: F401 — the fixture the page test takes

CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]{3,}")


def specs() -> set[str]:
    return {spec for row in defaults.INDICATORS for spec in (row[4], row[5]) if spec}


def test_every_formula_of_the_seeds_indicators_reads_in_words():
    assert len(specs()) > 20
    for spec in specs():
        text = computations.label(spec)
        assert not CODE.search(text), f"{spec} reads {text}"
        assert "其他类别" not in text and "未知的计算" not in text, spec


def test_formulas_name_facility_kinds_and_join_kinds_with_or():
    assert computations.label("communities_with:activity_centre") == "有该类设施的社区(村)数（老年活动中心）"
    assert computations.label("class_communities_with:rural:community_centre+rural_mutual") == (
        "按城乡分类代码、有该类设施的社区(村)数（乡村，社区(村)照料中心或农村互助点/幸福大院）"
    )
    assert computations.label("facilities:some_new_kind") == "运营中的设施数（其他类别）"
    assert computations.label("manual:B01") == "人工填报值（B01）"
    assert computations.label("no_such_computation") == "未知的计算"


def test_planning_words_for_facility_kinds_are_facilities_own_names():
    for kind in FacilityKind:
        assert str(computations.ARG_WORDS[kind.value]) == str(kind.label), kind.value


def test_the_indicator_page_shows_the_formula_in_words(board, client_for):  # noqa: F811 — the fixture
    html = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/indicator/E03/").content.decode()
    assert "有该类设施的社区(村)数（老年活动中心）" in html
    assert "activity_centre" not in html
