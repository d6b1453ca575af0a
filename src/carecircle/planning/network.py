"""Walking networks as arrays: node coordinates, undirected edges with lengths in metres.

Read from an OpenStreetMap PBF file with pyrosm, or generated for the synthetic city; stored as
.npz files in $CARECIRCLE_HOME/planning/; turned into a SciPy CSR matrix for shortest paths."""

from dataclasses import dataclass
from pathlib import Path

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

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, lat=self.lat, lon=self.lon, src=self.src, dst=self.dst, length=self.length)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Network":
        with np.load(path) as f:
            return cls(lat=f["lat"], lon=f["lon"], src=f["src"], dst=f["dst"], length=f["length"])


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
    return Network(
        lat=lat,
        lon=lon,
        src=u[keep].astype(np.int32),
        dst=v[keep].astype(np.int32),
        length=length[keep].astype(np.float32),
        osm_ids=ids,
    )


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
    e = np.concatenate(pairs)
    e = index[e]
    e = e[(e[:, 0] >= 0) & (e[:, 1] >= 0)]
    e = e[rng.random(len(e)) >= drop]
    length = np.hypot(px[e[:, 0]] - px[e[:, 1]], py[e[:, 0]] - py[e[:, 1]]) * rng.uniform(1.0, 1.15, len(e))
    lat = lat0 + py / m_per_deg_lat
    lon = c[:, 1].mean() + px / m_per_deg_lon
    return Network(
        lat=lat,
        lon=lon,
        src=e[:, 0].astype(np.int32),
        dst=e[:, 1].astype(np.int32),
        length=length.astype(np.float32),
    )
