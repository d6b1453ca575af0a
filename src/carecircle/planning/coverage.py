"""15-minute coverage: walking distance from every home to the nearest facility of a kind.

One multi-source Dijkstra per facility kind (`scipy.sparse.csgraph.dijkstra` with every facility's
node as a source, `min_only=True` and `limit` = the distance walked in the time allowed) gives
each node its distance to the nearest facility; a home's walk is its straight line to the
nearest node plus that node's distance. Facilities are placed on their nearest node."""

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from carecircle.planning.network import Network, storage_dir
from carecircle.planning.places import RoadIndex

WALK_SPEED_M_PER_MIN = 75.0  # 4.5 km/h, a common planning figure for older pedestrians


def node_distance(graph: sparse.csr_matrix, sources: np.ndarray, limit: float) -> np.ndarray:
    """Distance (metres) from every node to its nearest source node; inf beyond `limit`."""
    sources = np.unique(np.asarray(sources, dtype=np.int64))
    if len(sources) == 0:
        return np.full(graph.shape[0], np.inf)
    return dijkstra(graph, directed=True, indices=sources, min_only=True, limit=limit)


def home_distance(node_dist: np.ndarray, home_nodes: np.ndarray, home_snap: np.ndarray) -> np.ndarray:
    return node_dist[home_nodes] + home_snap


@dataclass
class Loaded:
    network: Network
    graph: sparse.csr_matrix
    snap: Callable[..., tuple[np.ndarray, np.ndarray]]  # (lat, lon) -> (nearest nodes, distances to them)
    mtime: float
    _roads: RoadIndex | None = None

    def roads(self) -> RoadIndex:
        """The named roads, indexed on first use (place names of siting results and gaps)."""
        if self._roads is None:
            self._roads = RoadIndex(self.network)
        return self._roads


_cache: dict[str, Loaded] = {}
_lock = threading.Lock()


def load(file_name: str) -> Loaded:
    """The network of a stored file with its CSR graph and nearest-node index, kept in memory
    while the file is unchanged (loading is the slow part; the searches are fast)."""
    path = storage_dir() / file_name
    mtime = path.stat().st_mtime
    with _lock:
        hit = _cache.get(str(path))
        if hit and hit.mtime == mtime:
            return hit
    net = Network.load(path)
    loaded = Loaded(net, net.graph(), net.snapper(), mtime)
    with _lock:
        _cache.clear()  # one network at a time: they can be large
        _cache[str(path)] = loaded
    return loaded
