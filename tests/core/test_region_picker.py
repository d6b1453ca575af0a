"""The region picker's JSON (core/views_regions.py) and its form field (core/widgets.py): search by
name, drill down district → street → community, nothing outside the user's regions for the
page's permission, a bad parameter a 422 naming it."""

import pytest
from django import forms

from carecircle.core import regions
from carecircle.core.services import region_upsert
from carecircle.core.widgets import RegionField, ScopedRegionsForm
from tests.conftest import COMMUNITY_A, COMMUNITY_B

URL = "/regions/pick/"


@pytest.fixture
def yaogui(city):
    region_upsert(actor=None, code="339901001003", name="耀桂社区", latitude=30.293, longitude=120.123)
    return "339901001003"


def codes_of(answer):
    return [r["code"] for r in answer["results"]]


def test_search_by_name_finds_the_community_with_its_path(users, client_for, yaogui):
    r = client_for(users["street"]).get(URL, {"q": "耀桂", "perm": "registry.edit", "level": 5})
    assert r.status_code == 200
    [row] = r.json()["results"]
    assert row["code"] == yaogui and row["name"] == "耀桂社区"
    assert row["path"] == "东湖区 / 文新街道" and row["label"] == "东湖区 / 文新街道 / 耀桂社区"
    assert row["selectable"] and not row["has_children"]
    assert (row["latitude"], row["longitude"]) == (30.293, 120.123)


def test_drill_down_district_street_community(users, client_for, yaogui):
    c = client_for(users["district"])
    top = c.get(URL, {"perm": "registry.edit", "level": 5}).json()
    assert codes_of(top) == ["339901000000"] and top["parent"] is None
    assert top["results"][0]["has_children"] and not top["results"][0]["selectable"]
    streets = c.get(URL, {"perm": "registry.edit", "level": 5, "parent": "339901000000"}).json()
    assert codes_of(streets) == ["339901001000", "339901002000"]
    assert streets["parent"]["name"] == "东湖区" and streets["up"] == ""
    communities = c.get(URL, {"perm": "registry.edit", "level": 5, "parent": "339901001000"}).json()
    assert codes_of(communities) == [COMMUNITY_A, "339901001002", yaogui]
    assert communities["up"] == "339901000000"
    assert all(r["selectable"] for r in communities["results"])


def test_any_level_is_selectable_without_a_level(users, client_for):
    rows = client_for(users["district"]).get(URL, {"q": "文新"}).json()["results"]
    assert [(r["name"], r["selectable"], r["has_children"]) for r in rows] == [("文新街道", True, True)]


def test_outsider_sees_no_region_outside_scope(users, client_for, yaogui):
    c = client_for(users["street_b"])
    assert c.get(URL, {"q": "社区", "perm": "registry.edit"}).json()["results"] == [
        {**c.get(URL, {"q": "和睦"}).json()["results"][0]}
    ]
    assert codes_of(c.get(URL, {"perm": "registry.edit"}).json()) == ["339902001000"]
    assert c.get(URL, {"parent": "339901001000"}).status_code == 404
    assert c.get(URL, {"parent": "339900000000"}).status_code == 404  # above the grant
    assert c.get(URL, {"q": "339901"}).json()["results"] == []
    # a permission the user does not hold: nothing at all
    assert (
        client_for(users["caregiver"]).get(URL, {"q": "社区", "perm": "registry.edit"}).json()["results"]
        == []
    )


def test_insider_sees_the_same_regions(users, client_for, yaogui):
    found = codes_of(client_for(users["street"]).get(URL, {"q": "社区", "perm": "registry.edit"}).json())
    assert found == [COMMUNITY_A, "339901001002", yaogui]
    assert COMMUNITY_B not in codes_of(client_for(users["admin"]).get(URL, {"q": "桂花"}).json())
    assert COMMUNITY_B in codes_of(client_for(users["admin"]).get(URL, {"q": "和睦"}).json())


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"parent": "12345"}, "parent"),
        ({"parent": "abc"}, "parent"),
        ({"level": "9"}, "level"),
        ({"level": "x"}, "level"),
        ({"perm": "nope.nothing"}, "perm"),
        ({"q": "桂" * 51}, "q"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(users, client_for, params, field):
    r = client_for(users["street"]).get(URL, params)
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == field and "：" in body["detail"]


def test_signed_in_only(client, city):
    r = client.get(URL, {"q": "桂花"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


class _Form(ScopedRegionsForm):
    region_code = RegionField(label="社区", perm="registry.edit", levels=(regions.COMMUNITY,))


def test_field_reads_a_name_in_scope_and_offers_a_select(users, yaogui):
    form = _Form({"region_code": "耀桂社区"}, user=users["street"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region_code"] == yaogui
    html = str(form["region_code"])
    assert "东湖区 / 文新街道 / 耀桂社区" in html and "data-region-picker" in html
    assert "和睦社区" not in html and "region_picker.js" in html
    # outside the scope, the same name is not found
    assert not _Form({"region_code": "和睦社区"}, user=users["street"]).is_valid()
    assert _Form({"region_code": "和睦社区"}, user=users["street_b"]).is_valid()
    digits = _Form({"region_code": "123"}, user=users["street"])
    assert digits.is_valid() and digits.cleaned_data["region_code"] == "123"  # a code: the service's to check


def test_field_refuses_an_ambiguous_name(users, city):
    region_upsert(actor=None, code="339901002002", name="桂花社区", latitude=30.27, longitude=120.14)
    form = _Form({"region_code": "桂花社区"}, user=users["district"])
    assert not form.is_valid()
    assert "多个" in str(form.errors["region_code"])


def test_chosen_value_shows_its_name(users, city):
    html = str(_Form(initial={"region_code": COMMUNITY_A}, user=users["street"])["region_code"])
    assert 'data-chosen="东湖区 / 文新街道 / 桂花社区"' in html
    assert isinstance(_Form.base_fields["region_code"], forms.CharField)
