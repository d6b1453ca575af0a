"""Urban and rural (issue 16 item 4): regions carry the statistical urban-rural classification code,
and Qujing's centre coverage targets (二(二): 街道级 100%、城市社区 90%、农村 70%) are computed per
class, matching a count by hand on the test city."""

import pytest

from carecircle.core.models import Region, UrbanRural, is_urban
from carecircle.planning import defaults as seed
from carecircle.planning.indicators import compute
from carecircle.planning.models import Indicator
from tests.conftest import COMMUNITY_A, COMMUNITY_A2
from tests.planning.conftest import today

DISTRICT, STREET, STREET2 = "339901000000", "339901001000", "339901002000"
STAR = "339901002001"


def test_classification_codes():
    assert [c.value for c in UrbanRural] == ["111", "112", "121", "122", "123", "210", "220"]
    assert UrbanRural("220").label == "村庄" and UrbanRural("111").label == "主城区"
    assert is_urban("121") and not is_urban("210")


def test_the_demo_city_classifies_every_community_urban_and_rural():
    from carecircle.core.management.commands.generate import _urban_rural

    n_d, n_s, n_c = 4, 3, 5
    codes = [_urban_rural(d, n_d, s, n_s, c) for d in range(n_d) for s in range(n_s) for c in range(n_c)]
    assert all(code in UrbanRural.values for code in codes)
    assert {"111", "112", "121", "122", "210", "220"} <= set(codes)
    # the inner half of the districts is city, the outer half towns and villages
    assert all(is_urban(_urban_rural(0, n_d, s, n_s, c)) for s in range(n_s) for c in range(n_c))
    assert _urban_rural(3, n_d, 0, n_s, 4) == UrbanRural.VILLAGE


def test_qujing_centre_coverage_per_class(defaults, facility):
    # by hand: 东湖区 has one urban community (桂花, with a community centre) and two rural villages
    # (丹枫 with a mutual-aid station, 星洲 with nothing); one of its two streets has a street centre.
    Region.objects.filter(code=COMMUNITY_A).update(urban_rural=UrbanRural.MAIN_URBAN)
    Region.objects.filter(code__in=[COMMUNITY_A2, STAR]).update(urban_rural=UrbanRural.VILLAGE)
    facility("community_centre", COMMUNITY_A)
    facility("rural_mutual", COMMUNITY_A2)
    facility("street_centre", COMMUNITY_A)
    facility("canteen", STAR)  # not a centre
    inds = list(Indicator.objects.filter(code__in=["E16", "E17", "E18"]))
    out = compute(inds, [DISTRICT, STREET, STREET2], today())
    assert out["E16"][DISTRICT].value == pytest.approx(50.0)
    assert out["E17"][DISTRICT].value == pytest.approx(100.0)
    assert (out["E18"][DISTRICT].numerator, out["E18"][DISTRICT].denominator) == (1, 2)
    assert out["E18"][STREET2].value == pytest.approx(0.0)
    assert out["E17"][STREET2].value is None  # no urban community there: no rate
    targets = {(t[0], t[1]): t[4] for t in seed.TARGETS if t[0] in ("E16", "E17", "E18")}
    assert targets == {("E16", seed.QUJING): 100, ("E17", seed.QUJING): 90, ("E18", seed.QUJING): 70}


def test_a_region_table_sets_the_classification(tmp_path, city):
    """The code is imported with the region table (column 城乡分类代码); a wrong code, or one on a
    street, is refused with its row and column; a file without the column leaves codes as they are."""
    from carecircle.core.region_import import region_import

    path = tmp_path / "regions.csv"
    path.write_text(
        "区划代码,名称,城乡分类代码\n339901001001,桂花社区,111\n339901001002,丹枫社区,220\n"
        "339901002001,星洲社区,999\n339901002000,古荡街道,121\n",
        encoding="utf-8",
    )
    result = region_import(path, actor=None)
    assert dict(
        Region.objects.filter(code__in=[COMMUNITY_A, COMMUNITY_A2]).values_list("code", "urban_rural")
    ) == {COMMUNITY_A: "111", COMMUNITY_A2: "220"}
    assert [(r["row"], r["field"]) for r in result["rejected"]] == [(4, "城乡分类代码"), (5, "城乡分类代码")]
    again = tmp_path / "again.csv"
    again.write_text("区划代码,名称\n339901001001,桂花社区\n", encoding="utf-8")
    region_import(again, actor=None)
    assert Region.objects.get(code=COMMUNITY_A).urban_rural == "111"


def test_the_formula_names_the_class_in_words():
    from carecircle.planning.computations import label

    assert label("class_communities:rural") == "按城乡分类代码的社区(村)数（乡村）"
    assert label("class_communities_with:urban:community_centre").endswith("（城镇，社区(村)照料中心）")
