"""The coverage run's area is picked by name among the planner's regions (core.widgets.RegionField),
never typed or read as a 12-digit code; a name outside them is refused (422) and nothing is run."""

import re

import pytest

from carecircle.planning import coverage_services
from carecircle.planning.models import CoverageRun
from carecircle.planning.network import synthetic

pytestmark = pytest.mark.django_db

CODE = re.compile(r"(?<!\d)\d{12}(?!\d)")


def shown(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.fixture
def network(city):
    centres = [(r.latitude, r.longitude) for c, r in city.items() if len(c) == 12 and c[-3:] != "000"]
    return coverage_services.network_store(
        actor=None,
        network=synthetic(centres, spacing_m=100, reach_m=1500, seed=5),
        region_code="339900000000",
        name="测试路网",
        source="测试",
    )


def test_the_form_offers_the_planners_regions_by_name(users, client_for):
    body = client_for(users["district"]).get("/planning/coverage/").content.decode()
    assert "data-region-picker" in body and 'name="region"' in body
    assert ">东湖区<" in body and ">东湖区 / 文新街道<" in body  # district and its streets, by name
    assert "西山区" not in body  # another district's regions are not offered
    assert CODE.findall(shown(body)) == []  # no code as text on the page


def test_a_run_takes_the_area_by_name(network, users, client_for, make_person):
    make_person(age=70)
    c = client_for(users["district"])
    r = c.post(
        "/planning/coverage/run/", {"region": "文新街道", "group": "elder", "kind": "community_centre"}
    )
    assert r.status_code == 302
    assert CoverageRun.objects.get().region_code == "339901001000"


def test_an_area_outside_the_planners_regions_is_refused(network, users, client_for):
    c = client_for(users["district"])
    r = c.post("/planning/coverage/run/", {"region": "西山区", "group": "elder", "kind": "community_centre"})
    assert r.status_code == 422 and "您的辖区内没有名为“西山区”的区划" in r.content.decode()
    by_code = c.post(
        "/planning/coverage/run/", {"region": "339902000000", "group": "elder", "kind": "community_centre"}
    )
    assert by_code.status_code == 404  # a code of another district: the service's scope check
    assert not CoverageRun.objects.exists()
    # a street worker (no planning.manage) is offered no form
    assert 'name="region"' not in client_for(users["street"]).get("/planning/coverage/").content.decode()
