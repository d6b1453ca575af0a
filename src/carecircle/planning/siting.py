"""Where to build next: the maximal covering location problem (MCLP).

Given demand points with weights (uncovered homes), candidate sites and which candidates would
cover each point, choose `p` sites covering the most weight. Two solvers:

- `greedy`: lazy greedy (marginal gains kept in a heap and re-evaluated only when popped); the
  classical (1 - 1/e) guarantee holds, in practice it is within a few per cent of the optimum;
- `exact`: the MIP max Σ w_i y_i, y_i ≤ Σ_{j∈N(i)} x_j, Σ x_j = p, x binary, solved by HiGHS,
  which also reports a proven upper bound when stopped by its time limit.

Demand points with the same set of covering candidates are merged first (their weights add up),
which shrinks real instances by an order of magnitude without changing the optimum.
"""

import heapq
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from carecircle.core import native_output


@dataclass
class Instance:
    cover: sparse.csr_matrix  # demand × candidate, 1 where the candidate covers the point
    weight: np.ndarray  # per demand point

    @property
    def points(self) -> int:
        return self.cover.shape[0]

    @property
    def candidates(self) -> int:
        return self.cover.shape[1]


def merge(inst: Instance) -> Instance:
    """Merge demand points that share the same covering set; drop points nobody can cover."""
    cover = inst.cover.tocsr()
    cover.sort_indices()
    groups: dict[bytes, int] = {}
    rows: list[np.ndarray] = []
    weights: list[float] = []
    for i in range(cover.shape[0]):
        cols = cover.indices[cover.indptr[i] : cover.indptr[i + 1]]
        if len(cols) == 0:
            continue
        key = cols.tobytes()
        g = groups.get(key)
        if g is None:
            groups[key] = len(rows)
            rows.append(cols)
            weights.append(float(inst.weight[i]))
        else:
            weights[g] += float(inst.weight[i])
    if not rows:
        return Instance(sparse.csr_matrix((0, cover.shape[1])), np.zeros(0))
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])])
    indices = np.concatenate(rows)
    data = np.ones(len(indices), dtype=np.int8)
    return Instance(
        sparse.csr_matrix((data, indices, indptr), shape=(len(rows), cover.shape[1])), np.array(weights)
    )


def covered_weight(inst: Instance, chosen) -> float:
    if len(chosen) == 0:
        return 0.0
    hit = inst.cover[:, list(chosen)].sum(axis=1).A1 > 0
    return float(inst.weight[hit].sum())


def greedy(inst: Instance, p: int) -> tuple[list[int], float]:
    """Lazy greedy: returns the chosen candidate indices (in order of choice) and the weight covered."""
    by_cand = inst.cover.tocsc()
    covered = np.zeros(inst.points, dtype=bool)

    def gain(j):
        rows = by_cand.indices[by_cand.indptr[j] : by_cand.indptr[j + 1]]
        return float(inst.weight[rows[~covered[rows]]].sum())

    heap = [(-gain(j), j) for j in range(inst.candidates)]
    heapq.heapify(heap)
    chosen: list[int] = []
    total = 0.0
    while heap and len(chosen) < p:
        neg, j = heapq.heappop(heap)
        g = gain(j)  # gains only shrink as more is covered: re-check the popped one
        if heap and g < -heap[0][0]:
            heapq.heappush(heap, (-g, j))
            continue
        if g <= 0:
            break
        chosen.append(j)
        total += g
        rows = by_cand.indices[by_cand.indptr[j] : by_cand.indptr[j + 1]]
        covered[rows] = True
    return chosen, total


_highs_made = False


def _highs(highspy: Any) -> Any:
    """A HiGHS solver. The process's first prints HiGHS's English banner before output_flag can be
    set: that one is made with the native output sent to the log (core/native_output.py)."""
    global _highs_made  # noqa: PLW0603 — once per process, as HiGHS prints its banner
    if _highs_made:
        return highspy.Highs()
    with native_output.logged(__name__):
        h = highspy.Highs()
    _highs_made = True
    return h


def exact(inst: Instance, p: int, *, time_limit: float = 30.0) -> dict:
    """Solve the MIP with HiGHS. Returns chosen indices, objective, proven bound, optimality."""
    import highspy  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

    nd, nc = inst.points, inst.candidates
    started = time.perf_counter()
    if nd == 0 or nc == 0:
        return {"chosen": [], "objective": 0.0, "bound": 0.0, "optimal": True, "seconds": 0.0}
    h = _highs(highspy)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-6)
    lp = highspy.HighsLp()
    lp.num_col_ = nc + nd
    lp.num_row_ = nd + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate([np.zeros(nc), inst.weight.astype(np.float64)])
    lp.col_lower_ = np.zeros(nc + nd)
    lp.col_upper_ = np.ones(nc + nd)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.concatenate([np.full(nd, -inf), [float(min(p, nc))]])
    lp.row_upper_ = np.concatenate([np.zeros(nd), [float(min(p, nc))]])
    # Row i: y_i - Σ_{j∈N(i)} x_j ≤ 0 ; last row: Σ x_j = p.
    cover = inst.cover.tocsr()
    counts = np.diff(cover.indptr)
    starts = np.concatenate([[0], np.cumsum(counts + 1)])
    index = np.empty(starts[-1] + nc, dtype=np.int32)
    value = np.empty(starts[-1] + nc, dtype=np.float64)
    for i in range(nd):
        s = starts[i]
        index[s] = nc + i
        value[s] = 1.0
        index[s + 1 : starts[i + 1]] = cover.indices[cover.indptr[i] : cover.indptr[i + 1]]
        value[s + 1 : starts[i + 1]] = -1.0
    index[starts[-1] :] = np.arange(nc)
    value[starts[-1] :] = 1.0
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.concatenate([starts, [starts[-1] + nc]]).astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.integrality_ = [highspy.HighsVarType.kInteger] * nc + [highspy.HighsVarType.kContinuous] * nd
    h.passModel(lp)
    h.run()
    sol = np.array(h.getSolution().col_value[:nc]) if h.getSolution().value_valid else np.zeros(nc)
    chosen = [int(j) for j in np.flatnonzero(sol > 0.5)]
    info = h.getInfo()
    status = h.getModelStatus()
    optimal = status == highspy.HighsModelStatus.kOptimal
    objective = covered_weight(inst, chosen)
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else objective
    return {
        "chosen": chosen,
        "objective": objective,
        "bound": max(bound, objective) if not optimal else objective,
        "optimal": bool(optimal),
        "seconds": time.perf_counter() - started,
    }


def build_instance(
    graph: sparse.csr_matrix,
    cand_nodes: np.ndarray,
    demand_nodes: np.ndarray,
    demand_snap: np.ndarray,
    demand_weight: np.ndarray,
    limit: float,
    max_cells: int = 20_000_000,
) -> Instance:
    """Which candidates cover which demand points: a point is covered by a candidate when the
    walk (network distance from the candidate's node to the point's node, plus the point's
    straight-line walk to its node) is within `limit` metres. Candidates are searched in chunks
    so that the dense distance block stays under `max_cells` numbers."""
    n = graph.shape[0]
    chunk = max(1, min(len(cand_nodes), max_cells // max(n, 1)))
    budget = limit - demand_snap
    rows, cols = [], []
    for start in range(0, len(cand_nodes), chunk):
        block = np.atleast_2d(
            dijkstra(graph, directed=True, indices=cand_nodes[start : start + chunk], limit=limit)
        )
        reach = block[:, demand_nodes] <= budget[None, :]
        c, d = np.nonzero(reach)
        rows.append(d)
        cols.append(c + start)
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    cover = sparse.csr_matrix(
        (np.ones(len(r), dtype=np.int8), (r, c)), shape=(len(demand_nodes), len(cand_nodes))
    )
    cover.data[:] = 1
    return Instance(cover, np.asarray(demand_weight, dtype=np.float64))
