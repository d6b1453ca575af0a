"""The dispatch engine: which caregiver takes which order of a day. Pure NumPy/SciPy, no database,
so that the service (services.dispatch_day), the periodic escalation and the benchmark run the
same code.

Orders are taken in time slices (by window start). In each slice and for each provider, a cost
matrix orders × caregivers holds the travel time from where the caregiver will be (their base, or
the place of their previous visit) plus a fairness term for work already given that day; pairs
that are not allowed (another provider, level too low, no valid 健康证, not free in time, day
full) cost INFEASIBLE. The slice is solved as an assignment problem (scipy's
linear_sum_assignment, a Jonker-Volgenant solver), which beats taking the orders one by one.
`nearest_first` is the simple baseline: every order in turn goes to the nearest free caregiver.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

INFEASIBLE = 1e6
EARTH_RADIUS_KM = 6371.0
DETOUR = 1.3  # road distance over straight-line distance, a common urban factor


@dataclass
class Problem:
    """Times are minutes from the start of the day. Arrays of one row per order / caregiver."""

    order_start: np.ndarray
    order_end: np.ndarray
    order_lat: np.ndarray
    order_lng: np.ndarray
    order_provider: np.ndarray
    order_level: np.ndarray  # minimum 养老护理员 level (0: none)
    order_health: np.ndarray  # bool: needs a valid 健康证
    cg_provider: np.ndarray
    cg_lat: np.ndarray
    cg_lng: np.ndarray
    cg_level: np.ndarray
    cg_health: np.ndarray
    # Visits already fixed (accepted earlier): caregiver index, start, end, lat, lng.
    fixed: list[tuple[int, float, float, float, float]] = field(default_factory=list)
    # Caregivers who may not take an order (they declined it): order index -> caregiver indices.
    excluded: dict[int, set[int]] = field(default_factory=dict)
    # Every other certificate the orders need (workforce/requirements.py, by task): each order's
    # row of `need_ok` (-1: none), whose columns say which caregivers hold what it needs on the day.
    order_need: np.ndarray | None = None
    need_ok: np.ndarray | None = None  # bool: distinct requirement sets × caregivers
    speed_kmh: float = 15.0
    fair_minutes: float = 4.0  # cost of one more visit for a caregiver (fair share)
    max_visits: int = 12
    slice_minutes: float = 15.0


@dataclass
class Result:
    caregiver: np.ndarray  # per order: caregiver index or -1
    travel: np.ndarray  # per order: travel minutes to it (nan when unassigned)

    @property
    def assigned(self) -> int:
        return int((self.caregiver >= 0).sum())

    @property
    def total_travel(self) -> float:
        return float(np.nansum(self.travel))

    def loads(self, n_caregivers: int) -> np.ndarray:
        return np.bincount(self.caregiver[self.caregiver >= 0], minlength=n_caregivers)


def travel_minutes(lat1, lng1, lat2, lng2, speed_kmh: float) -> np.ndarray:
    """Estimated travel time (haversine × detour at `speed_kmh`), broadcasting over arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(np.asarray(lng2) - np.asarray(lng1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1))) * DETOUR
    return km / speed_kmh * 60.0


class _State:
    """Where each caregiver is and when they are free, as orders are handed out in time order."""

    def __init__(self, p: Problem):
        n = len(p.cg_provider)
        self.p = p
        self.free_at = np.zeros(n)
        self.lat = p.cg_lat.astype(float).copy()
        self.lng = p.cg_lng.astype(float).copy()
        self.load = np.zeros(n, dtype=int)
        fixed = sorted(p.fixed, key=lambda f: f[1])
        self.fixed_by_cg: dict[int, list] = {}
        for f in fixed:
            self.fixed_by_cg.setdefault(f[0], []).append(f)
            self.load[f[0]] += 1

    def advance(self, now: float) -> None:
        """Apply fixed visits that start before `now` (the caregiver is there afterwards)."""
        for cg, visits in self.fixed_by_cg.items():
            while visits and visits[0][1] <= now:
                _, _s, e, la, ln = visits.pop(0)
                self.free_at[cg] = max(self.free_at[cg], e)
                self.lat[cg], self.lng[cg] = la, ln

    def next_fixed_start(self, cols: np.ndarray) -> np.ndarray:
        out = np.full(len(cols), np.inf)
        for k, cg in enumerate(cols):
            visits = self.fixed_by_cg.get(int(cg))
            if visits:
                out[k] = visits[0][1]
        return out

    def costs(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(travel, feasible) matrices for orders `rows` × caregivers `cols`."""
        p = self.p
        travel = travel_minutes(
            self.lat[cols][None, :],
            self.lng[cols][None, :],
            p.order_lat[rows][:, None],
            p.order_lng[rows][:, None],
            p.speed_kmh,
        )
        ok = p.order_provider[rows][:, None] == p.cg_provider[cols][None, :]
        ok &= p.cg_level[cols][None, :] >= p.order_level[rows][:, None]
        ok &= p.cg_health[cols][None, :] | ~p.order_health[rows][:, None]
        if p.order_need is not None and p.need_ok is not None:
            need = p.order_need[rows]
            ok &= (need < 0)[:, None] | p.need_ok[np.maximum(need, 0)][:, cols]
        ok &= (self.free_at[cols][None, :] + travel) <= p.order_start[rows][:, None]
        ok &= (self.load[cols] < p.max_visits)[None, :]
        nxt = self.next_fixed_start(cols)
        ok &= p.order_end[rows][:, None] <= nxt[None, :]
        for i, o in enumerate(rows):
            banned = p.excluded.get(int(o))
            if banned:
                ok[i] &= ~np.isin(cols, list(banned))
        return travel, ok

    def take(self, order: int, cg: int) -> None:
        p = self.p
        self.free_at[cg] = p.order_end[order]
        self.lat[cg], self.lng[cg] = p.order_lat[order], p.order_lng[order]
        self.load[cg] += 1


def _slices(p: Problem):
    order = np.argsort(p.order_start, kind="stable")
    if not len(order):
        return
    starts = p.order_start[order]
    edges = np.floor((starts - starts[0]) / p.slice_minutes).astype(int)
    for value in np.unique(edges):
        yield order[edges == value]


def assign(p: Problem) -> Result:
    """Slice-by-slice optimal assignment with travel + fairness costs."""
    n = len(p.order_start)
    result = Result(caregiver=np.full(n, -1), travel=np.full(n, np.nan))
    state = _State(p)
    cols_by_provider = {int(v): np.flatnonzero(p.cg_provider == v) for v in np.unique(p.cg_provider)}
    for rows in _slices(p):
        state.advance(float(p.order_start[rows].min()))
        for prov in np.unique(p.order_provider[rows]):
            r = rows[p.order_provider[rows] == prov]
            cols = cols_by_provider.get(int(prov))
            if cols is None or not len(cols):
                continue
            travel, ok = state.costs(r, cols)
            usable = ok.any(axis=0)
            if not usable.any():
                continue
            cols_u, travel, ok = cols[usable], travel[:, usable], ok[:, usable]
            cost = np.where(ok, travel + p.fair_minutes * state.load[cols_u][None, :], INFEASIBLE)
            ri, ci = linear_sum_assignment(cost)
            for a, b in zip(ri, ci, strict=True):
                if ok[a, b]:
                    o, cg = int(r[a]), int(cols_u[b])
                    result.caregiver[o] = cg
                    result.travel[o] = travel[a, b]
                    state.take(o, cg)
    return result


def nearest_first(p: Problem) -> Result:
    """Baseline: orders in start order, each to the nearest caregiver free and allowed for it."""
    n = len(p.order_start)
    result = Result(caregiver=np.full(n, -1), travel=np.full(n, np.nan))
    state = _State(p)
    cols_by_provider = {int(v): np.flatnonzero(p.cg_provider == v) for v in np.unique(p.cg_provider)}
    for o in np.argsort(p.order_start, kind="stable"):
        state.advance(float(p.order_start[o]))
        cols = cols_by_provider.get(int(p.order_provider[o]))
        if cols is None or not len(cols):
            continue
        travel, ok = state.costs(np.array([o]), cols)
        travel, ok = travel[0], ok[0]
        if not ok.any():
            continue
        k = int(np.argmin(np.where(ok, travel, np.inf)))
        result.caregiver[o] = int(cols[k])
        result.travel[o] = travel[k]
        state.take(int(o), int(cols[k]))
    return result
