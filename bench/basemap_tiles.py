"""Drawing the platform's own basemap tiles (planning/basemap_render.py) over a city's street grid.

    python bench/basemap_tiles.py [--scale S] [--tiles T] [--naive-tiles N]

Scale 1 is the full city of the issues: a street grid of about 1.05 million junctions (100 m apart,
jittered, 6% of links dropped, planning.network.synthetic). The default scale is small (0.02).
No database: the timed part is what the tile view runs on a cache miss (render + PNG encode) for
T random tiles per zoom from 12 to 17 that lie on the data.

Baseline in the same run (naive): no index, no culling — every edge of the city drawn into the tile
by Pillow, one call a segment (Pillow clips what falls outside), on N of the same tiles per zoom.
From zoom 14 both draw with Pillow, and their pixels are compared (`identical`).
Prints one JSON line at the end.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
from PIL import ImageDraw

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from carecircle.planning import basemap_render as render  # noqa: E402
from carecircle.planning.network import synthetic  # noqa: E402

FULL_NODES = 1_050_000
ZOOMS = (12, 13, 14, 15, 16, 17)


def city(scale: float):
    """Community centres on a 2 km lattice over a square holding about FULL_NODES·scale junctions."""
    side = 100.0 * math.sqrt(FULL_NODES * scale)
    lat0, lon0 = 30.27, 120.15
    m_lat = 111_195.0
    m_lon = m_lat * math.cos(math.radians(lat0))
    steps = np.arange(0.0, side + 1, 2000.0)
    centres = [(lat0 + y / m_lat, lon0 + x / m_lon) for y in steps for x in steps]
    return synthetic(centres, spacing_m=100.0, reach_m=1500.0, seed=7)


def naive(layers: render.Layers, z: int, x: int, y: int):
    img = render._blank()
    draw = ImageDraw.Draw(img)
    scale, ox, oy = float(render.TILE * (1 << z)), float(x * render.TILE), float(y * render.TILE)
    casing, road = render.road_widths(z)
    seg = np.column_stack(
        [layers.ax * scale - ox, layers.ay * scale - oy, layers.bx * scale - ox, layers.by * scale - oy]
    ).tolist()
    for width, colour in (
        ((casing, render.CASING), (road, render.ROAD)) if casing else ((road, render.MINOR),)
    ):
        for x0, y0, x1, y1 in seg:
            draw.line((x0, y0, x1, y1), fill=colour, width=width)
    return img


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.02)
    ap.add_argument("--tiles", type=int, default=30)
    ap.add_argument("--naive-tiles", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    net = city(args.scale)
    made_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    layers = render.build([(net.lat[net.src], net.lon[net.src], net.lat[net.dst], net.lon[net.dst])], [], [])
    build_s = time.perf_counter() - t0
    per_zoom = {}
    fast_all, naive_all, identical = [], [], True
    for z in ZOOMS:
        # tiles under random junctions: on the data, as a map page asks for them
        picks = rng.choice(net.nodes, size=args.tiles, replace=True)
        tiles = [render.tile_of(float(net.lat[i]), float(net.lon[i]), z) for i in picks]
        times = []
        for x, y in tiles:
            t = time.perf_counter()
            render.encode(render.render(layers, z, x, y))
            times.append(time.perf_counter() - t)
        slow = []
        for x, y in tiles[: args.naive_tiles]:
            t = time.perf_counter()
            img = naive(layers, z, x, y)
            render.encode(img)
            slow.append(time.perf_counter() - t)
            if z >= 14:
                identical &= bool(np.array_equal(np.array(img), np.array(render.render(layers, z, x, y))))
        fast_all += times[: args.naive_tiles]
        naive_all += slow
        per_zoom[z] = {
            "mean_ms": round(1000 * float(np.mean(times)), 2),
            "p95_ms": round(1000 * float(np.percentile(times, 95)), 2),
            "naive_mean_ms": round(1000 * float(np.mean(slow)), 1),
        }
    out = {
        "bench": "basemap_tiles",
        "scale": args.scale,
        "nodes": net.nodes,
        "edges": net.edges,
        "network_s": round(made_s, 2),
        "index_build_s": round(build_s, 3),
        "per_zoom": per_zoom,
        "mean_ms": round(float(np.mean([v["mean_ms"] for v in per_zoom.values()])), 2),
        "naive_mean_ms": round(1000 * float(np.mean(naive_all)), 1),
        "ratio_naive_over_indexed": round(float(np.sum(naive_all) / np.sum(fast_all)), 1),
        "identical_from_zoom_14": identical,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
