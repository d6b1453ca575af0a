"""The coverage and siting pages: gaps and sites named by road and community (never a node number),
the existing facilities on the coverage map, the platform's basemap in the page's head."""

import json
import re

import pytest
from django.utils import timezone

from carecircle.planning import basemap, coverage_services
from carecircle.planning.models import SitingRun
from carecircle.planning.network import synthetic
from tests.conftest import COMMUNITY_A, COMMUNITY_A2

NODE_NUMBER = re.compile(r"路网节点\s*\d+")


@pytest.fixture
def run(users, make_person, facility):
    from carecircle.facilities.models import FilingStatus

    facility("community_centre", COMMUNITY_A, lat=30.291, lon=120.121)
    facility("community_centre", COMMUNITY_A2, status=FilingStatus.CLOSED)  # not in operation: not shown
    for i in range(12):  # homes well beyond a 5-minute walk of the centre: gaps
        make_person(
            "339901002001", age=70, latitude=30.271 + 0.0004 * (i % 4), longitude=120.141 + 0.0004 * (i // 4)
        )
        make_person(COMMUNITY_A2, age=75, latitude=30.298, longitude=120.128 + 0.0002 * i)
    net = synthetic([(30.291, 120.121), (30.271, 120.141)], spacing_m=150, reach_m=1500, seed=1)
    row = coverage_services.network_store(
        actor=None, network=net, region_code="339901000000", name="walk", source="test"
    )
    return coverage_services.coverage_run(
        actor=users["district"],
        region_code="339901000000",
        group="elder",
        kind="community_centre",
        day=timezone.localdate(),
        minutes=5,
        network=row,
    )


def _data(html: str, block: str) -> dict:
    m = re.search(rf'<script id="{block}" type="application/json">(.*?)</script>', html, re.S)
    assert m, block
    return json.loads(m.group(1))


def test_the_coverage_map_names_its_gaps_and_shows_the_facilities(run, client_for, users):
    r = client_for(users["district"]).get(f"/planning/coverage/{run.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and run.population > run.covered
    data = _data(html, "coverage-map-data")
    assert [f["name"] for f in data["facilities"]] == ["community_centre-001"]
    assert data["facilities"][0]["kind"] == "社区(村)照料中心"
    # a cell's centre near a road: "road（community）"; a merged, coarser cell's centre may lie off
    # the streets: its community alone
    assert data["cells"] and all(
        c["place"].endswith("社区") or c["place"].endswith("社区）") for c in data["cells"]
    )
    assert any(re.search(r"[路街]（.+社区）$", c["place"]) for c in data["cells"])
    assert "未覆盖最多的片区" in html and data["cells"][0]["place"] in html
    assert not NODE_NUMBER.search(html)
    assert f"/planning/tiles/{basemap.current_version()}/" in html  # the platform's own basemap
    assert client_for(users["district_b"]).get(f"/planning/coverage/{run.pk}/").status_code == 404


def test_sites_chosen_among_network_nodes_are_named_by_road_and_community(run, client_for, users):
    c = client_for(users["district"])
    r = c.post(f"/planning/coverage/{run.pk}/siting/", {"new_sites": "2", "candidates": "nodes"})
    assert r.status_code == 302
    row = SitingRun.objects.get(coverage=run)
    labels = [s["label"] for s in row.result["sites"]]
    assert labels and all(re.search(r"[路街]（.+社区）$", label) for label in labels)
    html = c.get(r.url).content.decode()
    assert all(label in html for label in labels) and not NODE_NUMBER.search(html)
    assert client_for(users["district_b"]).get(r.url).status_code == 404


def test_a_result_saved_with_node_numbers_shows_place_names(run, client_for, users):
    row = SitingRun.objects.create(
        coverage=run,
        region_code=run.region_code,
        new_sites=1,
        candidates="nodes",
        result={
            "regions": [],
            "sites": [
                {
                    "label": "路网节点 4362",
                    "latitude": 30.2712,
                    "longitude": 120.1411,
                    "in_greedy": True,
                    "in_exact": True,
                }
            ],
        },
    )
    html = client_for(users["district"]).get(f"/planning/siting/{row.pk}/").content.decode()
    assert not NODE_NUMBER.search(html) and "星洲社区" in html
