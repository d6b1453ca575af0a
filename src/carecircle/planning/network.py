"""Walking networks as arrays: node coordinates, undirected edges with lengths in metres.

Read from an OpenStreetMap PBF file with pyrosm, or generated for the synthetic city; stored as
.npz files in $CARECIRCLE_HOME/planning/; turned into a SciPy CSR matrix for shortest paths.

Beside the graph a network may carry what the platform's basemap draws and what a place is called
(planning/basemap.py, planning/places.py): each edge's road name (`edge_name` indexes `names`, -1:
none; from the PBF's ways, or the synthetic grid's generated names) and water (`water`: rings and
lines of lakes, rivers and canals read from the same PBF; the synthetic city has none)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from carecircle.core.datadir import data_home

EARTH_RADIUS_M = 6_371_008.8


@dataclass
class Network:
    lat: np.ndarray  # float64, per node
    lon: np.ndarray
    src: np.ndarray  # int32, per edge (each undirected edge once)
    dst: np.ndarray
    length: np.ndarray  # float32 metres
    osm_ids: np.ndarray | None = None
    names: np.ndarray | None = None  # str, the distinct road names
    edge_name: np.ndarray | None = None  # int32 per edge: index into `names`, -1 without a name
    water: "Water | None" = None

    @property
    def nodes(self) -> int:
        return len(self.lat)

    @property
    def edges(self) -> int:
        return len(self.src)

    def graph(self) -> sparse.csr_matrix:
        """Symmetric CSR matrix of edge lengths (parallel edges keep the shortest)."""
        n = self.nodes
        u = np.concatenate([self.src, self.dst])
        v = np.concatenate([self.dst, self.src])
        w = np.concatenate([self.length, self.length]).astype(np.float64)
        # zero-length edges would vanish from a sparse matrix: give them a millimetre
        w = np.maximum(w, 1e-3)
        order = np.lexsort((w, v, u))
        u, v, w = u[order], v[order], w[order]
        keep = np.ones(len(u), dtype=bool)
        keep[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        return sparse.csr_matrix((w[keep], (u[keep], v[keep])), shape=(n, n))

    def projector(self):
        """Equirectangular projection to metres around the network's centre (good to well under
        1% over a city) for nearest-node searches."""
        lat0 = float(np.mean(self.lat)) if self.nodes else 0.0
        k = np.cos(np.radians(lat0))

        def project(lat, lon):
            lat = np.asarray(lat, dtype=np.float64)
            lon = np.asarray(lon, dtype=np.float64)
            return np.column_stack([np.radians(lon) * k * EARTH_RADIUS_M, np.radians(lat) * EARTH_RADIUS_M])

        return project

    def snapper(self):
        """A function (lat, lon) -> (nearest node index, straight-line distance in metres)."""
        project = self.projector()
        tree = cKDTree(project(self.lat, self.lon))

        def snap(lat, lon):
            if len(lat) == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0)
            dist, idx = tree.query(project(lat, lon), workers=-1)
            return idx.astype(np.int64), dist

        return snap

    def road_name(self, edge: int) -> str:
        if self.names is None or self.edge_name is None:
            return ""
        i = int(self.edge_name[edge])
        return str(self.names[i]) if i >= 0 else ""

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        extra: dict[str, Any] = {}
        if self.names is not None and self.edge_name is not None:
            extra.update(names=self.names.astype(str), edge_name=self.edge_name.astype(np.int32))
        if self.water is not None:
            extra.update(
                water_lat=self.water.lat,
                water_lon=self.water.lon,
                water_start=self.water.start,
                water_area=self.water.area,
            )
        np.savez(tmp, lat=self.lat, lon=self.lon, src=self.src, dst=self.dst, length=self.length, **extra)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Network":
        with np.load(path) as f:
            keys = set(f.files)
            water = None
            if "water_lat" in keys:
                water = Water(f["water_lat"], f["water_lon"], f["water_start"], f["water_area"])
            return cls(
                lat=f["lat"],
                lon=f["lon"],
                src=f["src"],
                dst=f["dst"],
                length=f["length"],
                names=f["names"] if "names" in keys else None,
                edge_name=f["edge_name"] if "edge_name" in keys else None,
                water=water,
            )


@dataclass
class Water:
    """Lakes, rivers and canals as parts: part k is lat/lon[start[k]:start[k+1]], a filled ring
    when area[k] (natural=water, reservoirs, riverbanks) or a line (a waterway)."""

    lat: np.ndarray  # float64
    lon: np.ndarray
    start: np.ndarray  # int64, parts + 1 offsets
    area: np.ndarray  # bool per part

    @property
    def parts(self) -> int:
        return len(self.area)

    @classmethod
    def from_parts(cls, parts: list[tuple[np.ndarray, np.ndarray, bool]]) -> "Water":
        lengths = [len(p[0]) for p in parts]
        start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return cls(
            lat=np.concatenate([p[0] for p in parts]).astype(np.float64) if parts else np.zeros(0),
            lon=np.concatenate([p[1] for p in parts]).astype(np.float64) if parts else np.zeros(0),
            start=start,
            area=np.array([p[2] for p in parts], dtype=bool),
        )


def haversine_m(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=np.float64)) for a in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def storage_dir() -> Path:
    return data_home() / "planning"


def from_pbf(path: str | Path) -> Network:
    """The walking network of an OSM PBF extract (pyrosm's "walking" filter): every way segment
    becomes an undirected edge with its length in metres."""
    import pyrosm  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

    osm = pyrosm.OSM(str(path))
    result = osm.get_network(network_type="walking", nodes=True)
    if result is None:
        raise ValueError("no walkable ways in this file")
    nodes, edges = result
    ids = nodes["id"].to_numpy(dtype=np.int64)
    order = np.argsort(ids)
    ids = ids[order]
    lat = nodes["lat"].to_numpy(dtype=np.float64)[order]
    lon = nodes["lon"].to_numpy(dtype=np.float64)[order]
    eu = edges["u"].to_numpy(dtype=np.int64)
    ev = edges["v"].to_numpy(dtype=np.int64)
    u = np.minimum(np.searchsorted(ids, eu), len(ids) - 1)
    v = np.minimum(np.searchsorted(ids, ev), len(ids) - 1)
    keep = (ids[u] == eu) & (ids[v] == ev) & (u != v)  # both ends known, no loops
    length = np.array(edges["length"].to_numpy(dtype=np.float64), copy=True)
    bad = ~np.isfinite(length)
    if bad.any():
        length[bad] = haversine_m(lat[u[bad]], lon[u[bad]], lat[v[bad]], lon[v[bad]])
    raw = edges["name"].to_numpy(dtype=object)[keep] if "name" in edges else np.full(keep.sum(), None)
    named = np.array([isinstance(n, str) and n.strip() != "" for n in raw], dtype=bool)
    names, inverse = np.unique(np.array([str(n).strip() for n in raw[named]], dtype=str), return_inverse=True)
    edge_name = np.full(len(raw), -1, dtype=np.int32)
    edge_name[named] = inverse.ravel()
    return Network(
        lat=lat,
        lon=lon,
        src=u[keep].astype(np.int32),
        dst=v[keep].astype(np.int32),
        length=length[keep].astype(np.float32),
        osm_ids=ids,
        names=names,
        edge_name=edge_name,
        water=_pbf_water(osm),
    )


WATER_FILTER = {
    "natural": ["water"],
    "waterway": ["river", "canal", "stream", "riverbank", "ditch"],
    "landuse": ["reservoir", "basin"],
}


def _pbf_water(osm) -> Water:
    """Lakes, reservoirs and riverbanks (filled) and rivers, canals and streams (lines) of the PBF."""
    frame = osm.get_data_by_custom_criteria(
        custom_filter=WATER_FILTER, filter_type="keep", keep_nodes=False, keep_ways=True, keep_relations=True
    )
    parts: list[tuple[np.ndarray, np.ndarray, bool]] = []
    if frame is None:
        return Water.from_parts(parts)
    waterway = frame["waterway"] if "waterway" in frame else [None] * len(frame)
    for geom, way in zip(frame.geometry, waterway, strict=True):
        if geom is None or geom.is_empty:
            continue
        for g in getattr(geom, "geoms", [geom]):
            if g.geom_type == "Polygon":
                ring, area = g.exterior.coords, True
            elif g.geom_type == "LineString":
                # a closed way tagged as a water area arrives as a line: fill it
                ring, area = g.coords, bool(g.is_ring) and (not isinstance(way, str) or way == "riverbank")
            else:
                continue
            xy = np.asarray(ring, dtype=np.float64)
            if len(xy) >= 2:
                parts.append((xy[:, 1], xy[:, 0], area))
    return Water.from_parts(parts)


def synthetic(
    centres: list[tuple[float, float]],
    *,
    spacing_m: float = 120.0,
    reach_m: float = 2500.0,
    seed: int = 1,
    drop: float = 0.06,
) -> Network:
    """A street grid for a synthetic city: a jittered lattice with `spacing_m` between junctions,
    kept within `reach_m` of some community centre, a few links dropped (blocks, rivers) and
    lengths measured on the jittered positions times a small detour factor."""
    rng = np.random.default_rng(seed)
    c = np.asarray(centres, dtype=np.float64)
    lat0 = float(c[:, 0].mean())
    m_per_deg_lat = np.pi * EARTH_RADIUS_M / 180
    m_per_deg_lon = m_per_deg_lat * np.cos(np.radians(lat0))
    y = (c[:, 0] - lat0) * m_per_deg_lat
    x = (c[:, 1] - c[:, 1].mean()) * m_per_deg_lon
    x0, x1 = x.min() - reach_m, x.max() + reach_m
    y0, y1 = y.min() - reach_m, y.max() + reach_m
    nx_, ny_ = int((x1 - x0) // spacing_m) + 1, int((y1 - y0) // spacing_m) + 1
    gx, gy = np.meshgrid(x0 + spacing_m * np.arange(nx_), y0 + spacing_m * np.arange(ny_))
    gx, gy = gx.ravel(), gy.ravel()
    near, _idx = cKDTree(np.column_stack([x, y])).query(
        np.column_stack([gx, gy]), distance_upper_bound=reach_m
    )
    inside = np.isfinite(near)
    index = np.full(nx_ * ny_, -1, dtype=np.int64)
    index[inside] = np.arange(inside.sum())
    px = gx[inside] + rng.normal(0, spacing_m * 0.12, inside.sum())
    py = gy[inside] + rng.normal(0, spacing_m * 0.12, inside.sum())
    grid = np.arange(nx_ * ny_).reshape(ny_, nx_)
    pairs = [
        np.column_stack([grid[:, :-1].ravel(), grid[:, 1:].ravel()]),
        np.column_stack([grid[:-1, :].ravel(), grid[1:, :].ravel()]),
    ]
    # each edge lies on a road: a row of the lattice (east-west, a 路) or a column (north-south, a 街)
    road = np.concatenate(
        [np.repeat(np.arange(ny_), nx_ - 1), ny_ + np.tile(np.arange(nx_), ny_ - 1)]
    ).astype(np.int32)
    e = np.concatenate(pairs)
    e = index[e]
    both = (e[:, 0] >= 0) & (e[:, 1] >= 0)
    e, road = e[both], road[both]
    kept = rng.random(len(e)) >= drop
    e, road = e[kept], road[kept]
    length = np.hypot(px[e[:, 0]] - px[e[:, 1]], py[e[:, 0]] - py[e[:, 1]]) * rng.uniform(1.0, 1.15, len(e))
    lat = lat0 + py / m_per_deg_lat
    lon = c[:, 1].mean() + px / m_per_deg_lon
    return Network(
        lat=lat,
        lon=lon,
        src=e[:, 0].astype(np.int32),
        dst=e[:, 1].astype(np.int32),
        length=length.astype(np.float32),
        names=synthetic_road_names(ny_, nx_),
        edge_name=road,
    )


_STEMS = "文学德胜兴华明秀安康福寿和平丰潭古墩莫干天目紫金翠苑青竹梅花桂香"
_NUMERALS = "一二三四五六七八九十"


def synthetic_road_names(rows: int, cols: int) -> np.ndarray:
    """Generated names for the synthetic grid: rows are 路 (east-west), columns 街 (north-south),
    e.g. 文一路, 学三街; unique within the city."""

    def name(i: int, suffix: str) -> str:
        stem = _STEMS[i % len(_STEMS)]
        round_ = i // len(_STEMS)
        return stem + _NUMERALS[round_ % 10] * (1 + round_ // 10) + suffix

    return np.array([name(r, "路") for r in range(rows)] + [name(c, "街") for c in range(cols)], dtype=str)
