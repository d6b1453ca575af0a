"""Where to build next: lazy greedy vs HiGHS on a maximal covering instance built over a walking
grid, with and without merging demand points that share the same covering sites.

    python bench/planning_siting.py [--scale S] [--sites P] [--time-limit T]

Scale 1: 196,000 uncovered homes, 2,000 candidate sites on a 250,000-node grid. Default 0.1.
Baseline in the same run: HiGHS on the unmerged model (same time limit). Prints one JSON line.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.dirname(__file__))

from planning_coverage import LIMIT, grid  # noqa: E402

from carecircle.planning import siting  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=60)
    args = ap.parse_args()
    rng = np.random.default_rng(2)
    s = args.scale
    net, _shape = grid(max(2_500, int(250_000 * s)), rng)
    graph = net.graph()
    snap = net.snapper()
    centres = rng.integers(0, net.nodes, max(10, int(800 * s)))
    n = int(196_000 * s)
    pick = centres[rng.integers(0, len(centres), n)]
    lat = net.lat[pick] + rng.normal(0, 500 / 111_195.0, n)
    lon = net.lon[pick] + rng.normal(0, 500 / 96_300.0, n)
    nodes, offs = snap(lat, lon)
    cands = rng.choice(net.nodes, size=min(net.nodes, max(50, int(2_000 * s))), replace=False)
    t = time.perf_counter()
    inst = siting.build_instance(graph, cands, nodes, offs, np.ones(n), LIMIT)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    merged = siting.merge(inst)
    merge_s = time.perf_counter() - t
    t = time.perf_counter()
    g_sites, g_value = siting.greedy(merged, args.sites)
    greedy_s = time.perf_counter() - t
    exact = siting.exact(merged, args.sites, time_limit=args.time_limit)
    raw = siting.exact(siting.Instance(inst.cover, inst.weight), args.sites, time_limit=args.time_limit)
    print(
        f"{n:,} homes, {len(cands):,} candidates, {net.nodes:,} nodes: coverage sets {build_s:.2f} s; "
        f"merged {inst.points:,} → {merged.points:,} rows in {merge_s:.2f} s"
    )
    print(
        f"greedy {g_value:,.0f} in {greedy_s:.3f} s; HiGHS merged {exact['objective']:,.0f} "
        f"(optimal {exact['optimal']}, bound {exact['bound']:,.0f}) in {exact['seconds']:.2f} s; "
        f"HiGHS unmerged {raw['objective']:,.0f} (optimal {raw['optimal']}) in {raw['seconds']:.2f} s"
    )
    out = {
        "bench": "planning_siting",
        "scale": s,
        "homes": n,
        "candidates": int(len(cands)),
        "nodes": net.nodes,
        "sites": args.sites,
        "build_s": round(build_s, 3),
        "rows": inst.points,
        "merged_rows": merged.points,
        "merge_s": round(merge_s, 3),
        "greedy_value": g_value,
        "greedy_s": round(greedy_s, 4),
        "exact_value": exact["objective"],
        "exact_optimal": exact["optimal"],
        "exact_bound": exact["bound"],
        "exact_s": round(exact["seconds"], 3),
        "unmerged_value": raw["objective"],
        "unmerged_optimal": raw["optimal"],
        "unmerged_s": round(raw["seconds"], 3),
        "greedy_over_exact": round(g_value / exact["objective"], 4) if exact["objective"] else None,
        "ratio_unmerged_over_merged_time": round(raw["seconds"] / exact["seconds"], 1)
        if exact["seconds"]
        else None,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
