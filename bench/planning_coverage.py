"""15-minute coverage of a whole city: every home of an older person (and infant) to the nearest
facility of every kind, over a walking network.

    python bench/planning_coverage.py [--scale S] [--pandana-lib DIR]

Scale 1 is the full city of the issues: 2.6 million older people and 378,000 infants, a street
grid of about 1.05 million junctions (100 m apart, jittered, 6% of links dropped) and about
21,000 facilities of six kinds. The default scale is small (0.05). Everything is built directly
in numpy (no database): the timed part is the same code the platform runs
(planning.coverage.node_distance + home_distance; nearest nodes from Network.snapper).

Baselines in the same run:
- networkx: multi-source Dijkstra with the same cutoff on a window of the grid (about 40,000
  nodes) with the facilities inside it, extrapolated to the full graph by node count; its answers
  are checked against SciPy's on that window;
- pandana (optional, if importable — pass --pandana-lib with a directory it was pip-installed
  into): contraction-hierarchy build plus nearest_pois on a small window, extrapolated.
Prints one JSON line at the end.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from carecircle.planning import coverage  # noqa: E402
from carecircle.planning.network import Network  # noqa: E402

FULL_ELDERS, FULL_INFANTS, FULL_NODES = 2_600_000, 378_300, 1_050_000
# facility kind -> (count at full scale, group it serves)
KINDS = {
    "community_centre": (3_900, "elder"),
    "elder_services": (8_000, "elder"),
    "canteen": (3_000, "elder"),
    "nursing_home": (800, "elder"),
    "childcare": (4_000, "infant"),
    "growth_station": (1_200, "infant"),
}
SPACING = 100.0
LIMIT = 15 * coverage.WALK_SPEED_M_PER_MIN


def grid(n_nodes: int, rng) -> Network:
    side = int(np.sqrt(n_nodes))
    nx_, ny_ = side, max(2, n_nodes // side)
    idx = np.arange(nx_ * ny_).reshape(ny_, nx_)
    x = (idx % nx_) * SPACING + rng.normal(0, 12, idx.shape)
    y = (idx // nx_) * SPACING + rng.normal(0, 12, idx.shape)
    e = np.concatenate(
        [
            np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
            np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()]),
        ]
    )
    e = e[rng.random(len(e)) >= 0.06]
    xf, yf = x.ravel(), y.ravel()
    length = np.hypot(xf[e[:, 0]] - xf[e[:, 1]], yf[e[:, 0]] - yf[e[:, 1]]) * rng.uniform(1.0, 1.15, len(e))
    lat0 = 30.0
    m_lat = 111_195.0
    m_lon = m_lat * np.cos(np.radians(lat0))
    return Network(
        lat=lat0 + yf / m_lat,
        lon=120.0 + xf / m_lon,
        src=e[:, 0].astype(np.int32),
        dst=e[:, 1].astype(np.int32),
        length=length.astype(np.float32),
    ), (nx_, ny_)


def points_near(net: Network, centres: np.ndarray, n: int, spread_m: float, rng):
    """n points scattered (Gaussian, spread_m) around randomly chosen centres (node indices)."""
    pick = centres[rng.integers(0, len(centres), n)]
    lat = net.lat[pick] + rng.normal(0, spread_m / 111_195.0, n)
    lon = net.lon[pick] + rng.normal(0, spread_m / 96_300.0, n)
    return lat, lon


def networkx_window(net, shape, fac_nodes, window_nodes, rng):
    import networkx as nx

    nx_, ny_ = shape
    w = int(np.sqrt(window_nodes))
    x0, y0 = rng.integers(0, max(1, nx_ - w)), rng.integers(0, max(1, ny_ - w))
    ids = (np.arange(y0, min(ny_, y0 + w))[:, None] * nx_ + np.arange(x0, min(nx_, x0 + w))[None, :]).ravel()
    keep = np.zeros(net.nodes, dtype=bool)
    keep[ids] = True
    emask = keep[net.src] & keep[net.dst]
    local = np.full(net.nodes, -1)
    local[ids] = np.arange(len(ids))
    sub = Network(
        lat=net.lat[ids],
        lon=net.lon[ids],
        src=local[net.src[emask]].astype(np.int32),
        dst=local[net.dst[emask]].astype(np.int32),
        length=net.length[emask],
    )
    srcs = local[fac_nodes[keep[fac_nodes]]]
    g = sub.graph()
    t = time.perf_counter()
    ours = coverage.node_distance(g, srcs, LIMIT)
    scipy_s = time.perf_counter() - t
    G = nx.from_scipy_sparse_array(g)  # noqa: N806
    t = time.perf_counter()
    theirs = nx.multi_source_dijkstra_path_length(G, set(srcs.tolist()), cutoff=LIMIT, weight="weight")
    nx_s = time.perf_counter() - t
    agree = len(theirs) == int(np.isfinite(ours).sum()) and all(
        abs(ours[k] - v) < 1e-6 for k, v in theirs.items()
    )
    return {
        "nodes": len(ids),
        "sources": int(len(srcs)),
        "networkx_s": nx_s,
        "scipy_s": scipy_s,
        "agree": bool(agree),
    }


def pandana_window(net, shape, fac_nodes, window_nodes, lib, rng):
    if lib:
        sys.path.append(lib)
    try:
        import pandana
        import pandas as pd
    except Exception as exc:  # noqa: BLE001
        return {"skipped": f"pandana not importable: {exc}"}
    nx_, ny_ = shape
    w = int(np.sqrt(window_nodes))
    ids = (np.arange(0, min(ny_, w))[:, None] * nx_ + np.arange(0, min(nx_, w))[None, :]).ravel()
    keep = np.zeros(net.nodes, dtype=bool)
    keep[ids] = True
    emask = keep[net.src] & keep[net.dst]
    x = pd.Series(net.lon[ids], index=ids)
    y = pd.Series(net.lat[ids], index=ids)
    t = time.perf_counter()
    pn = pandana.Network(
        x,
        y,
        pd.Series(net.src[emask].astype(np.int64)),
        pd.Series(net.dst[emask].astype(np.int64)),
        pd.DataFrame({"m": net.length[emask].astype(np.float64)}),
        twoway=True,
    )
    build = time.perf_counter() - t
    f = fac_nodes[keep[fac_nodes]]
    t = time.perf_counter()
    pn.set_pois("fac", LIMIT, 1, net.lon[f], net.lat[f])
    pn.nearest_pois(LIMIT, "fac", num_pois=1)
    query = time.perf_counter() - t
    return {"nodes": int(len(ids)), "build_s": build, "query_s": query}


def pandana_with_timeout(net, shape, fac_all, nodes, lib, timeout):
    """pandana in a child process, so that a contraction hierarchy that never finishes cannot hang the run."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    q = ctx.Queue()

    def work():
        q.put(pandana_window(net, shape, fac_all, nodes, lib, np.random.default_rng(0)))

    p = ctx.Process(target=work)
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()
        p.join()
        return {"nodes": nodes, "skipped": f"contraction hierarchy not built within {timeout} s"}
    return q.get() if not q.empty() else {"skipped": "pandana process failed"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pandana-lib", default=os.environ.get("PANDANA_LIB", ""))
    ap.add_argument("--pandana-nodes", type=int, default=10_000)
    ap.add_argument("--pandana-timeout", type=float, default=300)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    s = args.scale
    t = time.perf_counter()
    net, shape = grid(max(2_500, int(FULL_NODES * s)), rng)
    built = time.perf_counter() - t
    n_comm = max(20, int(3_900 * s))
    communities = rng.integers(0, net.nodes, n_comm)
    homes = {
        "elder": points_near(net, communities, int(FULL_ELDERS * s), 450, rng),
        "infant": points_near(net, communities, int(FULL_INFANTS * s), 450, rng),
    }
    facilities = {
        k: points_near(net, communities, max(3, int(n * s)), 300, rng) for k, (n, _g) in KINDS.items()
    }
    print(
        f"city: {net.nodes:,} nodes, {net.edges:,} edges, {len(homes['elder'][0]):,} elder and "
        f"{len(homes['infant'][0]):,} infant homes, {sum(len(v[0]) for v in facilities.values()):,} facilities "
        f"(built in {built:.1f} s)",
        flush=True,
    )

    t = time.perf_counter()
    graph = net.graph()
    snap = net.snapper()
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    home_nodes = {g: snap(*homes[g]) for g in homes}
    snap_homes_s = time.perf_counter() - t
    per_kind = {}
    t_all = time.perf_counter()
    for kind, (_n, group) in KINDS.items():
        t = time.perf_counter()
        fnodes, _fd = snap(*facilities[kind])
        dist = coverage.node_distance(graph, fnodes, LIMIT)
        nodes, offs = home_nodes[group]
        walk = coverage.home_distance(dist, nodes, offs)
        share = float((walk <= LIMIT).mean())
        per_kind[kind] = {
            "facilities": int(len(fnodes)),
            "share": round(share, 4),
            "seconds": round(time.perf_counter() - t, 3),
        }
        print(
            f"  {kind:17s} {len(fnodes):6,} facilities  {share:6.1%} within 15 min  "
            f"{per_kind[kind]['seconds']:.3f} s",
            flush=True,
        )
    coverage_s = time.perf_counter() - t_all

    window = min(40_000, net.nodes)
    fac_all = np.concatenate([snap(*facilities["community_centre"])[0]])
    nxr = networkx_window(net, shape, fac_all, window, rng)
    scale_up = net.nodes / nxr["nodes"]
    nx_full = nxr["networkx_s"] * scale_up * len(KINDS)
    print(
        f"networkx on a {nxr['nodes']:,}-node window: {nxr['networkx_s']:.3f} s per kind "
        f"(SciPy {nxr['scipy_s']:.4f} s, same answers: {nxr['agree']}); extrapolated to the city and "
        f"{len(KINDS)} kinds: {nx_full:.1f} s",
        flush=True,
    )
    if args.pandana_lib:
        pd_res = pandana_with_timeout(
            net, shape, fac_all, args.pandana_nodes, args.pandana_lib, args.pandana_timeout
        )
    else:
        pd_res = {"skipped": "pass --pandana-lib DIR (pip install --target DIR pandana) to include it"}
    if "build_s" in pd_res:
        pd_res["build_extrapolated_s"] = pd_res["build_s"] * net.nodes / pd_res["nodes"]
        print(
            f"pandana on {pd_res['nodes']:,} nodes: build {pd_res['build_s']:.1f} s, query {pd_res['query_s']:.3f} s; "
            f"build extrapolated (linear, optimistic): {pd_res['build_extrapolated_s']:.0f} s",
            flush=True,
        )
    else:
        print(f"pandana: {pd_res.get('skipped')}", flush=True)

    out = {
        "bench": "planning_coverage",
        "scale": s,
        "nodes": net.nodes,
        "edges": net.edges,
        "elder_homes": len(homes["elder"][0]),
        "infant_homes": len(homes["infant"][0]),
        "facilities": sum(v["facilities"] for v in per_kind.values()),
        "kinds": len(KINDS),
        "load_s": round(load_s, 3),
        "snap_homes_s": round(snap_homes_s, 3),
        "coverage_all_kinds_s": round(coverage_s, 3),
        "per_kind": per_kind,
        "networkx_window_nodes": nxr["nodes"],
        "networkx_window_s": round(nxr["networkx_s"], 3),
        "networkx_agrees": nxr["agree"],
        "networkx_extrapolated_s": round(nx_full, 1),
        "ratio_networkx_over_scipy": round(nx_full / coverage_s, 1) if coverage_s else None,
        "pandana": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in pd_res.items()},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
