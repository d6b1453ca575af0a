"""附近设施 by walking distance (portal/walking.py, planning.selectors.walking_metres): along the
planning module's walking network when one covers the person's area — the facility nearest by the
straight line may be the longer walk — and by the straight line otherwise, the page's words saying
which."""

import numpy as np
import pytest

from carecircle.planning import selectors as planning
from carecircle.planning.coverage_services import network_store
from carecircle.planning.network import Network
from carecircle.portal import walking
from carecircle.portal.finder import Found
from carecircle.portal.tiles import distance_km, walking_minutes
from tests.conftest import COMMUNITY_A
from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db

HOME = (30.0, 120.0)
ACROSS_RIVER = (30.0, 120.003)  # ~290 m east, but the bridge is far: 2.4 km on foot
DOWN_THE_ROAD = (30.0, 119.995)  # ~480 m west along a straight street


def _found(pk, name, at):
    km = distance_km(HOME[0], HOME[1], at[0], at[1])
    return Found(
        id=pk, name=name, kind="day_care", kind_label="日间照料中心", address="", phone="", opening_hours="",
        latitude=at[0], longitude=at[1], grade="", beds=0, beds_free=None, places=0, places_puhui=0,
        places_free=None, fee=None, km=round(km, 2), minutes=walking_minutes(km),
    )  # fmt: skip


@pytest.fixture
def found():
    return [_found(1, "河对岸照料中心", ACROSS_RIVER), _found(2, "路那头照料中心", DOWN_THE_ROAD)]


@pytest.fixture
def river_network(users, tmp_path, monkeypatch):
    """Home (0), the facility across the river (1), the one down the road (2), the bridge (3)."""
    monkeypatch.setenv("CARECIRCLE_HOME", str(tmp_path))
    net = Network(
        lat=np.array([HOME[0], ACROSS_RIVER[0], DOWN_THE_ROAD[0], 30.01]),
        lon=np.array([HOME[1], ACROSS_RIVER[1], DOWN_THE_ROAD[1], 120.0015]),
        src=np.array([0, 0, 3], dtype=np.int32),
        dst=np.array([2, 3, 1], dtype=np.int32),
        length=np.array([480.0, 1200.0, 1200.0], dtype=np.float32),
    )
    return network_store(
        actor=users["admin"], network=net, region_code="339901000000", name="东湖区步行路网", source="测试"
    )


def test_without_a_network_the_straight_line_orders_and_the_page_says_so(found):
    assert planning.walking_metres(region_code=COMMUNITY_A, origin=HOME, targets=[ACROSS_RIVER]) is None
    near = walking.nearest(list(reversed(found)), home=HOME, region_code=COMMUNITY_A)
    assert not near.by_network and "直线距离" in near.basis
    assert [f.name for f in near.found] == ["河对岸照料中心", "路那头照料中心"]


def test_the_network_walk_reorders_and_gives_its_distance_and_minutes(found, river_network):
    metres = planning.walking_metres(
        region_code=COMMUNITY_A, origin=HOME, targets=[ACROSS_RIVER, DOWN_THE_ROAD]
    )
    assert metres == [pytest.approx(2400, abs=1), pytest.approx(480, abs=1)]
    near = walking.nearest(found, home=HOME, region_code=COMMUNITY_A)
    assert near.by_network and "步行路网" in near.basis
    assert [f.name for f in near.found] == ["路那头照料中心", "河对岸照料中心"]
    assert near.found[0].km == pytest.approx(0.48) and near.found[0].minutes == 10  # 480 m at 50 m a minute
    assert near.found[1].km == pytest.approx(2.4) and near.found[1].minutes == 48


def test_a_network_of_another_district_is_not_used(found, river_network):
    other = "339902001001"  # 西山区: the network covers 东湖区 only
    assert planning.walking_metres(region_code=other, origin=HOME, targets=[ACROSS_RIVER]) is None
    assert not walking.nearest(found, home=HOME, region_code=other).by_network


def test_a_facility_beyond_the_walking_limit_comes_after_those_reached(found, river_network):
    metres = planning.walking_metres(
        region_code=COMMUNITY_A, origin=HOME, targets=[ACROSS_RIVER, DOWN_THE_ROAD], limit_m=1000
    )
    assert metres[0] is None and metres[1] == pytest.approx(480, abs=1)


def test_the_page_lists_by_the_walk_and_says_so(users, make_person, make_facility, river_network, client_for):  # noqa: F811
    from django.urls import reverse

    from carecircle.registry.models import FamilyContact

    mother = make_person(age=80, name="赵奶奶", latitude=HOME[0], longitude=HOME[1])
    FamilyContact.objects.create(
        person=mother, region_code=mother.region_code, user=users["resident"], name="赵小明",
        relation="子女", link_state="active",
    )  # fmt: skip
    make_facility(
        "community_centre", name="河对岸照料中心", latitude=ACROSS_RIVER[0], longitude=ACROSS_RIVER[1]
    )
    make_facility(
        "community_centre", name="路那头照料中心", latitude=DOWN_THE_ROAD[0], longitude=DOWN_THE_ROAD[1]
    )
    page = client_for(users["resident"]).get(reverse("portal:nearby")).content.decode()
    assert "步行路网" in page
    assert page.index("路那头照料中心") < page.index("河对岸照料中心")
