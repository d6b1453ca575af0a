"""What a place is called, for siting results and coverage gaps: the nearest named road (from the
network's edge names) and the community the point lies in (its boundary) or is nearest to (its
office's coordinates) — "文一路（桂花社区）" — never an internal node number."""

import threading

import numpy as np
from django.utils.translation import gettext as _
from scipy.spatial import cKDTree

from carecircle.core import regions
from carecircle.core.models import Region
from carecircle.planning.network import Network, storage_dir

ROAD_WITHIN_M = 300.0  # a road further than this does not name the place


class RoadIndex:
    """The named edges of a network, found by their midpoints, measured to the segment."""

    def __init__(self, net: Network) -> None:
        self.project = net.projector()
        named = np.zeros(net.edges, dtype=bool) if net.edge_name is None else net.edge_name >= 0
        self.edges = np.flatnonzero(named)
        self.road = net.edge_name[self.edges] if net.edge_name is not None else np.zeros(0, dtype=np.int32)
        self.road_names = net.names if net.names is not None else np.zeros(0, dtype=str)
        a = self.project(net.lat[net.src[self.edges]], net.lon[net.src[self.edges]])
        b = self.project(net.lat[net.dst[self.edges]], net.lon[net.dst[self.edges]])
        self.a, self.b = a, b
        # unbalanced and not compacted: built in half the time, queried only a few thousand times
        self.tree = (
            cKDTree((a + b) / 2, balanced_tree=False, compact_nodes=False) if len(self.edges) else None
        )

    def names(self, lat, lon, within_m: float = ROAD_WITHIN_M) -> list[str]:
        """The nearest named road of each point ("" when none lies within `within_m`)."""
        lat, lon = np.atleast_1d(lat), np.atleast_1d(lon)
        if self.tree is None or len(lat) == 0:
            return [""] * len(lat)
        p = self.project(lat, lon)
        k = min(6, len(self.edges))
        _dist, idx = self.tree.query(p, k=k)
        idx = idx.reshape(len(p), k)
        a, b = self.a[idx], self.b[idx]  # points × k × 2
        ab = b - a
        t = np.clip(
            np.einsum("ijk,ijk->ij", p[:, None, :] - a, ab)
            / np.maximum(np.einsum("ijk,ijk->ij", ab, ab), 1e-9),
            0,
            1,
        )
        d = np.linalg.norm(p[:, None, :] - (a + t[..., None] * ab), axis=2)
        best = np.argmin(d, axis=1)
        out = []
        for i, j in enumerate(best):
            out.append(str(self.road_names[self.road[idx[i, j]]]) if d[i, j] <= within_m else "")
        return out


_indexes: dict[str, tuple[float, RoadIndex]] = {}
_lock = threading.Lock()


def road_index(file_name: str) -> RoadIndex | None:
    """The named roads of a stored network, kept in memory while its file is unchanged (a page
    that names places needs neither the graph nor the nearest-node index); None without the file."""
    path = storage_dir() / file_name
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _lock:
        hit = _indexes.get(str(path))
        if hit and hit[0] == mtime:
            return hit[1]
    index = RoadIndex(Network.load(path))
    with _lock:
        _indexes.clear()  # one network at a time: they can be large
        _indexes[str(path)] = (mtime, index)
    return index


def _inside(ring: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Ray casting: which points lie inside a closed ring of (lon, lat)."""
    x0, y0 = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    crosses = ((y0[None, :] > lat[:, None]) != (y1[None, :] > lat[:, None])) & (
        lon[:, None]
        < (x1 - x0)[None, :] * (lat[:, None] - y0[None, :]) / np.where(y1 == y0, 1e-12, y1 - y0)[None, :]
        + x0[None, :]
    )
    return np.count_nonzero(crosses, axis=1) % 2 == 1


def _outer_rings(shape) -> list[np.ndarray]:
    if not isinstance(shape, dict):
        return []
    if shape.get("type") == "Feature":
        return _outer_rings(shape.get("geometry"))
    coords = shape.get("coordinates") or []
    polygons = (
        [coords] if shape.get("type") == "Polygon" else coords if shape.get("type") == "MultiPolygon" else []
    )
    rings = []
    for poly in polygons:
        try:
            ring = np.asarray(poly[0], dtype=np.float64)
        except (TypeError, ValueError, IndexError):  # a malformed imported boundary: not used
            continue
        if ring.ndim == 2 and ring.shape[0] >= 3 and ring.shape[1] >= 2:
            rings.append(ring[:, :2])
    return rings


def communities(lat, lon, prefix: str) -> list[str]:
    """The name of the community (村/社区) under `prefix` each point lies in, else the nearest one."""
    lat, lon = (
        np.atleast_1d(np.asarray(lat, dtype=np.float64)),
        np.atleast_1d(np.asarray(lon, dtype=np.float64)),
    )
    rows = list(
        Region.objects.filter(code__startswith=prefix, level=regions.COMMUNITY).values_list(
            "name", "latitude", "longitude", "boundary"
        )
    )
    names = [""] * len(lat)
    for name, _la, _lo, shape in rows:
        for ring in _outer_rings(shape):
            for i in np.flatnonzero(_inside(ring, lon, lat)).tolist():
                names[i] = names[i] or name
    centres = [(n, la, lo) for n, la, lo, _s in rows if la is not None and lo is not None]
    missing = [i for i, n in enumerate(names) if not n]
    if centres and missing:
        k = np.cos(np.radians(float(np.mean([c[1] for c in centres]))))
        tree = cKDTree(np.array([(c[2] * k, c[1]) for c in centres]))
        _d, idx = tree.query(np.column_stack([lon[missing] * k, lat[missing]]))
        for i, j in zip(missing, np.atleast_1d(idx).tolist(), strict=True):
            names[i] = centres[j][0]
    return names


def label(road: str, community: str) -> str:
    if road and community:
        return _("%(road)s（%(community)s）") % {"road": road, "community": community}
    return road or community or _("未命名地点")


def labels(roads: RoadIndex | None, lat, lon, prefix: str) -> list[str]:
    """ "Road (community)" for each point; the community alone where no named road is near."""
    near = roads.names(lat, lon) if roads is not None else [""] * len(np.atleast_1d(lat))
    return [label(r, c) for r, c in zip(near, communities(lat, lon, prefix), strict=True)]
