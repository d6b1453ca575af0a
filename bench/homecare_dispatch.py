"""Dispatch one day's home-service orders for a district and compare with nearest-first.

    python bench/homecare_dispatch.py [--scale S] [--seed N]

--scale 1 is a full-size district: 20,000 orders and 2,000 caregivers of 20 providers, each
provider serving a part of a 24 km × 20 km district; the default (0.1) is a tenth of that.
Both runs use the engine the service uses (carecircle.homecare.dispatch): `assign` (time slices
solved as assignment problems with scipy's linear_sum_assignment, travel + fair share) and the
baseline `nearest_first` (each order in start order to the nearest allowed free caregiver).
Prints a table and, last, one line of JSON.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from carecircle.homecare import dispatch as engine  # noqa: E402

# item mix of a day: (minutes, minimum level, needs 健康证, share)
ITEMS = [
    (15, 0, True, 0.40),
    (60, 0, False, 0.15),
    (60, 2, True, 0.08),
    (60, 0, False, 0.08),
    (120, 1, True, 0.06),
    (60, 0, False, 0.08),
    (60, 3, True, 0.07),
    (45, 0, False, 0.08),
]
LAT0, LNG0 = 30.15, 120.00
HEIGHT_DEG, WIDTH_DEG = 0.18, 0.25  # about 20 km × 24 km
GRID = (4, 5)  # provider areas


def build(scale: float, seed: int) -> engine.Problem:
    rng = np.random.default_rng(seed)
    n_orders, n_cg = round(20_000 * scale), round(2_000 * scale)
    n_prov = GRID[0] * GRID[1]
    # people cluster around 120 community centres
    centres = np.column_stack([LAT0 + rng.random(120) * HEIGHT_DEG, LNG0 + rng.random(120) * WIDTH_DEG])
    home = centres[rng.integers(0, 120, n_orders)] + rng.normal(0, 0.004, (n_orders, 2))

    def cell(lat, lng):  # the provider area a point falls in
        row = np.clip(((lat - LAT0) / HEIGHT_DEG * GRID[0]).astype(int), 0, GRID[0] - 1)
        return row * GRID[1] + np.clip(((lng - LNG0) / WIDTH_DEG * GRID[1]).astype(int), 0, GRID[1] - 1)

    kinds = rng.choice(len(ITEMS), n_orders, p=[i[3] for i in ITEMS])
    minutes = np.array([ITEMS[k][0] for k in kinds], dtype=float)
    # meals delivered 10:30–12:30 and 16:30–18:00, the rest 8:00–17:30, on the quarter hour
    meal = minutes == 15
    meal_slots = np.r_[np.arange(630, 751, 15), np.arange(990, 1081, 15)]
    start = np.where(meal, rng.choice(meal_slots, n_orders), 480 + 15 * rng.integers(0, 39, n_orders))
    cg_base = centres[rng.integers(0, 120, n_cg)] + rng.normal(0, 0.006, (n_cg, 2))
    cg_provider = cell(cg_base[:, 0], cg_base[:, 1])
    # every provider has staff: top up empty cells
    for p in range(n_prov):
        if not (cg_provider == p).any():
            cg_provider[rng.integers(0, n_cg)] = p
    return engine.Problem(
        order_start=start.astype(float),
        order_end=start + minutes,
        order_lat=home[:, 0],
        order_lng=home[:, 1],
        order_provider=cell(home[:, 0], home[:, 1]),
        order_level=np.array([ITEMS[k][1] for k in kinds]),
        order_health=np.array([ITEMS[k][2] for k in kinds]),
        cg_provider=cg_provider,
        cg_lat=cg_base[:, 0],
        cg_lng=cg_base[:, 1],
        cg_level=rng.choice([1, 2, 3, 4, 5], n_cg, p=[0.35, 0.32, 0.22, 0.08, 0.03]),
        cg_health=rng.random(n_cg) < 0.95,
        speed_kmh=15.0,
    )


def summary(result: engine.Result, n_cg: int, seconds: float) -> dict:
    loads = result.loads(n_cg)
    working = loads[loads > 0]
    return {
        "seconds": round(seconds, 2),
        "assigned": result.assigned,
        "travel_minutes": round(result.total_travel),
        "travel_per_visit": round(result.total_travel / max(result.assigned, 1), 2),
        "load_std": round(float(working.std()), 2) if len(working) else 0.0,
        "max_load": int(loads.max()) if len(loads) else 0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    t = time.perf_counter()
    p = build(args.scale, args.seed)
    build_s = time.perf_counter() - t
    n_cg = len(p.cg_provider)
    t = time.perf_counter()
    ours = summary(engine.assign(p), n_cg, time.perf_counter() - t)
    t = time.perf_counter()
    base = summary(engine.nearest_first(p), n_cg, time.perf_counter() - t)
    print(f"orders {len(p.order_start):,}  caregivers {n_cg:,}  (built in {build_s:.1f} s)")
    for name, r in (("assignment", ours), ("nearest-first", base)):
        print(
            f"  {name:14s} {r['seconds']:7.2f} s  assigned {r['assigned']:,}  travel {r['travel_minutes']:,} min"
            f"  ({r['travel_per_visit']} min/visit)  load std {r['load_std']}  max {r['max_load']}"
        )
    out = {
        "bench": "homecare_dispatch",
        "scale": args.scale,
        "orders": len(p.order_start),
        "caregivers": n_cg,
        "assign": ours,
        "nearest_first": base,
        "travel_ratio": round(ours["travel_minutes"] / max(base["travel_minutes"], 1), 3),
        "travel_per_visit_ratio": round(ours["travel_per_visit"] / max(base["travel_per_visit"], 1e-9), 3),
        "assigned_ratio": round(ours["assigned"] / max(base["assigned"], 1), 3),
        "time_ratio": round(ours["seconds"] / max(base["seconds"], 1e-9), 2),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
